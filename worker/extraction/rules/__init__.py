"""The event rules: one module per event type over a shared article context.

Import the modules themselves (``from worker.extraction.rules import launch``); this package
imports nothing, so that ``actors.py`` can read :mod:`.vocabulary` without an import cycle.
"""
