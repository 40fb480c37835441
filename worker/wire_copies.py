"""Wire copies: find the stored article a new one re-publishes (MinHash over word shingles).

A copy keeps most of its original's sentences under a new headline, byline or dateline, with
a paragraph trimmed or added. Each article's MinHash signature is cut into LSH bands stored in
``article_band`` (indexed by band and hash), so candidates are the articles sharing a band:
an index lookup, never a scan. A candidate is a copy's original when the exact Jaccard
similarity of their shingle sets reaches :data:`COPY_JACCARD`.

The search runs in the worker (:func:`find_copies`, called by ``worker.processing`` before
extraction), not at enqueue: about 0.7-0.9 ms of CPU an article on real news, little beside
extraction but ten times what storing an article costs (on a corpus whose articles all share
sentences, 16 ms at 50,000 articles and growing with the store: a candidate missing from a
worker's small cache is read and hashed again; bench/enqueue_rate.py --source sample).
Searches take turns under one lock (``incident_repository.lock_wire_copies``), so of two
copies of one story handled at the same moment by two workers, one is found as the other's
copy. The article searched first is the original.

Shingles are hashed word by word (each distinct word once, then cached) and combined five at
a time with numpy, rather than hashing every five-word string, which is several times
cheaper. The bands of this scheme are numbered from :data:`BAND_BASE`: rows of the first
scheme (bands 0-15, one blake2b per five-word string) never match them, so an article stored
under that scheme is not found as the original of a later copy, as for articles stored before
bands existed at all.
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np
from sqlalchemy.orm import Session

from models import incident_repository

#: Words per shingle.
SHINGLE = 5
#: Bands x rows = the signature's length; 16 x 4 finds pairs of Jaccard 0.5 with p > 0.6
#: and of 0.7 with p > 0.98, and rarely pairs below 0.3.
BANDS, ROWS = 16, 4
#: Number of the first band in ``article_band`` (the first scheme used 0-15).
BAND_BASE = 16
#: Shingle-set similarity from which an article is a copy of another.
COPY_JACCARD = 0.5

_WORD = re.compile(r"\w+")
_rng = np.random.default_rng(20231121)  # fixed: every process must hash alike
_MUL = _rng.integers(1, 2**63, size=BANDS * ROWS, dtype=np.uint64) | np.uint64(1)
_ADD = _rng.integers(0, 2**63, size=BANDS * ROWS, dtype=np.uint64)
#: One odd multiplier per position in a shingle: "a b c d e" and "b a c d e" differ.
_POSITION = _rng.integers(1, 2**63, size=SHINGLE, dtype=np.uint64) | np.uint64(1)
_MIX = (np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB))

#: Hash of each word seen (lower-cased), bounded: emptied when it holds this many (about
#: 6 MB; a worker's memory must stay flat while news keeps bringing new names).
_MAX_CACHED_WORDS = 20_000
_word_hashes: dict[str, int] = {}


def _word_values(words: list[str]) -> np.ndarray:
    """Stable 64-bit hashes of the words (blake2b, once per distinct word per process)."""
    cache = _word_hashes
    distinct = set(words)
    missing = [w for w in distinct if w not in cache]
    if missing:
        if len(cache) + len(missing) > _MAX_CACHED_WORDS:
            cache.clear()
            missing = list(distinct)  # this text's other words went with the rest
        for word in missing:
            digest = hashlib.blake2b(word.encode(), digest_size=8).digest()
            cache[word] = int.from_bytes(digest, "little")
    return np.fromiter(map(cache.__getitem__, words), dtype=np.uint64, count=len(words))


def shingles(text: str) -> np.ndarray:
    """Sorted distinct 64-bit hashes of the text's lower-cased word 5-grams (the whole text if
    shorter), the same in every process."""
    values = _word_values(_WORD.findall(text.lower()))
    count = max(1, len(values) - SHINGLE + 1)
    combined = np.zeros(count, dtype=np.uint64)
    with np.errstate(over="ignore"):  # uint64 arithmetic wraps by design
        for position in range(min(SHINGLE, len(values))):
            combined += values[position : position + count] * _POSITION[position]
        # A finaliser (splitmix64's) so that the MinHash rows see well-mixed values.
        combined ^= combined >> np.uint64(30)
        combined *= _MIX[0]
        combined ^= combined >> np.uint64(27)
        combined *= _MIX[1]
        combined ^= combined >> np.uint64(31)
    return np.unique(combined)


def signature(shingle_values: np.ndarray) -> np.ndarray:
    """The MinHash signature: for each of ``BANDS * ROWS`` hash functions, the least value."""
    # Multiply-shift hashing, one per signature row; uint64 arithmetic wraps by design.
    with np.errstate(over="ignore"):
        return (shingle_values[:, None] * _MUL[None, :] + _ADD[None, :]).min(axis=0)


def band_hashes(signature_values: np.ndarray) -> list[int]:
    """The signature's LSH bands, each hashed to a signed 63-bit integer (BIGINT-safe)."""
    return [
        int.from_bytes(
            hashlib.blake2b(
                signature_values[b * ROWS : (b + 1) * ROWS].tobytes(), digest_size=8
            ).digest(),
            "little",
        )
        >> 1
        for b in range(BANDS)
    ]


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """|a ∩ b| / |a ∪ b| of two sorted arrays of distinct values (0 for two empty ones)."""
    if not len(a) and not len(b):
        return 0.0
    if len(a) > len(b):
        a, b = b, a
    # Each value of the shorter array looked up in the longer one (both sorted).
    at = np.searchsorted(b, a)
    at[at == len(b)] = 0
    common = int(np.count_nonzero(b[at] == a)) if len(b) else 0
    return common / (len(a) + len(b) - common)


