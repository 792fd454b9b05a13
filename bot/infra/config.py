"""Settings from environment variables, with defaults that run on a laptop."""

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.infra import config_parsing as parse
from bot.infra import config_values as check
from bot.infra.config_values import ConfigError
from conversations.keywords import DEFAULT_FUND_OPT_OUT_WORDS

DEFAULT_DATABASE_URL = "sqlite:///benefits-bot.sqlite3"
CURRENCIES = ("USD",)  # what the fund's texts know how to say; one currency per fund


__all__ = ["ConfigError", "Settings", "database_url"]


@dataclass(frozen=True)
class Settings:
    """Everything the service reads from its environment."""

    database_url: str = DEFAULT_DATABASE_URL
    redis_url: str | None = None
    twilio_account_sid: str | None = None
    twilio_auth_token: str | None = None
    twilio_sms_from: str | None = None
    twilio_whatsapp_from: str | None = None
    public_base_url: str | None = None
    # Where the Twilio REST API lives; only tests and staging point it elsewhere.
    twilio_api_base_url: str | None = None
    # Logs: json or text (None: json, or text when stderr is a terminal), and the least level.
    log_format: str | None = None
    log_level: str = "INFO"
    # Bearer token a scraper of /metrics must send; unset, only this machine may read them.
    metrics_token: str | None = field(default=None, repr=False)
    # Approved WhatsApp templates per notice kind and language: {"receipt:es": "HX..."}.
    whatsapp_templates: Mapping[str, str] = field(default_factory=dict)
    notice_retry_seconds: tuple[int, ...] = (10, 30, 120, 600, 1800)
    # Monthly premium per insurance product, in cents, paid from the worker's benefits.
    insurance_premiums: Mapping[str, int] = field(
        default_factory=lambda: {"life": 500, "disability": 1000}
    )
    contribution_default_cents: int = 500
    day_off_cents: int = 12_000
    half_day_off_cents: int = 6_000
    max_contribution_cents: int = 10_000
    past_day_off_days: int = 7  # how many days back a missed day may be claimed as paid
    # How much of a worker's pledged, not yet collected money she may spend: what the fund
    # fronts her while households' payments arrive (see the README for the default).
    advance_uncollected_cents: int = 12_000
    # Collections: unset STRIPE_SECRET_KEY means the manual provider only (cash, checks).
    stripe_secret_key: str | None = field(default=None, repr=False)
    stripe_webhook_secret: str | None = field(default=None, repr=False)
    stripe_api_base_url: str | None = None  # only tests and staging point it elsewhere
    collect_every_days: int = 7
    collect_at_cents: int = 2_000
    fees_paid_by: str = "fund"
    collect_retry_days: tuple[int, ...] = (3, 5, 7)
    currency: str = "USD"
    default_region: str = "US"
    default_time_zone: str = "America/New_York"
    # Where inbound messages wait when neither the database nor Redis can keep them.
    spool_dir: str = "benefits-bot-spool"
    # Whether the spool may keep messages in Redis: "auto" only when Redis writes an
    # append-only file (a Redis that keeps nothing on disk would lose them on a restart),
    # "always", or "never" (each machine's SPOOL_DIR only).
    spool_redis: str = "auto"
    spool_drain_threads: int = 4  # people whose waiting messages are answered at once
    # Abuse and loop protection (per phone number): (messages, seconds) windows.
    inbound_limit: tuple[int, int] = (20, 600)
    inbound_silence_seconds: int = 3600
    identical_outbound_limit: tuple[int, int] = (5, 3600)
    daily_outbound_limit: int = 40
    # The fund's opt-out words besides Twilio's own, as in its Twilio Advanced Opt-Out.
    opt_out_words: frozenset[str] = DEFAULT_FUND_OPT_OUT_WORDS
    # Signs staff sessions on the dashboard; unset, a random key per process (a warning says so).
    secret_key: str | None = field(default=None, repr=False)
    # Session cookies only over HTTPS; on by default when PUBLIC_BASE_URL is https.
    session_cookie_secure: bool = False
    # Reverse proxies in front of the app whose X-Forwarded-For is believed (0: none, the
    # client is whoever connected); the dashboard throttles sign-ins per client address.
    trusted_proxies: int = 0
    # Money out: the rail (manual, or stripe for Stripe Connect), who starts a payout (auto: on the
    # day off itself; staff: on approval), and how long a new payout method waits.
    payout_provider: str = "manual"
    payout_approval: str = "staff"
    payout_change_hold_hours: int = 48

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "Settings":
        """Read the settings, refusing malformed values with a message that names them."""
        env = os.environ if environ is None else environ
        day_off = parse.cents(env, "DAY_OFF_CENTS", 12_000)
        public_base_url = check.web_url(env, "PUBLIC_BASE_URL")
        check.folder(env, "PROMETHEUS_MULTIPROC_DIR")  # read by prometheus_client itself
        settings = cls(
            database_url=check.checked_database_url(
                database_url(env.get("DATABASE_URL") or DEFAULT_DATABASE_URL)
            ),
            redis_url=check.redis_url(env),
            twilio_account_sid=check.account_sid(env),
            twilio_auth_token=check.token(env, "TWILIO_AUTH_TOKEN"),
            twilio_sms_from=check.sender(env, "TWILIO_SMS_FROM", short_code=True),
            twilio_whatsapp_from=check.sender(env, "TWILIO_WHATSAPP_FROM", short_code=False),
            public_base_url=public_base_url,
            twilio_api_base_url=check.web_url(env, "TWILIO_API_BASE_URL"),
            log_format=parse.one_of(env, "LOG_FORMAT", parse.LOG_FORMATS),
            log_level=parse.one_of(env, "LOG_LEVEL", parse.LOG_LEVELS) or "INFO",
            metrics_token=check.token(env, "METRICS_TOKEN", parse.MIN_SECRET_LENGTH),
            whatsapp_templates=parse.templates(env.get("WHATSAPP_TEMPLATES", "")),
            insurance_premiums=parse.premiums(env.get("INSURANCE_PREMIUMS_CENTS")),
            notice_retry_seconds=parse.seconds(
                env, "NOTICE_RETRY_SECONDS", (10, 30, 120, 600, 1800)
            ),
            contribution_default_cents=parse.cents(env, "CONTRIBUTION_DEFAULT_CENTS", 500),
            day_off_cents=day_off,
            half_day_off_cents=parse.cents(env, "HALF_DAY_OFF_CENTS", day_off // 2),
            max_contribution_cents=parse.cents(env, "MAX_CONTRIBUTION_CENTS", 10_000),
            past_day_off_days=parse.count(env, "PAST_DAY_OFF_DAYS", 7),
            advance_uncollected_cents=parse.cents_or_zero(
                env, "ADVANCE_UNCOLLECTED_CENTS", day_off
            ),
            stripe_secret_key=check.prefixed_secret(env, "STRIPE_SECRET_KEY", ("sk_", "rk_")),
            stripe_webhook_secret=check.prefixed_secret(env, "STRIPE_WEBHOOK_SECRET", ("whsec_",)),
            stripe_api_base_url=check.web_url(env, "STRIPE_API_BASE_URL"),
            collect_every_days=parse.every(env, "COLLECT_EVERY"),
            collect_at_cents=parse.cents(env, "COLLECT_AT_CENTS", 2_000),
            fees_paid_by=parse.one_of(env, "FEES_PAID_BY", parse.FEES_PAID_BY) or "fund",
            collect_retry_days=parse.seconds(env, "COLLECT_RETRY_DAYS", (3, 5, 7), "days"),
            currency=(env.get("FUND_CURRENCY") or "USD").strip().upper(),
            default_region=check.region((env.get("DEFAULT_REGION") or "US").strip().upper()),
            default_time_zone=(env.get("DEFAULT_TIME_ZONE") or "America/New_York").strip(),
            spool_dir=check.folder(env, "SPOOL_DIR") or "benefits-bot-spool",
            spool_redis=parse.one_of(env, "SPOOL_REDIS", parse.SPOOL_REDIS_CHOICES) or "auto",
            spool_drain_threads=parse.count(env, "SPOOL_DRAIN_THREADS", 4, parse.MAX_DRAIN_THREADS),
            inbound_limit=parse.rate(env, "INBOUND_LIMIT", (20, 600)),
            inbound_silence_seconds=parse.count(env, "INBOUND_SILENCE_SECONDS", 3600),
            identical_outbound_limit=parse.rate(env, "IDENTICAL_OUTBOUND_LIMIT", (5, 3600)),
            daily_outbound_limit=parse.count(env, "DAILY_OUTBOUND_LIMIT", 40),
            opt_out_words=parse.words(env, "OPT_OUT_WORDS", DEFAULT_FUND_OPT_OUT_WORDS),
            secret_key=check.token(env, "SECRET_KEY", parse.MIN_SECRET_LENGTH, one_word=False),
            session_cookie_secure=parse.flag(
                env, "SESSION_COOKIE_SECURE", (public_base_url or "").startswith("https://")
            ),
            trusted_proxies=parse.hops(env, "TRUSTED_PROXIES"),
            payout_provider=parse.one_of(env, "PAYOUT_PROVIDER", parse.PAYOUT_PROVIDERS)
            or "manual",
            payout_approval=parse.one_of(env, "PAYOUT_APPROVAL", parse.PAYOUT_APPROVALS)
            or "staff",
            payout_change_hold_hours=parse.count(
                env, "PAYOUT_CHANGE_HOLD", 48, parse.MAX_HOLD_HOURS
            ),
        )
        settings.validate()
        return settings

    def validate(self) -> None:
        """Raise ConfigError for values that parse but make no sense together."""
        if self.currency not in CURRENCIES:
            raise ConfigError(
                f"FUND_CURRENCY must be one of {', '.join(CURRENCIES)}, not {self.currency[:10]!r}"
            )
        if self.half_day_off_cents >= self.day_off_cents:
            raise ConfigError("HALF_DAY_OFF_CENTS must be less than DAY_OFF_CENTS")
        try:
            ZoneInfo(self.default_time_zone)
        except (ZoneInfoNotFoundError, ValueError, OSError) as error:
            raise ConfigError(
                "DEFAULT_TIME_ZONE must be an IANA time zone such as America/New_York, "
                f"not {self.default_time_zone[:40]!r}"
            ) from error
        if self.contribution_default_cents > self.max_contribution_cents:
            raise ConfigError(
                "CONTRIBUTION_DEFAULT_CENTS must not be more than MAX_CONTRIBUTION_CENTS"
            )
        if self.stripe_secret_key and not self.stripe_webhook_secret:
            raise ConfigError("STRIPE_WEBHOOK_SECRET is needed with STRIPE_SECRET_KEY")
        if self.payout_provider == "stripe" and not self.stripe_secret_key:
            raise ConfigError("PAYOUT_PROVIDER=stripe needs STRIPE_SECRET_KEY (Stripe Connect)")
        if self.payout_provider == "stripe" and not self.public_base_url:
            raise ConfigError(
                "PAYOUT_PROVIDER=stripe needs PUBLIC_BASE_URL (workers are texted a link to it)"
            )

    @property
    def jobs_in_process(self) -> bool:
        """Without Redis, background jobs run in the same process after commit."""
        return self.redis_url is None


def database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs written the usual ways."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
