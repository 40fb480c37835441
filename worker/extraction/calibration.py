"""Calibrated confidence: the raw evidence score mapped to the chance that an event is right.

``merge.confidence`` ranks events by their evidence; on its own the number means little. The
mapping fitted on the news dev split by ``bench/calibrate.py`` (isotonic regression, one step
function per event type with enough dev events, a global one for the others) is DATA in
``data/calibration.json``::

    {"extractor_version": "0.3.0", "fitted": "2025-06-01", "rules_fingerprint": "...",
     "global": {"edges": [0.05, 0.52, ...], "values": [0.31, 0.55, ...]},
     "types": {"statement": {"edges": [...], "values": [...]}, ...}, ...}

A raw score ``x`` gets ``values[i]`` for the last ``edges[i] <= x`` (``values[0]`` below the
first edge). Values never decrease, so a higher raw score never means a lower confidence.
"""

from __future__ import annotations

import itertools
import json
import logging
import math
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from common.errors import ConfigurationError

logger = logging.getLogger(__name__)

#: Where the fitted mapping lives (written by ``python bench/calibrate.py``).
DEFAULT_CALIBRATION_PATH = Path(__file__).resolve().parent / "data" / "calibration.json"

_REFIT = "re-create it with `python bench/calibrate.py`"


@dataclass(frozen=True)
class StepMapping:
    """A non-decreasing step function from raw scores to probabilities.

    Parameters:
      edges: strictly increasing raw scores where a step starts.
      values: the probability from each edge on, non-decreasing, within [0, 1].
    """

    edges: tuple[float, ...]
    values: tuple[float, ...]

    def __call__(self, raw: float) -> float:
        """The calibrated probability of a raw score."""
        index = max(bisect_right(self.edges, raw) - 1, 0)
        return self.values[index]

    def to_dict(self) -> dict[str, list[float]]:
        """The mapping as it is stored in the JSON file."""
        return {"edges": list(self.edges), "values": list(self.values)}


@dataclass(frozen=True)
class Calibration:
    """Per-type step mappings with a global fallback (types with too few dev events, and
    user plugin types that were not fitted, use the global one).

    Parameters:
      global_mapping: the mapping fitted on every type's events.
      per_type: mappings of the types that had enough dev events for their own.
      extractor_version: the ``EXTRACTOR_VERSION`` the fit was made with.
    """

    global_mapping: StepMapping
    per_type: dict[str, StepMapping] = field(default_factory=dict)
    extractor_version: str = ""

    def __call__(self, event_type: str, raw: float) -> float:
        """The calibrated confidence of an event of ``event_type`` with raw score ``raw``."""
        mapping = self.per_type.get(event_type, self.global_mapping)
        return mapping(raw)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def parse_mapping(raw: Any, where: str) -> StepMapping:
    """Check and build one ``{"edges": [...], "values": [...]}`` mapping.

    Raises ``ConfigurationError`` saying what is wrong at ``where`` (file and key).
    """
    if not isinstance(raw, dict):
        raise ConfigurationError(f"{where}: expected an object with edges and values; {_REFIT}")
    edges, values = raw.get("edges"), raw.get("values")
    if not isinstance(edges, list) or not isinstance(values, list) or not edges:
        raise ConfigurationError(f"{where}: edges and values must be non-empty lists; {_REFIT}")
    if len(edges) != len(values):
        raise ConfigurationError(f"{where}: {len(edges)} edges but {len(values)} values; {_REFIT}")
    if not all(_number(x) for x in edges + values):
        raise ConfigurationError(f"{where}: edges and values must be numbers; {_REFIT}")
    if any(b <= a for a, b in itertools.pairwise(edges)):
        raise ConfigurationError(f"{where}: edges must be strictly increasing; {_REFIT}")
    if any(b < a for a, b in itertools.pairwise(values)):
        raise ConfigurationError(
            f"{where}: values must not decrease (a higher raw score cannot mean a lower "
            f"confidence); {_REFIT}"
        )
    if not all(0.0 <= v <= 1.0 for v in values):
        raise ConfigurationError(f"{where}: values must lie within [0, 1]; {_REFIT}")
    return StepMapping(tuple(float(x) for x in edges), tuple(float(v) for v in values))


def parse_calibration(data: Any, source: str) -> Calibration:
    """Build a :class:`Calibration` from the decoded JSON of ``source`` (checked)."""
    if not isinstance(data, dict) or "global" not in data:
        raise ConfigurationError(
            f"{source}: not a calibration file (no 'global' mapping); {_REFIT}"
        )
    types = data.get("types", {})
    if not isinstance(types, dict):
        raise ConfigurationError(f"{source}: 'types' must map type names to mappings; {_REFIT}")
    return Calibration(
        global_mapping=parse_mapping(data["global"], f"{source} (global)"),
        per_type={
            name: parse_mapping(value, f"{source} (types.{name})") for name, value in types.items()
        },
        extractor_version=str(data.get("extractor_version", "")),
    )


@lru_cache(maxsize=8)
def _load(path: str, mtime_ns: int, size: int) -> Calibration:
    # Keyed on the modification time and size too, so a re-fit file is read again in a
    # long-running process.
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigurationError(
            f"calibration file {path} cannot be read ({exc.strerror}); {_REFIT}"
        ) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigurationError(
            f"calibration file {path} is not valid JSON ({exc}); {_REFIT}"
        ) from None
    calibration = parse_calibration(data, f"calibration file {path}")
    logger.debug("calibration %s loaded (extractor %s)", path, calibration.extractor_version)
    return calibration


def load_calibration(path: str | Path | None = None) -> Calibration:
    """Read (once per process and file version) the calibration at ``path`` (default:
    :data:`DEFAULT_CALIBRATION_PATH`).

    Raises ``ConfigurationError`` naming the file when it is missing or malformed.
    """
    resolved = Path(path) if path is not None else DEFAULT_CALIBRATION_PATH
    try:
        stat = resolved.stat()
    except OSError:
        raise ConfigurationError(f"calibration file {resolved} is missing; {_REFIT}") from None
    return _load(str(resolved), stat.st_mtime_ns, stat.st_size)