#: Candidates whose signatures agree on fewer rows than this share are not compared exactly.
#: A pair at the copy threshold (Jaccard 0.5) that shares a band agrees on 34 of 64 rows on
#: average, standard deviation 4: falling under 20 takes 3.5 deviations (p < 3e-4, against
#: the 0.36 chance the bands miss such a pair at all). Pairs at 0.2 pass about one time in
#: ten, pairs at 0.1 almost never; those are most candidates in a large input.
PREFILTER_AGREEMENT = 20 / 64


def _short(signature_values: np.ndarray) -> np.ndarray:
    """The signature cut to 32 bits a row: half the memory, and rows still agree by chance
    only once in four billion."""
    return signature_values.astype(np.uint32)


def _short_set(shingle_values: np.ndarray) -> np.ndarray:
    """Shingles cut to 32 bits, for the exact comparison: half the memory, and two articles'
    distinct shingles collide about once in 17,000 comparisons (one shingle more or less in
    common, nothing a threshold of 0.5 notices)."""
    return np.unique(shingle_values.astype(np.uint32))


class ShingleCache:
    """Signatures and roots of the articles a process searched or compared, and the shingles
    of the latest (bounded LRUs).

    Recent articles are candidates of many later ones. The short signature (256 bytes) rules
    most of them out without their text; the short shingles (about 2 kB) of recent ones save
    reading and hashing their texts for the exact comparison. A worker keeps
    :data:`WORKER_CACHE` of them (a few MB); the default sizes take about 110 MB.
    """

    def __init__(self, signatures: int = 100_000, shingle_sets: int = 30_000) -> None:
        self.sizes = (signatures, shingle_sets)
        self._signatures: OrderedDict[int, tuple[np.ndarray, int]] = OrderedDict()
        self._shingles: OrderedDict[int, np.ndarray] = OrderedDict()

    @staticmethod
    def _get(items: OrderedDict, key: int):  # type: ignore[no-untyped-def,type-arg]
        item = items.get(key)
        if item is not None:
            items.move_to_end(key)
        return item

    @staticmethod
    def _put(items: OrderedDict, key: int, value: object, size: int) -> None:  # type: ignore[type-arg]
        items[key] = value
        items.move_to_end(key)
        while len(items) > size:
            items.popitem(last=False)

    def signature(self, article_id: int) -> tuple[np.ndarray, int] | None:
        """(signature, root id) of the article, if kept."""
        return self._get(self._signatures, article_id)

    def shingles(self, article_id: int) -> np.ndarray | None:
        """The article's shingles, if kept."""
        return self._get(self._shingles, article_id)

    def put(self, article_id: int, values: np.ndarray, sig: np.ndarray, root: int) -> None:
        """Keep an article's shingles, signature and root (the oldest go when full)."""
        self._put(self._signatures, article_id, (sig, root), self.sizes[0])
        self._put(self._shingles, article_id, values, self.sizes[1])


