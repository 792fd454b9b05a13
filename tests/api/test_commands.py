"""`benefits-bot partner create|key|revoke|match|list`, and their errors."""

import json

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.infra.db import make_session_factory
from bot.models import PartnerKey
from bot.partners import keys


@pytest.fixture
def database(engine, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    return make_session_factory(engine)


def invoke(*arguments):
    return CliRunner().invoke(main, list(arguments))


def test_create_prints_the_key_once_and_keeps_only_its_hash(database):
    result = invoke("partner", "create", "City Care Fund", "--kind", "program")
    assert result.exit_code == 0, result.output
    key = result.stdout.strip()
    assert keys.KEY.match(key)
    assert "shown only this once" in result.stderr
    with database() as session:
        (stored,) = session.query(PartnerKey).all()
        assert stored.secret_hash == keys.hash_key(key)
        assert key not in (stored.prefix, stored.secret_hash)
        assert keys.authenticate(session, f"Bearer {key}").name == "City Care Fund"


def test_list_shows_prefixes_and_rules_never_keys(database):
    key = invoke("partner", "create", "City Care Fund", "--kind", "program").stdout.strip()
    invoke("partner", "create", "Sparkle Cleaning", "--kind", "platform")
    assert invoke("partner", "match", "city care fund", "--percent", "50",
                  "--monthly-cap-cents", "2000").exit_code == 0  # fmt: skip
    listed = json.loads(invoke("partner", "list", "--json").stdout)
    assert [(p["name"], p["kind"], p["match"]) for p in listed] == [
        ("City Care Fund", "program", {"percent": 50, "monthly_cap_cents": 2000}),
        ("Sparkle Cleaning", "platform", None),
    ]
    text = invoke("partner", "list").stdout
    assert key[:16] in text and key not in text
    assert "matches 50% up to 2000 cents a month" in text


def test_revoke_by_prefix_or_id_and_rotate(database):
    first = invoke("partner", "create", "Sparkle Cleaning", "--kind", "platform").stdout.strip()
    second = invoke("partner", "key", "Sparkle Cleaning").stdout.strip()
    assert invoke("partner", "revoke", first[:16]).stdout.strip() == f"revoked {first[:16]}"
    with database() as session:
        assert keys.authenticate(session, f"Bearer {first}") is None
        assert keys.authenticate(session, f"Bearer {second}") is not None
        second_id = session.query(PartnerKey).filter_by(prefix=second[4:16]).one().id
    assert invoke("partner", "revoke", str(second_id)).exit_code == 0
    with database() as session:
        assert keys.authenticate(session, f"Bearer {second}") is None


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("partner", "create", "X", "--kind", "program"), "2 to 40 printable characters"),
        (("partner", "create", "Sparkle Cleaning", "--kind", "program"), "already a partner"),
        (("partner", "create", "sparkle  cleaning", "--kind", "platform"), "already a partner"),
        (("partner", "key", "Nobody"), "no partner named 'Nobody'"),
        (("partner", "revoke", "bbk_000000000000"), "no key"),
        (("partner", "match", "Sparkle Cleaning", "--percent", "50", "--monthly-cap-cents", "1"),
         "only programs match"),
        (("partner", "match", "Sparkle Cleaning", "--percent", "50"), "give both"),
        (("partner", "match", "Sparkle Cleaning", "--off", "--percent", "5"), "or --off"),
    ],
)  # fmt: skip
def test_errors_go_to_stderr_with_a_nonzero_exit(database, arguments, message):
    invoke("partner", "create", "Sparkle Cleaning", "--kind", "platform")
    result = invoke(*arguments)
    assert result.exit_code == 1
    assert message in result.stderr
    assert result.stdout == ""
