"""Cost surface panel: J over a 2-D slice through the current parameters, with the path.

The surface is computed off the GUI thread on a :class:`~nnviz.training.jobs.JobRunner`
(``cost_surface_compute.compute_surface``): while training runs a coarse grid at most
:data:`LIVE_RATE_HZ` times a second, a fine grid once training pauses. The path extends with
every snapshot on the GUI thread: each new parameter vector costs one ``(2 x n)`` product with
the last surface's projector. Layout: a header with the direction mode and a Settings
toggle (the other settings in a strip that opens above the map), the map (or the optional
3-D view) taking the rest, and under it a key and a few sentences on what to look at.
"""
from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QStackedWidget, QTabWidget, QVBoxLayout, QWidget

from nnviz.training.jobs import JobRunner
from nnviz.training.snapshot import RUNNING

from nnviz.analysis import cost_surface_text as text
from ...widgets.lazy_page import LazyPage
from ..base import Panel, PanelContext
from .view3d import make_view
from nnviz.analysis.cost_surface import SurfaceRequest, compute_surface, path_thetas
from .arrows import ArrowBar, SurfaceArrows, key_html
from .averages import AveragesView
from .controls import SurfaceControls
from .race import RaceView
from .layout import NotesBox, SettingsStrip
from .plots import SurfacePlot, legend_html

LIVE_RESOLUTION = 21     # grid points per axis while training runs
LIVE_RATE_HZ = 4.0       # at most this many live recomputations a second
FAST_RATE_HZ = 0.5       # ... while training runs faster than FAST_STEPS a second: each grid
FAST_STEPS = 1000.0      # and its redraw hold the GIL the worker needs at Max speed (the path
                         # and arrows still move with every frame)
ASPECT_STEP = 1.08       # a resize that changes the plot's shape by more asks for a new grid
PLOT_SHARE = 0.7         # the map keeps at least this share of the panel's height
SPACING = 2
COMPACT_WIDTH = 640        # narrower: the batch buttons leave the tab bar (the builder has it)
ARROW_KEY_MIN_HEIGHT = 560
TABS_MIN_HEIGHT = 500       # shorter (an old dock): the surface alone, the tabs need room  # shorter panels keep the arrows' key in the checkbox's tooltip


