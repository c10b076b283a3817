"""Hostile CSV files: random text from CSV's own characters, random bytes, and files with
the right shape but wrong content give a data set or a CSVError, within the memory bound."""
from __future__ import annotations

import itertools

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nnviz.engine.data import CSVError, Dataset, load_csv

from .conftest import outcome

HOSTILE = settings(max_examples=80, deadline=None, derandomize=True,
                   suppress_health_check=[HealthCheck.function_scoped_fixture,
                                          HealthCheck.too_slow])
_names = itertools.count()
CSV_CHARACTERS = ',;\t"\n\r#0123456789.-+eE nainfNaAbc\ufeff\x00'


def write(folder, data: bytes):
    path = folder / f"hostile{next(_names)}.csv"
    path.write_bytes(data)
    return path


def check(result):
    if isinstance(result, Dataset):  # whatever it read is a consistent data set
        assert np.isfinite(result.X).all() and result.m >= 4
        assert result.X.shape == (len(result.feature_names), result.m)


@HOSTILE
@given(text=st.text(alphabet=CSV_CHARACTERS, max_size=400))
def test_random_csv_text(tmp_path, text):
    check(outcome(load_csv, write(tmp_path, text.encode("utf-8")), CSVError))


@HOSTILE
@given(data=st.binary(max_size=1024))
def test_random_bytes(tmp_path, data):
    check(outcome(load_csv, write(tmp_path, data), CSVError))


cells = st.one_of(st.floats(allow_nan=True, allow_infinity=True).map(repr),
                  st.integers(-10**30, 10**30).map(str),
                  st.sampled_from(["", " ", '"', '""', '"1,2"', "#", "1,5", "nan", "x", "1e400"]))


@HOSTILE
@given(rows=st.lists(st.lists(cells, min_size=1, max_size=5), min_size=1, max_size=30),
       header=st.booleans(), task=st.sampled_from([None, "binary", "multiclass", "regression",
                                                   "classification"]),
       label=st.sampled_from([None, 0, -1, 7, "y", "b"]))
def test_shaped_rows_with_hostile_cells(tmp_path, rows, header, task, label):
    lines = (["a,b,y"] if header else []) + [",".join(r) for r in rows]
    path = write(tmp_path, ("\n".join(lines) + "\n").encode())
    check(outcome(lambda p: load_csv(p, label_column=label, task=task), path, CSVError))


@settings(HOSTILE, max_examples=12)
@given(n_rows=st.integers(4, 30_000), bad_row=st.integers(0, 30_000),
       bad=st.sampled_from(['"', "x", "", "nan", ",,", "1,2,3,4"]))
def test_one_bad_line_in_a_long_file_is_found_on_its_row(tmp_path, n_rows, bad_row, bad):
    lines = [f"{i % 7}.5,{i % 3}" for i in range(n_rows)]
    bad_row %= n_rows
    lines[bad_row] = f"1.0,{bad}"
    result = outcome(load_csv, write(tmp_path, ("a,y\n" + "\n".join(lines) + "\n").encode()),
                     CSVError)
    if isinstance(result, CSVError) and result.row is not None:
        assert result.row == bad_row + 2  # the header is row 1
    check(result)


@HOSTILE
@given(text=st.text(alphabet=CSV_CHARACTERS, max_size=400),
       label=st.sampled_from([None, 0, "y", 99]), has_header=st.sampled_from([None, True, False]))
def test_a_sessions_embedded_csv_is_read_in_memory(tmp_path, text, label, has_header):
    from nnviz.engine.io import SessionData, dataset_from_session
    from nnviz.engine.network import Network
    data = SessionData.from_network(
        Network([2, 3, 1]), csv_text=text,
        dataset={"kind": "csv", "name": "pets", "path": "/home/someone/pets.csv",
                 "label_column": label, "has_header": has_header})
    watched = tmp_path / "nothing-is-written-anywhere"
    watched.mkdir(exist_ok=True)
    check(outcome(lambda p: dataset_from_session(data), watched / "pets.csv", CSVError,
                  folder=watched))
    assert list(watched.iterdir()) == []
