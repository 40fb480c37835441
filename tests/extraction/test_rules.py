"""Rule data and pipeline construction: patterns load, gazetteers merge, errors are clear."""

from __future__ import annotations

from pathlib import Path

import pytest
import srsly

from common.errors import ConfigurationError
from worker.extraction import EXTRACTOR_VERSION, ArticleText, Extractor
from worker.extraction.components import trigger_patterns
from worker.extraction.gazetteer import load_gazetteer
from worker.extraction.plugins import load_event_types


def test_version_is_semver() -> None:
    assert len(EXTRACTOR_VERSION.split(".")) == 3


def test_trigger_patterns_are_loaded() -> None:
    event_types = load_event_types(entry_points=False)
    patterns = trigger_patterns(event_types)
    assert len(patterns) > 20
    assert {p["label"] for p in patterns} == {spec.name for spec in event_types}


BUILTIN_TYPES = (
    "launch",
    "meeting",
    "military_exercise",
    "nuclear_test",
    "parade",
    "sanctions_vote",
    "statement",
)


@pytest.mark.parametrize("name", BUILTIN_TYPES)
def test_each_builtin_type_has_trigger_patterns(name: str) -> None:
    (spec,) = [s for s in load_event_types(entry_points=False) if s.name == name]
    patterns = list(srsly.read_jsonl(spec.folder / "triggers.jsonl"))
    assert len(patterns) > 0
    assert all(p["label"] == name for p in patterns)


def test_pipeline_has_the_rules(extractor: Extractor) -> None:
    ruler = extractor.nlp.get_pipe("eventwire_trigger_ruler")
    assert len(ruler) > 20  # type: ignore[arg-type]
    assert extractor.nlp.get_pipe("eventwire_actor_ruler").size > 1000  # type: ignore[attr-defined]


def test_gazetteer_is_complete() -> None:
    gaz = load_gazetteer()
    # Every UN member and a few more: demonyms and capitals for all of them.
    assert len(gaz.country_names) >= 190
    for phrase, code in [
        ("Ulaanbaatar", "MNG"),
        ("Paraguayan", "PRY"),
        ("Kremlin", "RUS"),
        ("State Department", "USA"),
        ("NATO", "NATO"),
        ("European Union", "EUR"),
        ("Security Council", "UNO"),
        ("Tuvaluan", "TUV"),
    ]:
        entry = gaz.lookup(phrase)
        assert entry is not None and entry.country == code, phrase


def test_places_are_no_actors_and_a_user_folder_adds_them(tmp_path: Path) -> None:
    gaz = load_gazetteer()
    assert gaz.place_country("Tianjin") == "CHN"
    assert gaz.place_country("the Vostochny Cosmodrome") == "RUS"
    assert gaz.lookup("Tianjin") is None  # "Tianjin said" names no speaker
    (tmp_path / "places.csv").write_text("name,iso3,aliases\nPort Zelda,FJI,\n", "utf-8")
    assert load_gazetteer(tmp_path).place_country("port zelda") == "FJI"


def test_gazetteer_dir_adds_entries(tmp_path: Path) -> None:
    (tmp_path / "leaders.csv").write_text(
        "name,country,aliases\nZorana Kestrel,SRB,Kestrel\n", encoding="utf-8"
    )
    extractor = Extractor(gazetteer_dir=tmp_path)
    events = extractor.extract(
        ArticleText("g", "Zorana Kestrel condemned the shelling of the border town.")
    )
    assert [(a.name, a.country) for e in events for a in e.actors if a.role == "agent"] == [
        ("Zorana Kestrel", "SRB")
    ]


def test_missing_pipeline_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="not installed"):
        Extractor("no_such_pipeline_xx")
