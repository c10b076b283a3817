"""The network builder: data, layers, initialization and optimizer settings.

Every change becomes a new :class:`~nnviz.training.config.SessionConfig` sent to the worker:
data, layer and initialization changes rebuild the network (seeded), optimizer settings apply
at the next step. The builder never trains or computes anything itself; what it shows about
the data (sizes, fitted mean and std, output head) comes from the snapshots.
"""
from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFormLayout, QGroupBox, QHBoxLayout,
                               QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget)

from nnviz.engine.data import DATASETS, GENERATORS
from nnviz.engine.limits import MAX_EXAMPLES
from nnviz.engine.network import MAX_LAYERS
from nnviz.engine.course_exact import COURSE_EXACT_DATA
from nnviz.training.config import (BETA2_MAX, BETA_MAX, CSV_DATASET, MAX_BATCH_SIZE, MAX_L2,
                                   MAX_SEED, MIN_KEEP_PROB, SessionConfig)

from ...widgets.controls import LayerRow, collapsible, combo, dspin, spin
from ...widgets.show_guard import ShowGuard
from ...widgets.hyper_bar import INIT_SCALE_TIP, init_scale_slider, learning_rate_slider
from nnviz.analysis import builder_readouts as text
from nnviz.analysis import tooltips as tips
from ..base import Panel, PanelContext
from . import optimizer as optimizer_tips
from .features import InputFeatures, course_exact_check
from .lr_decay import LearningRateDecay

INIT_LABELS = {"zeros": "zeros", "random": "random  (randn × 0.01)",
               "xavier": "Xavier  √(1/n[l-1])",
               "he": "He  √(2/n[l-1])", "glorot": "Glorot  √(2/(n[l-1]+n[l]))"}
OPTIMIZER_LABELS = {"gd": "Gradient descent", "momentum": "Momentum", "rmsprop": "RMSprop",
                    "adam": "Adam"}

MIN_WIDTH, MAX_WIDTH = 360, 420
DEV_PERCENT_TIP = ("Share of the examples held out as a dev set: used to choose settings "
                   "(λ, keep_prob, network size) by its error, while the test set only "
                   "reports the final result. Raising it takes the share from training "
                   "(80 / 0 / 20 → 60 / 20 / 20); 0 % = no dev set.")


