"""The data set in the training panel's header: the longest wording that fits the room left
beside the tools (never cut or elided), the whole one in its tooltip."""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QLabel, QSizePolicy


def summary_texts(d) -> list[str]:
    """The data set ``d`` (a ``DataSummary``) in one line, longest wording first."""
    task = {"binary": "binary classification",
            "multiclass": f"{len(d.class_names)}-class classification",
            "regression": "regression"}[d.task]
    norm = ", normalized inputs" if d.normalized else ""
    title = f"<b>{d.title}</b>"
    return [f"{title}: {d.m_train} training / {d.m_test} test examples, {d.n_features} "
            f"features, {task}{norm}",
            f"{title}: {d.m_train} training / {d.m_test} test examples",
            f"{title}: {d.m_train} / {d.m_test} examples",
            title,
            "<b>Data</b>"]  # a long file name: hover for it


class SummaryLabel(QLabel):
    """Shows the longest of its wordings that fits its width."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._texts: list[str] = []
        self._widths: list[int] = []
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def set_texts(self, texts: list[str]) -> None:
        self._texts = list(texts)
        self._widths = [self._text_width(t) for t in self._texts]
        self.setToolTip(self._texts[0] if self._texts else "")
        self.updateGeometry()
        self._fit()

    @property
    def full_text(self) -> str:
        return self._texts[0] if self._texts else ""

    def _text_width(self, html: str) -> int:
        doc = QTextDocument()
        doc.setDefaultFont(self.font())
        doc.setDocumentMargin(0)
        doc.setHtml(html)
        return int(doc.idealWidth()) + 2

    def minimumSizeHint(self) -> QSize:  # noqa: N802  (the shortest wording)
        hint = super().minimumSizeHint()
        return QSize(min(self._widths) if self._widths else 0, hint.height())

    def sizeHint(self) -> QSize:  # noqa: N802  (the longest wording)
        hint = super().sizeHint()
        return QSize(max(self._widths) if self._widths else 0, hint.height())

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        room = self.contentsRect().width()
        for text, width in zip(self._texts, self._widths):
            if width <= room:
                break
        else:
            text = self._texts[-1] if self._texts else ""
        if text != self.text():
            self.setText(text)
