"""Training off the GUI thread: session settings, the Qt-free session, immutable snapshots,
the QThread worker and the GUI-side controller.

- :mod:`.config`: ``SessionConfig`` (``DataSpec``, ``NetworkSpec``, ``Hyperparameters``),
  ``course_default()``.
- :mod:`.session`: ``TrainingSession`` (no Qt): data, network, trainer, history, snapshots.
- :mod:`.snapshot`: ``TrainingSnapshot`` and its parts (read-only arrays).
- :mod:`.worker`: ``TrainingWorker`` (a QObject on its own QThread).
- :mod:`.controller`: ``TrainingController`` (GUI side: requests, latest snapshot, shutdown).

Import the Qt parts from their modules; this package imports nothing heavy itself.
"""