class BuilderPanel(Panel):
    def __init__(self, context: PanelContext, parent=None):
        super().__init__(context, parent)
        self._config: SessionConfig = context.controller.requested_config
        self._data_summary = None
        self._layer_dims: tuple[int, ...] = ()
        self._showing = ShowGuard()  # on while settings are shown, not changed
        self._shown: dict = {}  # field -> (the value it shows, the exact setting shown)
        self.layer_rows: list[LayerRow] = []

        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(6, 6, 6, 6)
        # Each group folds away (click its title) so a small screen reaches every control.
        self.groups = {}
        for box in (self._build_data_box(), self._build_layers_box(), self._build_init_box(),
                    self._build_optimizer_box()):
            group = collapsible(box)
            self.groups[group.text()] = group
            column.addWidget(group)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(content)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self.setMinimumWidth(MIN_WIDTH)
        self.setMaximumWidth(MAX_WIDTH)  # the plots, not the spin boxes, get a wide screen
        self.set_config(self._config)

    def _show(self, field, exact: float, shown: float | None = None) -> None:
        """Show setting ``exact`` in ``field`` (as ``shown`` in the field's unit); reading the
        field back gives ``exact`` itself until the user changes the field."""
        field.setValue(exact if shown is None else shown)
        self._shown[field] = (field.value(), exact)

    def _read(self, field, convert=lambda value: value):
        value = field.value()
        shown, exact = self._shown.get(field, (None, None))
        return exact if value == shown else convert(value)

    # -- construction ------------------------------------------------------------------
    def _build_data_box(self) -> QGroupBox:
        box = QGroupBox("Data")
        self.dataset = QComboBox()
        self.dataset.setToolTip(tips.DATASET)
        separated = False
        for name, info in DATASETS.items():
            if info.kind == "builtin" and not separated:
                self.dataset.insertSeparator(self.dataset.count())
                separated = True
            self.dataset.addItem(info.title, name)
            self.dataset.setItemData(self.dataset.count() - 1, info.description,
                                     Qt.ItemDataRole.ToolTipRole)
        self.open_csv = QPushButton("Open CSV…")
        self.open_csv.setToolTip("Load your own data: one example per row, numeric feature "
                                 "columns and one label column (File > Open data, Ctrl+O).")
        self.noise = dspin(0.0, 1.0, 0.2, 0.01, 6, tips.NOISE, "The noise")
        self.m = spin(4, MAX_EXAMPLES, 400, tips.EXAMPLES, "The number of examples m")
        self.data_seed = spin(0, MAX_SEED, 1, tips.DATA_SEED, "The data seed")
        self.regenerate = QPushButton("New sample")
        self.regenerate.setToolTip("Draw a fresh sample of this data set (next data seed).")
        self.train_percent = dspin(1, 100, 80, 5, 4, tips.TRAIN_PERCENT, "The training share")
        self.train_percent.setSuffix(" % train")
        self.dev_percent = dspin(0, 98, 0, 5, 4, DEV_PERCENT_TIP, "The dev share")
        self.dev_percent.setSuffix(" % dev")
        self.split_info = QLabel()
        self.split_info.setWordWrap(True)
        self.split_info.setVisible(False)  # shown with a dev set
        self.normalize = QCheckBox("Normalize inputs (x - μ) / σ")
        self.normalize.setToolTip(tips.NORMALIZE)
        self.data_info = QLabel("…")
        self.data_info.setWordWrap(True)

        row = QHBoxLayout()
        row.addWidget(self.dataset, 1)
        row.addWidget(self.open_csv)
        seed_row = QHBoxLayout()
        seed_row.addWidget(self.data_seed, 1)
        seed_row.addWidget(self.regenerate)
        form = QFormLayout(box)
        form.addRow(row)
        form.addRow("Noise", self.noise)
        form.addRow("Examples m", self.m)
        form.addRow("Data seed", seed_row)
        split_row = QHBoxLayout()
        split_row.addWidget(self.train_percent, 1)
        split_row.addWidget(self.dev_percent, 1)
        form.addRow("Split", split_row)
        form.addRow(self.split_info)
        form.addRow(self.normalize)
        self.course_exact = course_exact_check()
        self.input_features = InputFeatures()
        form.addRow(self.course_exact)
        form.addRow(self.input_features)
        form.addRow(self.data_info)
        self.course_exact.toggled.connect(self._course_exact_changed)
        self.input_features.changed.connect(self._data_changed)

        self.dataset.currentIndexChanged.connect(self._dataset_changed)
        for w in (self.noise, self.m, self.data_seed, self.train_percent, self.dev_percent):
            w.valueChanged.connect(self._data_changed)
        self.normalize.toggled.connect(self._data_changed)
        self.regenerate.clicked.connect(lambda: self.data_seed.setValue(self.data_seed.value() + 1))
        self.open_csv.clicked.connect(self._open_csv)
        return box

    def _build_layers_box(self) -> QGroupBox:
        box = QGroupBox("Layers")
        self.input_label = QLabel()
        self.layers_layout = QVBoxLayout()
        self.layers_layout.setSpacing(3)
        self.add_layer = QPushButton("+ Add hidden layer")
        self.add_layer.setToolTip(tips.ADD_LAYER)
        self.output_label = QLabel()
        self.output_label.setWordWrap(True)
        self.output_label.setToolTip(tips.OUTPUT)
        self.shapes_label = QLabel()
        self.shapes_label.setWordWrap(True)
        self.shapes_label.setToolTip(tips.SHAPES)
        self.shapes_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(box)
        layout.addWidget(self.input_label)
        layout.addLayout(self.layers_layout)
        layout.addWidget(self.add_layer)
        layout.addWidget(self.output_label)
        layout.addWidget(self.shapes_label)
        self.add_layer.clicked.connect(self._add_layer)
        return box

    def _build_init_box(self) -> QGroupBox:
        box = QGroupBox("Initialization")
        self.init_scheme = combo(INIT_LABELS, tips.INIT_SCHEME)
        self.init_scale = init_scale_slider()
        self.init_scale_label = QLabel("Scale ×")
        self.init_scale_label.setToolTip(INIT_SCALE_TIP)
        self.init_std_label = QLabel()
        self.init_std_label.setWordWrap(True)
        self.init_std_label.setToolTip("The standard deviation of the entries of each W[l] "
                                       "this initialization draws (biases start at 0).")
        self.seed = spin(0, MAX_SEED, 2, tips.SEED, "The seed")
        form = QFormLayout(box)
        form.addRow("Scheme", self.init_scheme)
        form.addRow(self.init_scale_label, self.init_scale)
        form.addRow(self.init_std_label)
        form.addRow("Seed", self.seed)
        self.init_scheme.currentIndexChanged.connect(self._scheme_changed)
        self.init_scale.valueChanged.connect(self._network_changed)
        self.seed.valueChanged.connect(self._network_changed)
        return box

    def _build_optimizer_box(self) -> QGroupBox:
        box = QGroupBox("Optimization")
        self.optimizer = combo(OPTIMIZER_LABELS, optimizer_tips.OPTIMIZER)
        self.learning_rate = learning_rate_slider()
        self.beta = dspin(0.0, BETA_MAX, 0.9, 0.01, 6, tips.BETA, "β")
        self.beta1 = dspin(0.0, BETA_MAX, 0.9, 0.01, 6, tips.BETA1, "β₁")
        self.beta2 = dspin(0.0, BETA2_MAX, 0.999, 0.001, 6, optimizer_tips.BETA2, "β₂")
        self.bias_correction = optimizer_tips.bias_correction_check()
        self.batch_size = spin(0, MAX_BATCH_SIZE, 0, tips.BATCH, "The mini-batch size")
        self.batch_size.setSpecialValueText("full batch")
        self.lambd = dspin(0.0, MAX_L2, 0.0, 0.01, 6, tips.L2, "λ")
        self.keep_prob = dspin(MIN_KEEP_PROB, 1.0, 1.0, 0.05, 6, tips.KEEP_PROB, "keep_prob")
        self.form_opt = QFormLayout(box)
        self.form_opt.addRow("Optimizer", self.optimizer)
        self.form_opt.addRow("Learning rate α", self.learning_rate)
        self.lr_decay = LearningRateDecay(self)
        for label, widget in self.lr_decay.rows():
            self.form_opt.addRow(label, widget)
        self.form_opt.addRow("β (momentum)", self.beta)
        self.form_opt.addRow("β₁ (Adam)", self.beta1)
        self.form_opt.addRow("β₂ (RMSprop, Adam)", self.beta2)
        self.form_opt.addRow("", self.bias_correction)
        self.form_opt.addRow("Mini-batch size", self.batch_size)
        self.form_opt.addRow("L2 λ", self.lambd)
        self.form_opt.addRow("keep_prob", self.keep_prob)
        self.optimizer.currentIndexChanged.connect(self._hyper_changed)
        self.learning_rate.valueChanged.connect(self._hyper_changed)
        for w in (self.beta, self.beta1, self.beta2, self.lambd, self.keep_prob, self.batch_size):
            w.valueChanged.connect(self._hyper_changed)
        self.bias_correction.toggled.connect(self._hyper_changed)
        self.lr_decay.changed.connect(self._hyper_changed)
        return box

    # -- config -> widgets -------------------------------------------------------------
    def set_config(self, config: SessionConfig) -> None:
        """Show ``config`` without sending anything back."""
        with self._showing:
            self._config = config
            self._show_data(config)
            self._show_layers(config)
            self._show_init(config)
            self._show_hyper(config)
        self._update_derived()

    def _show_data(self, config: SessionConfig) -> None:
        d = config.data
        if d.name == CSV_DATASET:
            index = self.dataset.findData(CSV_DATASET)
            label = f"CSV: {d.csv_path.replace(chr(92), '/').rsplit('/', 1)[-1]}"
            if index < 0:
                self.dataset.addItem(label, CSV_DATASET)
                index = self.dataset.count() - 1
            else:
                self.dataset.setItemText(index, label)
            self.dataset.setItemData(index, d.csv_path, Qt.ItemDataRole.ToolTipRole)
        else:
            index = self.dataset.findData(d.name)
        self.dataset.setCurrentIndex(max(index, 0))
        generator = GENERATORS.get(d.name)
        params = {**(generator.defaults if generator else {}), **d.param_dict}
        for w in (self.noise, self.m, self.data_seed, self.regenerate):
            w.setEnabled(generator is not None)
        if generator is not None:
            noise = float(params.get("noise", 0.0))
            self.noise.setMaximum(max(generator.noise_max, noise))  # a file's value, exactly
            self.noise.setSingleStep(generator.noise_max / 50)
            self._show(self.noise, noise)
            self.m.setValue(int(params.get("m", 400)))
            seed = params.get("seed", 1)
            self.data_seed.setValue(int(seed) if seed is not None else 0)
        self._show(self.train_percent, d.train_fraction, d.train_fraction * 100)
        self._show(self.dev_percent, d.dev_fraction, d.dev_fraction * 100)
        self.dev_percent.setEnabled(not config.course_exact)  # the notebooks' own sets
        self.normalize.setChecked(d.normalize)
        self.course_exact.setChecked(config.course_exact)
        self.course_exact.setVisible(d.name in COURSE_EXACT_DATA)
        self.input_features.set_features(d.features)

    def _show_layers(self, config: SessionConfig) -> None:
        n = config.network
        while len(self.layer_rows) > len(n.hidden_units):
            row = self.layer_rows.pop()
            row.setParent(None)
            row.deleteLater()
        while len(self.layer_rows) < len(n.hidden_units):
            row = LayerRow(4, "relu", tips.UNITS, tips.ACTIVATION)
            row.changed.connect(self._network_changed)
            row.remove_requested.connect(self._remove_layer)
            self.layer_rows.append(row)
            self.layers_layout.addWidget(row)
        for l, (row, units, act) in enumerate(zip(self.layer_rows, n.hidden_units,
                                                   n.activations), start=1):
            row.label.setText(f"Layer {l}")
            row.units.setValue(units)
            row.activation.setCurrentIndex(max(row.activation.findData(act), 0))
        self.add_layer.setEnabled(len(self.layer_rows) < MAX_LAYERS - 1)

    def _show_init(self, config: SessionConfig) -> None:
        n = config.network
        self.init_scheme.setCurrentIndex(max(self.init_scheme.findData(n.init), 0))
        self.init_scale.setValue(n.init_scale)  # the multiplier, as in the config and files
        self.init_scale.setEnabled(n.init != "zeros")
        self.seed.setValue(n.seed)

    def _show_hyper(self, config: SessionConfig) -> None:
        h = config.hyper
        self.optimizer.setCurrentIndex(max(self.optimizer.findData(h.optimizer), 0))
        self.learning_rate.setValue(h.learning_rate)
        for field, exact in ((self.beta, h.beta), (self.beta1, h.beta1), (self.beta2, h.beta2),
                             (self.lambd, h.lambd), (self.keep_prob, h.keep_prob)):
            self._show(field, exact)
        self.batch_size.setValue(h.batch_size or 0)
        self.bias_correction.setChecked(h.bias_correction)
        self.lr_decay.show(h)
        self._show_optimizer_rows(h.optimizer)

    def _show_optimizer_rows(self, opt: str) -> None:
        for name, visible in optimizer_tips.shown_rows(opt).items():
            self.form_opt.setRowVisible(getattr(self, name), visible)
        for widget, visible in self.lr_decay.shown_rows().items():
            self.form_opt.setRowVisible(widget, visible)

    # -- widgets -> config -------------------------------------------------------------
    def _send(self, config: SessionConfig) -> None:
        if self._showing or config == self._config:
            return
        self._config = config
        self.controller.apply_config(config)
        self._update_derived()

    def _dataset_changed(self) -> None:
        if self._showing:
            return
        name = self.dataset.currentData()
        if name is None:
            return
        current = self._config.data
        if name == CSV_DATASET:
            return  # the CSV entry is selected by loading a file
        # Features are for two-input (generated) data; course-exact draws for the course's sets.
        data = dataclasses.replace(current, name=name, params=(), csv_path=None,
                                   csv_label_column=None, csv_has_header=None, csv_task=None,
                                   course_exact=False, added_points=(), removed_points=(),
                                   features=current.features if name in GENERATORS else ())
        config = dataclasses.replace(self._config, data=data)
        config = config.with_course_exact(self._config.course_exact
                                          and name in COURSE_EXACT_DATA)
        # Show the new set's defaults in the widgets.
        with self._showing:
            self._show_data(config)
        self._send(config)

    def _data_changed(self, *_) -> None:
        if self._showing:
            return
        d = self._config.data
        params = d.params
        if d.name in GENERATORS:
            params = tuple(sorted({"noise": self._read(self.noise), "m": self.m.value(),
                                   "seed": self.data_seed.value()}.items()))
        train = self._read(self.train_percent, lambda p: p / 100.0)
        dev = self._read(self.dev_percent, lambda p: p / 100.0)
        if dev != d.dev_fraction:  # the dev share comes from (and goes back to) training
            train = round(min(max(train + d.dev_fraction - dev, 0.01), 1.0 - dev), 4)
            with self._showing:
                self._show(self.train_percent, train, train * 100)
        elif train + dev > 1.0:  # more training: the dev set gives way
            dev = round(1.0 - train, 4)
            with self._showing:
                self._show(self.dev_percent, dev, dev * 100)
        data = dataclasses.replace(d, params=params, train_fraction=train, dev_fraction=dev,
                                   normalize=self.normalize.isChecked(),
                                   features=self.input_features.features())
        if params != d.params:
            data = data.without_edits()  # a new sample: the drawn points were on the old one
        self._send(dataclasses.replace(self._config, data=data))

    def _course_exact_changed(self, on: bool) -> None:
        if self._showing:
            return
        config = self._config.with_course_exact(on)
        config = dataclasses.replace(config, data=config.data.without_edits())  # other draws
        with self._showing:
            self._show_init(config)  # the course's initialization seed
        self._send(config)

    def _network_changed(self, *_) -> None:
        if self._showing:
            return
        scheme = self.init_scheme.currentData()
        network = dataclasses.replace(
            self._config.network,
            hidden_units=tuple(r.units.value() for r in self.layer_rows),
            activations=tuple(r.activation.currentData() for r in self.layer_rows),
            init=scheme, init_scale=self.init_scale.value(), seed=self.seed.value())
        self._send(dataclasses.replace(self._config, network=network))

    def _scheme_changed(self) -> None:
        if self._showing:
            return
        scheme = self.init_scheme.currentData()
        network = dataclasses.replace(self._config.network, init=scheme)
        with self._showing:
            self._show_init(dataclasses.replace(self._config, network=network))
        self._network_changed()

    def _hyper_changed(self, *_) -> None:
        if self._showing:
            return
        opt = self.optimizer.currentData()
        hyper = dataclasses.replace(
            self._config.hyper, optimizer=opt, learning_rate=self.learning_rate.value(),
            beta=self._read(self.beta), beta1=self._read(self.beta1),
            beta2=self._read(self.beta2), batch_size=self.batch_size.value() or None,
            lambd=self._read(self.lambd), keep_prob=self._read(self.keep_prob),
            bias_correction=self.bias_correction.isChecked(), **self.lr_decay.values())
        self.lr_decay.preview(hyper)
        self._show_optimizer_rows(opt)
        self._send(dataclasses.replace(self._config, hyper=hyper))

    def _add_layer(self) -> None:
        n = self._config.network
        units = n.hidden_units[-1] if n.hidden_units else 4
        act = n.activations[-1] if n.activations else "relu"
        network = dataclasses.replace(n, hidden_units=n.hidden_units + (units,),
                                      activations=n.activations + (act,))
        config = dataclasses.replace(self._config, network=network)
        with self._showing:
            self._show_layers(config)
        self._send(config)

    def _remove_layer(self, row: LayerRow) -> None:
        index = self.layer_rows.index(row)
        n = self._config.network
        units = n.hidden_units[:index] + n.hidden_units[index + 1:]
        acts = n.activations[:index] + n.activations[index + 1:]
        config = dataclasses.replace(self._config, network=dataclasses.replace(
            n, hidden_units=units, activations=acts))
        with self._showing:
            self._show_layers(config)
        self._send(config)

    def _open_csv(self) -> None:
        window = self.context.window
        if window is not None and hasattr(window, "open_data"):
            window.open_data()

    # -- from the worker ---------------------------------------------------------------
    def on_theme(self, colors) -> None:
        # In presentation mode the text is larger: so is the column's limit.
        self.setMaximumWidth(int(MAX_WIDTH * getattr(colors, "scale", 1.0)))

    def on_config(self, config: SessionConfig) -> None:
        # Only resync once the latest request is done (or was refused), so a slider being
        # dragged is never pulled back to an older value.
        if config == self.controller.requested_config and config != self._config:
            self.set_config(config)

    def on_snapshot(self, snapshot) -> None:
        self.lr_decay.show_epoch(snapshot.epoch)
        if snapshot.data is not self._data_summary or snapshot.layer_dims != self._layer_dims:
            self._data_summary = snapshot.data
            self._layer_dims = tuple(snapshot.layer_dims)
            self._update_derived()

    def _update_derived(self) -> None:
        """Labels computed from the settings and the data: sizes, head, shapes, init std."""
        d = self._data_summary
        if d is None:
            return
        net = self._config.network
        dims = [d.n_features, *net.hidden_units, d.n_outputs]
        self.data_info.setText(text.data_info(d))
        self.split_info.setVisible(d.m_dev > 0)
        self.split_info.setText(f"Dev set: {d.m_dev} examples, to choose settings by; test "
                                f"set: {d.m_test}, only to report.")
        self.input_features.setVisible(d.X_train_raw.shape[0] == 2)
        self.input_label.setText(f"Input layer 0: n[0] = {d.n_features} features")
        for l, row in enumerate(self.layer_rows, start=1):
            row.label.setText(f"Layer {l}")
        self.output_label.setText(text.output_text(d, len(dims) - 1))
        self.shapes_label.setText(text.shapes_html(dims))
        self.init_std_label.setText(text.init_std_text(net.init, net.init_scale, dims))
        self.normalize.setToolTip(text.normalization_tooltip(d))
