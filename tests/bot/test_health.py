"""GET /healthz tells whether the database and the queue answer."""

import pytest

from bot.app import create_app
from bot.config import Settings


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
    assert response.json == {"status": "ok", "database": "ok", "queue": "in-process"}


def test_healthy_on_postgres_and_redis(client, postgres_url, redis_url):
    response = client(database_url=postgres_url, redis_url=redis_url).get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "queue": "ok"}


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
def test_unavailable_names_what_is_down(client, sqlite_url, settings, expected):
    response = client(**{"database_url": sqlite_url, **settings}).get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "unavailable", **expected}
