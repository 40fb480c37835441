"""docker-compose.yml is valid and wires the stack: healthchecks, start order, one image."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import unavailable

COMPOSE = Path(__file__).resolve().parents[1] / "docker-compose.yml"


@pytest.fixture(scope="module")
def config() -> dict:
    """The compose file as docker-compose resolves it (``docker-compose config``)."""
    binary = shutil.which("docker-compose")
    if binary is None:
        unavailable("docker-compose is not installed (apt-get install docker-compose)")
    import yaml

    result = subprocess.run(
        [binary, "-f", str(COMPOSE), "config"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


def test_every_service_is_there_with_a_healthcheck(config: dict) -> None:
    services = config["services"]
    assert set(services) == {"redis", "postgres", "migrate", "worker", "dashboard", "watch"}
    for name in ("redis", "postgres", "worker", "dashboard"):
        assert services[name].get("healthcheck"), f"{name} has no healthcheck"


def test_start_order_waits_for_healthy_services_and_the_migration(config: dict) -> None:
    services = config["services"]
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in ("worker", "dashboard"):
        depends = services[name]["depends_on"]
        assert depends["postgres"]["condition"] == "service_healthy"
        assert depends["migrate"]["condition"] == "service_completed_successfully"
    assert services["worker"]["depends_on"]["redis"]["condition"] == "service_healthy"


def test_services_share_one_configuration(config: dict) -> None:
    services = config["services"]
    urls = {
        services[n]["environment"]["EVENTWIRE_DATABASE_URL"]
        for n in ("migrate", "worker", "dashboard", "watch")
    }
    assert len(urls) == 1 and next(iter(urls)).startswith("postgresql+psycopg://")


def test_the_dashboard_reads_as_the_reader_the_migration_creates(config: dict) -> None:
    services = config["services"]
    command = " ".join(services["migrate"]["command"])
    assert "eventwire db upgrade" in command and "eventwire db create-reader" in command
    reader = command.rsplit("create-reader", 1)[1].split()[0]
    read_url = services["dashboard"]["environment"]["EVENTWIRE_READ_DATABASE_URL"]
    assert read_url.startswith(f"postgresql+psycopg://{reader}:")
    password = read_url.split(":", 2)[2].split("@", 1)[0]
    assert services["migrate"]["environment"]["EVENTWIRE_READER_PASSWORD"] == password
    for name in ("worker", "migrate"):  # writers keep the main URL
        assert "EVENTWIRE_READ_DATABASE_URL" not in services[name]["environment"]


def test_watch_polls_the_feeds_of_an_env_var_after_the_migration(config: dict) -> None:
    watch = config["services"]["watch"]
    assert watch["image"] == config["services"]["worker"]["image"]
    command = watch["command"]
    command = command if isinstance(command, str) else " ".join(command)
    assert command.startswith("eventwire watch") and command.endswith("--every 5m")
    assert watch["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert watch["depends_on"]["redis"]["condition"] == "service_healthy"
    assert "EVENTWIRE_FEEDS" in watch["environment"]
