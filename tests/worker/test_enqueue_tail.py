"""The end of an input goes out in smaller messages, so that workers finish it together."""

from __future__ import annotations

import io
import json

from models.engine import get_engine
from models.migrate import upgrade
from worker.enqueue import STORE_CHUNK, enqueue_articles, message_batches
from worker.inputs import ReadOptions, read_inputs


def test_message_batches_split_only_the_end_of_an_input() -> None:
    ids = list(range(400))
    assert message_batches(ids, 16) == [tuple(ids[i : i + 16]) for i in range(0, 400, 16)]
    tail = message_batches(ids, 16, end_of_input=True)
    assert [len(m) for m in tail] == [16] * 23 + [4] * 8
    assert [i for m in tail for i in m] == ids  # every id once, in order
    # An input shorter than the tail is all small messages; one too short to split stays one.
    assert [len(m) for m in message_batches(range(10), 16, end_of_input=True)] == [4, 4, 2]
    assert message_batches([7], 16, end_of_input=True) == [(7,)]
    assert [len(m) for m in message_batches(range(10), 3, end_of_input=True)] == [3, 3, 3, 1]


def test_enqueue_sends_the_last_articles_in_smaller_messages(sqlite_url: str) -> None:
    upgrade(sqlite_url)
    lines = [
        json.dumps({"id": f"a{i}", "text": f"Article number {i} about talks.", "published": None})
        for i in range(STORE_CHUNK + 40)
    ]
    sent: list[tuple[int, ...]] = []
    report = enqueue_articles(
        read_inputs(["-"], ReadOptions(), stdin=io.BytesIO("\n".join(lines).encode())),
        engine=get_engine(sqlite_url),
        send=sent.extend,
        batch_size=8,
    )
    assert report.new == STORE_CHUNK + 40
    # The first chunk (500 ids) is not the end: 62 messages of 8 and one of 4; the last chunk
    # (40 ids) ends with 16 ids in messages of 2.
    assert [len(m) for m in sent] == [8] * 62 + [4] + [8] * 3 + [2] * 8
    assert len(sent) == report.messages
    assert sorted(i for m in sent for i in m) == sorted({i for m in sent for i in m})
