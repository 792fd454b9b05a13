"""Settings from environment variables, with defaults that run on a laptop."""

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.infra import config_values as check
from bot.infra.config_values import ConfigError
from conversations.keywords import DEFAULT_FUND_OPT_OUT_WORDS, normalize

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
    # Money out: the rail (manual only until Stripe Connect), who starts a payout (auto: on the
    # day off itself; staff: on approval), and how long a new payout method waits.
    payout_provider: str = "manual"
    payout_approval: str = "staff"
    payout_change_hold_hours: int = 48

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "Settings":
        """Read the settings, refusing malformed values with a message that names them."""
        env = os.environ if environ is None else environ
        day_off = _cents(env, "DAY_OFF_CENTS", 12_000)
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
            log_format=_one_of(env, "LOG_FORMAT", LOG_FORMATS),
            log_level=_one_of(env, "LOG_LEVEL", LOG_LEVELS) or "INFO",
            metrics_token=check.token(env, "METRICS_TOKEN", MIN_SECRET_LENGTH),
            whatsapp_templates=_templates(env.get("WHATSAPP_TEMPLATES", "")),
            insurance_premiums=_premiums(env.get("INSURANCE_PREMIUMS_CENTS")),
            notice_retry_seconds=_seconds(env, "NOTICE_RETRY_SECONDS", (10, 30, 120, 600, 1800)),
            contribution_default_cents=_cents(env, "CONTRIBUTION_DEFAULT_CENTS", 500),
            day_off_cents=day_off,
            half_day_off_cents=_cents(env, "HALF_DAY_OFF_CENTS", day_off // 2),
            max_contribution_cents=_cents(env, "MAX_CONTRIBUTION_CENTS", 10_000),
            past_day_off_days=_count(env, "PAST_DAY_OFF_DAYS", 7),
            advance_uncollected_cents=_cents_or_zero(env, "ADVANCE_UNCOLLECTED_CENTS", day_off),
            stripe_secret_key=check.prefixed_secret(env, "STRIPE_SECRET_KEY", ("sk_", "rk_")),
            stripe_webhook_secret=check.prefixed_secret(env, "STRIPE_WEBHOOK_SECRET", ("whsec_",)),
            stripe_api_base_url=check.web_url(env, "STRIPE_API_BASE_URL"),
            collect_every_days=_every(env, "COLLECT_EVERY"),
            collect_at_cents=_cents(env, "COLLECT_AT_CENTS", 2_000),
            fees_paid_by=_one_of(env, "FEES_PAID_BY", FEES_PAID_BY) or "fund",
            collect_retry_days=_seconds(env, "COLLECT_RETRY_DAYS", (3, 5, 7), "days"),
            currency=(env.get("FUND_CURRENCY") or "USD").strip().upper(),
            default_region=check.region((env.get("DEFAULT_REGION") or "US").strip().upper()),
            default_time_zone=(env.get("DEFAULT_TIME_ZONE") or "America/New_York").strip(),
            spool_dir=check.folder(env, "SPOOL_DIR") or "benefits-bot-spool",
            spool_redis=_one_of(env, "SPOOL_REDIS", SPOOL_REDIS_CHOICES) or "auto",
            spool_drain_threads=_count(env, "SPOOL_DRAIN_THREADS", 4, MAX_DRAIN_THREADS),
            inbound_limit=_rate(env, "INBOUND_LIMIT", (20, 600)),
            inbound_silence_seconds=_count(env, "INBOUND_SILENCE_SECONDS", 3600),
            identical_outbound_limit=_rate(env, "IDENTICAL_OUTBOUND_LIMIT", (5, 3600)),
            daily_outbound_limit=_count(env, "DAILY_OUTBOUND_LIMIT", 40),
            opt_out_words=_words(env, "OPT_OUT_WORDS", DEFAULT_FUND_OPT_OUT_WORDS),
            secret_key=check.token(env, "SECRET_KEY", MIN_SECRET_LENGTH, one_word=False),
            session_cookie_secure=_flag(
                env, "SESSION_COOKIE_SECURE", (public_base_url or "").startswith("https://")
            ),
            trusted_proxies=_hops(env, "TRUSTED_PROXIES"),
            payout_provider=_one_of(env, "PAYOUT_PROVIDER", PAYOUT_PROVIDERS) or "manual",
            payout_approval=_one_of(env, "PAYOUT_APPROVAL", PAYOUT_APPROVALS) or "staff",
            payout_change_hold_hours=_count(env, "PAYOUT_CHANGE_HOLD", 48, MAX_HOLD_HOURS),
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


LOG_FORMATS = ("json", "text")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
SPOOL_REDIS_CHOICES = ("auto", "always", "never")
FEES_PAID_BY = ("household", "fund")
COLLECT_EVERY = {"daily": 1, "weekly": 7, "fortnightly": 14, "monthly": 30}


def _every(env: Mapping[str, str], name: str) -> int:
    """How many days between collections: a word (weekly) or a number of days."""
    raw = (env.get(name) or "").strip().lower()
    if not raw:
        return COLLECT_EVERY["weekly"]
    if raw in COLLECT_EVERY:
        return COLLECT_EVERY[raw]
    if raw.isdigit() and int(raw) > 0:
        return int(raw)
    raise ConfigError(f"{name} is daily, weekly, fortnightly, monthly or a number of days")


PAYOUT_PROVIDERS = ("manual",)  # "stripe" arrives with Stripe Connect
PAYOUT_APPROVALS = ("auto", "staff")
MAX_HOLD_HOURS = 24 * 30
MIN_SECRET_LENGTH = 16
MAX_NUMBER = 1_000_000_000  # cents ($10 million), seconds (31 years), counts: beyond is a typo
MAX_DRAIN_THREADS = 64
TEMPLATE_KEY = re.compile(r"[a-z_]+:[A-Za-z_]+")  # kind:language, such as receipt:pt_BR


def _one_of(env: Mapping[str, str], name: str, allowed: tuple[str, ...]) -> str | None:
    raw = (env.get(name) or "").strip()
    if not raw:
        return None
    for value in allowed:
        if raw.lower() == value.lower():
            return value
    raise ConfigError(f"{name} must be one of {', '.join(allowed)}, not {raw!r}")


def _whole(text: str, minimum: int = 1, maximum: int = MAX_NUMBER) -> int | None:
    # ASCII digits only: str.isdigit() also takes "²", which int() then refuses.
    text = text.strip()
    if not (text.isascii() and text.isdigit() and len(text) <= len(str(maximum))):
        return None
    return int(text) if minimum <= int(text) <= maximum else None


def _cents(env: Mapping[str, str], name: str, default: int) -> int:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    cents = _whole(raw)
    if cents is None:
        raise ConfigError(f"{name} must be a positive whole number of cents, not {raw!r}")
    return cents


def _cents_or_zero(env: Mapping[str, str], name: str, default: int) -> int:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    cents = _whole(raw, minimum=0)
    if cents is None:
        raise ConfigError(f"{name} must be a whole number of cents (0 or more), not {raw!r}")
    return cents


def _count(env: Mapping[str, str], name: str, default: int, maximum: int = MAX_NUMBER) -> int:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    count = _whole(raw, maximum=maximum)
    if count is None:
        raise ConfigError(f"{name} must be a whole number from 1 to {maximum}, not {raw!r}")
    return count


def _words(env: Mapping[str, str], name: str, default: frozenset[str]) -> frozenset[str]:
    """A comma-separated list of single words, compared as the reader compares them (no case
    or accents); unset, the default."""
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    words = [word.strip() for word in raw.split(",") if word.strip()]
    if not all(word.isalpha() for word in words):
        raise ConfigError(f"{name} must be single words separated by commas, not {raw!r}")
    return frozenset(normalize(word) for word in words)


def _hops(env: Mapping[str, str], name: str) -> int:
    """How many reverse proxies stand in front (0: none, the default)."""
    raw = (env.get(name) or "").strip()
    if not raw:
        return 0
    hops = _whole(raw, minimum=0, maximum=10)
    if hops is None:
        raise ConfigError(f"{name} must be a whole number of proxies from 0 to 10, not {raw!r}")
    return hops


def _rate(env: Mapping[str, str], name: str, default: tuple[int, int]) -> tuple[int, int]:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    count, _, seconds = raw.partition("/")
    messages, per = _whole(count), _whole(seconds)
    if messages is None or per is None:
        raise ConfigError(f"{name} must be messages/seconds, such as 20/600, not {raw!r}")
    return messages, per


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = (env.get(name) or "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} must be true or false, not {raw!r}")


def _templates(raw: str) -> dict[str, str]:
    if not raw.strip():
        return {}
    try:
        templates = json.loads(raw)
    except json.JSONDecodeError as error:
        raise ConfigError(
            'WHATSAPP_TEMPLATES must be a JSON object such as {"receipt:es": "HX..."}'
        ) from error
    if not isinstance(templates, dict) or not all(
        isinstance(k, str)
        and TEMPLATE_KEY.fullmatch(k)
        and isinstance(v, str)
        and v.startswith("HX")
        for k, v in templates.items()
    ):
        raise ConfigError(
            'WHATSAPP_TEMPLATES maps "kind:language" to a content SID starting with HX'
        )
    return templates


def _seconds(
    env: Mapping[str, str], name: str, default: tuple[int, ...], unit: str = "seconds"
) -> tuple[int, ...]:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    waits = [_whole(part, minimum=0) for part in raw.split(",")]
    if not all(wait is not None for wait in waits):
        example = ", ".join(str(wait) for wait in default)
        raise ConfigError(
            f"{name} must be comma-separated whole {unit}, such as {example}, not {raw!r}"
        )
    return tuple(wait for wait in waits if wait is not None)


INSURANCE_PRODUCTS = ("life", "disability")


def _premiums(raw: str | None) -> dict[str, int]:
    if raw is None:
        return {"life": 500, "disability": 1000}
    premiums: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in raw.split(","))):
        product, _, cents = part.partition(":")
        premium = _whole(cents)
        if product not in INSURANCE_PRODUCTS or premium is None:
            raise ConfigError(
                "INSURANCE_PREMIUMS_CENTS is product:cents pairs, such as life:500,disability:1000"
                f" (products: {', '.join(INSURANCE_PRODUCTS)})"
            )
        premiums[product] = premium
    return premiums
