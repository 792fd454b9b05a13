"""Settings from the environment: defaults that run on a laptop, malformed values named."""

import pytest

from bot.config import ConfigError, Settings


def test_laptop_defaults():
    settings = Settings.from_env({})
    assert settings.database_url.startswith("sqlite:///")
    assert settings.jobs_in_process
    assert (
        settings.contribution_default_cents,
        settings.day_off_cents,
        settings.half_day_off_cents,
    ) == (
        500,
        12_000,
        6_000,
    )


def test_postgres_urls_use_psycopg3():
    for url in ("postgres://u@h/db", "postgresql://u@h/db"):
        assert (
            Settings.from_env({"DATABASE_URL": url}).database_url == "postgresql+psycopg://u@h/db"
        )


def test_half_day_follows_the_day_rate_unless_set():
    assert Settings.from_env({"DAY_OFF_CENTS": "10000"}).half_day_off_cents == 5_000
    assert (
        Settings.from_env(
            {"DAY_OFF_CENTS": "10000", "HALF_DAY_OFF_CENTS": "4000"}
        ).half_day_off_cents
        == 4_000
    )


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({"DAY_OFF_CENTS": "120.00"}, "DAY_OFF_CENTS"),
        ({"CONTRIBUTION_DEFAULT_CENTS": "-5"}, "CONTRIBUTION_DEFAULT_CENTS"),
        ({"CONTRIBUTION_DEFAULT_CENTS": "0"}, "CONTRIBUTION_DEFAULT_CENTS"),
        ({"DAY_OFF_CENTS": "5000", "HALF_DAY_OFF_CENTS": "5000"}, "HALF_DAY_OFF_CENTS"),
        ({"FUND_CURRENCY": "EUR"}, "FUND_CURRENCY"),
        ({"DEFAULT_TIME_ZONE": "Mars/Olympus"}, "DEFAULT_TIME_ZONE"),
        ({"DEFAULT_REGION": "USA"}, "DEFAULT_REGION"),
    ],
)
def test_malformed_values_are_named(environ, named):
    with pytest.raises(ConfigError, match=named):
        Settings.from_env(environ)


def test_opt_out_words_are_a_comma_separated_setting():
    assert Settings.from_env({}).opt_out_words == frozenset({"parar", "baja", "cancelar"})
    words = Settings.from_env({"OPT_OUT_WORDS": "PARAR, Sair ,ARRÊTER,"}).opt_out_words
    assert words == frozenset({"parar", "sair", "arreter"})
