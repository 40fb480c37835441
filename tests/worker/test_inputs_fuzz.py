"""Property-based: any bytes fed in give articles or reasons, never a crash."""

from __future__ import annotations

import io
import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from worker.inputs import InputArticle, ReadOptions, Rejection, read_inputs

OPTIONS = ReadOptions(max_chars=2000)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(), children, max_size=3)
    ),
    max_leaves=8,
)
records = st.dictionaries(
    st.sampled_from(["id", "text", "published", "url", "title", "source", "other"]),
    json_values | st.text(max_size=300) | st.dates().map(lambda d: d.isoformat()),
)


def check(results: list[InputArticle | Rejection]) -> None:
    for item in results:
        assert isinstance(item, (InputArticle, Rejection))
        if isinstance(item, InputArticle):
            assert item.text.strip() and len(item.text) <= OPTIONS.max_chars
        else:
            assert item.reason and "\n" not in item.reason


@given(st.binary(max_size=3000))
@settings(max_examples=150, deadline=None)
def test_random_bytes_on_stdin(data: bytes) -> None:
    check(list(read_inputs(["-"], OPTIONS, stdin=io.BytesIO(data))))


@given(st.lists(records | json_values, max_size=6), st.binary(max_size=200))
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_random_jsonl_files(tmp_path: Path, lines: list[object], junk: bytes) -> None:
    path = tmp_path / "fuzz.jsonl"
    payload = b"\n".join(json.dumps(x).encode() for x in lines) + b"\n" + junk
    path.write_bytes(payload)
    results = list(read_inputs([str(path)], OPTIONS))
    check(results)
    good_lines = sum(
        1
        for x in lines
        if isinstance(x, dict) and isinstance(x.get("text"), str) and x["text"].strip()
    )
    assert sum(isinstance(r, InputArticle) for r in results) <= good_lines + 1


@given(st.binary(max_size=3000))
@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_random_text_files(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.txt"
    path.write_bytes(data)
    [result] = list(read_inputs([str(path)], OPTIONS))
    check([result])
