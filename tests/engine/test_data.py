"""Data sets: generators, shipped CSVs, CSV import errors, train/test split."""
from __future__ import annotations

import numpy as np
import pytest

from nnviz.engine.data import (
    DATASETS,
    GENERATORS,
    CSVError,
    Dataset,
    flower,
    load_builtin,
    load_csv,
    make_dataset,
    train_test_split,
)

# ---------------------------------------------------------------------------- flower


def test_flower_shape_and_labels():
    ds = flower()
    assert ds.X.shape == (2, 400) and ds.y.shape == (400,)
    assert ds.task == "binary" and ds.n_outputs == 1
    assert np.array_equal(np.bincount(ds.y), [200, 200])
    # Class 0 is the first block of 200, class 1 the second, as in the course.
    assert np.all(ds.y[:200] == 0) and np.all(ds.y[200:] == 1)
    assert ds.targets().shape == (1, 400)


def test_flower_follows_course_recipe():
    """Rebuild the course recipe by hand with the same random stream."""
    m, noise, seed, a = 400, 0.2, 7, 4
    rng = np.random.default_rng(seed)
    cols = []
    for j in range(2):
        t = np.linspace(3.12 * j, 3.12 * (j + 1), m // 2) + noise * rng.standard_normal(m // 2)
        r = a * np.sin(4 * t) + noise * rng.standard_normal(m // 2)
        cols.append(np.c_[r * np.sin(t), r * np.cos(t)].T)
    assert np.allclose(flower(m, noise, seed).X, np.hstack(cols))


def test_flower_noise_free_points_lie_on_the_rose():
    ds = flower(noise=0.0)
    r = np.hypot(*ds.X)
    assert r.max() <= 4 + 1e-9  # r = 4 sin(4t) never exceeds a = 4


def test_flower_determinism():
    a, b, c = flower(seed=3), flower(seed=3), flower(seed=4)
    assert np.array_equal(a.X, b.X) and np.array_equal(a.y, b.y)
    assert not np.array_equal(a.X, c.X)


def test_flower_odd_m():
    ds = flower(m=101)
    assert ds.m == 101 and np.array_equal(np.bincount(ds.y), [50, 51])


# ---------------------------------------------------------------------- all generators


@pytest.mark.parametrize("name", list(GENERATORS))
def test_generator_shapes_classes_and_seed(name):
    gen = GENERATORS[name]
    ds = gen(m=60, seed=5)
    assert isinstance(ds, Dataset) and ds.name == name
    assert ds.m == 60 and ds.n_features in (1, 2)
    assert ds.X.dtype == np.float64 and np.all(np.isfinite(ds.X))
    assert len(ds.feature_names) == ds.n_features
    if ds.task == "regression":
        assert ds.y.dtype == np.float64 and ds.n_classes == 0
    else:
        assert ds.task == "binary" and len(ds.class_names) == 2
        assert set(np.unique(ds.y)) == {0, 1}
    # Same seed -> identical; other seed -> different (with some noise: the noise-free
    # Playground spiral is the same curve for every seed, as in the Playground).
    again = gen(m=60, seed=5)
    assert np.array_equal(ds.X, again.X) and np.array_equal(ds.y, again.y)
    a, b = gen(m=60, seed=5, noise=0.1), gen(m=60, seed=6, noise=0.1)
    assert not (np.array_equal(a.X, b.X) and np.array_equal(a.y, b.y))
    assert gen.description and gen.title and gen.noise_max > 0
    assert set(gen.defaults) >= {"m", "noise", "seed"}


@pytest.mark.parametrize("name", list(GENERATORS))
@pytest.mark.parametrize("bad, match", [
    (dict(m=1), "at least"),
    (dict(m=2.5), "integer"),
    (dict(noise=-0.1), "noise"),
    (dict(noise=float("nan")), "noise"),
])
def test_generator_rejects_bad_arguments(name, bad, match):
    with pytest.raises(ValueError, match=match):
        GENERATORS[name](**bad)


def test_balanced_generators_have_equal_classes():
    for name in ("flower", "circles", "moons", "gaussians", "spiral", "playground_circle",
                 "linear_separable", "scaled_features"):
        ds = GENERATORS[name](m=100)
        assert np.array_equal(np.bincount(ds.y), [50, 50]), name


def test_geometry_of_playground_sets():
    # Noise-free Playground sets have exact labels.
    xs = make_dataset("xor", noise=0.0)
    assert np.array_equal(xs.y, (xs.X[0] * xs.X[1] >= 0).astype(int))
    assert np.all(np.abs(xs.X) >= 0.3)  # padding keeps points off the axes
    pc = make_dataset("playground_circle", noise=0.0)
    r = np.hypot(*pc.X)
    assert np.all(r[pc.y == 1] <= 2.5) and np.all((r[pc.y == 0] >= 3.5) & (r[pc.y == 0] <= 5))
    g = make_dataset("gaussians", m=4000)
    assert np.allclose(g.X[:, g.y == 1].mean(axis=1), [2, 2], atol=0.1)
    assert np.allclose(g.X[:, g.y == 0].mean(axis=1), [-2, -2], atol=0.1)
    sp = make_dataset("spiral", noise=0.0)
    assert np.hypot(*sp.X).max() < 5
    c = make_dataset("circles", noise=0.0)
    assert np.allclose(np.hypot(*c.X[:, c.y == 0]), 1.0)
    assert np.allclose(np.hypot(*c.X[:, c.y == 1]), 0.8)


def test_linear_separable_and_scaled_features():
    ds = make_dataset("linear_separable")
    # A simple hyperplane through the origin separates the two blobs.
    proj = np.array([2.0, 1.0]) @ ds.X
    assert np.all((proj > 0) == (ds.y == 1))
    sf = make_dataset("scaled_features")
    std = sf.X.std(axis=1)
    assert 300 < std[1] / std[0] < 3000


def test_regression_variants():
    ds = make_dataset("regression")
    assert ds.task == "regression" and ds.n_outputs == 1 and ds.targets().shape == (1, 300)
    clean = make_dataset("regression", noise=0.0)
    assert np.allclose(clean.y, np.sin(clean.X[0]) * np.cos(clean.X[1]))
    one = make_dataset("regression", n_features=1, noise=0.0)
    assert one.X.shape == (1, 300) and np.allclose(one.y, np.sin(2 * one.X[0]) + 0.3 * one.X[0])
    with pytest.raises(ValueError, match="n_features"):
        make_dataset("regression", n_features=3)


# ---------------------------------------------------------------------- registry


def test_registry_and_make_dataset():
    assert set(GENERATORS) <= set(DATASETS)
    assert {"breast_cancer", "iris", "wine"} <= set(DATASETS)
    for name, info in DATASETS.items():
        assert info.title and info.description and info.kind in ("generated", "builtin")
    assert make_dataset("flower", n_samples=100).m == 100
    assert np.array_equal(make_dataset("flower", seed=2).X, flower(seed=2).X)
    with pytest.raises(ValueError, match="unknown data set"):
        make_dataset("nope")
    with pytest.raises(ValueError, match="does not take"):
        make_dataset("iris", noise=0.1)
    with pytest.raises(ValueError, match="does not take"):
        make_dataset("flower", colour="red")


# ---------------------------------------------------------------------- train/test split


@pytest.mark.parametrize("name", ["flower", "iris", "breast_cancer"])
def test_split_is_stratified_and_disjoint(name):
    ds = make_dataset(name)
    sp = train_test_split(ds, train_fraction=0.7, seed=3)
    tr, te = sp.train_idx, sp.test_idx
    assert len(np.intersect1d(tr, te)) == 0
    assert np.array_equal(np.sort(np.concatenate([tr, te])), np.arange(ds.m))
    # Each class keeps (about) its share on both sides.
    full = np.bincount(ds.y) / ds.m
    for idx in (tr, te):
        assert np.allclose(np.bincount(ds.y[idx], minlength=len(full)) / idx.size, full,
                           atol=0.02)
    assert sp.X_train.shape == (ds.n_features, tr.size)
    assert sp.Y_test.shape == (ds.n_outputs, te.size)
    again = train_test_split(ds, train_fraction=0.7, seed=3)
    assert np.array_equal(again.train_idx, tr)


def test_split_regression_is_disjoint():
    ds = make_dataset("regression", m=101)
    sp = train_test_split(ds, train_fraction=0.8, seed=0)
    assert sp.train_idx.size == 81 and sp.test_idx.size == 20
    assert len(np.intersect1d(sp.train_idx, sp.test_idx)) == 0


# ---------------------------------------------------------------------- shipped data


def test_breast_cancer():
    ds = load_builtin("breast_cancer")
    assert ds.X.shape == (30, 569) and ds.task == "binary"
    assert ds.class_names == ("malignant", "benign")
    assert np.array_equal(np.bincount(ds.y), [212, 357])
    assert ds.feature_names[0] == "mean radius"
    assert ds.feature_names[-1] == "worst fractal dimension"
    std = ds.X.std(axis=1)
    assert std.max() / std.min() > 100  # the normalization lesson
    assert np.isclose(ds.X[0, 0], 17.99) and ds.y[0] == 0  # first row is malignant
    assert "Wolberg" in ds.source


def test_iris_and_wine():
    iris = load_builtin("iris")
    assert iris.X.shape == (4, 150) and iris.task == "multiclass" and iris.n_classes == 3
    assert np.array_equal(np.bincount(iris.y), [50, 50, 50])
    assert iris.targets().shape == (3, 150) and np.all(iris.targets().sum(axis=0) == 1)
    wine = load_builtin("wine")
    assert wine.X.shape == (13, 178) and wine.task == "multiclass" and wine.n_classes == 3
    assert np.array_equal(np.bincount(wine.y), [59, 71, 48])
    assert wine.feature_names[-1] == "proline"


def test_unknown_builtin():
    with pytest.raises(ValueError, match="iris"):
        load_builtin("mnist")


# ---------------------------------------------------------------------- CSV import: good


def write(tmp_path, text, name="data.csv"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_csv_with_header(tmp_path):
    p = write(tmp_path, "a,b,label\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n")
    ds = load_csv(p)
    assert ds.X.shape == (2, 4) and ds.feature_names == ("a", "b")
    assert ds.task == "binary" and ds.class_names == ("0", "1")
    assert np.array_equal(ds.X[1], [2, 4, 6, 8]) and np.array_equal(ds.y, [0, 1, 0, 1])
    assert ds.name == "data" and ds.meta["has_header"] is True


def test_csv_without_header(tmp_path):
    p = write(tmp_path, "1.5,2,1\n3,4,2\n5,6,3\n7,8,1\n9,1,2\n2,2,3\n")
    ds = load_csv(p)
    assert ds.meta["has_header"] is False and ds.feature_names == ("x1", "x2")
    assert ds.task == "multiclass" and ds.class_names == ("1", "2", "3")
    assert np.array_equal(ds.y, [0, 1, 2, 0, 1, 2]) and ds.X[0, 0] == 1.5


def test_csv_string_labels_and_label_column(tmp_path):
    p = write(tmp_path, "species;x1;x2\ncat;1;2\ndog;3;4\ncat;5;6\nbird;7;8\n")
    ds = load_csv(p, label_column="species")
    assert ds.meta["delimiter"] == ";"
    assert ds.class_names == ("bird", "cat", "dog") and np.array_equal(ds.y, [1, 2, 1, 0])
    assert ds.feature_names == ("x1", "x2") and ds.task == "multiclass"
    same = load_csv(p, label_column=0)
    assert np.array_equal(same.y, ds.y)
    fixed = load_csv(p, label_column=0, class_names=("cat", "dog", "bird"))
    assert np.array_equal(fixed.y, [0, 1, 0, 2])


def test_csv_string_labels_without_header(tmp_path):
    p = write(tmp_path, "1,2,yes\n3,4,no\n5,6,yes\n7,8,no\n")
    ds = load_csv(p)
    assert ds.meta["has_header"] is False and ds.task == "binary"
    assert ds.class_names == ("no", "yes") and np.array_equal(ds.y, [1, 0, 1, 0])


def test_csv_regression_auto_and_forced(tmp_path):
    p = write(tmp_path, "x,y\n1,0.5\n2,1.7\n3,2.2\n4,3.9\n5,4.1\n")
    ds = load_csv(p)
    assert ds.task == "regression" and ds.y.dtype == np.float64 and ds.y[1] == 1.7
    q = write(tmp_path, "x,y\n1,0\n2,1\n3,0\n4,1\n", name="q.csv")
    assert load_csv(q).task == "binary"
    assert load_csv(q, task="regression").task == "regression"


def test_csv_extras_bom_blank_lines_comments_trailing_commas(tmp_path):
    p = tmp_path / "excel.csv"
    p.write_bytes("\ufeff# exported\nf1,f2,t,\n1,2,a,\n\n3,4,b,\n5,6,a,\n7,8,b,\n".encode())
    ds = load_csv(p)
    assert ds.feature_names == ("f1", "f2") and ds.class_names == ("a", "b") and ds.m == 4


def test_csv_reads_the_shipped_files(tmp_path):
    from nnviz.engine.data import DATA_DIR
    ds = load_csv(DATA_DIR / "iris.csv")
    assert ds.X.shape == (4, 150) and ds.task == "multiclass"


# ---------------------------------------------------------------------- CSV import: errors


def csv_error(path, **kwargs) -> CSVError:
    with pytest.raises(CSVError) as info:
        load_csv(path, **kwargs)
    err = info.value
    assert isinstance(err, ValueError)
    assert err.path.name in str(err)  # every message names the file
    return err


def test_error_missing_file(tmp_path):
    err = csv_error(tmp_path / "nope.csv")
    assert "not found" in str(err) and err.row is None


def test_error_folder(tmp_path):
    assert "not a file" in str(csv_error(tmp_path))


@pytest.mark.parametrize("text", ["", "\n\n   \n", "# only a comment\n"])
def test_error_empty_file(tmp_path, text):
    assert "empty" in str(csv_error(write(tmp_path, text)))


def test_error_not_utf8(tmp_path):
    p = tmp_path / "book.csv"
    p.write_bytes(b"PK\x03\x04\xff\xfe\x00binary")
    assert "UTF-8" in str(csv_error(p))


def test_error_ragged_rows(tmp_path):
    err = csv_error(write(tmp_path, "a,b,c\n1,2,0\n3,4\n5,6,1\n7,8,0\n"))
    assert err.row == 3 and "row 3" in str(err) and "2 values" in str(err)


def test_error_text_in_feature_column(tmp_path):
    err = csv_error(write(tmp_path, "a,b,c\n1,2,0\n3,4,1\n5,oops,1\n7,8,0\n"))
    assert (err.row, err.column) == (4, 2)
    msg = str(err)
    assert "row 4" in msg and "column 2" in msg and "'b'" in msg and "'oops'" in msg


def test_error_decimal_comma_hint(tmp_path):
    err = csv_error(write(tmp_path, "a;b;c\n1;2;0\n3;4,5;1\n5;6;1\n7;8;0\n"))
    assert (err.row, err.column) == (3, 2) and "decimal" in str(err)


def test_error_missing_value(tmp_path):
    err = csv_error(write(tmp_path, "a,b,c\n1,2,0\n3,4,1\n,6,1\n7,8,0\n"))
    assert (err.row, err.column) == (4, 1) and "missing" in str(err)


@pytest.mark.parametrize("bad", ["nan", "NaN", "inf", "-Infinity"])
def test_error_nan_inf_feature(tmp_path, bad):
    err = csv_error(write(tmp_path, f"a,b,c\n1,2,0\n3,4,1\n5,6,1\n7,{bad},0\n"))
    assert (err.row, err.column) == (5, 2) and "row 5" in str(err) and "column 2" in str(err)


def test_error_nan_label(tmp_path):
    err = csv_error(write(tmp_path, "a,b,c\n1,2,0.5\n3,4,1.5\n5,6,nan\n7,8,2.5\n"))
    assert (err.row, err.column) == (4, 3) and "NaN" in str(err)


def test_error_empty_label(tmp_path):
    err = csv_error(write(tmp_path, "a,b,c\n1,2,x\n3,4,\n5,6,y\n7,8,x\n"))
    assert (err.row, err.column) == (3, 3) and "label" in str(err)


def test_error_one_class_only(tmp_path):
    err = csv_error(write(tmp_path, "a,b,label\n1,2,cat\n3,4,cat\n5,6,cat\n7,8,cat\n"))
    assert err.column == 3 and "one class" in str(err) and "'label'" in str(err)


def test_error_one_class_numeric(tmp_path):
    err = csv_error(write(tmp_path, "1,2,1\n3,4,1\n5,6,1\n7,8,1\n"))
    assert "one class" in str(err) and "column 3" in str(err)


def test_error_label_column_missing_name(tmp_path):
    err = csv_error(write(tmp_path, "a,b,c\n1,2,0\n3,4,1\n5,6,1\n7,8,0\n"), label_column="y")
    assert "'y'" in str(err) and "'a', 'b', 'c'" in str(err) and err.row == 1


def test_error_label_column_bad_index(tmp_path):
    err = csv_error(write(tmp_path, "a,b,c\n1,2,0\n3,4,1\n5,6,1\n7,8,0\n"), label_column=5)
    assert "index 5" in str(err) and "0 to 2" in str(err)


def test_error_label_name_without_header(tmp_path):
    err = csv_error(write(tmp_path, "1,2,0\n3,4,1\n5,6,1\n7,8,0\n"), label_column="c")
    assert "no header" in str(err)


def test_error_too_few_rows(tmp_path):
    assert "only 2 data rows" in str(csv_error(write(tmp_path, "a,b,c\n1,2,0\n3,4,1\n")))
    assert "no data rows" in str(csv_error(write(tmp_path, "a,b,c\n", name="h.csv")))


def test_error_single_column(tmp_path):
    err = csv_error(write(tmp_path, "a\n1\n2\n3\n4\n"))
    assert "one column" in str(err)


def test_error_text_label_for_regression(tmp_path):
    err = csv_error(write(tmp_path, "a,b,c\n1,2,0.5\n3,4,big\n5,6,1\n7,8,0\n"),
                    task="regression")
    assert (err.row, err.column) == (3, 3)


def test_error_binary_with_three_classes(tmp_path):
    err = csv_error(write(tmp_path, "a,b,c\n1,2,x\n3,4,y\n5,6,z\n7,8,x\n"), task="binary")
    assert "3 classes" in str(err) and "column 3" in str(err)


def test_error_label_outside_fixed_classes(tmp_path):
    err = csv_error(write(tmp_path, "a,b,c\n1,2,x\n3,4,y\n5,6,z\n7,8,x\n"),
                    class_names=("x", "y"))
    assert (err.row, err.column) == (4, 3) and "'z'" in str(err)


def test_bad_task_argument(tmp_path):
    with pytest.raises(ValueError, match="task"):
        load_csv(write(tmp_path, "1,2,0\n3,4,1\n5,6,1\n7,8,0\n"), task="clustering")


# ------------------------------------------------------- CSV import: limits and streaming


def test_error_unclosed_quote_names_the_row_where_it_opens(tmp_path):
    err = csv_error(write(tmp_path, 'a,b,c\n1,2,0\n3,"4,1\n5,6,1\n7,8,0\n9,9,1\n'))
    assert err.row == 3 and "row 3" in str(err) and "never closed" in str(err)


def test_quoted_values_and_a_quote_inside_a_value_still_load(tmp_path):
    p = write(tmp_path, 'a,b,label\n1,2,"cat, big"\n3,4,dog\n"5",6,"cat, big"\n7,8,5"\n')
    ds = load_csv(p)
    assert ds.class_names == ('5"', "cat, big", "dog") and np.array_equal(ds.y, [1, 2, 1, 0])


def test_error_too_many_classes_names_the_class_limit(tmp_path):
    from nnviz.engine.limits import MAX_CLASSES
    rows = "".join(f"{i},{i % 2},class{i}\n" for i in range(1000))
    err = csv_error(write(tmp_path, "a,b,label\n" + rows))
    assert f"more than {MAX_CLASSES} different labels" in str(err) and "class limit" in str(err)
    assert err.row == MAX_CLASSES + 2 and err.column == 3
    numeric = write(tmp_path, "a,label\n" + "".join(f"{i},{i}\n" for i in range(1000)), "n.csv")
    assert load_csv(numeric).task == "regression"  # 1000 distinct numbers: a target
    assert "class limit" in str(csv_error(numeric, task="multiclass"))


def test_error_too_many_features_names_the_feature_limit(tmp_path, monkeypatch):
    from nnviz.engine.data import csv_import
    monkeypatch.setattr(csv_import, "MAX_FEATURES", 3)
    err = csv_error(write(tmp_path, "a,b,c,d,y\n" + "1,2,3,4,0\n" * 4))
    assert "4 feature columns" in str(err) and "feature limit" in str(err)


def test_error_too_many_rows_names_the_example_limit_before_reading_on(tmp_path, monkeypatch):
    from nnviz.engine.data import csv_import
    monkeypatch.setattr(csv_import, "MAX_EXAMPLES", 10)
    err = csv_error(write(tmp_path, "a,y\n" + "".join(f"{i},{i % 2}\n" for i in range(50))))
    assert "more than 10 data rows" in str(err) and "example limit" in str(err)
    assert err.row == 12


def big_csv(tmp_path, m, name="big.csv", label=lambda i: i % 3, extra=""):
    rng = np.random.default_rng(0)
    X = np.round(rng.standard_normal((m, 2)), 4)
    lines = [f"{a},{b},{label(i)}\n" for i, (a, b) in enumerate(X)]
    p = tmp_path / name
    p.write_text("f1,f2,y\n" + "".join(lines) + extra, encoding="utf-8")
    return p, X


def test_many_blocks_read_exactly_with_row_numbers_from_the_file(tmp_path):
    m = 150_000  # ten 256 kB blocks
    p, X = big_csv(tmp_path, m)
    ds = load_csv(p)
    assert np.array_equal(ds.X, X.T) and np.array_equal(ds.y, np.arange(m) % 3)
    assert ds.task == "multiclass" and ds.X.flags.c_contiguous
    # a bad value deep in the file: the exact row, as a spreadsheet numbers it
    text = p.read_text().splitlines(keepends=True)
    text[123_457 - 1] = "1.0,oops,2\n"
    p.write_text("".join(text))
    err = csv_error(p)
    assert (err.row, err.column) == (123_457, 2) and "'oops'" in str(err)


def test_text_labels_after_many_numeric_rows_make_it_text_classes(tmp_path):
    p, X = big_csv(tmp_path, 100_000, label=lambda i: i % 2, extra="0.5,0.5,cat\n")
    ds = load_csv(p)
    assert ds.class_names == ("0", "1", "cat") and ds.m == 100_001
    assert ds.y[-1] == 2 and np.array_equal(ds.y[:-1], np.arange(100_000) % 2)
    err = csv_error(p, task="regression")
    assert err.row == 100_002 and "regression" in str(err)


def test_windows_line_ends_and_bom_load_like_plain_files(tmp_path):
    plain = write(tmp_path, "a,b,y\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n")
    crlf = tmp_path / "crlf.csv"
    crlf.write_bytes(b"\xef\xbb\xbf" + plain.read_bytes().replace(b"\n", b"\r\n"))
    a, b = load_csv(plain), load_csv(crlf)
    assert np.array_equal(a.X, b.X) and np.array_equal(a.y, b.y)
    assert a.feature_names == b.feature_names == ("a", "b")


def test_progress_is_reported_and_cancel_stops_loading(tmp_path):
    import threading

    from nnviz.engine.data.csv_import import CSVCancelled
    p, X = big_csv(tmp_path, 60_000)
    seen = []
    load_csv(p, progress=lambda done, total: seen.append((done, total)))
    size = p.stat().st_size
    assert seen and seen[-1] == (size, size)
    flag = threading.Event()
    flag.set()
    with pytest.raises(CSVCancelled):
        load_csv(p, cancel=flag)
    with pytest.raises(CSVCancelled):
        load_csv(p, progress=lambda done, total: False)


def test_peak_memory_is_a_small_multiple_of_the_numeric_size(tmp_path):
    import tracemalloc
    m = 200_000
    p, X = big_csv(tmp_path, m)
    numeric = m * 3 * 8
    tracemalloc.start()
    try:
        load_csv(p)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 * numeric + 8 * 2**20  # 4x the numbers, plus a fixed parsing buffer


def test_quoted_numbers_read_like_plain_ones_in_long_files(tmp_path):
    p, X = big_csv(tmp_path, 40_000)
    quoted = tmp_path / "quoted.csv"
    quoted.write_text("".join(",".join(f'"{c}"' for c in line.rstrip("\n").split(",")) + "\n"
                              for line in p.read_text().splitlines(keepends=True)))
    a, b = load_csv(p), load_csv(quoted)
    assert np.array_equal(a.X, b.X) and np.array_equal(a.y, b.y)
    assert b.feature_names == ("f1", "f2")
