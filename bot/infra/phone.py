"""Phone numbers: one canonical E.164 form everywhere, and a masked form for logs."""

from functools import lru_cache

import phonenumbers

MAX_PHONE_INPUT = 64


class InvalidPhoneNumber(ValueError):
    """The text is not a valid phone number."""


def normalize_phone(text: str, default_region: str = "US") -> str:
    """Return the number in E.164 (+12125550123), reading national forms in the default region."""
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_PHONE_INPUT:
        raise InvalidPhoneNumber("not a phone number")
    return _normalized(text, default_region.upper())


# Every inbound message names its sender: parse each number once per process, not per message
# (phonenumbers takes tens of microseconds). Invalid ones raise, and are not kept.
@lru_cache(maxsize=16384)
def _normalized(text: str, default_region: str) -> str:
    try:
        number = phonenumbers.parse(text, default_region)
    except phonenumbers.NumberParseException as error:
        raise InvalidPhoneNumber("not a phone number") from error
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhoneNumber("not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def mask_phone(phone: str) -> str:
    """Keep only the country code hint and the last four digits: safe to write to a log."""
    digits = phone.lstrip("+")
    if len(digits) <= 4:
        return "*" * len(digits)
    return f"+{digits[:1]}{'*' * (len(digits) - 5)}{digits[-4:]}"
