"""A lesson's prediction question, read from its data file (TOML, no Qt).

Every built-in lesson has ``lessons/questions/<key>.toml`` beside its code: the words the
learner reads (the setup, the question, the choices, the explanation for each answer) and
the *answer rule*: which of the run's own numbers decides the right answer, so another seed
or setting still scores correctly. :func:`load_question` checks a file strictly and raises
:class:`QuestionError` naming the file and the line; :func:`question_for` gives a built-in
lesson's question. The file format is described in ``lessons/questions/README.md``.

Kinds of answer: ``choice`` (one of several), ``number`` (a value on a slider, linear or
log), ``sketch`` (a cost curve drawn with the mouse) and ``pick`` (one item of the picture:
a layer, a tensor). Scoring lives in :mod:`nnviz.experiments.predictions`.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .toml_reader import (MAX_TEXT, QuestionError, TableReader, parse_toml,  # noqa: F401
                          read_small_text)

QUESTIONS_DIR = Path(__file__).parent / "lessons" / "questions"
KINDS = ("choice", "number", "sketch", "pick")
RUN_VALUES = ("final_train_cost", "final_test_cost", "final_train_accuracy",
              "final_test_accuracy", "initial_cost", "iterations_run", "diverged")
SERIES = ("train_cost", "test_cost", "train_accuracy", "test_accuracy")
FORMATS = ("g", "pct", "sci", "int", "x")
MAX_BYTES = 64_000  # a built-in question file
MAX_ITEMS = 40


@dataclass(frozen=True)
class Ref:
    """Where a number comes from in a lesson's result: ``findings[finding][item]``, or a
    run's value (``run`` is its label or its 1-based position) such as its final training
    accuracy, or (for sketches) one of its recorded curves."""
    finding: str | None = None
    item: str | int | tuple | None = None  # a tuple goes several levels deep
    run: str | int | None = None
    value: str | None = None
    series: str | None = None


@dataclass(frozen=True)
class Choice:
    key: str
    text: str
    explanation: str
    value: Ref | None = None  # rules highest / lowest
    low: float = -math.inf  # rule bucket: right when low <= quantity <= high
    high: float = math.inf
    tie: bool = False  # "about the same": right when the best two are within tie_within


@dataclass(frozen=True)
class Question:
    key: str  # the lesson's key
    kind: str
    setup: str  # what the run does, without its outcome
    question: str
    why: str  # why the right answer is right (shown at every reveal)
    source: str = ""  # the file it came from
    # choice
    rule: str = ""  # highest | lowest | bucket
    quantity: Ref | None = None  # number, bucket; pick: the values per item
    tie_within: float = 0.0
    choices: tuple[Choice, ...] = ()
    # number and sketch: what the answer is measured on
    minimum: float = 0.0
    maximum: float = 1.0
    log: bool = False
    fmt: str = "g"
    label: str = ""  # the axis / slider label
    tolerance: float = 0.0  # full marks within this (decades on a log scale; sketch: RMS)
    zero_at: float = 1.0  # the distance where the score reaches 0
    close: str = ""  # explanation when close
    too_high: str = ""
    too_low: str = ""
    # sketch
    relative: bool = False  # y is J / J at the start
    x_label: str = "iteration"
    iterations_param: str = "iterations"  # the lesson knob giving the x range
    # pick
    items: tuple[str, ...] = ()
    layers_param: str = ""  # items are layers 1..L with L this lesson knob
    ordered: bool = False  # a near miss earns part of the score (layers)
    item_explanations: tuple[tuple[str, str], ...] = ()
    otherwise: str = ""
    values: tuple[tuple[str, Ref], ...] = ()  # named numbers for {placeholders} in texts

    def pick_items(self, experiment=None) -> tuple[str, ...]:
        if self.layers_param:
            count = int(getattr(experiment, self.layers_param, 0) or 0) if experiment else 0
            return tuple(str(i) for i in range(1, count + 1))
        return self.items

    def x_range(self, experiment=None) -> float:
        return float(getattr(experiment, self.iterations_param, 1) or 1) if experiment else 1.0

    def explanation_for_item(self, item: str) -> str:
        return dict(self.item_explanations).get(item, self.otherwise)

    def choice(self, key: str) -> Choice:
        for c in self.choices:
            if c.key == key:
                return c
        raise KeyError(key)


# -- reading -------------------------------------------------------------------------------
class _Reader(TableReader):
    """A table of a question file; references to the run's numbers checked too."""

    def ref(self, key: str, required: bool = True) -> Ref | None:
        sub = self.sub(key, required)
        if sub is None:
            return None
        sub.check_keys({"finding", "item", "run", "value", "series"})
        t = sub.table
        for name in ("finding", "value", "series"):
            if name in t and (not isinstance(t[name], str) or not t[name]):
                sub.fail(f"'{name}' must be text", name)
        def key_like(v):
            return isinstance(v, (str, int)) and not isinstance(v, bool)
        if "run" in t and not key_like(t["run"]):
            sub.fail("'run' must be a run's label or its number (1 for the first)", "run")
        if "item" in t:
            item = t["item"]
            path = item if isinstance(item, list) else [item]
            if not 1 <= len(path) <= 4 or not all(key_like(v) for v in path):
                sub.fail("'item' must be a name, a position, or a list of up to 4 of them", "item")
            t = dict(t, item=tuple(item) if isinstance(item, list) else item)
        if ("finding" in t) == ("run" in t):
            sub.fail("give either 'finding' (a result's number) or 'run' (a run's value)", key)
        if "run" in t:
            if ("value" in t) == ("series" in t):
                sub.fail("a run needs 'value' (a number) or 'series' (a curve)", key)
            if "value" in t:
                sub.one_of("value", RUN_VALUES)
            if "series" in t:
                sub.one_of("series", SERIES)
        return Ref(t.get("finding"), t.get("item"), t.get("run"), t.get("value"),
                   t.get("series"))


