"""The panel registry: every panel of the main window is one line here.

To add a panel: write a :class:`~nnviz.ui.panels.base.Panel` subclass, built as
``cls(context)`` (or any QWidget built as ``cls()`` with an ``on_snapshot`` method). It gets
``on_snapshot(snapshot)`` for every drawn snapshot while visible, and, if it defines them,
``on_config(config)`` when the settings in use change, ``on_theme(colors)`` on light/dark
switches, ``figures()`` for File > Export figures and ``shutdown()`` when the window closes.
Then add a :class:`PanelSpec` line to :data:`PANELS` and name the panel in the workspace
that shows it (:mod:`nnviz.ui.workspaces`). In the app, the panels of the workspace on screen
are built before the window first paints, the others right after it, one per event-loop turn.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass


@dataclass(frozen=True)
class PanelSpec:
    key: str                  # stable: workspaces name panels by it
    title: str
    factory: str              # "package.module:ClassName", imported when the window builds
    tooltip: str = ""
    max_rate: float | None = None  # updates per second while training runs (None: every
                                   # snapshot drawn); paused/stepped snapshots always go in
    draws_outcome: bool = False    # draws the decision boundary / evaluation: while no
                                   # panel on screen does, the worker skips computing it

    def load(self):
        module_name, _, class_name = self.factory.partition(":")
        return getattr(importlib.import_module(module_name), class_name)


PANELS: list[PanelSpec] = [
    PanelSpec("builder", "Network builder", "nnviz.ui.panels.builder.panel:BuilderPanel",
              tooltip="Data, layers, initialization and optimizer settings"),
    PanelSpec("training", "Training", "nnviz.ui.panels.training.panel:TrainingPanel",
              draws_outcome=True, tooltip="Cost, accuracy and the decision boundary, live"),
    PanelSpec("curves", "Cost curves", "nnviz.ui.panels.curves.panel:CurvesPanel",
              tooltip="Cost and accuracy against iteration, stacked; the iteration axis "
                      "turns logarithmic by itself after 2,000 iterations"),
    PanelSpec("network", "Network diagram", "nnviz.ui.panels.network.panel:NetworkPanel",
              draws_outcome=True,
              tooltip="Units by layer; links coloured by weight sign, thick by magnitude"),
    PanelSpec("gradient_check", "Gradient check",
              "nnviz.ui.panels.gradient_check.panel:GradientCheckPanel",
              tooltip="Is backprop right? dθ against (J(θ+ε) - J(θ-ε)) / 2ε, per layer, "
                      "tensor and parameter"),
    PanelSpec("backprop", "Backprop", "nnviz.ui.panels.backprop.panel:BackpropPanel",
              max_rate=2, tooltip="Backpropagation step by step: a graph on numbers, one "
                                  "example through the network, the vectorized equations"),
    PanelSpec("gradient_flow", "Gradient flow",
              "nnviz.ui.panels.gradient_flow.panel:GradientFlowPanel",
              tooltip="How big the gradient is in each layer: vanishing or exploding, with "
                      "activation statistics"),
    PanelSpec("activations", "Activation explorer",
              "nnviz.ui.panels.activations.panel:ActivationExplorerPanel",
              tooltip="g(z), g'(z) and where each layer's Z[l] sits on them"),
    PanelSpec("cost_surface", "Cost surface",
              "nnviz.ui.panels.cost_surface.panel:CostSurfacePanel",
              tooltip="J over a 2-D slice through the parameters θ, with the training path "
                      "on it"),
    PanelSpec("challenges", "Challenges", "nnviz.ui.panels.challenges.panel:ChallengesPanel",
              tooltip="Goals you reach by changing settings, checked live from the run; solved "
                      "ones are kept"),
    PanelSpec("experiments", "Experiments", "nnviz.ui.panels.experiments.panel:ExperimentsPanel",
              tooltip="The course's lessons as one-click experiments, side-by-side "
                      "comparisons and pinned runs"),
]


def _folded(name: str) -> str:
    """A panel name as typed or shown: case, underscores, hyphens and spacing ignored."""
    return " ".join(name.replace("_", " ").replace("-", " ").split()).casefold()


def find_panel(name: str) -> PanelSpec | None:
    """The panel ``name`` calls: its key ("gradient_check") or its title as the View menu
    shows it ("Gradient check"), in any case; None when no panel has that name."""
    wanted = _folded(name)
    for spec in PANELS:
        if wanted in (_folded(spec.key), _folded(spec.title)):
            return spec
    return None


def panel_names() -> list[str]:
    """Every panel as the View menu names it, with its key where that differs."""
    return [spec.title if _folded(spec.title) == _folded(spec.key)
            else f"{spec.title} ({spec.key})" for spec in PANELS]


def panel_spec(key: str) -> PanelSpec:
    for spec in PANELS:
        if spec.key == key:
            return spec
    raise KeyError(f"no panel {key!r}; known: {[s.key for s in PANELS]}")
