"""``nnviz challenges`` (the list) and ``nnviz train ... --challenge KEY`` (the verdict on a
run), through the same Qt-free checks as the app's Challenges panel."""
from __future__ import annotations

import json
import textwrap

from .args import json_safe, print_out


def _lesson_numbers() -> dict[str, int]:
    from nnviz.experiments import EXPERIMENTS
    return {key: e.number for key, e in EXPERIMENTS.items()}


def listing() -> list[dict]:
    from nnviz.analysis.challenges import CHALLENGES

    numbers = _lesson_numbers()
    out = []
    for c in CHALLENGES:
        entry = {"key": c.key, "title": c.title, "goal": c.goal, "concept": c.concept,
                 "lesson": c.lesson, "lesson_number": numbers.get(c.lesson),
                 "lesson_title": c.lesson_title}
        if c.answer_kind == "choice":
            entry["answers"] = {choice.key: choice.text for choice in c.choices}
        elif c.answer_kind == "layers":
            entry["answers"] = "a layer number, such as 2"
        out.append(entry)
    return out


def run_challenges(args) -> int:
    entries = listing()
    if args.json:
        print_out(json.dumps(entries, ensure_ascii=False))
        return 0
    width = max(len(e["key"]) for e in entries) + 2
    for e in entries:
        lesson = (f"lesson {e['lesson_number']}: " if e["lesson_number"] else "") \
            + e["lesson_title"]
        print_out(f"{e['key']:<{width}}{e['title']}")
        for line in textwrap.wrap(e["goal"], max(40, 96 - width)):
            print_out(f"{'':<{width}}{line}")
        print_out(f"{'':<{width}}concept: {e['concept']} · {lesson}")
        if isinstance(e.get("answers"), dict):
            for key, text in e["answers"].items():
                print_out(f"{'':<{width}}  --answer {key}: {text}")
    print_out("\nCheck a run: nnviz train [settings] --challenge KEY [--answer A]")
    return 0


def follower(args, iterations: int):
    """A :class:`HeadlessChallenge` for ``--challenge`` (None without it); ``ValueError``
    with a one-line message for an unknown key or an answer the challenge does not take."""
    from nnviz.analysis.challenges import HeadlessChallenge

    if not args.challenge:
        if args.answer is not None:
            raise ValueError("--answer goes with --challenge KEY")
        return None
    try:
        return HeadlessChallenge(args.challenge, args.answer, iterations, seed=args.seed or 0)
    except KeyError as exc:
        raise ValueError(exc.args[0]) from None


def verdict(follow) -> dict:
    """What ``--json`` reports: the challenge's state, plus the per-layer differences of its
    own gradient check (so a learner can answer the planted bug's layer)."""
    state = follow.session
    out = {"title": state.challenge.title, **state.summary()}
    result = state.evidence.gradient_check
    if result is not None and state.challenge.check is not None:
        out["gradient_check_layers"] = [
            {"layer": s.layer, "difference": s.difference, "status": s.status}
            for s in result.layers]
        out["gradient_check_tensors"] = [
            {"tensor": t.name, "difference": t.difference, "status": t.status}
            for t in result.tensors]
    if state.answer_feedback:
        out["answer_feedback"] = state.answer_feedback
    return json_safe(out)


def print_verdict(follow) -> None:
    state = follow.session
    c = state.challenge
    result = state.evidence.gradient_check
    if result is not None and c.check is not None:
        print_out("gradient check with a mystery bug planted (which one is not shown):")
        for t in result.tensors:
            print_out(f"  {t.name:<6} difference {t.difference:.2e}  {t.status}")
    if state.answer_feedback:
        print_out(state.answer_feedback)
    if state.reached:
        print_out(f"challenge {c.key} ({c.title}): reached at iteration {state.reached_at:,}: "
                  f"{state.reached_text}")
        return
    text = state.reading.text if state.reading is not None else ""
    print_out(f"challenge {c.key} ({c.title}): not reached: {text}")
    if c.answer_kind == "choice" and state.answer is None:
        print_out("  answer with --answer " + " | ".join(ch.key for ch in c.choices)
                  + " (nnviz challenges lists them)")
    elif c.answer_kind == "layers" and state.answer is None:
        print_out("  answer with --answer LAYER (the same settings plant the same bug)")
