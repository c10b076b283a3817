"""Session files: round trip, continuing training identically, data-set rebuild, refusals."""
from __future__ import annotations

import io
import json
import zipfile

import numpy as np
import pytest

from nnviz import __version__
from nnviz.engine.data import make_dataset, train_test_split
from nnviz.engine.io import (ExportError, LoadError, SessionData, dataset_from_session,
                             load_session, restore_trainer_state, save_session, trainer_state)
from nnviz.engine.io import session as session_module
from nnviz.engine.network import Network
from nnviz.engine.normalization import Standardizer
from nnviz.engine.optimizers import make_optimizer
from nnviz.engine.trainer import Trainer

CSV_TEXT = "width,height,label\n1.0,2.0,cat\n1.5,2.5,dog\n0.5,1.0,cat\n2.0,3.5,dog\n1.2,2.2,cat\n"


def training_run(optimizer="adam", batch_size=64, keep_prob=0.8, seed=3):
    """Data, normalization, network and trainer as the app builds them."""
    ds = make_dataset("flower", m=200, seed=1)
    split = train_test_split(ds, 0.8, seed=0)
    norm = Standardizer.fit(split.X_train)
    net = Network([2, 6, 5, 1], ["tanh", "relu"], head="sigmoid", init="he", seed=seed)
    opt = make_optimizer(optimizer, learning_rate=0.01)
    trainer = Trainer(net, norm.transform(split.X_train), split.Y_train, opt,
                      batch_size=batch_size, keep_prob=keep_prob, seed=seed)
    return ds, norm, net, trainer


def full_session(net, norm, trainer, trajectory):
    return SessionData.from_network(
        net,
        dataset={"kind": "generated", "name": "flower", "params": {"m": 200, "seed": 1}},
        settings={"network": {"hidden_units": [6, 5]}, "hyper": {"learning_rate": 0.01,
                                                                  "batch_size": 64}},
        normalizer=norm,
        history={"iterations": np.arange(0, 40, 10), "train_cost": np.linspace(0.7, 0.3, 4),
                 "test_metric": np.array([0.5, np.nan, 0.8, 0.9]),
                 "grad_norm": np.arange(12.0).reshape(4, 3)},
        trajectory=trajectory,
        trainer=trainer_state(trainer),
        extra={"view": {"panel": "cost surface", "zoom": 2.5}, "marks": np.arange(3)},
    )


def test_round_trip_keeps_every_field(tmp_path):
    ds, norm, net, trainer = training_run()
    trajectory = [net.theta.copy()]
    for _ in range(3):
        trainer.run(5)
        trajectory.append(net.theta.copy())
    data = full_session(net, norm, trainer, trajectory)
    path = save_session(tmp_path / "run.nnviz", data)
    back = load_session(path)

    assert back.nnviz_version == __version__ and back.format_version == 1
    assert back.network == net.config()
    assert np.array_equal(back.theta, net.theta)
    assert back.dataset == data.dataset
    assert back.settings == data.settings
    assert np.array_equal(back.normalizer.mean, norm.mean)
    assert np.array_equal(back.normalizer.std, norm.std)
    assert list(back.history) == list(data.history)
    for key, values in data.history.items():
        np.testing.assert_array_equal(back.history[key], values)  # NaN stays NaN
    assert back.history["grad_norm"].shape == (4, 3)
    assert len(back.trajectory) == 4
    assert all(np.array_equal(a, b) for a, b in zip(back.trajectory, trajectory))
    assert back.extra["view"] == {"panel": "cost surface", "zoom": 2.5}
    assert np.array_equal(back.extra["marks"], np.arange(3))
    assert back.trainer["iteration"] == 15
    assert np.array_equal(back.trainer["optimizer"]["state"]["m"], trainer.optimizer.m)
    rebuilt = back.build_network()
    assert rebuilt.layer_dims == net.layer_dims and np.array_equal(rebuilt.theta, net.theta)


