"""The loaded event types: each type's rule module, and a trigger span -> its type's mention.

:mod:`worker.extraction.plugins` reads the specs without importing anything; this module
imports each type's ``rule.py`` (which imports spaCy) when an extractor is built.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from spacy.tokens import Span, Token

from common.errors import PluginError
from worker.extraction import syntax
from worker.extraction.rules.context import ArticleContext
from worker.extraction.rules.mention import Mention
from worker.extraction.type_folder import RULE_FILE, RULE_FUNCTION, EventTypeSpec
from worker.extraction.vocabulary import JUDGING_VERBS

#: A type's rule: (context, trigger token, trigger id, sentence) -> mention or None.
MentionRule = Callable[[ArticleContext, Token, str, Span], Mention | None]
#: Optional hook: (context, sentence, the sentence's mentions, the type's notes on the article).
SentenceHook = Callable[[ArticleContext, Span, list[Mention], dict[str, Any]], None]
#: Optional hook: (context, every mention of the article, the type's notes on the article).
ArticleHook = Callable[[ArticleContext, list[Mention], dict[str, Any]], None]


@dataclass(frozen=True)
class EventTypeRule:
    """One loaded event type: its spec and the functions of its rule.py."""

    spec: EventTypeSpec
    mention_from_trigger: MentionRule
    read_sentence: SentenceHook | None = None
    finish_article: ArticleHook | None = None


def _import_rule(spec: EventTypeSpec) -> ModuleType:
    """Import a type's rule.py: by module name for packages, else from its file."""
    path = spec.folder / RULE_FILE
    try:
        if spec.module is not None:
            return importlib.import_module(f"{spec.module}.rule")
        name = f"eventwire_plugins.{spec.name}.rule"
        loader_spec = importlib.util.spec_from_file_location(name, path)
        if loader_spec is None or loader_spec.loader is None:
            raise ImportError(f"cannot load {path}")
        module = importlib.util.module_from_spec(loader_spec)
        sys.modules[name] = module
        loader_spec.loader.exec_module(module)
        return module
    except Exception as exc:
        raise PluginError(
            f"{path}: importing the rule failed ({type(exc).__name__}: {exc}); fix the module"
        ) from exc


def load_rules(specs: Sequence[EventTypeSpec]) -> dict[str, EventTypeRule]:
    """Import every type's rule (name -> loaded type, in registry order)."""
    rules: dict[str, EventTypeRule] = {}
    names = {spec.name for spec in specs}
    for spec in specs:
        module = _import_rule(spec)
        rule = getattr(module, RULE_FUNCTION, None)
        if not callable(rule):
            raise PluginError(
                f"{spec.folder / RULE_FILE}: defines no function "
                f"{RULE_FUNCTION}(ctx, trigger, label_id, sent)"
            )
        if spec.fallback is not None and spec.fallback[1] not in names:
            raise PluginError(
                f"{spec.folder / 'spec.json'}: fallback type {spec.fallback[1]!r} is not loaded"
            )
        rules[spec.name] = EventTypeRule(
            spec,
            rule,
            getattr(module, "read_sentence", None),
            getattr(module, "finish_article", None),
        )
    return rules


def _judged(noun: Token) -> bool:
    """True when an event noun sits in a clause under a verb of judging, past a gerund or
    clause ("accused Moscow of using its veto"); "condemned the launch" keeps the launch's
    own rule, which already treats it as a reference."""
    current = noun.head
    for _ in range(6):
        if current.dep_ in {"ROOT"} or current.head.i == current.i:
            return False
        if current.pos_ == "VERB" and current.dep_ in {"pcomp", "advcl", "ccomp", "xcomp"}:
            return syntax.lemma(current.head) in JUDGING_VERBS or (
                current.head.pos_ == "ADP" and syntax.lemma(current.head.head) in JUDGING_VERBS
            )
        current = current.head
    return False


def mention_at(
    rules: dict[str, EventTypeRule], ctx: ArticleContext, span: Span, sent: Span
) -> Mention | None:
    """The mention the trigger ``span`` makes in ``sent``, or None when its rule rejects it."""
    trigger = span.root if len(span) > 1 else span[0]
    if len(span) > 1 and span[0].pos_ == "VERB":
        trigger = span[0]
    label, label_id = span.label_, span.id_
    loaded = rules.get(label)
    if loaded is None:
        return None
    if not loaded.spec.speech and trigger.pos_ == "NOUN" and _judged(trigger):
        return None  # "accused Moscow of using its veto": the veto is told elsewhere
    mention = loaded.mention_from_trigger(ctx, trigger, label_id, sent)
    fallback = loaded.spec.fallback
    if mention is None and fallback is not None and trigger.lemma_ in fallback[0]:
        # "welcomed the decision": no meeting, but praise.
        loaded = rules[fallback[1]]
        mention = loaded.mention_from_trigger(ctx, trigger, fallback[2], sent)
    if mention is not None and mention.type not in rules:
        # Every event's type must be a loaded one: storage, queries and the dashboard read
        # the registry to know what a type is.
        raise PluginError(
            f"{loaded.spec.folder / RULE_FILE}: the rule made a mention of type "
            f"{mention.type!r}, which is no loaded event type; use {loaded.spec.name!r}"
        )
    return mention
