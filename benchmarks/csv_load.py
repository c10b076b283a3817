"""Peak memory and time of ``load_csv`` on a 5-million-row, ~80 MB CSV: the loader before
issue 12 (read from git history) against the streaming one, measured in one run.

    .venv/bin/python benchmarks/csv_load.py [--rows 5000000] [--skip-old]

The file (two features and a 0/1 label, as the issue measured) is written to a temporary
folder that is removed at the end. Each loader runs in a fresh Python process, so its peak
resident memory (``ru_maxrss``) is its own; the figure printed is that peak minus the
process's resident memory after imports, next to the numeric size of the data (float64 ``X`` and
``y``). Targets: peak at most about 4x the numeric size; several times faster than before.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OLD_COMMIT = "529cc0a"  # main before issue 12
OLD_MODULE = "nnviz/engine/data/csv_import.py"

CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, {root!r})
sys.path.insert(0, {folder!r})
import numpy as np
from nnviz.engine.data import dataset  # imports first, so the baseline includes them
if {old}:
    from old_csv_import import load_csv
else:
    from nnviz.engine.data.csv_import import load_csv
import os
# the base is the memory in use now (not the peak so far, which imports may have raised)
base = int(open("/proc/self/statm").read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
start = time.perf_counter()
ds = load_csv({csv!r})
elapsed = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"seconds": elapsed, "peak_kib": peak, "base_kib": base,
                  "shape": list(ds.X.shape), "task": ds.task,
                  "checksum": float(ds.X.sum()) + float(ds.y.sum())}}))
"""


def write_csv(path: Path, rows: int) -> None:
    rng = np.random.default_rng(0)
    with open(path, "w", encoding="utf-8") as f:
        f.write("x1,x2,label\n")
        for start in range(0, rows, 500_000):
            n = min(500_000, rows - start)
            X = rng.standard_normal((n, 2))
            y = (X[:, 0] * X[:, 1] > 0).astype(int)
            f.write("".join(f"{a:.4f},{b:.4f},{c}\n" for a, b, c in zip(X[:, 0], X[:, 1], y)))


def run(folder: Path, csv: Path, old: bool) -> dict:
    code = CHILD.format(root=str(ROOT), folder=str(folder), old=old, csv=str(csv))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--skip-old", action="store_true", help="measure the new loader only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nnviz-csv-bench-") as tmp:
        folder = Path(tmp)
        old_source = subprocess.run(["git", "show", f"{OLD_COMMIT}:{OLD_MODULE}"], cwd=ROOT,
                                    capture_output=True, text=True, check=True).stdout
        (folder / "old_csv_import.py").write_text(
            old_source.replace("from .dataset import", "from nnviz.engine.data.dataset import"))
        csv = folder / "big.csv"
        write_csv(csv, args.rows)
        size = csv.stat().st_size
        numeric = args.rows * 3 * 8  # X (2, m) and y (m,) in float64
        print(f"CSV: {args.rows:,} rows, {size / 2**20:.1f} MB; numeric size "
              f"{numeric / 2**20:.0f} MB (float64 X and y)")
        results = {}
        for label, old in (("before (529cc0a)", True), ("streaming", False)):
            if old and args.skip_old:
                continue
            r = run(folder, csv, old)
            results[label] = r
            peak = (r["peak_kib"] - r["base_kib"]) * 1024
            print(f"{label:>17}: {r['seconds']:6.2f} s, peak memory +{peak / 2**20:7.0f} MB "
                  f"({peak / numeric:4.1f}x numeric, {peak / size:4.1f}x file), X {r['shape']}")
        if len(results) == 2:
            (a, b) = results.values()
            assert abs(a["checksum"] - b["checksum"]) <= 1e-6 * abs(a["checksum"]), \
                "the two loaders read different data"
            ratio = (a["peak_kib"] - a["base_kib"]) / max(b["peak_kib"] - b["base_kib"], 1)
            print(f"speed-up {a['seconds'] / b['seconds']:.1f}x, peak memory {ratio:.1f}x "
                  "lower; same values")


if __name__ == "__main__":
    main()
