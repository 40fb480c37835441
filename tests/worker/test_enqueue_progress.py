"""The enqueue progress line: bytes read give the share done and the ETA."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

from eventwire.enqueue_cmd import EnqueueProgress
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


def _final_line(buf: io.StringIO) -> str:
    # tqdm redraws with carriage returns; the last drawing is what the user sees.
    return buf.getvalue().replace("\n", "\r").strip("\r").split("\r")[-1]


def test_progress_line_shows_share_read_counts_and_eta() -> None:
    buf = io.StringIO()
    read = ReadProgress(total_bytes=1000)
    progress = EnqueueProgress(read, file=buf, mininterval=0)
    read.bytes_read = 250
    progress(EnqueueReport(new=900, duplicate=50))
    line = _final_line(buf)
    assert "25%" in line and "250/1.00k" in line
    assert "900 new, 50 duplicate, 0 rejected" in line
    assert re.search(r"\[\d\d:\d\d<\d\d:\d\d", line), line  # elapsed<remaining
    read.bytes_read = 1000
    progress(EnqueueReport(new=1000, duplicate=60))
    progress.close()
    assert "100%" in _final_line(buf) and "1,000 new, 60 duplicate" in _final_line(buf)


def test_progress_of_a_stream_counts_articles_without_a_share() -> None:
    buf = io.StringIO()
    progress = EnqueueProgress(ReadProgress(total_bytes=None), file=buf, mininterval=0)
    progress(EnqueueReport(new=7, duplicate=3))
    progress.close()
    line = _final_line(buf)
    assert "10 articles" in line and "7 new, 3 duplicate" in line
    assert "%" not in line  # no share and no ETA without a known size
