"""The progress store: round trip, corrupt/foreign/oversize files set aside, reset."""
from __future__ import annotations

import json

import pytest

from nnviz.training.progress import FORMAT, MAX_BYTES, VERSION, ProgressStore


def test_round_trip_keeps_lessons_predictions_and_challenges(tmp_path):
    store = ProgressStore(tmp_path / "app")  # the folder is created on the first save
    assert store.message is None
    assert store.record_prediction("symmetry", "zeros", 0.75) is None
    assert store.record_prediction("learning_rate", [[0, 0.7], [10, 0.3]], 0.4) is None
    assert store.mark_lesson_done("features") is None
    assert store.record_challenge("fewest_units", 3, "min") is None
    assert store.record_challenge("fewest_units", 4, "min") is None  # not better: kept 3
    store.record_challenge("diverge")

    again = ProgressStore(tmp_path / "app")
    assert again.message is None
    assert set(again.lessons_done) == {"symmetry", "learning_rate", "features"}
    assert again.predictions("symmetry")[0]["answer"] == "zeros"
    assert again.predictions("symmetry")[0]["score"] == 0.75
    assert again.predictions("learning_rate")[0]["answer"] == [[0.0, 0.7], [10.0, 0.3]]
    solved = again.challenges_solved
    assert solved["fewest_units"]["best"] == 3.0 and solved["diverge"]["best"] is None
    again.record_challenge("fewest_units", 2, "min")
    assert ProgressStore(tmp_path / "app").challenges_solved["fewest_units"]["best"] == 2.0


def test_reset_forgets_everything_on_disk(tmp_path):
    store = ProgressStore(tmp_path)
    store.record_challenge("diverge")
    assert store.reset() is None
    assert ProgressStore(tmp_path).challenges_solved == {}
    assert json.loads((tmp_path / "progress.json").read_text())["format"] == FORMAT


def _set_aside(tmp_path):
    return [p.name for p in tmp_path.iterdir() if ".corrupt-" in p.name]


@pytest.mark.parametrize("content, why", [
    (b"{not json", "not valid JSON"),
    (b"\xff\xfe\x00garbage", "not valid JSON"),
    (json.dumps({"format": "something-else", "version": 1}).encode(), "not an nnviz progress"),
    (json.dumps([1, 2, 3]).encode(), "not an nnviz progress"),
    (json.dumps({"format": FORMAT, "version": VERSION + 1}).encode(), "newer nnviz"),
    (json.dumps({"format": FORMAT, "version": VERSION,
                 "challenges": {"diverge": {"best": "three", "at": "2024-01-01T00:00:00"}}}
                ).encode(), "finite number"),
    (json.dumps({"format": FORMAT, "version": VERSION,
                 "predictions": {"symmetry": [{"answer": "a", "score": 7,
                                               "at": "2024-01-01T00:00:00"}]}}).encode(),
     "between 0 and 1"),
    (json.dumps({"format": FORMAT, "version": VERSION,
                 "lessons": {"../../etc": {"at": "2024-01-01T00:00:00"}}}).encode(), "not a name"),
    (json.dumps({"format": FORMAT, "version": VERSION, "extra": 1}).encode(), "unknown fields"),
    (b"[" * 100000 + b"]" * 100000, "not valid JSON"),
])
def test_a_bad_file_is_set_aside_with_a_message(tmp_path, content, why):
    (tmp_path / "progress.json").write_bytes(content)
    store = ProgressStore(tmp_path)
    assert store.message is not None and why in store.message
    assert "starts afresh" in store.message and "Traceback" not in store.message
    aside = _set_aside(tmp_path)
    assert len(aside) == 1 and aside[0].startswith("progress.json.corrupt-")
    assert (tmp_path / aside[0]).read_bytes() == content  # kept as it was
    assert store.challenges_solved == {} and store.lessons_done == []
    assert store.record_challenge("diverge") is None  # and progress goes on
    assert ProgressStore(tmp_path).message is None


def test_an_oversize_file_is_set_aside_without_being_read(tmp_path, monkeypatch):
    path = tmp_path / "progress.json"
    path.write_bytes(b" " * (MAX_BYTES + 1))
    monkeypatch.setattr("pathlib.Path.read_bytes",
                        lambda self: pytest.fail("an oversize file must not be read"))
    store = ProgressStore(tmp_path)
    assert "more than a progress file can be" in store.message
    assert len(_set_aside(tmp_path)) == 1 and not path.exists()


def test_bad_values_from_the_caller_are_refused_before_saving(tmp_path):
    store = ProgressStore(tmp_path)
    with pytest.raises(ValueError, match="between 0 and 1"):
        store.record_prediction("symmetry", "zeros", 1.5)
    with pytest.raises(ValueError, match="name"):
        store.record_prediction("a/b", "zeros", 0.5)
    with pytest.raises(ValueError, match="finite"):
        store.record_challenge("fewest_units", float("nan"))
    assert not (tmp_path / "progress.json").exists()


def test_a_failed_write_returns_a_message(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    store = ProgressStore(blocker)  # the "folder" is a file: nothing can be written there
    message = store.record_challenge("diverge")
    assert message is not None and message.startswith("Your progress could not be saved")


def test_the_shared_store_is_one_object_per_file(tmp_path):
    a = ProgressStore.shared(tmp_path)
    b = ProgressStore.shared(tmp_path / "." )
    assert a is b
    a.record_challenge("diverge")
    b.record_prediction("symmetry", "zeros", 1.0)  # neither write loses the other's
    again = ProgressStore(tmp_path)
    assert "diverge" in again.challenges_solved and again.lessons_done == ["symmetry"]
