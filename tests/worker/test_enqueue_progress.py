"""The enqueue progress line: bytes read give the share done and the ETA."""

from __future__ import annotations

import json
from pathlib import Path

from eventwire.enqueue_cmd import progress_line
from worker.enqueue import EnqueueReport
from worker.inputs import ReadOptions, ReadProgress, input_bytes, read_inputs


def test_input_bytes_counts_files_and_folders_and_gives_up_on_streams(tmp_path: Path) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "a.txt").write_text("x" * 100)
    (folder / "README.md").write_text("not an article")
    lines = tmp_path / "b.jsonl"
    lines.write_text(json.dumps({"text": "y" * 50}) + "\n")
    assert input_bytes([str(folder), str(lines)]) == 100 + lines.stat().st_size
    assert input_bytes([str(lines), "-"]) is None
    assert input_bytes(["https://example.org/story"]) is None
    assert input_bytes([str(tmp_path / "missing.txt")]) == 0


def test_reading_advances_progress_to_the_whole_input(tmp_path: Path) -> None:
    lines = tmp_path / "b.jsonl"
    lines.write_text(
        "".join(json.dumps({"text": f"Article number {i} said."}) + "\n" for i in range(30))
        + "not json\n"
    )
    text = tmp_path / "c.txt"
    text.write_text("A plain article.")
    specs = [str(lines), str(text)]
    read = ReadProgress(total_bytes=input_bytes(specs))
    results = read_inputs(specs, ReadOptions(), progress=read)
    next(results)
    assert read.fraction is not None and 0 < read.fraction < 0.1
    assert len(list(results)) == 31
    assert read.bytes_read == read.total_bytes
    assert read.fraction == 1.0


def test_progress_line_shows_rate_share_and_eta() -> None:
    report = EnqueueReport(new=900, duplicate=50)
    line = progress_line(report, ReadProgress(total_bytes=1000, bytes_read=250), elapsed=10.0)
    assert "950 read" in line and "95/s" in line
    assert "25%" in line and "ETA 0:30" in line
    unknown = progress_line(report, ReadProgress(total_bytes=None, bytes_read=250), elapsed=10.0)
    assert "ETA" not in unknown and "95/s" in unknown
    hours = progress_line(report, ReadProgress(total_bytes=10_000, bytes_read=1), elapsed=1.0)
    assert "ETA 2:46:39" in hours
