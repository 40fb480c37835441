"""Reading inputs: files, folders, JSONL, stdin, URLs, and every way input can be bad."""

from __future__ import annotations

import http.server
import io
import json
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from worker.inputs import (
    InputArticle,
    ReadOptions,
    Rejection,
    decode_text,
    read_inputs,
)
from worker.web_pages import extract_page

#: URL inputs come from a server on 127.0.0.1, allowed as on an intranet deployment.
OPTIONS = ReadOptions(
    published=date(2024, 3, 1), source="test", max_chars=5000, fetch_private_addresses=True
)


def read(*specs: str, stdin: bytes | None = None) -> list[InputArticle | Rejection]:
    return list(read_inputs(specs, OPTIONS, stdin=io.BytesIO(stdin or b"")))


def test_text_file_takes_the_default_metadata(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("  Ministers met in Oslo on Monday.\n", encoding="utf-8")
    [article] = read(str(path))
    assert isinstance(article, InputArticle)
    assert article.text == "Ministers met in Oslo on Monday."
    assert article.published == date(2024, 3, 1)
    assert article.source == "test"


def test_folder_is_read_recursively_and_skips_other_files(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "one.txt").write_text("First story.", encoding="utf-8")
    (tmp_path / "sub" / "two.md").write_text("Second story.", encoding="utf-8")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\x00\x00")
    texts = sorted(a.text for a in read(str(tmp_path)) if isinstance(a, InputArticle))
    assert texts == ["First story.", "Second story."]


def test_jsonl_bad_lines_are_rejected_with_line_numbers_and_good_lines_kept(
    tmp_path: Path,
) -> None:
    path = tmp_path / "batch.jsonl"
    path.write_text(
        "\n".join(
            [
                json.dumps({"id": "a", "text": "Good one.", "published": "2023-05-02", "url": "u"}),
                "{not json",
                json.dumps({"id": "c"}),
                json.dumps({"text": "Bad date.", "published": "May 2nd"}),
                "",
                json.dumps(["a", "list"]),
                json.dumps({"id": 7, "text": "Second good one."}),
            ]
        ),
        encoding="utf-8",
    )
    results = read(str(path))
    good = [r for r in results if isinstance(r, InputArticle)]
    bad = {r.origin.rsplit(":", 1)[1]: r.reason for r in results if isinstance(r, Rejection)}
    assert [(a.external_id, a.published) for a in good] == [
        ("a", date(2023, 5, 2)),
        ("7", date(2024, 3, 1)),
    ]
    assert set(bad) == {"2", "3", "4", "6"}
    assert "malformed JSON" in bad["2"]
    assert '"text"' in bad["3"]
    assert "May 2nd" in bad["4"]
    assert "JSON object" in bad["6"]


def test_jsonl_lines_the_fast_parser_refuses_are_read_as_before(tmp_path: Path) -> None:
    # orjson parses the lines; what it refuses goes through the standard library's json, so
    # these are accepted (or rejected, with the same message) as they always were.
    path = tmp_path / "edge.jsonl"
    path.write_bytes(
        b'\xef\xbb\xbf{"text": "With a byte-order mark."}\n'
        b'{"text": "Lone \\ud800 surrogate."}\n'
        b'{"text": "Big id.", "id": 123456789012345678901234567890}\n'
        b'{"text": "Not a number.", "score": NaN}\n'
        b'{"text": "Bad \xff byte."}\n'
        b'{"text": "Unterminated}\n'
        b'{"text": "Same key twice.", "text": "The last one wins."}\n'
        b'{"text": "Big published.", "published": 123456789012345678901234567890}\n'
        b"123456789012345678901234567890\n"
        b'{"text": "A float id.", "id": 1.5}\n'
    )
    results = read(str(path))
    good = [
        (r.origin.rsplit(":", 1)[1], r.text, r.external_id)
        for r in results
        if isinstance(r, InputArticle)
    ]
    bad = {r.origin.rsplit(":", 1)[1]: r.reason for r in results if isinstance(r, Rejection)}
    assert good == [
        ("1", "With a byte-order mark.", None),
        ("2", "Lone \ud800 surrogate.", None),
        ("3", "Big id.", "123456789012345678901234567890"),
        ("4", "Not a number.", None),
        ("7", "The last one wins.", None),
        ("10", "A float id.", "1.5"),
    ]
    assert bad == {
        "5": "line is not valid UTF-8 (byte 14)",
        "6": "malformed JSON: Invalid control character at at column 24",
        "8": "published must be a YYYY-MM-DD string, got 123456789012345678901234567890",
        "9": "expected a JSON object, got int",
    }


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty text"),
        (b"   \n\t ", "empty text"),
        (b"GIF89a\x00\x01\x02", "binary"),
        (b"x" * 6000, "over the limit"),
    ],
)
def test_unacceptable_files_are_rejected_with_a_reason(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    [result] = read(str(path))
    assert isinstance(result, Rejection)
    assert reason in result.reason


def test_missing_path_is_rejected() -> None:
    [result] = read("/no/such/article.txt")
    assert isinstance(result, Rejection) and "no such file" in result.reason


def test_non_utf8_text_is_decoded_with_a_warning() -> None:
    text, warnings = decode_text("Caf\u00e9 talks in Genève".encode("cp1252"), "f.txt")
    assert text == "Caf\u00e9 talks in Genève"
    assert warnings and "not valid UTF-8" in warnings[0]


def test_stdin_plain_text_and_jsonl() -> None:
    [plain] = read("-", stdin=b"Troops paraded on Sunday.")
    assert isinstance(plain, InputArticle) and plain.origin == "<stdin>"
    lines = b'{"text": "One."}\n{"text": "Two."}\n'
    assert [a.text for a in read("-", stdin=lines) if isinstance(a, InputArticle)] == [
        "One.",
        "Two.",
    ]


NEWS_PAGE = (
    "<html><head><title>Navies begin drills | Example News</title>"
    '<meta property="article:published_time" content="2023-07-27T10:00:00Z">'
    "<script>var tracking = 1;</script></head><body>"
    "<nav>Home World Sport Weather</nav>"
    "<article><h1>Navies begin drills</h1>"
    "<p>South Korea and the United States began joint naval drills on Thursday, the defence "
    "ministry said, days after North Korea launched two ballistic missiles.</p>"
    "<p>The exercise will end on Friday, officials said.</p></article>"
    "<footer>Copyright Example News. All rights reserved.</footer></body></html>"
)


def test_html_page_gives_main_text_title_and_publication_date() -> None:
    page = extract_page(NEWS_PAGE, "https://news.example/drills")
    assert page is not None
    assert page.title == "Navies begin drills"
    assert page.published == date(2023, 7, 27)
    assert "began joint naval drills on Thursday" in page.text
    assert "will end on Friday" in page.text
    # Menus, footers and scripts are not article text.
    for boilerplate in ("Weather", "Copyright", "tracking"):
        assert boilerplate not in page.text


def test_html_without_article_text_gives_nothing() -> None:
    assert extract_page("<html><head><title>x</title></head><body></body></html>", "") is None


@pytest.fixture
def http_server() -> Iterator[str]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/story":
                body = b"<html><body><p>Leaders met in Hanoi.</p></body></html>"
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
            elif self.path == "/drills":
                body = NEWS_PAGE.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
            else:
                body = b"gone"
                self.send_response(404)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_urls_are_fetched_and_errors_reported(http_server: str) -> None:
    [good, bad] = read(f"{http_server}/story", f"{http_server}/missing")
    assert isinstance(good, InputArticle)
    assert good.text == "Leaders met in Hanoi." and good.url == f"{http_server}/story"
    assert isinstance(bad, Rejection) and "404" in bad.reason


def test_url_article_keeps_the_pages_title_and_date_over_the_default(http_server: str) -> None:
    [article] = read(f"{http_server}/drills")  # OPTIONS.published is 2024-03-01
    assert isinstance(article, InputArticle)
    assert article.published == date(2023, 7, 27)
    assert article.title == "Navies begin drills"
    assert "Home World" not in article.text and article.text.startswith("Navies begin drills")
    [undated] = read(f"{http_server}/story")
    assert isinstance(undated, InputArticle) and undated.published == OPTIONS.published


def test_url_inputs_on_private_addresses_are_refused_by_default(http_server: str) -> None:
    [refused] = read_inputs([f"{http_server}/story"], ReadOptions())
    assert isinstance(refused, Rejection)
    assert "at 127.0.0.1, a loopback address" in refused.reason
    assert "EVENTWIRE_FETCH_PRIVATE_ADDRESSES=true" in refused.reason
