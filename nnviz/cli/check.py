"""``nnviz check``: a gradient check from the command line, with a per-layer report."""
from __future__ import annotations

import json
import sys
import tempfile

import numpy as np

DEFAULT_EXAMPLES = 32


def run_check(args) -> int:
    from .args import error, json_safe, print_out, settings_from_args
    from nnviz.engine.gradient_check import CheckCancelled, course_exercise, gradient_check
    from nnviz.training.headless import ProgressBar, start_session

    with tempfile.TemporaryDirectory(prefix="nnviz-") as workdir:
        try:
            if args.course_exercise:
                net, X, Y = course_exercise()
                lambd, keep_prob, where = 0.0, 1.0, "the course's exercise, 3 examples"
            else:
                settings = settings_from_args(args)
                settings.iterations = args.iterations or 0  # not a config file's run length
                net, X, Y, lambd, keep_prob, where = _problem(settings, args, start_session,
                                                              workdir)
        except ValueError as exc:
            return error("check", str(exc), 2)

        bar = ProgressBar(1, sys.stderr, enabled=not args.quiet, unit="param")

        def progress(done, total):
            bar.total = max(total, 1)
            bar.update(done)

        try:
            result = gradient_check(
                net, X, Y, lambd=lambd, keep_prob=keep_prob, dropout=args.dropout or "off",
                seed=net.seed, layers=args.layer, per_tensor=args.per_tensor,
                planted_bug=args.planted_bug, progress=progress,
                cost_formula=args.cost_formula or "stable",
                **({} if args.eps is None else {"eps": args.eps}))
        except (ValueError, TypeError, IndexError, KeyError) as exc:
            return error("check", str(exc).strip("'\""), 2)
        except CheckCancelled as exc:  # pragma: no cover - no cancel source on the CLI
            return error("check", str(exc), 1)
        finally:
            bar.close()

    if args.json:
        print_out(json.dumps(json_safe(_as_dict(result, net, where)), allow_nan=False))
    else:
        print_out(f"network   {net.describe()}, {where}\n{result.report()}\n"
                  f"{layer_table(result)}")
    return 0 if result.passed else 1


def _problem(settings, args, start_session, workdir):
    session = start_session(settings, workdir)
    if settings.iterations:
        result = session.step(settings.iterations)
        if result.diverged:
            raise ValueError(f"training diverged before the check: {result.message}")
    trainer = session.trainer
    m = trainer.X.shape[1]
    wanted = DEFAULT_EXAMPLES if args.examples is None else args.examples
    if wanted < 1:
        raise ValueError(f"--examples must be at least 1, got {wanted}")
    n = min(m, wanted)
    # A seeded sample: generated sets are ordered by class, so the first columns would
    # all share one label.
    columns = np.sort(np.random.default_rng(session.net.seed).choice(m, n, replace=False))
    where = (f"{n} of {m} training examples of {session.data.title}, after "
             f"{trainer.iteration} iteration{'' if trainer.iteration == 1 else 's'}")
    return (session.net, trainer.X[:, columns], trainer.Y[:, columns], trainer.lambd,
            trainer.keep_prob, where)


def layer_table(result) -> str:
    lines = ["layer  tensors    checked  difference  worst rel.  worst at     status"]
    for s in result.layers:
        if s.n_checked == 0:
            continue
        lines.append(f"{s.layer:>5}  {'+'.join(s.tensors):<9} {s.n_checked:>8}  "
                     f"{s.difference:>10.2e}  {s.worst_rel_error:>10.2e}  "
                     f"{s.worst_label or '-':<11}  {s.status}")
    return "\n".join(lines)


def _as_dict(result, net, where: str) -> dict:
    def finite(x):
        return float(x) if np.isfinite(x) else None
    return {
        "passed": bool(result.passed), "verdict": result.verdict, "message": result.message,
        "difference": finite(result.difference), "eps": result.eps, "lambda": result.lambd,
        "planted_bug": result.planted_bug, "n_checked": result.n_checked,
        "cost_formula": result.cost_formula,
        "n_parameters": result.n_parameters, "network": net.describe(), "examples": where,
        "layers": [{"layer": s.layer, "n_checked": s.n_checked,
                    "difference": finite(s.difference),
                    "worst_rel_error": finite(s.worst_rel_error),
                    "worst_label": s.worst_label, "status": s.status}
                   for s in result.layers],
        "tensors": [{"name": t.name, "n_checked": t.n_checked,
                     "difference": finite(t.difference), "status": t.status}
                    for t in result.tensors],
        "suspects": list(result.suspects),
    }
