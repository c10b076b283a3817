"""At start-up the app removes the temporary files a killed export left in the folders it
writes to, on a pool thread; a young one (a write in progress) and other files stay."""
from __future__ import annotations

import os
import time

from nnviz.engine.io.atomic import STALE_SECONDS, TEMP_PREFIX, TEMP_SUFFIX
from nnviz.ui.settings import open_settings
from nnviz.ui.startup_sweep import folders_to_sweep, start_startup_sweep

TIMEOUT = 10_000


def leftover(folder, name, age_s):
    path = folder / f"{TEMP_PREFIX}{name}.abcd{TEMP_SUFFIX}"
    path.write_bytes(b"\0" * 1024)
    then = time.time() - age_s
    os.utime(path, (then, then))
    return path


def test_stale_temporaries_in_remembered_and_state_folders_are_removed(qtbot, tmp_path,
                                                                       isolated_settings):
    weights, sessions, state, other = (tmp_path / n for n in ("w", "s", "state", "other"))
    for folder in (weights, sessions, state, other):
        folder.mkdir()
    settings = open_settings(str(isolated_settings))
    settings.setValue("paths/weights", str(weights))
    settings.setValue("paths/session", str(sessions))
    settings.setValue("paths/figures", str(tmp_path / "gone"))  # removed since: skipped
    settings.setValue("appearance/mode", str(other))  # not a folder setting
    stale = [leftover(weights, "model.npz", 2 * STALE_SECONDS),
             leftover(sessions, "run.nnviz", 3600), leftover(state, "crash", 10 * STALE_SECONDS)]
    young = leftover(weights, "next.npz", 1)  # another window writing right now
    kept = [young, leftover(other, "model.npz", 3600), weights / "model.npz"]
    kept[-1].write_bytes(b"weights")

    assert set(folders_to_sweep(settings, str(state))) == {
        str(weights), str(sessions), str(tmp_path / "gone"), str(state)}
    sweep = start_startup_sweep(settings, state=str(state))
    qtbot.waitUntil(lambda: sweep.removed is not None, timeout=TIMEOUT)
    assert sorted(map(str, sweep.removed)) == sorted(map(str, stale))
    assert not any(p.exists() for p in stale) and all(p.exists() for p in kept)
