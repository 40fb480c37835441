"""Evidence highlighting: article text as safe HTML with the evidence sentence marked.

Also an event's mentions (every sentence that reports it) as a list with the evidence marked.

Article text comes from the outside world, so every piece of it is ``html.escape``d before it
is wrapped in the few tags added here; only the result may be rendered with
``unsafe_allow_html``.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

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


def mentions_html(
    mentions: Sequence[tuple[str, int, int]], evidence: tuple[int, int], sentence: str | None = None
) -> str:
    """Return an event's mentions ``(sentence, start, end)`` as an escaped HTML ordered list.

    The mention at the evidence offsets (else, stored offsets having drifted, the first with
    the evidence ``sentence``) is inside ``<mark>``, as in :func:`highlight_html`; each item
    says where in the article it starts.
    """
    marked = next((i for i, m in enumerate(mentions) if (m[1], m[2]) == evidence), None)
    if marked is None and sentence is not None:
        marked = next((i for i, m in enumerate(mentions) if m[0] == sentence), None)
    items = []
    for i, (text, start, _end) in enumerate(mentions):
        body = html.escape(text)
        if i == marked:
            body = f'<mark style="{_MARK_STYLE}">{body}</mark>'
        where = f'<span style="color: #6b7280; font-size: 0.8em;"> (character {start})</span>'
        items.append(f"<li>{body}{where}</li>")
    return f'<ol class="eventwire-mentions" style="{_STYLE}">{"".join(items)}</ol>'
