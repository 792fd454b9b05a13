"""GET /healthz tells the database, the queue and the spool apart."""

import pytest

from bot.app import create_app
from bot.infra.config import Settings


@pytest.fixture
def client():
    """Build the app on the given settings; release its connections afterwards."""
    apps = []

    def build(**settings):
        apps.append(create_app(Settings(**settings)))
        return apps[-1].test_client()

    yield build
    for app in apps:
        app.extensions["runtime"].close()


def test_healthy_on_the_laptop_defaults(client, sqlite_url):
    response = client(database_url=sqlite_url).get("/healthz")
    assert response.status_code == 200
    assert response.json == {
        "status": "ok",
        "database": "ok",
        "queue": "in-process",
        "spool": {"state": "ok", "waiting": {"file": 0}},
    }


def test_healthy_on_postgres_and_redis(client, postgres_url, redis_url):
    response = client(database_url=postgres_url, redis_url=redis_url).get("/healthz")
    assert response.status_code == 200
    assert response.json == {
        "status": "ok",
        "database": "ok",
        "queue": "ok",
        "spool": {"state": "ok", "waiting": {"file": 0, "redis": 0}},
    }


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({"redis_url": "redis://127.0.0.1:1/0"}, {"database": "ok", "queue": "unreachable"}),
        (
            {"database_url": "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1"},
            {"database": "unreachable", "queue": "in-process"},
        ),
    ],
)
def test_degraded_names_what_is_down(client, sqlite_url, tmp_path, settings, expected):
    # Messages are still kept (on disk), so Twilio should keep sending them here.
    spool_dir = str(tmp_path / "spool")
    response = client(**{"database_url": sqlite_url, "spool_dir": spool_dir, **settings})
    response = response.get("/healthz")
    assert response.status_code == 200
    assert response.json["status"] == "degraded"
    assert {k: response.json[k] for k in expected} == expected
    assert response.json["spool"]["state"] == "ok"
    if "redis_url" in settings:  # what waits there cannot be counted: not zero, unknown
        assert response.json["spool"]["waiting"] == {"file": 0, "redis": "unknown"}


def test_unavailable_when_a_message_could_not_be_kept(client, tmp_path):
    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("")  # the spool cannot be made under it, even by root
    response = client(
        database_url="postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1",
        spool_dir=str(not_a_folder / "spool"),
    ).get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "unavailable"
    assert response.json["spool"]["state"] == "unwritable"
