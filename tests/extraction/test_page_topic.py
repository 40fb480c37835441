"""The page-topic model: pages far from world affairs make no world-affairs events, pages
with events are never read as such, and the committed model is what the dev split gives."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from common.errors import ConfigurationError
from tests.conftest import REPO
from worker.extraction import ArticleText, Extractor
from worker.extraction.page_topic import (
    PageTopic,
    fit_page_topic,
    load_page_topic,
    page_words,
)

PROTEST = Path(__file__).with_name("protest_plugin") / "protest"

#: A sports page in our own words: a cup parade, a mayor's congratulations, a coach's warning.
CUP_PARADE = """Harbour City celebrates cup win with open-top bus parade

HARBOUR CITY — Tens of thousands of fans lined the waterfront on Sunday as the Harbour City \
Mariners paraded the national cup through the city centre on an open-top bus.

The team's parade, which began at the stadium, was held a day after the Mariners beat the \
Northern Rovers 2-1 in the final.

Mayor Ellen Park congratulated the players and thanked the police for keeping the crowds safe.

Coach Diego Santos warned his players not to get complacent before next season's continental \
campaign. "We have to be hungrier than ever," he said.

Thousands of Bangladeshi students rallied in Dhaka on Monday against the government.

A fireworks display over the harbour ended the celebrations.
"""


def test_fit_weighs_the_words_each_kind_of_page_uses() -> None:
    pages = [
        ("the coach praised the striker after the match", True),
        ("the striker scored twice and the coach smiled", True),
        ("fans cheered the coach and the striker", True),
        ("the minister condemned the missile launch", False),
        ("the ministry said the missile flew far", False),
        ("the minister met the ambassador about the missile", False),
    ]
    prior, weights = fit_page_topic(pages)
    assert weights["coach"] > 0 > weights["missile"]
    assert "smiled" not in weights  # a word of one page says nothing of the next
    model = PageTopic(prior, weights, threshold=0.0)
    assert model.off_topic("The coach said the striker was tired")
    assert not model.off_topic("The ministry condemned the missile test")


def test_page_words_are_distinct_lower_case_words() -> None:
    assert page_words("The U.N. Council's vote, the VOTE") == {"the", "council's", "vote"}


def test_a_sports_page_makes_no_world_affairs_events(extractor: Extractor) -> None:
    text = CUP_PARADE
    assert load_page_topic().off_topic(text)
    events = extractor.extract(ArticleText("cup", text, date(2025, 5, 19)))
    assert events == []


def test_user_types_that_are_not_world_affairs_still_extract(tmp_path: Path) -> None:
    root = tmp_path / "plugins"
    shutil.copytree(PROTEST, root / "protest", ignore=shutil.ignore_patterns("__pycache__"))
    spec = json.loads((root / "protest" / "spec.json").read_text(encoding="utf-8"))
    assert not spec.get("world_affairs")
    extractor = Extractor(plugin_dirs=[root], entry_points=False)
    events = extractor.extract(ArticleText("cup", CUP_PARADE, date(2025, 5, 19)))
    assert [e.type for e in events] == ["protest"]


def test_pages_with_events_stay_on_topic() -> None:
    """Every gold page with events we may read (seed, sample, PLOVER, incident set) scores
    well below the threshold: the model removes nothing from them."""
    model = load_page_topic()
    texts = [(REPO.parent / "shared" / "seed" / "parade-article.txt").read_text(encoding="utf-8")]
    for name in ("gold/sample-gold.jsonl", "gold/incidents/articles.jsonl"):
        lines = (REPO / "data" / name).read_text(encoding="utf-8").splitlines()
        texts += [json.loads(line)["text"] for line in lines if line.strip()]
    plover = REPO.parent / "shared" / "eval" / "plover-gsr.jsonl"
    if plover.exists():
        texts += [json.loads(line)["text"] for line in plover.read_text().splitlines() if line]
    assert len(texts) > 70
    assert max(model.score(t) for t in texts) < model.threshold - 5


def test_committed_model_is_the_dev_splits() -> None:
    # After a change to the dev split: `python bench/fit_page_topic.py` re-fits (a second).
    result = subprocess.run(
        [sys.executable, str(REPO / "bench" / "fit_page_topic.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_broken_model_file_names_itself(tmp_path: Path) -> None:
    path = tmp_path / "page_topic.json"
    path.write_text('{"prior": 0.1}', encoding="utf-8")
    with pytest.raises(ConfigurationError) as info:
        load_page_topic(path)
    assert str(path) in str(info.value) and "bench/fit_page_topic.py" in str(info.value)
    with pytest.raises(ConfigurationError, match="missing"):
        load_page_topic(tmp_path / "absent.json")
