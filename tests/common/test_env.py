"""common.env reads the string settings as pydantic-settings does (environment in any case,
then .env, then the default), so quick commands see what every other command sees."""

from __future__ import annotations

from pathlib import Path

import pytest

from common.env import DEFAULTS, setting
from common.settings import Settings

CASES = [
    ({}, None),
    ({"EVENTWIRE_DATABASE_URL": "sqlite:///from-env.db"}, None),
    ({"eventwire_redis_url": "redis://lower:6379/3"}, None),
    ({}, "EVENTWIRE_QUEUE_NAME=from-dotenv\nEVENTWIRE_LOG_LEVEL='DEBUG'\n"),
    (
        {"EVENTWIRE_QUEUE_NAME": "env-wins"},
        "# a comment\nexport EVENTWIRE_QUEUE_NAME=dotenv-loses\neventwire_database_url=x://y\n",
    ),
    ({}, 'EVENTWIRE_REDIS_URL="redis://quoted:1/2" # trailing comment\nOTHER=1\n'),
    ({"EVENTWIRE_LOG_LEVEL": ""}, "EVENTWIRE_LOG_LEVEL=WARNING\n"),
]


@pytest.mark.parametrize(("environ", "dotenv"), CASES)
def test_env_settings_equal_pydantic_settings(
    environ: dict[str, str],
    dotenv: str | None,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.chdir(tmp_path)  # .env is read from the working directory
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    if dotenv is not None:
        (tmp_path / ".env").write_text(dotenv, encoding="utf-8")
    settings = Settings()
    for name in DEFAULTS:
        assert setting(name) == getattr(settings, name), name
