"""Event types as plugins: the registry, a user type from a folder, and every broken plugin
failing with the file and the problem named."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from common.errors import PluginError
from tests.conftest import REPO
from worker.extraction import ArticleText, Extractor
from worker.extraction.plugins import load_event_types
from worker.extraction.rules.dispatch import load_rules

PROTEST = Path(__file__).with_name("protest_plugin") / "protest"
SENTENCE = "Thousands of Bangladeshi students rallied in Dhaka on Monday against the government."


@pytest.fixture
def plugin_dir(tmp_path: Path) -> Path:
    """A plugin folder holding a copy of the protest type (which the tests may break)."""
    root = tmp_path / "plugins"
    shutil.copytree(PROTEST, root / "protest", ignore=shutil.ignore_patterns("__pycache__"))
    return root


def test_builtin_types_are_the_folders_in_name_order() -> None:
    specs = load_event_types(entry_points=False)
    # The seven types the README and the gold sets know, read from their folders.
    assert tuple(s.name for s in specs) == (
        "launch",
        "meeting",
        "military_exercise",
        "nuclear_test",
        "parade",
        "sanctions_vote",
        "statement",
    )
    for spec in specs:
        assert spec.colour.startswith("#") and 0 < spec.base_confidence < 1
        assert spec.patterns, spec.name


def test_reading_the_registry_imports_no_spacy() -> None:
    code = (
        "import sys\n"
        "from worker.extraction.plugins import load_event_types\n"
        "assert len(load_event_types()) >= 7\n"
        "assert 'spacy' not in sys.modules, 'the registry imported spaCy'\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)


def test_a_user_type_from_a_folder_is_extracted(plugin_dir: Path) -> None:
    specs = load_event_types([plugin_dir], entry_points=False)
    assert specs[-1].name == "protest" and specs[-1].folder == plugin_dir / "protest"
    # A pattern line without a label takes the type's name.
    assert {p["label"] for p in specs[-1].patterns} == {"protest"}
    extractor = Extractor(plugin_dirs=[plugin_dir], entry_points=False)
    events = extractor.extract(ArticleText("p", SENTENCE, date(2024, 3, 15)))
    protest = next(e for e in events if e.type == "protest")
    assert protest.subtype == "rally"
    assert protest.date_text == "2024-03-11"
    assert protest.location is not None and protest.location.country == "BGD"
    assert {a.country for a in protest.actors if a.role == "agent"} == {"BGD"}
    assert protest.confidence > 0
    # "stocks rallied" names no crowd: the user's rule rejects it.
    quiet = extractor.extract(ArticleText("q", "Stocks rallied in Tokyo on Monday."))
    assert not [e for e in quiet if e.type == "protest"]


def test_the_default_extractor_knows_no_user_type() -> None:
    assert "protest" not in {s.name for s in load_event_types(entry_points=False)}


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def _edit_spec(folder: Path, **changes: object) -> None:
    spec = json.loads((folder / "spec.json").read_text(encoding="utf-8"))
    spec.update(changes)
    _write(folder / "spec.json", json.dumps(spec))


BREAKAGES: dict[str, tuple[Callable[[Path], object], str, str]] = {
    "spec is not JSON": (
        lambda f: _write(f / "spec.json", "{name: protest"),
        "spec.json:1",
        "invalid JSON",
    ),
    "spec is missing": (lambda f: (f / "spec.json").unlink(), "spec.json", "missing"),
    "name is not a type name": (
        lambda f: _edit_spec(f, name="Protest-Type"),
        "spec.json",
        "not a valid type name",
    ),
    "name clashes with a built-in": (
        lambda f: (
            _edit_spec(f, name="launch"),
            _write(f / "triggers.jsonl", '{"pattern": [{"LOWER": "rally"}]}\n'),
        ),
        "spec.json",
        "already taken",
    ),
    "colour is no hex colour": (lambda f: _edit_spec(f, colour="pink"), "spec.json", "colour"),
    "bad merge mode": (lambda f: _edit_spec(f, merge={"mode": "sometimes"}), "spec.json", "merge"),
    "incident window not a number": (
        lambda f: _edit_spec(f, incident_window_days="a week"),
        "spec.json",
        "incident_window_days must be a whole number of days",
    ),
    "incident window out of range": (
        lambda f: _edit_spec(f, incident_window_days=90),
        "spec.json",
        "incident_window_days must be between 0 and 31",
    ),
    "referring noun taken": (
        lambda f: _edit_spec(f, referring_nouns=["parade"]),
        "spec.json",
        "already refers to 'parade'",
    ),
    "triggers line is not JSON": (
        lambda f: _write(f / "triggers.jsonl", '{"pattern": []}\n{"pattern": [\n'),
        "triggers.jsonl:2",
        "not a JSON line",
    ),
    "triggers hold no pattern": (
        lambda f: _write(f / "triggers.jsonl", "\n"),
        "triggers.jsonl",
        "no pattern",
    ),
    "trigger of another type": (
        lambda f: _write(f / "triggers.jsonl", '{"label": "launch", "pattern": []}\n'),
        "triggers.jsonl:1",
        "not this type's name",
    ),
    "rule lacks the rule function": (
        lambda f: _write(f / "rule.py", "def validate(ctx, trigger, label_id, sent):\n    pass\n"),
        "rule.py",
        "defines no function mention_from_trigger",
    ),
    "rule is not Python": (lambda f: _write(f / "rule.py", "def (:\n"), "rule.py:1", "syntax"),
    "lexicon is not JSON": (
        lambda f: _write(f / "lexicon.json", "[1,"),
        "lexicon.json:1",
        "invalid JSON",
    ),
}


@pytest.mark.parametrize("case", BREAKAGES)
def test_a_broken_plugin_names_the_file_and_the_problem(plugin_dir: Path, case: str) -> None:
    breakage, file_part, problem = BREAKAGES[case]
    breakage(plugin_dir / "protest")
    with pytest.raises(PluginError) as error:
        load_event_types([plugin_dir], entry_points=False)
    message = str(error.value)
    assert str(plugin_dir / "protest" / file_part) in message
    assert problem in message


def test_a_rule_that_fails_to_import_is_named(plugin_dir: Path) -> None:
    _write(
        plugin_dir / "protest" / "rule.py",
        "import no_such_module_xx\n\n\n"
        "def mention_from_trigger(ctx, trigger, label_id, sent):\n    return None\n",
    )
    specs = load_event_types([plugin_dir], entry_points=False)
    with pytest.raises(PluginError, match=r"protest/rule\.py: importing the rule failed"):
        load_rules(specs)


def test_a_type_folder_linked_from_outside_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere" / "protest"
    shutil.copytree(PROTEST, outside, ignore=shutil.ignore_patterns("__pycache__"))
    root = tmp_path / "plugins"
    root.mkdir()
    (root / "protest").symlink_to(outside, target_is_directory=True)
    with pytest.raises(PluginError, match="symlink out of the plugin folder"):
        load_event_types([root], entry_points=False)


def test_a_missing_plugin_folder_is_named(tmp_path: Path) -> None:
    with pytest.raises(PluginError, match="does not exist"):
        load_event_types([tmp_path / "nowhere"], entry_points=False)


def test_other_subfolders_are_not_types(plugin_dir: Path) -> None:
    (plugin_dir / "notes").mkdir()
    _write(plugin_dir / "notes" / "README.md", "not a type\n")
    assert [s.name for s in load_event_types([plugin_dir], entry_points=False)][-1] == "protest"


def _entry_points(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    """Pretend an installed distribution declares ``protest = value`` in the group."""
    from importlib.metadata import EntryPoint

    from worker.extraction import plugins

    declared = [EntryPoint(name="protest", value=value, group=plugins.ENTRY_POINT_GROUP)]
    monkeypatch.setattr(
        plugins,
        "installed_entry_points",
        lambda group: declared if group == plugins.ENTRY_POINT_GROUP else [],
    )


def test_a_type_from_an_entry_point_is_loaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "site" / "my_types_xx"
    shutil.copytree(PROTEST, package / "protest", ignore=shutil.ignore_patterns("__pycache__"))
    _write(package / "__init__.py", "")
    _write(package / "protest" / "__init__.py", "")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    _entry_points(monkeypatch, "my_types_xx.protest")
    specs = load_event_types()
    assert specs[-1].name == "protest" and specs[-1].module == "my_types_xx.protest"
    rules = load_rules(specs)
    assert rules["protest"].mention_from_trigger.__module__ == "my_types_xx.protest.rule"


def test_an_entry_point_to_no_package_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    _entry_points(monkeypatch, "no_such_package_xx.protest")
    with pytest.raises(PluginError, match=r"entry point 'protest'.*not an importable package"):
        load_event_types()


def test_a_rule_making_an_unknown_type_is_named(plugin_dir: Path) -> None:
    rule = plugin_dir / "protest" / "rule.py"
    _write(rule, rule.read_text(encoding="utf-8").replace('Mention("protest"', 'Mention("riot"'))
    extractor = Extractor(plugin_dirs=[plugin_dir], entry_points=False)
    with pytest.raises(PluginError, match=r"protest/rule\.py: .*type 'riot'"):
        extractor.extract(ArticleText("p", SENTENCE, date(2024, 3, 15)))
