"""Bytes from a file, a stream or a web page to text: UTF-8, else cp1252 with a warning.

One rule for every input (files, JSONL, stdin, URLs, feed pages), kept apart so that the
input readers and the page fetcher can both use it without importing each other.
"""

from __future__ import annotations

#: Fallback encoding for text that is not UTF-8: it decodes every byte, and news text that is not
#: UTF-8 is most often Windows-1252.
FALLBACK_ENCODING = "cp1252"


def decode_text(data: bytes, origin: str) -> tuple[str, tuple[str, ...]]:
    """Decode bytes as UTF-8, falling back to cp1252 with a warning.

    Raises:
      ValueError: for binary data (NUL bytes), which is never an article.
    """
    if b"\x00" in data:
        raise ValueError("binary file (contains NUL bytes), not text")
    try:
        return data.decode("utf-8-sig"), ()
    except UnicodeDecodeError as exc:
        warning = (
            f"{origin}: not valid UTF-8 (byte {exc.start}); decoded as {FALLBACK_ENCODING}, "
            "check the characters"
        )
        return data.decode(FALLBACK_ENCODING, errors="replace"), (warning,)
