"""dashboard.highlight: the evidence is marked and article text can never inject HTML."""

from __future__ import annotations

from dashboard.highlight import highlight_html, locate, mentions_html, quote_html

TEXT = "Intro <script>alert(1)</script>. Russia held a parade. Outro & more."
SENTENCE = "Russia held a parade."


def test_marks_the_sentence_and_escapes_everything_else() -> None:
    start = TEXT.index(SENTENCE)
    out = highlight_html(TEXT, start, start + len(SENTENCE), sentence=SENTENCE)
    assert f">{SENTENCE}</mark>" in out
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert "Outro &amp; more." in out


def test_escapes_html_inside_the_evidence_too() -> None:
    out = highlight_html("a <b>x</b> c", 2, 10)
    assert "&lt;b&gt;x&lt;/b&gt;</mark>" in out and "<b>" not in out


def test_wrong_offsets_fall_back_to_finding_the_sentence() -> None:
    assert locate(TEXT, 0, 5, SENTENCE) == (TEXT.index(SENTENCE), TEXT.index(SENTENCE) + 21)
    assert locate("short", 3, 99) == (3, 5)
    assert locate("short", 99, 120) == (5, 5)


def test_context_cuts_with_ellipses() -> None:
    start = TEXT.index(SENTENCE)
    out = highlight_html(TEXT, start, start + len(SENTENCE), context=5)
    assert "…" in out and "Intro" not in out and "Outro" not in out


def test_quote_is_escaped() -> None:
    assert "&lt;img src=x&gt;" in quote_html("<img src=x>")


def test_mentions_are_escaped_and_the_evidence_marked_once() -> None:
    start = TEXT.index(SENTENCE)
    mentions = [("Intro <script>alert(1)</script>.", 0, 32), (SENTENCE, start, start + 21)]
    out = mentions_html(mentions, (start, start + 21))
    assert out.count("<li>") == 2 and out.count("<mark") == 1
    assert f">{SENTENCE}</mark>" in out
    assert "<script>" not in out and "&lt;script&gt;" in out


def test_mentions_fall_back_to_the_evidence_sentence_when_offsets_drift() -> None:
    out = mentions_html([("A.", 0, 2), ("B.", 3, 5)], (40, 42), sentence="B.")
    assert ">B.</mark>" in out and ">A.</mark>" not in out
    assert "<mark" not in mentions_html([("A.", 0, 2)], (40, 42), sentence="C.")
