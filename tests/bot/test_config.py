"""Settings from the environment: defaults that run on a laptop, malformed values named."""

import pytest

from bot.infra.config import ConfigError, Settings


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
        ({"ADVANCE_UNCOLLECTED_CENTS": "-1"}, "ADVANCE_UNCOLLECTED_CENTS"),
        ({"COLLECT_EVERY": "sometimes"}, "COLLECT_EVERY"),
        ({"COLLECT_AT_CENTS": "0"}, "COLLECT_AT_CENTS"),
        ({"FEES_PAID_BY": "worker"}, "FEES_PAID_BY"),
        ({"COLLECT_RETRY_DAYS": "3,x"}, "COLLECT_RETRY_DAYS"),
        ({"STRIPE_SECRET_KEY": "sk_test_1"}, "STRIPE_WEBHOOK_SECRET"),
        ({"PAYOUT_PROVIDER": "stripe"}, "PAYOUT_PROVIDER=stripe needs STRIPE_SECRET_KEY"),
        (
            {
                "PAYOUT_PROVIDER": "Stripe",
                "STRIPE_SECRET_KEY": "sk_test_1",
                "STRIPE_WEBHOOK_SECRET": "whsec_1",
            },
            "PAYOUT_PROVIDER=stripe needs PUBLIC_BASE_URL",
        ),
        ({"PAYOUT_PROVIDER": "paypal"}, "PAYOUT_PROVIDER must be one of manual, stripe"),
    ],
)
def test_malformed_values_are_named(environ, named):
    with pytest.raises(ConfigError, match=named):
        Settings.from_env(environ)


def test_opt_out_words_are_a_comma_separated_setting():
    assert Settings.from_env({}).opt_out_words == frozenset({"parar", "baja"})
    words = Settings.from_env({"OPT_OUT_WORDS": "PARAR, Sair ,ARRÊTER,"}).opt_out_words
    assert words == frozenset({"parar", "sair", "arreter"})
    with pytest.raises(ConfigError, match="OPT_OUT_WORDS"):
        Settings.from_env({"OPT_OUT_WORDS": "PARAR, stop texts"})


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DATABASE_URL", "mysql://fund@db/fund"),
        ("DATABASE_URL", "postgresql+asyncpg://fund@db/fund"),
        ("DATABASE_URL", "sqlite:////no/such/folder/fund.sqlite3"),
        ("REDIS_URL", "redis://127.0.0.1:port"),
        ("REDIS_URL", "redis://127.0.0.1:6379/zero"),
        ("PUBLIC_BASE_URL", "ftp://fund.example.org"),
        ("PUBLIC_BASE_URL", "https://"),
        ("TWILIO_SMS_FROM", "+1"),
        ("TWILIO_WHATSAPP_FROM", "12345"),  # short codes are for SMS only
        ("DEFAULT_REGION", "ZZ"),
        ("DAY_OFF_CENTS", "²"),  # a digit to str.isdigit, not to int()
        ("DAY_OFF_CENTS", "9" * 30),
        ("SPOOL_DRAIN_THREADS", "100000"),
        ("WHATSAPP_TEMPLATES", '{"receipt": "HX1"}'),
        ("CONTRIBUTION_DEFAULT_CENTS", "20000"),  # more than the 10000 a visit may add
    ],
)
def test_values_that_parse_but_cannot_work_are_named(name, value):
    with pytest.raises(ConfigError, match=name):
        Settings.from_env({name: value})


def test_well_formed_values_are_kept():
    settings = Settings.from_env(
        {
            "DATABASE_URL": "sqlite://",
            "REDIS_URL": "rediss://:pw@redis.example.org:6380/2",
            "TWILIO_ACCOUNT_SID": "AC" + "0f" * 16,
            "TWILIO_SMS_FROM": "12345",
            "TWILIO_WHATSAPP_FROM": "whatsapp:+15005550006",
            "PUBLIC_BASE_URL": "https://fund.example.org:8443/",
            "DEFAULT_REGION": "br",
            "NOTICE_RETRY_SECONDS": "0, 5",
            "SECRET_KEY": "correct horse battery staple",  # a passphrase will do
        }
    )
    assert settings.redis_url == "rediss://:pw@redis.example.org:6380/2"
    assert settings.twilio_sms_from == "12345"
    assert settings.public_base_url == "https://fund.example.org:8443"
    assert settings.default_region == "BR"
    assert settings.notice_retry_seconds == (0, 5)
    assert settings.secret_key == "correct horse battery staple"


def test_collections_settings_default_to_manual_weekly_and_one_day_advanced():
    settings = Settings.from_env({"DAY_OFF_CENTS": "10000"})
    assert settings.stripe_secret_key is None  # the manual provider, as `make run`
    assert (settings.collect_every_days, settings.collect_at_cents) == (7, 2_000)
    assert (settings.fees_paid_by, settings.collect_retry_days) == ("fund", (3, 5, 7))
    assert settings.advance_uncollected_cents == 10_000  # one day off
    chosen = Settings.from_env(
        {"COLLECT_EVERY": "Monthly", "ADVANCE_UNCOLLECTED_CENTS": "0", "FEES_PAID_BY": "household"}
    )
    assert (chosen.collect_every_days, chosen.advance_uncollected_cents) == (30, 0)
    assert chosen.fees_paid_by == "household"
    assert Settings.from_env({"COLLECT_EVERY": "10"}).collect_every_days == 10
