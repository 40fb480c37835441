"""Evidence highlighting: article text as safe HTML with the evidence sentence marked.

Article text comes from the outside world, so every piece of it is ``html.escape``d before it
is wrapped in the few tags added here; only the result may be rendered with
``unsafe_allow_html``.
"""

from __future__ import annotations

import html

_STYLE = (
    "white-space: pre-wrap; line-height: 1.6; font-family: Georgia, serif; "
    "padding: 0.75rem 1rem; border-left: 3px solid #d1d5db;"
)
_MARK_STYLE = "background: #fde68a; padding: 0 2px; border-radius: 3px;"


def locate(text: str, start: int, end: int, sentence: str | None = None) -> tuple[int, int]:
    """Return valid ``(start, end)`` offsets of the evidence in ``text``.

    Stored offsets are trusted when they cover ``sentence``; otherwise the sentence is
    searched for (the article may have been re-normalised), and offsets are clamped.
    """
    if sentence and text[start:end] != sentence:
        found = text.find(sentence)
        if found >= 0:
            return found, found + len(sentence)
    start = max(0, min(start, len(text)))
    return start, max(start, min(end, len(text)))


def highlight_html(
    text: str, start: int, end: int, *, sentence: str | None = None, context: int | None = None
) -> str:
    """Return ``text`` escaped as HTML with ``text[start:end]`` inside ``<mark>``.

    With ``context`` only that many characters either side of the evidence are kept,
    with an ellipsis where text was cut.
    """
    start, end = locate(text, start, end, sentence)
    left, right = 0, len(text)
    if context is not None:
        left, right = max(0, start - context), min(len(text), end + context)
    before = ("…" if left > 0 else "") + html.escape(text[left:start])
    after = html.escape(text[end:right]) + ("…" if right < len(text) else "")
    marked = f'<mark style="{_MARK_STYLE}">{html.escape(text[start:end])}</mark>'
    return f'<div class="eventwire-article" style="{_STYLE}">{before}{marked}{after}</div>'


def quote_html(quote: str) -> str:
    """Return a quotation as an escaped HTML block quote."""
    return (
        '<blockquote style="border-left: 3px solid #60a5fa; margin: 0; padding: 0.25rem 1rem; '
        f'font-style: italic;">“{html.escape(quote)}”</blockquote>'
    )