@pytest.mark.parametrize("optimizer, batch_size, keep_prob", [
    ("adam", 64, 0.8),  # mini-batch order, dropout masks and Adam moments all matter
    ("momentum", 50, 1.0),
    ("rmsprop", 64, 1.0),  # RMSprop's s
    ("gd", None, 1.0),
])
def test_a_reloaded_session_continues_training_identically(tmp_path, optimizer, batch_size,
                                                           keep_prob):
    # Uninterrupted: 37 + 40 steps (37 so the save falls in the middle of an epoch).
    _, _, net_a, trainer_a = training_run(optimizer, batch_size, keep_prob)
    costs_a = trainer_a.run(77)

    _, norm, net_b, trainer_b = training_run(optimizer, batch_size, keep_prob)
    costs_b = trainer_b.run(37)
    path = save_session(tmp_path / "half.nnviz", full_session(net_b, norm, trainer_b, []))
    del net_b, trainer_b

    back = load_session(path)
    ds = dataset_from_session(back)
    split = train_test_split(ds, 0.8, seed=0)
    net_c = back.build_network()
    trainer_c = Trainer(net_c, back.normalizer.transform(split.X_train), split.Y_train,
                        make_optimizer(optimizer, learning_rate=0.01), batch_size=batch_size,
                        keep_prob=keep_prob, seed=12345)  # a different seed: the state wins
    restore_trainer_state(trainer_c, back.trainer)
    costs_c = trainer_c.run(40)

    assert costs_b + costs_c == costs_a
    assert np.array_equal(net_c.theta, net_a.theta)
    assert (trainer_c.iteration, trainer_c.epoch) == (trainer_a.iteration, trainer_a.epoch)


def test_restoring_into_a_mismatched_trainer_is_refused_and_changes_nothing():
    _, _, net, trainer = training_run("adam")
    trainer.run(3)
    state = trainer_state(trainer)
    _, _, net2, other = training_run("momentum")
    with pytest.raises(ValueError, match="for the 'adam' optimizer, not 'momentum'"):
        restore_trainer_state(other, state)
    assert other.iteration == 0
    small = Trainer(net2, np.zeros((2, 10)), np.zeros((1, 10)), make_optimizer("adam"),
                    batch_size=4)
    small.run(1)
    state = trainer_state(trainer)
    with pytest.raises(ValueError, match="mini-batch order does not fit 10 training examples"):
        restore_trainer_state(small, state)
    assert small.iteration == 1


def test_builtin_and_generated_data_sets_are_rebuilt():
    theta = np.zeros(Network([4, 3]).n_params)
    iris = SessionData(network=Network([4, 3], head="softmax").config(), theta=theta,
                       dataset={"kind": "builtin", "name": "iris"})
    ds = dataset_from_session(iris)
    assert ds.name == "iris" and ds.X.shape == (4, 150)
    flower = SessionData(network={}, theta=theta, dataset={"kind": "generated", "name": "flower",
                                                           "params": {"m": 100, "noise": 0.3}})
    assert np.array_equal(dataset_from_session(flower).X, make_dataset("flower", m=100,
                                                                       noise=0.3).X)
    with pytest.raises(ValueError, match="data set 'mnist', which this nnviz does not have"):
        dataset_from_session(SessionData(network={}, theta=theta, dataset={"name": "mnist"}))


def test_an_embedded_csv_travels_with_the_session(tmp_path):
    csv_path = tmp_path / "pets.csv"
    csv_path.write_text(CSV_TEXT)
    net = Network([2, 3, 1], "tanh", head="sigmoid")
    data = SessionData.from_network(
        net, dataset={"kind": "csv", "name": "pets", "path": str(csv_path),
                      "label_column": "label", "has_header": True}, csv_text=CSV_TEXT)
    path = save_session(tmp_path / "pets.nnviz", data)
    csv_path.unlink()  # the session no longer needs the original file
    with zipfile.ZipFile(path) as zf:
        assert zf.read("data.csv").decode() == CSV_TEXT
    back = load_session(path)
    ds = dataset_from_session(back)
    assert ds.name == "pets" and ds.source == str(csv_path)
    assert ds.feature_names == ("width", "height") and ds.class_names == ("cat", "dog")
    assert np.array_equal(ds.y, [0, 1, 0, 1, 0])


