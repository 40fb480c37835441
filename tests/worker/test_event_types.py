"""The registry's event types reach the catalogue (db upgrade) and the CLI's --type check."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from eventwire import main
from worker.event_types import event_type_records, load_event_type_specs


def test_db_upgrade_records_every_registered_type(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("EVENTWIRE_DATABASE_URL", sqlite_url)
    assert main(["db", "upgrade"]) == 0
    specs = load_event_type_specs()
    engine = create_engine(sqlite_url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT name, colour, builtin FROM event_type")).all()
    engine.dispose()
    assert {r.name for r in rows} == {s.name for s in specs}
    assert {"launch", "statement", "parade"} <= {r.name for r in rows}
    # The built-in types ship inside the package.
    assert all(r.builtin for r in rows if r.name in {"launch", "statement", "parade"})
    assert all(r.colour.startswith("#") and len(r.colour) == 7 for r in rows)


def test_records_keep_label_colour_and_subtypes() -> None:
    records = {r.name: r for r in event_type_records(load_event_type_specs())}
    launch = records["launch"]
    assert launch.label and launch.colour.startswith("#")
    assert isinstance(launch.subtypes, tuple)


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--type", "protestt", "is not an event type; choose from"),
        ("--modality", "maybe", "is not a modality; choose from asserted"),
    ],
)
def test_query_refuses_unknown_types_and_modalities(
    option: str,
    value: str,
    message: str,
    sqlite_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("EVENTWIRE_DATABASE_URL", sqlite_url)
    with pytest.raises(SystemExit) as exit_info:
        main(["query", option, value])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert message in err
    if option == "--type":
        assert "launch" in err  # the valid types are listed


def test_query_accepts_a_registered_type(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("EVENTWIRE_DATABASE_URL", sqlite_url)
    assert main(["query", "--type", "launch", "--format", "jsonl"]) == 0
