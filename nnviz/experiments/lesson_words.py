"""A lesson's words (title, one-line summary, text) read from its data file (no Qt).

The built-in lessons keep them at the top of ``lessons/questions/<key>.toml``, beside their
question, so a teacher edits the words without touching Python; a teacher's own lesson file
(:mod:`nnviz.experiments.lesson_files`) starts with the same three keys. A lesson class
takes its words with ``title, summary, text = lesson_words(key)``.
"""
from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from .questions import QUESTIONS_DIR
from .toml_reader import QuestionError, TableReader, parse_toml, read_small_text

MAX_TITLE = 120
MAX_SUMMARY = 300
MAX_LESSON_TEXT = 4_000


class LessonWords(NamedTuple):
    title: str
    summary: str
    text: str


def read_words(r: TableReader) -> LessonWords:
    """The three keys of a lesson file's top table (required, non-empty, bounded)."""
    return LessonWords(r.text_("title", limit=MAX_TITLE),
                       r.text_("summary", limit=MAX_SUMMARY),
                       r.text_("text", limit=MAX_LESSON_TEXT))


@lru_cache(maxsize=None)
def lesson_words(key: str) -> LessonWords:
    """A built-in lesson's words; QuestionError names the file and the line if they are
    missing or malformed (a mistake in nnviz itself: the tests load every one)."""
    path = QUESTIONS_DIR / f"{key}.toml"
    text = read_small_text(path)
    r = TableReader(path.name, text, parse_toml(text, path.name))
    return read_words(r)


__all__ = ["LessonWords", "lesson_words", "read_words", "QuestionError"]
