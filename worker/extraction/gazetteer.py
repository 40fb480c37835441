"""Gazetteers as data: countries, international bodies, institutions, leaders, weapon families.

The CSV files under ``data/`` are the built-in lists; a user folder (``gazetteer_dir`` /
``EVENTWIRE_GAZETTEER_DIR``) holding files of the same names adds rows or overrides them, so
analysts extend coverage without touching code (see docs/extraction.md).
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

logger = logging.getLogger(__name__)

DATA_DIR = Path(__file__).with_name("data")
GAZETTEER_FILES = (
    "countries.csv",
    "organizations.csv",
    "institutions.csv",
    "leaders.csv",
    "weapons.csv",
    "places.csv",
)


@dataclass(frozen=True)
class Entry:
    """What a phrase in text refers to.

    Parameters:
      name: canonical actor name ("North Korea", "Kim Jong Un", "United Nations Security Council").
      country: ISO 3166 alpha-3, or a body's own code (UNO, NATO, EUR); events report
        bodies as IGO (merge.build_events).
      kind: country, person, organization, igo or group.
      form: how the phrase names it: name, alias, capital, demonym, leader, surname.
      contextual: true for phrases that only count when the same actor is named otherwise in
        the article ("the North", "the bloc").
      case_sensitive: the phrase must match with its case ("US" is not "us").
    """

    name: str
    country: str | None
    kind: str
    form: str
    contextual: bool = False
    case_sensitive: bool = False


@dataclass
class Gazetteer:
    """Phrase -> entry lookups built from the data files."""

    phrases: dict[str, Entry] = field(default_factory=dict)
    #: The phrases as written in the data (the tokenizer splits "U.S." and "u.s." differently).
    surface_forms: dict[str, str] = field(default_factory=dict)
    country_names: dict[str, str] = field(default_factory=dict)
    #: Codes of international bodies (UNO, NATO, EUR...): reported as ``IGO`` in events.
    organization_codes: set[str] = field(default_factory=set)
    weapon_prefixes: dict[str, tuple[str | None, str]] = field(default_factory=dict)
    #: Places that are no actor (cities, regions, bases, launch sites): name -> ISO code.
    #: Only where an event happened reads them; "Tianjin said" names no one.
    places: dict[str, str] = field(default_factory=dict)

    def add(self, phrase: str, entry: Entry) -> None:
        """Register ``phrase`` (later files override earlier ones)."""
        phrase = phrase.strip()
        if not phrase:
            return
        contextual = phrase.startswith("~")
        phrase = phrase.lstrip("~").strip()
        # Short upper-case aliases (US, UN, EU, PRC) must keep their case to avoid "us", "un".
        case_sensitive = len(phrase) <= 5 and phrase.upper() == phrase
        self.surface_forms[phrase.lower()] = phrase
        self.phrases[phrase.lower()] = Entry(
            entry.name, entry.country, entry.kind, entry.form, contextual, case_sensitive
        )

    def lookup(self, text: str) -> Entry | None:
        """The entry for a phrase as written in text, honouring case-sensitive aliases."""
        entry = self.phrases.get(" ".join(text.split()).lower())
        if entry is None:
            return None
        if entry.case_sensitive and text.upper() != text:
            return None
        if entry.form == "surname" and not text[:1].isupper():
            return None  # "Modi" is the prime minister; a lower-case word never is
        return entry

    def place_country(self, text: str) -> str | None:
        """The country of a place that is no actor ("Tianjin", "the Vostochny Cosmodrome")."""
        name = " ".join(text.split()).lower().removeprefix("the ")
        return self.places.get(name)

    def weapon_country(self, weapon: str) -> tuple[str | None, str] | None:
        """(country, category) of a named weapon by its family prefix ("Hwasong-18")."""
        lowered = weapon.lower()
        for prefix, info in self.weapon_prefixes.items():
            if lowered.startswith(prefix):
                return info
        return None


def _rows(name: str, extra_dir: Path | None) -> Iterator[dict[str, str]]:
    for folder in (DATA_DIR, extra_dir):
        if folder is None:
            continue
        path = folder / name
        if path.exists():
            with path.open(encoding="utf-8", newline="") as f:
                yield from csv.DictReader(f)


def _split(value: str | None) -> list[str]:
    return [v for v in (value or "").split("|") if v.strip()]


def load_gazetteer(extra_dir: str | Path | None = None) -> Gazetteer:
    """Load the built-in gazetteers plus the files in ``extra_dir``, if given."""
    extra = Path(extra_dir) if extra_dir else None
    if extra is not None and not extra.is_dir():
        from common.errors import ConfigurationError

        raise ConfigurationError(f"gazetteer folder {extra} does not exist")
    gaz = Gazetteer()
    for row in _rows("countries.csv", extra):
        name, iso = row["name"].strip(), row["iso3"].strip().upper()
        gaz.country_names[iso] = name
        gaz.add(name, Entry(name, iso, "country", "name"))
        for alias in _split(row.get("aliases")):
            gaz.add(alias, Entry(name, iso, "country", "alias"))
        for demonym in _split(row.get("demonyms")):
            gaz.add(demonym, Entry(name, iso, "country", "demonym"))
        for capital in _split(row.get("capitals")):
            gaz.add(capital, Entry(name, iso, "country", "capital"))
    for row in _rows("organizations.csv", extra):
        entry = Entry(row["name"].strip(), row["code"].strip(), row.get("kind") or "igo", "name")
        gaz.country_names.setdefault(entry.country or "", entry.name)
        gaz.organization_codes.add(entry.country or "")
        gaz.add(entry.name, entry)
        for alias in _split(row.get("aliases")):
            gaz.add(alias, Entry(entry.name, entry.country, entry.kind, "alias"))
    for row in _rows("institutions.csv", extra):
        entry = Entry(
            row["name"].strip(),
            row["country"].strip() or None,
            row.get("kind") or "organization",
            "name",
        )
        gaz.add(entry.name, entry)
        for alias in _split(row.get("aliases")):
            gaz.add(alias, Entry(entry.name, entry.country, entry.kind, "alias"))
    leaders: list[Entry] = []
    for source in ("leaders.csv", "officials.csv"):
        for row in _rows(source, extra):
            entry = Entry(row["name"].strip(), row["country"].strip() or None, "person", "leader")
            if source == "leaders.csv":
                # Only heads of state and government are named by surname alone ("Modi
                # said"); a minister's surname alone is too often someone else's ("Son", a
                # footballer, is not Vietnam's foreign minister Bui Thanh Son).
                leaders.append(entry)
            gaz.add(entry.name, entry)
            for alias in _split(row.get("aliases")):
                gaz.add(alias, Entry(entry.name, entry.country, "person", "leader"))
    _add_surnames(gaz, leaders)
    for row in _rows("weapons.csv", extra):
        gaz.weapon_prefixes[row["prefix"].strip().lower()] = (
            row.get("country", "").strip() or None,
            row.get("category", "").strip() or "weapon",
        )
    for row in _rows("places.csv", extra):
        iso = row["iso3"].strip().upper()
        for place in (row["name"], *_split(row.get("aliases"))):
            if place.strip():
                gaz.places[" ".join(place.split()).lower()] = iso
    logger.debug(
        "gazetteer: %d phrases, %d weapon families", len(gaz.phrases), len(gaz.weapon_prefixes)
    )
    return gaz


#: Surnames that are also everyday words ("May", "Rice") and are never read as a leader alone.
_COMMON_WORDS = frozenset(
    "may will rice bush brown young king rose long white black green hope love grant".split()
)


def _add_surnames(gaz: Gazetteer, leaders: list[Entry]) -> None:
    """Let a leader's surname alone name them ("Modi said") when no other leader shares it.

    Later mentions in wire copy drop the first name, often without the full name appearing
    first in the same article. Ambiguous surnames (the Kims, the Lis) are left to in-article
    coreference, and existing phrases are never overridden.
    """
    owners: dict[str, set[str]] = {}
    for entry in leaders:
        parts = entry.name.split()
        if len(parts) > 1:
            owners.setdefault(parts[-1].lower(), set()).add(entry.name)
    by_name = {e.name: e for e in leaders}
    for surname, names in owners.items():
        if len(names) != 1 or len(surname) < 3 or surname in _COMMON_WORDS:
            continue
        if surname in gaz.phrases:
            continue
        leader = by_name[next(iter(names))]
        gaz.add(surname.title(), Entry(leader.name, leader.country, "person", "surname"))