def record_copies(
    session: Session, articles: Sequence[tuple[int, str]], cache: ShingleCache | None = None
) -> dict[int, int]:
    """Index new articles' bands and mark those that copy a stored article.

    ``articles`` are ``(id, text)`` of articles stored in this transaction, in id order.
    Each is compared with the stored articles sharing a band and with the earlier ones of the
    same call; the most similar one at or above :data:`COPY_JACCARD` is its original (the
    original's own original when that one is a copy too). ``cache`` keeps signatures and
    shingles between the calls of one run. Returns copy id -> original id.
    """
    if not articles:
        return {}
    cache = cache or ShingleCache(signatures=0, shingle_sets=0)
    values = {article_id: shingles(text) for article_id, text in articles}
    full = {article_id: signature(values[article_id]) for article_id, _ in articles}
    sets = {article_id: _short_set(values[article_id]) for article_id, _ in articles}
    bands = {article_id: band_hashes(full[article_id]) for article_id, _ in articles}
    sigs = {article_id: _short(full[article_id]) for article_id, _ in articles}
    stored = incident_repository.articles_sharing_bands(
        session,
        [(BAND_BASE + b, h) for hashes in bands.values() for b, h in enumerate(hashes)],
    )
    # Candidates of each article: stored ones sharing a band, and earlier ones of this call.
    local: dict[tuple[int, int], list[int]] = {}
    candidates: dict[int, set[int]] = {}
    for article_id, _ in articles:
        found: set[int] = set()
        for b, h in enumerate(bands[article_id]):
            found.update(stored.get((BAND_BASE + b, h), ()))
            found.update(local.get((b, h), ()))
            local.setdefault((b, h), []).append(article_id)
        found.discard(article_id)
        candidates[article_id] = found

    # Stored candidates: signature and root from the cache, else from their text.
    stored_sigs: dict[int, np.ndarray] = {}
    roots: dict[int, int] = {}
    stored_sets: dict[int, np.ndarray] = {}
    unknown: set[int] = set()
    for i in {i for ids in stored.values() for i in ids} - sets.keys():
        kept = cache.signature(i)
        if kept is None:
            unknown.add(i)
        else:
            stored_sigs[i], roots[i] = kept

    def load(ids: set[int]) -> None:
        for i, (text, copy_of) in incident_repository.article_texts(session, ids).items():
            stored_values = shingles(text)
            stored_sets[i] = _short_set(stored_values)
            stored_sigs[i], roots[i] = _short(signature(stored_values)), copy_of or i
            cache.put(i, stored_sets[i], stored_sigs[i], roots[i])

    load(unknown)
    # Only candidates whose signatures agree enough are compared exactly.
    known = stored_sigs | sigs
    for article_id, found in candidates.items():
        others = [other for other in found if other in known]
        if others:
            rows = np.stack([known[other] for other in others])
            agree = np.count_nonzero(rows == sigs[article_id], axis=1) / rows.shape[1]
            others = [o for o, share in zip(others, agree.tolist()) if share >= PREFILTER_AGREEMENT]
        candidates[article_id] = set(others)
    missing = set()
    for other in set().union(*candidates.values()) - sets.keys() - stored_sets.keys():
        kept_set = cache.shingles(other)
        if kept_set is None:
            missing.add(other)
        else:
            stored_sets[other] = kept_set
    load(missing)

    originals: dict[int, int] = {}
    for article_id, _ in articles:
        best, best_score = None, COPY_JACCARD
        for other in sorted(candidates[article_id]):
            other_set = sets.get(other) if other in sets else stored_sets.get(other)
            if other_set is None:
                continue
            score = jaccard(sets[article_id], other_set)
            if score >= best_score and (best is None or score > best_score):
                best, best_score = other, score
        if best is not None:
            root = originals.get(best) or roots.get(best, best)
            if root != article_id:  # its own copy, searched before it (a re-run): no loop
                originals[article_id] = root
    incident_repository.store_bands(session, bands, first_band=BAND_BASE)
    incident_repository.mark_copies(session, originals)
    for article_id, _ in articles:
        root = originals.get(article_id, article_id)
        cache.put(article_id, sets[article_id], sigs[article_id], root)
    return originals


#: What a worker process keeps of the articles it searched (a few MB: worker memory stays
#: flat); other workers' articles are read from the database when they are candidates.
WORKER_CACHE = (5_000, 1_000)
_worker_cache: ShingleCache | None = None


def find_copies(session: Session, articles: Sequence[tuple[int, str]]) -> dict[int, int]:
    """Search the copies among these stored articles whose search has not run yet, under the
    wire-copy lock held until the transaction ends; returns copy id -> original id.

    ``articles`` are ``(id, text)``. An article whose bands are stored was searched before
    (a redelivered message, ``eventwire reprocess``) and keeps what was found then.
    """
    global _worker_cache
    if not articles:
        return {}
    if _worker_cache is None:
        _worker_cache = ShingleCache(*WORKER_CACHE)
    incident_repository.lock_wire_copies(session)
    searched = incident_repository.articles_with_bands(
        session, ids=[i for i, _ in articles], first_band=BAND_BASE
    )
    todo = sorted((i, text) for i, text in dict(articles).items() if i not in searched)
    return record_copies(session, todo, _worker_cache)
