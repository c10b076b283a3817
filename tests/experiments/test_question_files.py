"""Question files are checked strictly: each mistake gets its own message naming the file
and the line, and a bad file never stops the built-in questions from loading."""
from __future__ import annotations

import pytest

from nnviz.experiments.predictions import fill
from nnviz.experiments.questions import (QuestionError, builtin_questions, load_question,
                                         parse_question)

GOOD = '''kind = "choice"
setup = "Two runs."
question = "Which is faster?"
why = "{truth} was faster: {a:int} against {b:int}."

[answer]
rule = "lowest"

[[choices]]
key = "a"
text = "run A"
value = { run = 1, value = "iterations_run" }
explanation = "A."

[[choices]]
key = "b"
text = "run B"
value = { run = "B", value = "iterations_run" }
explanation = "B."

[values]
a = { run = 1, value = "iterations_run" }
b = { run = 2, value = "iterations_run" }
'''


def test_a_good_file_loads(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text(GOOD)
    q = load_question(path)
    assert q.key == "mine" and q.rule == "lowest" and [c.key for c in q.choices] == ["a", "b"]
    assert q.choices[0].value.run == 1 and q.choices[1].value.run == "B"


BAD = [  # (change to the good file, words in the message, line)
    (("kind = \"choice\"", "kind = \"essay\""), "'kind' must be one of", 1),
    (("question = \"Which is faster?\"\n", ""), "'question' is missing", None),
    (("rule = \"lowest\"", "rule = \"lowest\"\nwinner = \"a\""), "unknown key 'winner'", 8),
    (("key = \"b\"", "key = \"a\""), "the key 'a' is used twice", 16),
    (("value = { run = \"B\", value = \"iterations_run\" }",
      "value = { run = \"B\", value = \"speed\" }"), "'value' must be one of", 18),
    (("{a:int}", "{a.__class__}"), "unknown placeholder", None),
    (("why = \"{truth}", "why = \"{secret}"), "unknown placeholder {secret}", None),
    (("setup = \"Two runs.\"", "setup = \"\""), "'setup' must be non-empty text", 2),
    (("b = { run = 2, value = \"iterations_run\" }\n",
      "b = { run = 2, value = \"iterations_run\" }\n[number]\nmin = 0\n"),
     "has no [number] table", 24),
    (("[answer]", "[answer"), "not valid TOML", None),
    (("value = { run = 1, value = \"iterations_run\" }\nexplanation = \"A.\"",
      "explanation = \"A.\""), "needs a [value] for every choice", 9),
    (("a = { run = 1", "A = { run = 1"), "a value's name is lower-case", 22),
]


@pytest.mark.parametrize("change, words, line", BAD)
def test_each_mistake_gets_its_own_message_with_file_and_line(change, words, line):
    old, new = change
    assert old in GOOD
    with pytest.raises(QuestionError) as caught:
        parse_question(GOOD.replace(old, new, 1), "mine", "mine.toml")
    message = str(caught.value)
    assert message.startswith("mine.toml") and words in message, message
    if line is not None:
        assert f"line {line}:" in message, message
    assert builtin_questions()  # the built-in questions still load


def test_files_that_are_not_text_or_too_large_are_refused(tmp_path):
    binary = tmp_path / "b.toml"
    binary.write_bytes(b"\xff\xfe\x00kind")
    with pytest.raises(QuestionError, match="b.toml: not UTF-8"):
        load_question(binary)
    big = tmp_path / "big.toml"
    big.write_text("# " + "x" * 70_000)
    with pytest.raises(QuestionError, match="larger than"):
        load_question(big)


def test_placeholders_give_numbers_never_python_objects():
    assert fill("{a:pct} and {b}", {"a": 0.5, "b": "two"}) == "50.0% and two"
    assert fill("{a.__class__} {missing}", {"a": 1.0}) == "{a.__class__} ?"