TOP_KEYS = {"kind", "setup", "question", "why", "answer", "choices", "number", "sketch",
            "pick", "explanations", "values"}
WORDS_KEYS = {"title", "summary", "text"}  # the lesson's own words (lesson_words.py)


def parse_question(text: str, key: str, source: str = "<question>", data: dict | None = None,
                   extra_keys=frozenset()) -> Question:
    """A question from the text of its file; QuestionError names the source and line.
    ``data``: the text already parsed; ``extra_keys``: more top-level keys the caller reads
    (a lesson file's runs)."""
    if data is None:
        data = parse_toml(text, source)
    r = _Reader(source, text, data)
    r.check_keys(TOP_KEYS | WORDS_KEYS | set(extra_keys))
    kind = r.one_of("kind", KINDS)
    fields: dict = dict(key=key, kind=kind, setup=r.text_("setup"), question=r.text_("question"),
                        why=r.text_("why"), source=source)
    explain = r.sub("explanations", required=kind in ("number", "sketch"))
    if explain is not None:
        explain.check_keys({"close", "too_high", "too_low"})
        for name in ("close", "too_high", "too_low"):
            fields[name] = explain.text_(name, required=kind in ("number", "sketch"))
    values = r.sub("values", required=False)
    if values is not None:
        if len(values.table) > MAX_ITEMS:
            values.fail(f"more than {MAX_ITEMS} values")
        for name in values.table:
            if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
                values.fail(f"'{name}': a value's name is lower-case letters, digits and _", name)
        fields["values"] = tuple((name, values.ref(name)) for name in values.table)
    if kind == "choice":
        fields.update(_choice(r))
    elif kind == "number":
        fields.update(_number(r))
    elif kind == "sketch":
        fields.update(_sketch(r))
    else:
        fields.update(_pick(r))
    for other in set(KINDS) - {kind} - {"choice"}:
        if other in data:
            r.fail(f"a '{kind}' question has no [{other}] table", other)
    question = Question(**fields)
    _check_placeholders(r, question)
    return question


def _choice(r: _Reader) -> dict:
    answer = r.sub("answer")
    answer.check_keys({"rule", "quantity", "tie_within", "format"})
    rule = answer.one_of("rule", ("highest", "lowest", "bucket"))
    quantity = answer.ref("quantity", required=rule == "bucket")
    tie_within = answer.number("tie_within", 0.0)
    if tie_within < 0:
        answer.fail("'tie_within' must be 0 or more", "tie_within")
    raw = r.table.get("choices")
    if not isinstance(raw, list) or not 2 <= len(raw) <= 12:
        r.fail("a choice question needs 2 to 12 [[choices]]", "choices")
    choices, keys = [], set()
    for n, table in enumerate(raw, 1):
        if not isinstance(table, dict):
            r.fail(f"choice {n} must be a table", "choices")
        c = _Reader(r.source, r.text, table, f"choice {n}: ", ("choices", n))
        c.check_keys({"key", "text", "explanation", "value", "range", "tie"})
        key = c.text_("key")
        if key in keys:
            c.fail(f"the key '{key}' is used twice", "key")
        keys.add(key)
        tie = c.flag("tie")
        value = c.ref("value", required=False)
        low, high = -math.inf, math.inf
        if rule == "bucket" and not tie:
            span = table.get("range")
            if (not isinstance(span, list) or len(span) != 2
                    or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in span)
                    or span[0] > span[1]):
                c.fail("a bucket choice needs range = [low, high] with low <= high", "range")
            low, high = float(span[0]), float(span[1])
        elif "range" in table:
            c.fail("'range' belongs to rule = \"bucket\"", "range")
        if rule != "bucket" and not tie and value is None:
            c.fail(f"rule '{rule}' needs a [value] for every choice (or tie = true)")
        if tie and (value is not None or "range" in table):
            c.fail("a tie choice has no value or range", "tie")
        choices.append(Choice(key, c.text_("text"), c.text_("explanation"), value, low, high, tie))
    if sum(c.tie for c in choices) > 1:
        r.fail("at most one choice may be the tie", "tie")
    return dict(rule=rule, quantity=quantity, tie_within=tie_within, choices=tuple(choices),
                fmt=answer.one_of("format", FORMATS, "g"))