class CostSurfacePanel(Panel):
    surface_drawn = Signal(object)  # the SurfaceResult just drawn

    def __init__(self, context: PanelContext | None = None, parent: QWidget | None = None):
        super().__init__(context, parent)
        self.runner = JobRunner("nnviz-cost-surface", parent=self)
        self.runner.finished.connect(self._on_finished)
        self.runner.failed.connect(self._on_failed)
        self._snapshot = None
        self._structure = None        # (layer_dims, head) the pickers were built for
        self.result = None            # the SurfaceResult on screen
        self.values = None            # the drawn image values (J or log10 J)
        self._path_cache: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._last_submit = -1e9
        self._submitted_key = None
        self._waiting = False         # a newer request waits for the running job
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._submit_latest)
        self._resize_timer = QTimer(self)  # a new grid for a new plot shape, once resizing stops
        self._resize_timer.setSingleShot(True)
        self._resize_timer.setInterval(200)
        self._resize_timer.timeout.connect(self._shape_changed)
        self._shut_down = False
        self._colors = context.appearance.colors if context is not None else None
        self._view3d = None
        self._build()
        from ...theme import colors as current_colors
        self.on_theme(self._colors or current_colors())

    # ----- Panel API ---------------------------------------------------------------------
    def on_snapshot(self, snapshot) -> None:
        previous = self._snapshot
        self._snapshot = snapshot
        structure = (snapshot.layer_dims, snapshot.head)
        if structure != self._structure:
            self._network_changed(snapshot, previous)
        if previous is not None and previous.generation != snapshot.generation:
            self._path_cache.clear()
        self._update_path()
        self._schedule()
        if self.race_page.made() is not None:
            self.race.snapshot = snapshot
        hyper = snapshot.config.hyper
        self.arrow_bar.show_batch_size(hyper.batch_size, snapshot.data.m_train)
        if self.tabs.currentWidget() is self.averages_page:
            self.averages.show_view(snapshot.optimizer)

    def on_theme(self, colors) -> None:
        self._colors = colors
        self.surface_plot.apply_theme(colors)
        for page in (self.averages_page, self.race_page):
            if page.made() is not None:
                page.made().apply_theme(colors)
        self._update_legend()
        if self._view3d is not None:
            self._view3d.set_background(colors.background)
        if self.result is not None:
            self._draw_result(self.result)

    @property
    def averages(self) -> AveragesView:
        """The "Gradient average" tab's view (made now if it was still waiting)."""
        return self.averages_page.content()

    @property
    def race(self) -> RaceView:
        """The "Race" tab's view (made now if it was still waiting)."""
        return self.race_page.content()

    def _make_averages(self) -> AveragesView:
        view = AveragesView()
        view.apply_theme(self._colors)
        return view

    def _make_race(self) -> RaceView:
        view = RaceView()
        view.apply_theme(self._colors)
        view.snapshot = self._snapshot
        return view

    def figures(self) -> dict[str, object]:
        return {"cost_surface": self.surface_plot.ci}

    def shutdown(self) -> None:
        self._shut_down = True
        self._timer.stop()
        self._resize_timer.stop()
        self.runner.shutdown()
        if self.race_page.made() is not None:
            self.race.shutdown()

    # ----- public helpers (also for tests and scripts) -----------------------------------
    def mode(self) -> str:
        return self.controls.mode()

    def set_mode(self, mode: str) -> None:
        self.controls.set_mode(mode)

    def parameters(self) -> tuple[str, str]:
        return self.controls.parameters()

    def set_parameters(self, first: str, second: str) -> None:
        self.controls.set_parameters(first, second)

    def set_loss(self, loss: str) -> None:
        self.controls.set_loss(loss)

    def reroll(self) -> None:
        self.controls.reroll_button.click()

    def path_data(self) -> np.ndarray:
        return self.surface_plot.path_data()

    def make_request(self, snapshot, live: bool) -> SurfaceRequest:
        c = self.controls
        return SurfaceRequest(
            theta=snapshot.theta, layer_dims=tuple(snapshot.layer_dims),
            activations=tuple(snapshot.activations), head=snapshot.head,
            alpha=snapshot.config.network.alpha, X=snapshot.data.X_train,
            Y=snapshot.data.Y_train, lambd=snapshot.config.hyper.lambd, mode=c.mode(),
            parameters=c.parameters(), seed=c.seed_spin.value(),
            trajectory=tuple(snapshot.trajectory),
            resolution=min(LIVE_RESOLUTION, c.resolution()) if live else c.resolution(),
            extent=c.extent(), stretch=c.stretch(), loss=c.loss(),
            aspect=self.plot_aspect(),
            dtype="float32" if live else "float64",
            generation=snapshot.generation, iteration=snapshot.iteration)

    def plot_aspect(self) -> float:
        """The plot area's width / height in pixels, rounded to steps of ``ASPECT_STEP`` (so
        a few pixels of resizing do not ask for a new grid); 1 before it is laid out."""
        box = self.surface_plot.plot.vb
        width, height = box.width(), box.height()
        if not (width > 10 and height > 10):
            return 1.0
        return float(ASPECT_STEP ** round(np.log(width / height) / np.log(ASPECT_STEP)))

    # ----- construction ------------------------------------------------------------------
    def _build(self) -> None:
        """Header (direction mode, the settings toggle), the settings strip (closed), the map
        taking the rest, the texts under it."""
        self.controls = SurfaceControls()
        self.status = self.controls.status
        self.strip = SettingsStrip(self.controls)
        self.settings_toggle = self.strip.toggle
        self.arrow_bar = ArrowBar()
        self.arrow_bar.check.toggled.connect(lambda _on: self._update_path())
        self.arrow_bar.batch_size_chosen.connect(self._choose_batch_size)
        header = QHBoxLayout()
        header.setContentsMargins(4, 2, 4, 0)
        header.addWidget(self.controls.mode_combo)
        header.addStretch(1)
        header.addWidget(self.settings_toggle)

        self.surface_plot = SurfacePlot()
        self.surface_plot.setToolTip(text.PLOT_TIP)
        self.surface_plot.plot.vb.sigResized.connect(lambda *_: self._resize_timer.start())
        self.views = QStackedWidget()
        self.views.addWidget(self.surface_plot)
        self.arrows = SurfaceArrows(self.surface_plot.plot)
        # The two other tabs are made when first opened (their plots cost start-up time).
        self.averages_page = LazyPage(self._make_averages)
        self.race_page = LazyPage(self._make_race)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.setStyleSheet("QTabBar::tab { padding: 1px 10px; }")  # a thin bar
        self.tabs.addTab(self.views, "Surface")
        self.tabs.addTab(self.averages_page, "Gradient average")
        self.tabs.addTab(self.race_page, "Race")
        self.tabs.setCornerWidget(self.arrow_bar)  # beside the tabs: no height of its own
        self.arrow_bar.set_compact(True)  # until the panel is known to be wide enough
        self.tabs.setTabToolTip(1, "The exponentially weighted average v of one parameter's "
                                   "gradient against the raw dW, with bias correction")
        self.tabs.setTabToolTip(2, "Two to four optimizers from the current θ on one surface")
        self.tabs.currentChanged.connect(self._tab_changed)
        self.notes = NotesBox()
        self.notes.set_status(self.status)
        self.legend, self.lesson = self.notes.legend, self.notes.lesson
        self.lesson.setToolTip("What this surface shows, measured on it: the curvature at the "
                               "current θ and where J bends downward.")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(SPACING)
        outer.addLayout(header)
        outer.addWidget(self.strip)
        outer.addWidget(self.tabs, 1)
        outer.addWidget(self.notes)
        self._header = header

        self.controls.changed.connect(self._settings_changed)
        self.controls.log_toggled.connect(self._redraw)
        self.controls.view3d_toggled.connect(self._toggle_3d)
        self.settings_toggle.toggled.connect(lambda _on: self._fit_to_size())

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        self._fit_to_size()

    def _fit_to_size(self) -> None:
        """Arrange the open strip for the width, and fold the lesson behind its button when
        showing it would leave the map less than PLOT_SHARE of the panel's height."""
        width, height = self.width(), self.height()
        if width <= 0 or height <= 0:
            return
        self._update_legend()  # the arrows' key is shown when the panel is tall enough
        self.arrow_bar.set_compact(width < COMPACT_WIDTH)
        tabs = height >= TABS_MIN_HEIGHT
        if not tabs:
            self.tabs.setCurrentIndex(0)
        self.tabs.tabBar().setVisible(tabs)
        self.arrow_bar.setVisible(tabs)  # the arrows stay drawn; their switch needs the bar
        strip = self.strip.fit(width, height)
        text_width = width - 8
        above = self._header.sizeHint().height() + strip + 3 * SPACING
        lesson = self.notes.text_height(self.lesson, text_width)
        plot = height - above - self.notes.fixed_height(text_width) - lesson
        self.notes.set_foldable(plot < PLOT_SHARE * height)

    # ----- reactions ---------------------------------------------------------------------
    def _tab_changed(self, index: int) -> None:
        """The key and lesson belong to the surface; the other tabs use the whole height."""
        self.notes.setVisible(index == 0)
        self.strip.setVisible(index == 0 and self.settings_toggle.isChecked())
        self.settings_toggle.setEnabled(index == 0)
        if self.tabs.currentWidget() is self.averages_page and self._snapshot is not None:
            self.averages.show_view(self._snapshot.optimizer)

    def _choose_batch_size(self, size) -> None:
        """One click between stochastic (1), 64 and full batch, applied at the next step."""
        if self.context is None:
            return
        import dataclasses
        controller = self.controller
        config = getattr(controller, "requested_config", None) or self._snapshot.config
        hyper = dataclasses.replace(config.hyper, batch_size=size)
        controller.apply_config(dataclasses.replace(config, hyper=hyper))

    def _network_changed(self, snapshot, previous) -> None:
        """New layer sizes or output: rebuild the pickers; a network without hidden layer
        starts on its (w1, w2) bowl, a deeper one on the PCA of its path."""
        had_hidden = previous is not None and len(previous.layer_dims) > 2
        has_hidden = len(snapshot.layer_dims) > 2
        self._structure = (snapshot.layer_dims, snapshot.head)
        default = "pca" if has_hidden else "parameters"
        self.controls.set_network(snapshot.layout, snapshot.head,
                                  default if previous is None or had_hidden != has_hidden
                                  else None)
        self._path_cache.clear()

    def _settings_changed(self) -> None:
        first, second = self.parameters()
        if first == second and self.mode() == "parameters":
            self.status.setText("Choose two different parameters.")
            return
        self._schedule(urgent=True)

    def _shape_changed(self) -> None:
        r = self.result
        if self._shut_down or r is None:
            return
        if not np.isclose(r.request.aspect, self.plot_aspect()):
            self._schedule()  # the key holds the aspect: a paused panel recomputes too

    def _redraw(self) -> None:
        if self.result is not None:
            self._draw_result(self.result)

    # ----- scheduling --------------------------------------------------------------------
    def _schedule(self, urgent: bool = False) -> None:
        """Submit a surface for the latest snapshot: at most LIVE_RATE_HZ while training,
        one fine grid when paused, at once after a settings change."""
        snapshot = self._snapshot
        if snapshot is None or self.runner is None:
            return
        live = snapshot.state == RUNNING
        if not live and not urgent and self._request_key(snapshot, live) == self._submitted_key:
            return  # this paused state is already on screen or on its way
        if urgent or not live:
            self._timer.stop()
            self._submit(snapshot, live, cancel_running=True)
        elif self.runner.busy:
            self._waiting = True
        else:
            wait = self._live_interval() - (time.monotonic() - self._last_submit)
            if wait <= 0:
                self._submit(snapshot, live)
            elif not self._timer.isActive():
                self._timer.start(int(wait * 1000) + 1)

    def _live_interval(self) -> float:
        """Seconds between two live grids: fewer when training runs fast."""
        snapshot = self._snapshot
        fast = snapshot is not None and snapshot.steps_per_second > FAST_STEPS
        return 1.0 / (FAST_RATE_HZ if fast else LIVE_RATE_HZ)

    def _submit_latest(self) -> None:
        snapshot = self._snapshot
        if snapshot is None or self.runner.busy:
            return
        live = snapshot.state == RUNNING
        wait = self._live_interval() - (time.monotonic() - self._last_submit) if live else 0.0
        if wait > 0:  # a timer may fire a little early
            self._timer.start(int(wait * 1000) + 1)
        else:
            self._submit(snapshot, live)

    def _request_key(self, snapshot, live: bool) -> tuple:
        return (snapshot.generation, snapshot.iteration, live, self.plot_aspect()) + \
            self.controls.key()

    def _submit(self, snapshot, live: bool, cancel_running: bool = False) -> None:
        request = self.make_request(snapshot, live)
        self._last_submit = time.monotonic()
        self._submitted_key = self._request_key(snapshot, live)
        self._waiting = False
        if cancel_running and self.runner.busy:
            # Cancel first, then submit: JobRunner.submit(cancel_running=True) can cancel the
            # new job itself when the worker picks it up before submit() returns.
            self.runner.cancel()
        self.runner.submit(lambda job: compute_surface(request, job), tag="surface")

    def _on_finished(self, _tag, result) -> None:
        snapshot = self._snapshot
        if snapshot is not None and result.request.generation == snapshot.generation:
            self.result = result
            self._path_cache.clear()
            self._draw_result(result)
            self._update_path()
            self.surface_drawn.emit(result)
        self._after_job()

    def _on_failed(self, _tag, message: str) -> None:
        self.status.setText(f"<span style='color:{self._colors.bad}'>Could not compute the "
                            f"surface: {message}</span>")
        self._after_job()

    def _after_job(self) -> None:
        snapshot = self._snapshot
        if snapshot is None:
            return
        if self._waiting:
            self._waiting = False
            self._schedule()
        elif snapshot.state != RUNNING:
            self._schedule()  # training paused while a live grid was computing

    # ----- drawing -----------------------------------------------------------------------
    def _draw_result(self, r) -> None:
        log = self.controls.log_colours()
        loss = "squared error" if r.request.loss == "squared_error" else "J"
        title = (f"{loss} around the current θ" if r.mode != "parameters" else
                 f"{loss} as {r.axis_labels[0]} and {r.axis_labels[1]} vary")
        to_scale = r.to_scale
        if not to_scale:
            title += " (axes stretched, not to scale)"
        self.values = self.surface_plot.show_surface(r.xs, r.ys, r.costs, log, r.axis_labels,
                                                     title, to_scale, r.contours.get(log))
        # The extent asked for (or fitted): the other axis is only widened to fill the plot.
        self.controls.show_fitted_extent(min(r.extent) if to_scale else max(r.extent))
        if self._view3d is not None:
            self._view3d.show_surface(r.xs, r.ys, self.values)
        self._update_legend()
        self._update_texts(r)

    def _update_texts(self, r) -> None:
        snapshot = self._snapshot
        live = "live grid, refined when paused" if r.request.dtype == "float32" else "paused"
        lambda_note = " + L2 term" if r.request.lambd else ""
        if r.request.loss == "squared_error":
            what = (f"squared-error J at the current θ: <b>{r.centre_cost:.5g}</b> (training "
                    f"uses cross-entropy{lambda_note})")
        else:
            what = (f"J at the current θ: <b>{r.centre_cost:.5g}</b> (the training cost"
                    f"{lambda_note})")
        self.status.setText(f"{what}<br>grid {len(r.xs)} × {len(r.ys)}, ± "
                            f"{_extent_text(r.extent)}, {r.elapsed:.2f} s ({live})")
        if snapshot is None:
            return
        data = snapshot.data
        std = np.asarray(data.std, dtype=np.float64)
        std = std[std > 0]
        spread = float(std.max() / std.min()) if std.size else 1.0
        self.lesson.setText(text.lesson_html(r, normalized=data.normalized,
                                             feature_spread=spread, n_features=data.n_features,
                                             head=snapshot.head, colors=self._colors,
                                             stretched=not r.to_scale))
        self.notes.update_lesson_tip()
        self._fit_to_size()  # a longer lesson may need folding

    def _update_path(self) -> None:
        """Project the path onto the last surface's slice; only new thetas cost a product."""
        snapshot, r = self._snapshot, self.result
        if snapshot is None or r is None or r.request.generation != snapshot.generation \
                or r.request.theta.size != snapshot.theta.size:
            self.surface_plot.show_path(np.zeros((0, 2)))
            return
        thetas = path_thetas(snapshot.trajectory, snapshot.theta)
        cache, points = {}, []
        for theta in thetas:
            hit = self._path_cache.get(id(theta))
            xy = hit[1] if hit is not None and hit[0] is theta else r.project(theta)
            cache[id(theta)] = (theta, xy)
            points.append(xy)
        self._path_cache = cache
        path = np.array(points)
        self.surface_plot.show_path(path)
        self._update_arrows(snapshot, r, path[-1])
        if self._view3d is not None:
            self._view3d.show_path(path)

    def _update_arrows(self, snapshot, r, origin) -> None:
        view = snapshot.optimizer
        if view is None or not self.arrow_bar.check.isChecked() or not view.arrows:
            self.arrows.clear()
            if self.arrow_bar.key_html:
                self.arrow_bar.set_key("")
                self._update_legend()
            return
        names = list(view.arrows)
        projected = r.projector @ np.stack([view.arrows[k] for k in names], axis=1)
        scale = self.arrows.show(origin, dict(zip(names, projected.T)), min(r.extent))
        self.arrow_bar.set_key(key_html(view, set(names), scale, self._colors.foreground))
        self._update_legend()

    # ----- 3-D ---------------------------------------------------------------------------
    def _toggle_3d(self, on: bool) -> None:
        if on and self._view3d is None:
            try:
                self._view3d = make_view()
            except Exception as exc:  # a GL library that imports but cannot draw
                gl_check = self.controls.gl_check
                gl_check.setChecked(False)
                gl_check.setEnabled(False)
                gl_check.setToolTip(f"The 3-D view could not start: {exc}")
                return
            self._view3d.set_background(self._colors.background)
            self.views.addWidget(self._view3d)
            if self.result is not None:
                self._draw_result(self.result)
                self._update_path()
        self.views.setCurrentWidget(self._view3d if on else self.surface_plot)
        self._update_legend()

    def _update_legend(self) -> None:
        labels = self.result.axis_labels if self.result is not None else ("α", "β")
        three_d = self.controls.gl_check.isChecked()
        arrows = self.arrow_bar.key_html if not three_d else ""
        self.arrow_bar.check.setToolTip(arrows or self.arrow_bar.check.whatsThis())
        if self.height() < ARROW_KEY_MIN_HEIGHT:
            arrows = ""
        self.legend.setText(legend_html(self._colors, three_d, labels,
                                        self.controls.log_colours())
                            + (f"<br>{arrows}" if arrows else ""))


def _extent_text(extent: tuple[float, float]) -> str:
    a, b = extent
    return f"{a:.3g}" if np.isclose(a, b, rtol=1e-9) else f"{a:.3g} × {b:.3g}"