def test_manifest_is_documented_json(tmp_path):
    _, norm, net, trainer = training_run()
    trainer.run(2)  # so Adam has its moments
    path = save_session(tmp_path / "m.nnviz", full_session(net, norm, trainer, [net.theta]))
    with zipfile.ZipFile(path) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        with np.load(io.BytesIO(zf.read("arrays.npz")), allow_pickle=False) as arrays:
            names = set(arrays.files)
    assert manifest["format"] == "nnviz-session" and manifest["format_version"] == 1
    assert manifest["arrays"]["theta"]["shape"] == [net.n_params]
    assert {"theta", "normalization.mean", "history.train_cost", "trajectory",
            "trainer.optimizer.state.m", "extra.marks"} <= names
    assert manifest["trainer"]["optimizer"]["state"]["m"] == {
        "__array__": "trainer.optimizer.state.m"}


# -- refusals -----------------------------------------------------------------------------

def minimal_session():
    net = Network([2, 3, 1], "tanh", head="sigmoid", seed=4)
    return SessionData.from_network(net, dataset={"kind": "generated", "name": "flower"})


def rewrite(path, out, manifest_change=None, arrays_change=None, drop=()):
    """Copy a session with its manifest or arrays changed."""
    with zipfile.ZipFile(path) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        with np.load(io.BytesIO(zf.read("arrays.npz"))) as d:
            arrays = {k: d[k] for k in d.files}
    if manifest_change:
        manifest_change(manifest)
    if arrays_change:
        arrays_change(arrays)
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)  # allow_pickle defaults to True when saving
    with zipfile.ZipFile(out, "w") as zf:
        if "manifest.json" not in drop:
            zf.writestr("manifest.json", json.dumps(manifest))
        zf.writestr("arrays.npz", buffer.getvalue())
    return out


def test_refusals_name_the_file_and_the_problem(tmp_path):
    good = save_session(tmp_path / "good.nnviz", minimal_session())

    (tmp_path / "text.nnviz").write_text("hello")
    with pytest.raises(LoadError, match=r"text\.nnviz: is not an nnviz session \(a \.nnviz file "
                                        r"is a zip archive\)"):
        load_session(tmp_path / "text.nnviz")
    with pytest.raises(LoadError, match=r"nomanifest\.nnviz: is a zip archive without "
                                        r"manifest\.json"):
        load_session(rewrite(good, tmp_path / "nomanifest.nnviz", drop=("manifest.json",)))
    with pytest.raises(LoadError, match=r"new\.nnviz: was written by a newer nnviz \(session "
                                        r"format version 7"):
        load_session(rewrite(good, tmp_path / "new.nnviz",
                             lambda m: m.update(format_version=7)))

    def short_theta(a):
        a["theta"] = a["theta"][:-1]
    with pytest.raises(LoadError, match=r"short\.nnviz: has parameters of shape \(12,\), but its "
                                        r"network .* needs \(13,\)"):
        load_session(rewrite(good, tmp_path / "short.nnviz", arrays_change=short_theta))

    def pickled(a):
        a["theta"] = np.array([object()], dtype=object)
    with pytest.raises(LoadError, match=r"pickled\.nnviz \(arrays\.npz\): array 'theta' holds "
                                        r"pickled Python objects"):
        load_session(rewrite(good, tmp_path / "pickled.nnviz", arrays_change=pickled))

    def nan_theta(a):
        a["theta"] = a["theta"].copy()
        a["theta"][2] = np.nan
    with pytest.raises(LoadError, match=r"nan\.nnviz: has NaN or infinite parameters"):
        load_session(rewrite(good, tmp_path / "nan.nnviz", arrays_change=nan_theta))

    with pytest.raises(LoadError, match=r"history\.nnviz: lists the history series 'cost' but "
                                        r"its array is missing"):
        load_session(rewrite(good, tmp_path / "history.nnviz",
                             lambda m: m.update(history=["cost"])))
    with pytest.raises(LoadError, match=r"badnet\.nnviz: describes a network nnviz cannot build"):
        load_session(rewrite(good, tmp_path / "badnet.nnviz",
                             lambda m: m["network"].update(activations=["mish"])))
    cut = tmp_path / "cut.nnviz"
    cut.write_bytes(good.read_bytes()[:300])
    with pytest.raises(LoadError, match=r"cut\.nnviz: is not a valid zip archive"):
        load_session(cut)


