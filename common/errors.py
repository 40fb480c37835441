"""The one exception hierarchy of eventwire.

Every error a user can cause derives from :class:`EventwireError`; its message says what was
wrong and what to do about it, so the CLI can print it on one line without a traceback.
"""

from __future__ import annotations


class EventwireError(Exception):
    """Base class for every error eventwire raises on purpose."""


class ConfigurationError(EventwireError):
    """A setting is missing or invalid (bad URL, unknown spaCy pipeline, ...)."""


class InputError(EventwireError):
    """An article given to enqueue or extract could not be read or is not acceptable."""


class ServiceUnavailableError(EventwireError):
    """Redis or the database could not be reached; the operation may succeed later."""


class PermanentArticleError(EventwireError):
    """Processing this article can never succeed (it is gone, empty, ...): do not retry."""


class PluginError(EventwireError):
    """An event-type plugin is broken: its folder, spec.json, triggers.jsonl or rule.py (the
    message names the file and the problem)."""
