"""The built-in event types, one plugin folder each (spec.json, triggers.jsonl, lexicon.json,
rule.py): the same layout a user's type has (see docs/extraction.md, "Add an event type")."""