def test_refuses_a_session_that_unpacks_too_large(tmp_path, monkeypatch):
    stored = save_session(tmp_path / "stored.nnviz", SessionData.from_network(
        Network([2, 3, 1], "tanh", head="sigmoid"), trajectory=[np.zeros(13)] * 2000))
    path = tmp_path / "big.nnviz"
    with zipfile.ZipFile(stored) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in src.namelist():  # deflated, the zeros shrink to almost nothing
            zf.writestr(name, src.read(name))
    monkeypatch.setattr(session_module, "MAX_SESSION_BYTES", 100_000)
    assert path.stat().st_size < 100_000
    with pytest.raises(LoadError, match=r"big\.nnviz: unpacks to 2\d\d kB, too large"):
        load_session(path)


def test_bad_content_is_refused_on_save_and_the_older_file_survives(tmp_path, monkeypatch):
    path = save_session(tmp_path / "s.nnviz", minimal_session())
    old = path.read_bytes()
    data = minimal_session()
    data.trajectory = [np.zeros(5)]
    with pytest.raises(ExportError, match=r"every entry must be a theta of 13 parameters"):
        save_session(path, data)
    data = minimal_session()
    data.settings = {"callback": print}
    with pytest.raises(ExportError, match=r"settings\['callback'\] is a builtin_function_or_method"):
        save_session(path, data)
    data = minimal_session()
    data.dataset = {"kind": "csv", "name": "mine"}
    with pytest.raises(ExportError, match=r"csv_text \(its content\) is missing"):
        save_session(path, data)

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(session_module.zipfile.ZipFile, "writestr", broken)
    with pytest.raises(ExportError, match=r"s\.nnviz: the disk is full"):
        save_session(path, minimal_session())
    assert path.read_bytes() == old
    assert [p.name for p in tmp_path.iterdir()] == ["s.nnviz"]


# -- limits: checked before anything is allocated ------------------------------------------

def npy_header(shape, dtype="<f8") -> bytes:
    """A .npy header claiming ``shape``, with no data after it."""
    header = f"{{'descr': '{dtype}', 'fortran_order': False, 'shape': {shape}, }}"
    header = header.ljust(117) + "\n"
    return b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header.encode()


@pytest.mark.parametrize("change, message", [
    (lambda m: m["network"].update(layer_dims=[10**9, 3, 1]),
     r"input size n\[0\] = 1000000000 is outside 1\.\.\d+ \(the feature limit\)"),
    (lambda m: m["network"].update(layer_dims=[2, 5 * 10**7, 1]),
     r"layer 1 has 50000000 units; nnviz builds 1\.\.512 units per layer"),
    (lambda m: m["dataset"].update(params={"m": 2 * 10**9}),
     r"asks for a data set of 2000000000 examples; .* \(the example limit\)"),
    (lambda m: m.update(trainer={"iteration": 10**30, "epoch": 0, "rng": {}}),
     r"training state beyond nnviz's limits: its iteration 10{30} is not a whole number in "
     r"0\.\.1,000,000,000,000"),
    (lambda m: m.update(trainer={"iteration": 5, "epoch": 0, "rng": {},
                                 "optimizer": {"name": "adam", "state": {"t": -1}}}),
     r"optimizer step count t -1"),
    (lambda m: m.update(normalization={"constant_features": ["x"]}),
     r"constant features are not input numbers"),
])
def test_a_manifest_beyond_the_limits_is_refused_before_allocating(tmp_path, change, message):
    import tracemalloc
    good = save_session(tmp_path / "good.nnviz", minimal_session())
    bad = rewrite(good, tmp_path / "bad.nnviz", change)
    tracemalloc.start()
    try:
        with pytest.raises(LoadError, match=r"bad\.nnviz: .*" + message):
            load_session(bad)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * 2**20


