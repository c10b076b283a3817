"""``nnviz train``: headless training, the final metrics, and optional files."""
from __future__ import annotations

import dataclasses
import json
import math
import sys
from pathlib import Path

from nnviz.analysis.bias_variance import UNKNOWN, error_from_metric, read_bias_variance

from .args import error, json_safe, output_problem, print_out, settings_from_args


def run_train(args) -> int:
    import tempfile

    from nnviz.engine.io import ExportError, export_history_csv, export_weights, save_session
    from nnviz.engine.io.torch_export import export_torch_script
    from nnviz.training.headless import ProgressBar, export_info, session_data, train

    from .challenges import follower

    try:
        settings = settings_from_args(args)
        follow = follower(args, settings.iterations)
    except ValueError as exc:
        return error("train", str(exc), 2)
    progress = ProgressBar(settings.iterations, sys.stderr, enabled=not args.quiet)
    with tempfile.TemporaryDirectory(prefix="nnviz-") as workdir:
        try:
            result = train(settings, progress, workdir,
                           on_chunk=follow.after_steps if follow is not None else None)
            if follow is not None:
                follow.finish(result.session)
        except ValueError as exc:  # bad settings, CSV problems, ...
            return error("train", str(exc), 2)
        written = {}
        try:
            if not result.diverged:
                if args.export and Path(args.export).suffix.lower() == ".py":
                    _check_output(args.export)
                    data = result.session.data
                    script, weights = export_torch_script(
                        args.export, result.session.net, data.X_train_raw, data.Y_train,
                        **export_info(result))
                    written.update(pytorch=str(script), weights=str(weights))
                elif args.export:
                    _check_output(args.export)
                    written["weights"] = str(export_weights(args.export, result.session.net,
                                                            args.format,
                                                            **export_info(result)))
                if args.save_session:
                    _check_output(args.save_session)
                    written["session"] = str(save_session(args.save_session,
                                                          session_data(result)))
            if args.history_csv:
                _check_output(args.history_csv)
                export_history_csv(args.history_csv, result.session.history.arrays())
                written["history"] = args.history_csv
        except ExportError as exc:
            _report(result, args.json, written, args.diagnose, follow)
            return error("train", str(exc), 1)
        except OSError as exc:  # what the exporter did not word itself
            _report(result, args.json, written, args.diagnose, follow)
            name = exc.filename or "the file"
            return error("train", f"Cannot write {name}: {exc.strerror or exc}.", 1)
    _report(result, args.json, written, args.diagnose, follow)
    if result.diverged:
        print(result.message, file=sys.stderr)
        if args.export or args.save_session:
            print("Nothing was exported: training diverged.", file=sys.stderr)
        return 1
    return 0


NO_DEV_SET = ("hold out a dev set (--dev-fraction 0.2): variance shows only on examples "
              "the network never trains on")
NO_DEV_SET_NOTE = ("No dev set: the test set stands in, and choosing by it makes its error "
                   "optimistic. Give --dev-fraction 0.2 to hold out a dev set.")


def _error(values: dict) -> float:
    """A split's error: 1 - accuracy, or 1 - R^2 (the share of variance unexplained)."""
    if not values:
        return math.nan
    if "accuracy" in values:
        return error_from_metric(values["accuracy"], "accuracy")
    return error_from_metric(values["r2"], "r2")


def _reading(result):
    """The course's bias/variance reading of the final errors (the dev set's, else the test
    set stands in, flagged)."""
    data, metrics, hyper = result.session.data, result.metrics, result.settings.config.hyper
    use_dev = data.m_dev > 0
    held_out = metrics.get("dev" if use_dev else "test") or {}
    reading = read_bias_variance(_error(metrics["train"]), _error(held_out), 0.0,
                                 m_train=data.m_train, m_dev=(data.m_dev if use_dev
                                                              else data.m_test) or None,
                                 dev_is_test=not use_dev,
                                 regularized=hyper.lambd > 0 or hyper.keep_prob < 1)
    if use_dev:
        return reading
    if not data.m_test:
        return dataclasses.replace(reading, verdict=UNKNOWN, advice=(NO_DEV_SET,), note="")
    return dataclasses.replace(reading, note=NO_DEV_SET_NOTE)


