"""What one event-type folder holds, read and checked without importing anything of it.

::

    <name>/spec.json       name, label, colour, subtypes, base confidence, merge policy, ...
    <name>/triggers.jsonl  span_ruler patterns whose ``label`` is the type's name
    <name>/lexicon.json    every word list the rule reads
    <name>/rule.py         mention_from_trigger(ctx, trigger, label_id, sent) -> Mention | None

:mod:`.plugins` finds the folders; a rule reads its lexicon with ``read_lexicon(__file__)``.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from common.errors import PluginError

#: The function every rule.py defines.
RULE_FUNCTION = "mention_from_trigger"
SPEC_FILE = "spec.json"
TRIGGERS_FILE = "triggers.jsonl"
LEXICON_FILE = "lexicon.json"
RULE_FILE = "rule.py"
NAME_RE = re.compile(r"[a-z][a-z0-9_]*")
COLOUR_RE = re.compile(r"#[0-9A-Fa-f]{6}")
MERGE_MODES = ("never", "always", "compatible")
#: The largest ``incident_window_days``: a happening that lasts longer is not one incident
#: (a month of reports of anything would all be one another's candidates).
MAX_INCIDENT_WINDOW_DAYS = 31


@dataclass(frozen=True)
class MergePolicy:
    """How mentions of one type are merged into one event (see merge.py).

    Parameters:
      mode: ``never`` (each mention is an event: statements), ``always`` (same date and
        modality suffice: parades), ``compatible`` (no different dates, weapons or sides).
      near_subtypes: subtypes merged only with mentions in the same or the next sentence
        (a vote told paragraphs later is another vote).
      same_subtype: mentions of different subtypes stay apart (an adoption is no veto).
      agents_from_best: the best mention's agents are the event's; the others' agents are
        participants (abstainers beside the vetoing state).
      host_agents: agents are the people and states of the host country (a parade's).
      distinct_counterparts: mentions aimed at different sides stay apart (meeting one
        counterpart and meeting another are two meetings).
    """

    mode: str = "compatible"
    near_subtypes: tuple[str, ...] = ()
    same_subtype: bool = False
    agents_from_best: bool = False
    host_agents: bool = False
    distinct_counterparts: bool = False


@dataclass(frozen=True)
class EventTypeSpec:
    """One event type as its spec.json describes it.

    Parameters:
      name: the type as stored and queried (``[a-z][a-z0-9_]*``).
      label: the name people read ("Sanctions vote").
      colour: display colour, ``#RRGGBB``.
      subtypes: the subtypes its mentions may carry (empty: none).
      base_confidence: the confidence a bare mention starts from (see merge.confidence).
      merge: how its mentions merge.
      referring_nouns: nouns that refer back to an event of this type ("condemned the
        parade"): a statement about one targets the event's agents.
      folder: the plugin folder.
      speech: the type is a speech act (statements): modality stops at its trigger, its
        mentions are never references under a verb of judging, and same-speaker mentions of
        one sentence fold into one.
      told_as_response: "responded by staging a drill" targets the earlier actor.
      answerable: a response told later may answer an event of this type.
      subtype_confidence: confidence added for a subtype ("neutral" statements: -0.1).
      fallback: when the rule rejects a trigger whose lemma is listed, the trigger goes to
        another type's rule with another label id ("welcomed the decision" is praise).
      incident_window_days: how many days apart two reports of one happening of this type
        may be dated when either date was only inferred (from the publication day or the
        context): 0 for happenings of a day (one day of slack still applies), 6 for an
        exercise that runs for a week. Read by the incident linker (worker.incident_linking).
      symmetric_roles: agents and targets are the happening's two sides, named in either
        order ("A met B", "B held talks with A"): the incident linker compares them together.
      world_affairs: its events are world affairs: on a page the page-topic model reads as
        far from them (a sports, business or school page; worker.extraction.page_topic) the
        type makes none. A plugin type about anything else (product launches) leaves it false.
      patterns: the span_ruler patterns of triggers.jsonl.
    """

    name: str
    label: str
    colour: str
    subtypes: tuple[str, ...]
    base_confidence: float
    merge: MergePolicy
    referring_nouns: tuple[str, ...]
    folder: Path
    speech: bool = False
    told_as_response: bool = False
    answerable: bool = False
    subtype_confidence: tuple[tuple[str, float], ...] = ()
    fallback: tuple[tuple[str, ...], str, str] | None = None
    incident_window_days: int = 0
    symmetric_roles: bool = False
    world_affairs: bool = False
    module: str | None = field(default=None, compare=False)
    patterns: tuple[dict[str, Any], ...] = field(default=(), repr=False, compare=False)


def read_type_folder(folder: Path, *, module: str | None = None) -> EventTypeSpec:
    """Read and check one type folder (spec, triggers, lexicon, rule) without importing it."""
    spec_path = folder / SPEC_FILE
    raw = _read_json(spec_path)
    if not isinstance(raw, dict):
        raise PluginError(f"{spec_path}: must hold a JSON object (see docs/extraction.md)")
    name = raw.get("name")
    if not isinstance(name, str) or not NAME_RE.fullmatch(name):
        raise PluginError(
            f"{spec_path}: name {name!r} is not a valid type name; use lower-case letters, "
            "digits and underscores, starting with a letter ([a-z][a-z0-9_]*)"
        )
    spec = EventTypeSpec(
        name=name,
        label=_field(raw, "label", str, spec_path),
        colour=_colour(raw, spec_path),
        subtypes=tuple(_field(raw, "subtypes", list, spec_path, default=[])),
        base_confidence=_confidence(raw, spec_path),
        merge=_merge_policy(raw.get("merge", {}), spec_path),
        referring_nouns=tuple(_field(raw, "referring_nouns", list, spec_path, default=[])),
        folder=folder,
        speech=bool(raw.get("speech", False)),
        told_as_response=bool(raw.get("told_as_response", False)),
        answerable=bool(raw.get("answerable", False)),
        subtype_confidence=tuple(
            (str(k), float(v))
            for k, v in _field(raw, "subtype_confidence", dict, spec_path, default={}).items()
        ),
        fallback=_fallback(raw.get("fallback"), spec_path),
        incident_window_days=_window_days(raw, spec_path),
        symmetric_roles=_field(raw, "symmetric_roles", bool, spec_path, default=False),
        world_affairs=_field(raw, "world_affairs", bool, spec_path, default=False),
        module=module,
        patterns=tuple(read_triggers(folder / TRIGGERS_FILE, name)),
    )
    if (folder / LEXICON_FILE).exists():
        _read_json(folder / LEXICON_FILE)
    _check_rule_file(folder / RULE_FILE)
    return spec


def read_triggers(path: Path, name: str) -> list[dict[str, Any]]:
    """The span_ruler patterns of ``path``; each line's ``label`` must be the type's name."""
    if not path.exists():
        raise PluginError(f"{path}: missing; a type needs at least one trigger pattern")
    patterns = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            pattern = json.loads(line)
        except json.JSONDecodeError as exc:
            raise PluginError(f"{path}:{number}: not a JSON line ({exc.msg})") from None
        if not isinstance(pattern, dict) or "pattern" not in pattern:
            raise PluginError(f'{path}:{number}: a pattern line needs a "pattern" key')
        if pattern.setdefault("label", name) != name:
            raise PluginError(
                f"{path}:{number}: label {pattern['label']!r} is not this type's name {name!r}"
            )
        patterns.append(pattern)
    if not patterns:
        raise PluginError(f"{path}: holds no pattern; a type needs at least one trigger pattern")
    return patterns


def _check_rule_file(path: Path) -> None:
    """rule.py exists, parses and defines the rule function (checked without importing)."""
    if not path.exists():
        raise PluginError(f"{path}: missing; it must define {RULE_FUNCTION}(ctx, trigger, ...)")
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except SyntaxError as exc:
        raise PluginError(f"{path}:{exc.lineno}: syntax error ({exc.msg})") from None
    if not any(
        isinstance(node, ast.FunctionDef) and node.name == RULE_FUNCTION for node in tree.body
    ):
        raise PluginError(
            f"{path}: defines no function {RULE_FUNCTION}(ctx, trigger, label_id, sent)"
        )


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PluginError(f"{path}: missing") from None
    except json.JSONDecodeError as exc:
        raise PluginError(f"{path}:{exc.lineno}: invalid JSON ({exc.msg})") from None


def _field(raw: dict[str, Any], key: str, kind: type, path: Path, **default: Any) -> Any:
    if key not in raw and "default" in default:
        return default["default"]
    value = raw.get(key)
    if not isinstance(value, kind):
        raise PluginError(f"{path}: {key!r} must be a {kind.__name__}, not {value!r}")
    return value


def _colour(raw: dict[str, Any], path: Path) -> str:
    colour = _field(raw, "colour", str, path)
    if not COLOUR_RE.fullmatch(colour):
        raise PluginError(f"{path}: colour {colour!r} must be a hex colour like #1F77B4")
    return colour


def _confidence(raw: dict[str, Any], path: Path) -> float:
    value = raw.get("base_confidence")
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < 1:
        raise PluginError(
            f"{path}: base_confidence must be a number between 0 and 1, not {value!r}"
        )
    return float(value)


def _window_days(raw: dict[str, Any], path: Path) -> int:
    value = raw.get("incident_window_days", 0)
    if isinstance(value, bool) or not isinstance(value, int):
        raise PluginError(
            f"{path}: incident_window_days must be a whole number of days, not {value!r}"
        )
    if not 0 <= value <= MAX_INCIDENT_WINDOW_DAYS:
        raise PluginError(
            f"{path}: incident_window_days must be between 0 and {MAX_INCIDENT_WINDOW_DAYS} "
            f"(days between two reports of one happening), not {value}"
        )
    return value


def _merge_policy(raw: Any, path: Path) -> MergePolicy:
    if not isinstance(raw, dict) or raw.get("mode", "compatible") not in MERGE_MODES:
        raise PluginError(f"{path}: merge must be an object whose mode is one of {MERGE_MODES}")
    try:
        return MergePolicy(**{k: tuple(v) if isinstance(v, list) else v for k, v in raw.items()})
    except TypeError as exc:
        raise PluginError(f"{path}: merge: {exc}") from None


def _fallback(raw: Any, path: Path) -> tuple[tuple[str, ...], str, str] | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or not {"lemmas", "type", "label_id"} <= raw.keys():
        raise PluginError(
            f'{path}: fallback must be {{"lemmas": [...], "type": ..., "label_id": ...}}'
        )
    return tuple(raw["lemmas"]), str(raw["type"]), str(raw["label_id"])


def read_lexicon(rule_file: str | Path) -> dict[str, Any]:
    """The lexicon.json beside a rule module (``read_lexicon(__file__)``): word lists as lists,
    tables as objects, each optionally ``{"why": ..., "words": ...}``."""
    path = Path(rule_file).with_name(LEXICON_FILE)
    raw = _read_json(path)
    return {k: v["words"] if isinstance(v, dict) and "words" in v else v for k, v in raw.items()}