def _scale(s: _Reader, log_default=False) -> dict:
    out = dict(minimum=s.number("min"), maximum=s.number("max"),
               log=s.one_of("scale", ("linear", "log"), "log" if log_default else "linear") == "log",
               fmt=s.one_of("format", FORMATS, "g"), label=s.text_("label"),
               tolerance=s.number("tolerance"), zero_at=s.number("zero_at"))
    if not out["minimum"] < out["maximum"]:
        s.fail("'min' must be below 'max'", "max")
    if out["log"] and out["minimum"] <= 0:
        s.fail("a log scale needs min > 0", "min")
    if not 0 <= out["tolerance"] < out["zero_at"]:
        s.fail("need 0 <= tolerance < zero_at", "zero_at")
    return out


def _number(r: _Reader) -> dict:
    s = r.sub("number")
    s.check_keys({"quantity", "min", "max", "scale", "format", "label", "tolerance", "zero_at"})
    quantity = s.ref("quantity")
    if quantity.series:
        s.fail("a number's quantity is a value, not a series", "quantity")
    return dict(quantity=quantity, **_scale(s))


def _sketch(r: _Reader) -> dict:
    s = r.sub("sketch")
    s.check_keys({"curve", "min", "max", "y", "label", "x_label", "iterations", "tolerance",
                  "zero_at", "format", "scale"})
    curve = s.ref("curve")
    if not curve.series:
        s.fail("the curve must be a run's series (run = ..., series = \"train_cost\")", "curve")
    out = _scale(s)
    if out["log"]:
        s.fail("a sketch is drawn on a linear scale", "scale")
    iterations = s.table.get("iterations", "iterations")
    if not isinstance(iterations, str) or not iterations.isidentifier():
        s.fail("'iterations' names the lesson's setting for the run length", "iterations")
    return dict(quantity=curve, relative=s.one_of("y", ("relative", "absolute"), "absolute")
                == "relative", x_label=s.text_("x_label", False, "iteration"),
                iterations_param=iterations, **out)


def _pick(r: _Reader) -> dict:
    s = r.sub("pick")
    s.check_keys({"items", "layers", "rule", "values", "ordered", "label", "explanations",
                  "otherwise", "format"})
    items, layers = s.table.get("items"), s.table.get("layers")
    if (items is None) == (layers is None):
        s.fail("give 'items' (a list of names) or 'layers' (the lesson's setting for L)")
    if items is not None and (not isinstance(items, list) or not 2 <= len(items) <= MAX_ITEMS
                              or not all(isinstance(i, str) and i for i in items)
                              or len(set(items)) != len(items)):
        s.fail(f"'items' must be 2 to {MAX_ITEMS} different names", "items")
    if layers is not None and (not isinstance(layers, str) or not layers.isidentifier()):
        s.fail("'layers' names the lesson's setting for the number of layers", "layers")
    explanations = s.sub("explanations", required=False)
    pairs = ()
    if explanations is not None:
        for name in explanations.table:
            if items is not None and name not in items:
                explanations.fail(f"'{name}' is not one of the items", name)
        pairs = tuple((str(name), explanations.text_(name)) for name in explanations.table)
    return dict(rule=s.one_of("rule", ("highest", "lowest")), quantity=s.ref("values"),
                items=tuple(items or ()), layers_param=layers or "",
                ordered=s.flag("ordered"), label=s.text_("label"), item_explanations=pairs,
                otherwise=s.text_("otherwise"), fmt=s.one_of("format", FORMATS, "g"))


_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_FIELD = re.compile(r"(truth|answer|[a-z_][a-z0-9_]*)(?::(pct|sci|int|x|g))?")


def _check_placeholders(r: _Reader, q: Question) -> None:
    names = {"truth", "answer"} | {name for name, _ in q.values}
    texts = [q.setup, q.question, q.why, q.close, q.too_high, q.too_low, q.otherwise]
    texts += [c.text for c in q.choices] + [c.explanation for c in q.choices]
    texts += [t for _, t in q.item_explanations]
    for text in texts:
        for field_ in _PLACEHOLDER.findall(text):
            m = _FIELD.fullmatch(field_)
            if m is None or m.group(1) not in names:
                r.fail(f"unknown placeholder {{{field_}}}: use {{truth}}, {{answer}} or a name "
                       "from [values], optionally with :pct, :sci, :int, :x or :g",
                       None)


def load_question(path, key: str | None = None) -> Question:
    path = Path(path)
    return parse_question(read_small_text(path), key or path.stem, path.name)


@lru_cache(maxsize=None)
def question_for(key: str) -> Question | None:
    """The built-in lesson's question (None if it has none); cached."""
    path = QUESTIONS_DIR / f"{key}.toml"
    return load_question(path, key) if path.is_file() else None


def builtin_questions() -> dict[str, Question]:
    return {p.stem: question_for(p.stem) for p in sorted(QUESTIONS_DIR.glob("*.toml"))}


__all__ = ["Question", "Choice", "Ref", "QuestionError", "parse_question", "load_question",
           "question_for", "builtin_questions", "QUESTIONS_DIR", "KINDS"]