@pytest.mark.parametrize("text, message", [
    ("[" * 100_000 + "]" * 100_000, r"nested too deeply \(the limit is 32 levels"),
    ('{"format": "nnviz-session", "format_version": 1, "x": ' + "[" * 40 + "]" * 40 + "}",
     r"nested too deeply"),
    ('{"format": "nnviz-session", "format_version": 1, "x": 1e400}',
     r"its manifest is refused: it holds a number too large for a float"),
    ('{"format": "nnviz-session", "format_version": 1, "x": ' + "9" * 5000 + "}",
     r"an integer has 5000 digits \(the limit is 40\)"),
    ('{"format": "nnviz-session", "format_version": 1, "x": NaN}', r"it holds NaN"),
])
def test_hostile_manifest_json_is_a_load_error(tmp_path, text, message):
    path = tmp_path / "m.nnviz"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("manifest.json", text)
        zf.writestr("arrays.npz", b"")
    with pytest.raises(LoadError, match=r"m\.nnviz: .*" + message):
        load_session(path)


def test_an_npy_header_claiming_10_to_the_12_elements_is_refused_before_allocating(tmp_path):
    good = save_session(tmp_path / "good.nnviz", minimal_session())
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as npz:
        npz.writestr("theta.npy", npy_header("(1000000000000,)"))
    path = tmp_path / "huge.nnviz"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w") as zf:
        zf.writestr("manifest.json", src.read("manifest.json"))
        zf.writestr("arrays.npz", inner.getvalue())
    with pytest.raises(LoadError, match=r"huge\.nnviz: array 'theta' \(1000000000000 float64\) "
                                        r"claims 7\.45e\+03 GB, more than the 1 GB a session "
                                        r"file may unpack to"):
        load_session(path)


def test_arrays_npz_that_is_itself_a_zip_bomb_is_refused_while_reading(tmp_path, monkeypatch):
    good = save_session(tmp_path / "good.nnviz", minimal_session())
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as npz:
        npz.writestr("theta.npy", npy_header("(15000000,)") + b"\0" * 120_000_000)
    path = tmp_path / "bomb.nnviz"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w") as zf:
        zf.writestr("manifest.json", src.read("manifest.json"))
        zf.writestr("arrays.npz", inner.getvalue())
    assert path.stat().st_size < 2**20  # 114 MB unpacked from under 1 MB
    monkeypatch.setattr(session_module, "MAX_SESSION_BYTES", 100 * 2**20)
    with pytest.raises(LoadError, match=r"bomb\.nnviz \(arrays\.npz\): unpacks to 114 MB, too "
                                        r"large to be a session file nnviz wrote \(the limit is "
                                        r"100 MB\)"):
        load_session(path)


def test_a_zip_member_whose_declared_size_lies_is_refused(tmp_path):
    good = save_session(tmp_path / "good.nnviz", minimal_session())
    data = bytearray(good.read_bytes())
    # shrink the sizes the central directory declares for manifest.json: zipfile then
    # stops early and the CRC (or the JSON) does not match
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        name_len = int.from_bytes(data[at + 28:at + 30], "little")
        if data[at + 46:at + 46 + name_len] == b"manifest.json":
            data[at + 24:at + 28] = (10).to_bytes(4, "little")
        at = data.find(b"PK\x01\x02", at + 4)
    path = tmp_path / "liar.nnviz"
    path.write_bytes(bytes(data))
    with pytest.raises(LoadError, match=r"liar\.nnviz: "):
        load_session(path)
