"""common.urls.redact_url: passwords in the user part and in the query string are hidden."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import make_url

from common.urls import redact_url

SECRETS = ("hunter2", "s3cr", "pw", "tok3n", "sslpw")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "postgresql+psycopg://eventwire:s3cr%40t@db:5432/eventwire",
            "postgresql+psycopg://eventwire:***@db:5432/eventwire",
        ),
        ("redis://:hunter2@redis:6379/0", "redis://:***@redis:6379/0"),
        ("redis://default:hunter2@redis:6379/0", "redis://default:***@redis:6379/0"),
        ("sqlite:///data/eventwire.db", "sqlite:///data/eventwire.db"),
        ("postgresql://db/x?user=u&password=pw", "postgresql://db/x?user=u&password=***"),
        (
            "postgresql+psycopg://u@db/x?sslmode=require&sslpassword=sslpw",
            "postgresql+psycopg://u@db/x?sslmode=require&sslpassword=***",
        ),
        (
            "https://api.example/feed?token=tok3n&page=2",
            "https://api.example/feed?token=***&page=2",
        ),
        (
            "rediss://u:hunter2@h:6380/0?ssl_cert_reqs=none",
            "rediss://u:***@h:6380/0?ssl_cert_reqs=none",
        ),
        ("not a url user:hunter2@host", "not a url user:***@host"),
        ("weird//user:hunter2@host", "weird//user:***@host"),
        ("", ""),
    ],
)
def test_redact_url_hides_passwords_and_query_secrets(url: str, expected: str) -> None:
    redacted = redact_url(url)
    assert redacted == expected
    assert not any(secret in redacted for secret in SECRETS)


def test_redact_url_takes_sqlalchemy_url_objects() -> None:
    url = make_url("postgresql+psycopg://a:hunter2@db/x?password=pw")
    redacted = redact_url(url)
    assert "hunter2" not in redacted and "pw" not in redacted.split("?")[1]
    assert redacted.startswith("postgresql+psycopg://a:***@db/x?")
