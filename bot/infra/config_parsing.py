"""Reading one setting's text: whole numbers, cents, rates, lists, flags, choices and JSON,
each refused with a ConfigError that names the variable and what it expects."""

import json
import re
from collections.abc import Mapping

from bot.infra.config_values import ConfigError
from conversations.keywords import normalize

LOG_FORMATS = ("json", "text")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
SPOOL_REDIS_CHOICES = ("auto", "always", "never")
FEES_PAID_BY = ("household", "fund")
COLLECT_EVERY = {"daily": 1, "weekly": 7, "fortnightly": 14, "monthly": 30}


def every(env: Mapping[str, str], name: str) -> int:
    """How many days between collections: a word (weekly) or a number of days."""
    raw = (env.get(name) or "").strip().lower()
    if not raw:
        return COLLECT_EVERY["weekly"]
    if raw in COLLECT_EVERY:
        return COLLECT_EVERY[raw]
    if raw.isdigit() and int(raw) > 0:
        return int(raw)
    raise ConfigError(f"{name} is daily, weekly, fortnightly, monthly or a number of days")


PAYOUT_PROVIDERS = ("manual", "stripe")
PAYOUT_APPROVALS = ("auto", "staff")
MAX_HOLD_HOURS = 24 * 30
MIN_SECRET_LENGTH = 16
MAX_NUMBER = 1_000_000_000  # cents ($10 million), seconds (31 years), counts: beyond is a typo
MAX_DRAIN_THREADS = 64
TEMPLATE_KEY = re.compile(r"[a-z_]+:[A-Za-z_]+")  # kind:language, such as receipt:pt_BR


def one_of(env: Mapping[str, str], name: str, allowed: tuple[str, ...]) -> str | None:
    raw = (env.get(name) or "").strip()
    if not raw:
        return None
    for value in allowed:
        if raw.lower() == value.lower():
            return value
    raise ConfigError(f"{name} must be one of {', '.join(allowed)}, not {raw!r}")


def whole(text: str, minimum: int = 1, maximum: int = MAX_NUMBER) -> int | None:
    # ASCII digits only: str.isdigit() also takes "²", which int() then refuses.
    text = text.strip()
    if not (text.isascii() and text.isdigit() and len(text) <= len(str(maximum))):
        return None
    return int(text) if minimum <= int(text) <= maximum else None


def cents(env: Mapping[str, str], name: str, default: int) -> int:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    cents = whole(raw)
    if cents is None:
        raise ConfigError(f"{name} must be a positive whole number of cents, not {raw!r}")
    return cents


def cents_or_zero(env: Mapping[str, str], name: str, default: int) -> int:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    cents = whole(raw, minimum=0)
    if cents is None:
        raise ConfigError(f"{name} must be a whole number of cents (0 or more), not {raw!r}")
    return cents


def count(env: Mapping[str, str], name: str, default: int, maximum: int = MAX_NUMBER) -> int:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    count = whole(raw, maximum=maximum)
    if count is None:
        raise ConfigError(f"{name} must be a whole number from 1 to {maximum}, not {raw!r}")
    return count


def words(env: Mapping[str, str], name: str, default: frozenset[str]) -> frozenset[str]:
    """A comma-separated list of single words, compared as the reader compares them (no case
    or accents); unset, the default."""
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    words = [word.strip() for word in raw.split(",") if word.strip()]
    if not all(word.isalpha() for word in words):
        raise ConfigError(f"{name} must be single words separated by commas, not {raw!r}")
    return frozenset(normalize(word) for word in words)


def hops(env: Mapping[str, str], name: str) -> int:
    """How many reverse proxies stand in front (0: none, the default)."""
    raw = (env.get(name) or "").strip()
    if not raw:
        return 0
    hops = whole(raw, minimum=0, maximum=10)
    if hops is None:
        raise ConfigError(f"{name} must be a whole number of proxies from 0 to 10, not {raw!r}")
    return hops


def rate(env: Mapping[str, str], name: str, default: tuple[int, int]) -> tuple[int, int]:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    count, _, seconds = raw.partition("/")
    messages, per = whole(count), whole(seconds)
    if messages is None or per is None:
        raise ConfigError(f"{name} must be messages/seconds, such as 20/600, not {raw!r}")
    return messages, per


def flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = (env.get(name) or "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} must be true or false, not {raw!r}")


def templates(raw: str) -> dict[str, str]:
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


def seconds(
    env: Mapping[str, str], name: str, default: tuple[int, ...], unit: str = "seconds"
) -> tuple[int, ...]:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    waits = [whole(part, minimum=0) for part in raw.split(",")]
    if not all(wait is not None for wait in waits):
        example = ", ".join(str(wait) for wait in default)
        raise ConfigError(
            f"{name} must be comma-separated whole {unit}, such as {example}, not {raw!r}"
        )
    return tuple(wait for wait in waits if wait is not None)


INSURANCE_PRODUCTS = ("life", "disability")


def premiums(raw: str | None) -> dict[str, int]:
    if raw is None:
        return {"life": 500, "disability": 1000}
    premiums: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in raw.split(","))):
        product, _, cents = part.partition(":")
        premium = whole(cents)
        if product not in INSURANCE_PRODUCTS or premium is None:
            raise ConfigError(
                "INSURANCE_PREMIUMS_CENTS is product:cents pairs, such as life:500,disability:1000"
                f" (products: {', '.join(INSURANCE_PRODUCTS)})"
            )
        premiums[product] = premium
    return premiums
