"""Wire copies: find the stored article a new one re-publishes (MinHash over word shingles).

A copy keeps most of its original's sentences under a new headline, byline or dateline, with
a paragraph trimmed or added. Each article's MinHash signature is cut into LSH bands stored in
``article_band`` (indexed by band and hash), so candidates are the articles sharing a band:
an index lookup, never a scan. A candidate is a copy's original when the exact Jaccard
similarity of their shingle sets reaches :data:`COPY_JACCARD`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np
from sqlalchemy.orm import Session

from models import incident_repository

#: Words per shingle.
SHINGLE = 5
#: Bands x rows = the signature's length; 16 x 4 finds pairs of Jaccard 0.5 with p > 0.6
#: and of 0.7 with p > 0.98, and rarely pairs below 0.3.
BANDS, ROWS = 16, 4
#: Shingle-set similarity from which an article is a copy of another.
COPY_JACCARD = 0.5

_WORD = re.compile(r"\w+")
_rng = np.random.default_rng(20231121)  # fixed: every process must hash alike
_MUL = _rng.integers(1, 2**63, size=BANDS * ROWS, dtype=np.uint64) | np.uint64(1)
_ADD = _rng.integers(0, 2**63, size=BANDS * ROWS, dtype=np.uint64)


def shingles(text: str) -> set[int]:
    """64-bit hashes of the text's lower-cased word 5-grams (the whole text if shorter)."""
    words = _WORD.findall(text.lower())
    grams = [" ".join(words[i : i + SHINGLE]) for i in range(max(1, len(words) - SHINGLE + 1))]
    return {
        int.from_bytes(hashlib.blake2b(g.encode(), digest_size=8).digest(), "little") for g in grams
    }


def band_hashes(shingle_set: set[int]) -> list[int]:
    """The signature's LSH bands, each hashed to a signed 63-bit integer (BIGINT-safe)."""
    values = np.fromiter(shingle_set or {0}, dtype=np.uint64)
    # Multiply-shift hashing, one per signature row; uint64 arithmetic wraps by design.
    with np.errstate(over="ignore"):
        signature = (values[:, None] * _MUL[None, :] + _ADD[None, :]).min(axis=0)
    return [
        int.from_bytes(
            hashlib.blake2b(signature[b * ROWS : (b + 1) * ROWS].tobytes(), digest_size=8).digest(),
            "little",
        )
        >> 1
        for b in range(BANDS)
    ]


def jaccard(a: set[int], b: set[int]) -> float:
    """|a ∩ b| / |a ∪ b| (0 for two empty sets)."""
    return len(a & b) / len(a | b) if a or b else 0.0


def record_copies(session: Session, articles: Sequence[tuple[int, str]]) -> dict[int, int]:
    """Index new articles' bands and mark those that copy a stored article.

    ``articles`` are ``(id, text)`` of articles stored in this transaction, in id order.
    Each is compared with the stored articles sharing a band and with the earlier ones of the
    same call; the most similar one at or above :data:`COPY_JACCARD` is its original (the
    original's own original when that one is a copy too). Returns copy id -> original id.
    """
    if not articles:
        return {}
    sets = {article_id: shingles(text) for article_id, text in articles}
    bands = {article_id: band_hashes(sets[article_id]) for article_id, _ in articles}
    stored = incident_repository.articles_sharing_bands(
        session, [(b, h) for hashes in bands.values() for b, h in enumerate(hashes)]
    )
    local: dict[tuple[int, int], list[int]] = {}
    originals: dict[int, int] = {}
    stored_sets: dict[int, set[int]] = {}
    roots: dict[int, int] = {}
    if stored:
        texts = incident_repository.article_texts(
            session, {i for ids in stored.values() for i in ids}
        )
        stored_sets = {i: shingles(t) for i, (t, _) in texts.items()}
        roots = {i: copy_of or i for i, (_, copy_of) in texts.items()}
    for article_id, _ in articles:
        candidates: set[int] = set()
        for b, h in enumerate(bands[article_id]):
            candidates.update(i for i in stored.get((b, h), ()) if i != article_id)
            candidates.update(local.get((b, h), ()))
            local.setdefault((b, h), []).append(article_id)
        best, best_score = None, COPY_JACCARD
        for other in sorted(candidates):
            other_set = sets.get(other) if other in sets else stored_sets.get(other)
            if other_set is None:
                continue
            score = jaccard(sets[article_id], other_set)
            if score >= best_score and (best is None or score > best_score):
                best, best_score = other, score
        if best is not None:
            originals[article_id] = originals.get(best) or roots.get(best, best)
    incident_repository.store_bands(session, bands)
    incident_repository.mark_copies(session, originals)
    return originals
