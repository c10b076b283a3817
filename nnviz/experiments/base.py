"""The experiment interface every lesson implements (pure NumPy + engine + training session).

A lesson is a frozen dataclass whose fields are its knobs (iterations, sizes...) with the
real settings as defaults; ``with_params(iterations=200)`` gives a smaller copy for tests.
Class attributes describe it for the menu and the start page:

- ``key`` (stable id), ``number`` (1-15, the course order), ``title``, ``summary`` (one
  line), ``text`` (what to look at and why, in the course's notation);
- ``panel``: the app panel that shows the same thing live ("cost_surface", "gradient_flow",
  "gradient_check" or None).

``configs()`` lists the settings it trains as the app's ``SessionConfig`` (several for a
side-by-side comparison), ``labels()`` names them, ``live_config()`` is the one worth loading
into the app, and ``run(progress=None, cancel=None)`` returns an
:class:`~nnviz.experiments.results.ExperimentResult`.
"""
from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from typing import ClassVar

from nnviz.training.config import SessionConfig

from .comparison import label_differences
from .progress import Reporter, as_reporter
from .results import ExperimentResult, Table


@dataclass(frozen=True)
class Experiment:
    key: ClassVar[str] = ""
    number: ClassVar[int] = 0
    title: ClassVar[str] = ""
    summary: ClassVar[str] = ""
    text: ClassVar[str] = ""
    panel: ClassVar[str | None] = None
    builtin: ClassVar[bool] = True  # False: a teacher's lesson file (lesson_files.py)

    def configs(self) -> tuple[SessionConfig, ...]:
        """The settings this lesson trains (empty for lessons that train nothing)."""
        return ()

    def prediction_question(self):
        """The question asked before the run (None: the lesson runs at once)."""
        from .questions import question_for
        return question_for(self.key)

    def labels(self) -> tuple[str, ...]:
        return tuple(label_differences(self.configs()))

    def live_config(self) -> SessionConfig | None:
        """The configuration to load into the app to explore the lesson by hand."""
        configs = self.configs()
        return configs[-1] if configs else None

    def with_params(self, **params) -> "Experiment":
        """A copy with other knobs, e.g. fewer iterations: ``with_params(iterations=300)``."""
        known = {f.name for f in dataclasses.fields(self)}
        unknown = sorted(set(params) - known)
        if unknown:
            raise ValueError(f"experiment {self.key!r} has no setting {unknown}; it has "
                             f"{', '.join(sorted(known)) or 'none'}")
        return dataclasses.replace(self, **params)

    def run(self, progress=None, cancel=None) -> ExperimentResult:
        """Run the lesson. ``progress(fraction, text)`` (returning False stops it) and
        ``cancel`` (an Event or callable) may stop it: then ExperimentCancelled is raised."""
        reporter = as_reporter(progress, cancel)
        reporter.check()
        started = time.perf_counter()
        result = self._run(reporter)
        reporter(1.0, "done", force=True)
        return dataclasses.replace(result, seconds=time.perf_counter() - started)

    def _run(self, reporter: Reporter) -> ExperimentResult:
        raise NotImplementedError

    def result(self, conclusion: str, table: Table, **kwargs) -> ExperimentResult:
        return ExperimentResult(key=self.key, title=self.title, text=self.text,
                                conclusion=conclusion, table=table, **kwargs)

    @property
    def heading(self) -> str:
        return f"{self.number}. {self.title}"


@dataclass(frozen=True)
class SweepExperiment(Experiment):
    """A lesson whose runs are one :class:`~nnviz.experiments.comparison.Sweep`: its settings
    and their labels come from ``sweep()``."""

    def sweep(self):
        raise NotImplementedError

    def configs(self) -> tuple[SessionConfig, ...]:
        return tuple(self.sweep().configs())

    def labels(self) -> tuple[str, ...]:
        return tuple(self.sweep().run_labels())