def bias_variance_report(result) -> dict:
    """``errors`` per split and the ``bias_variance`` reading, for ``--json``."""
    metrics = result.metrics
    errors = {split: _error(metrics.get(split) or {}) for split in ("train", "dev", "test")}
    reading = _reading(result)
    return {"errors": {k: (v if math.isfinite(v) else None) for k, v in errors.items()},
            "bias_variance": {
                "verdict": reading.verdict, "headline": reading.headline,
                "base_error": reading.base_error, "compared_with": reading.dev_name,
                "avoidable_bias": reading.avoidable_bias, "variance": reading.variance,
                "bias_margin": reading.bias_margin,
                "variance_margin": reading.variance_margin,
                "advice": list(reading.advice), "note": reading.note}}


def _check_output(path) -> None:
    from nnviz.engine.io import ExportError

    problem = output_problem(path)
    if problem is not None:
        raise ExportError(problem, path)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _report(result, as_json: bool, written: dict, diagnose: bool = False,
            follow=None) -> None:
    session = result.session
    net, data = session.net, session.data
    diagnosis = None
    if diagnose:
        from nnviz.analysis.gradient_flow import diagnosis_dict, diagnosis_text
        from nnviz.training.headless import diagnose_session
        diagnosis = diagnose_session(session)
    if as_json:
        from .challenges import verdict
        print_out(json.dumps(json_safe({
            "dataset": data.name, "task": data.task, "m_train": data.m_train,
            "m_dev": data.m_dev, "m_test": data.m_test, "layer_dims": net.layer_dims,
            "activations": net.layer_activations, "n_params": net.n_params,
            "seconds": round(result.seconds, 4), "diverged": result.diverged,
            **result.metrics, **bias_variance_report(result), "files": written,
            **({"gradient_flow": diagnosis_dict(diagnosis)} if diagnosis else {}),
            **({"challenge": verdict(follow)} if follow is not None else {})}),
            allow_nan=False, default=str))
        return
    hyper = result.settings.config.hyper
    batch = "full batch" if hyper.batch_size is None else f"mini-batches of {hyper.batch_size}"
    dev = f", {data.m_dev} dev" if data.m_dev else ""
    print_out(f"data      {data.title}: {data.m_train} training{dev} and {data.m_test} test "
              f"examples, {data.n_features} features, {data.task}"
              + (", normalized" if data.normalized else ""))
    print_out(f"network   {net.describe()}")
    schedule = hyper.lr_schedule()
    decay = (f" ({schedule.describe()}; now {result.metrics['learning_rate']:.4g})"
             if schedule.decays else "")
    print_out(f"training  {hyper.optimizer}, learning rate {hyper.learning_rate:g}{decay}, "
              f"{batch}: "
              f"{_count(result.iterations, 'iteration')} "
              f"({_count(result.metrics['epochs'], 'epoch')}) in "
              f"{result.seconds:.2f} s")
    columns = [("cost", "cost", "{:.6g}")]  # a diverged 1.6e+304 stays one short cell
    if data.is_classification:
        columns.append(("accuracy", "accuracy", "{:.2%}"))
    else:
        columns += [("rmse", "RMSE", "{:.6g}"), ("r2", "R^2", "{:.4f}")]
    print_out(f"{'':10}" + "".join(f"{title:>12}" for _, title, _ in columns))
    for split in ("train", "dev", "test"):
        values = result.metrics.get(split)
        if not values:
            continue
        cells = "".join(f"{fmt.format(values[key]):>12}" for key, _, fmt in columns)
        print_out(f"{split:10}{cells}")
    reading = _reading(result)
    if data.m_dev:  # without a dev set, the reading is in --json only (flagged)
        gaps = reading.gaps_text()
        print_out(f"reading   {reading.headline}" + (f" ({gaps})" if gaps else ""))
        for advice in reading.advice:
            print_out(f"          - {advice}")
        if reading.note:
            print_out(f"          {reading.note}")
    for what, path in written.items():
        print_out(f"wrote {what} to {path}")
    if diagnosis is not None:
        print_out(diagnosis_text(diagnosis))
    if follow is not None:
        from .challenges import print_verdict
        print_verdict(follow)
