"""Addresses: a phone number in one canonical E.164 form, or a WhatsApp user id; masked for logs.

A person on WhatsApp may hide her number behind a username: Twilio then names her by her
business-scoped user id (`whatsapp:US.13491208655302741918`: a country code, a dot, up to 128
letters and digits, `US.ENT.…` for a parent id). Where this project says "phone" it means her
address: her E.164 number when it is known, else her WhatsApp user id.
"""

import re
from functools import lru_cache

import phonenumbers

MAX_PHONE_INPUT = 64
MAX_ADDRESS = 140  # a user id: 2 + ".ENT" + "." + 128
WHATSAPP_USER_ID = re.compile(r"[A-Z]{2}(?:\.ENT)?\.[A-Za-z0-9]{1,128}")


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


def is_whatsapp_user_id(text: str) -> bool:
    """Whether the text is a WhatsApp business-scoped user id (not a number)."""
    return bool(WHATSAPP_USER_ID.fullmatch(text))


def is_phone_number(address: str) -> bool:
    """Whether an address is an E.164 number (SMS can reach it), not a WhatsApp user id."""
    return address.startswith("+")


def normalize_address(text: str, default_region: str = "US") -> str:
    """A WhatsApp user id as it is written, else the number in E.164 (InvalidPhoneNumber)."""
    text = text.strip() if isinstance(text, str) else text
    if isinstance(text, str) and is_whatsapp_user_id(text):
        return text
    return normalize_phone(text, default_region)


def mask_phone(phone: str) -> str:
    """Keep only the country code hint and the last four characters: safe to write to a log.

    Works on a WhatsApp user id too (`US.*…*1918`): it names a person as surely as a number."""
    if not is_phone_number(phone) and "." in phone:
        prefix, _, rest = phone.rpartition(".")
        hidden = "*" * max(len(rest) - 4, 0)
        return f"{prefix}.{hidden}{rest[-4:]}" if len(rest) > 4 else f"{prefix}.{'*' * len(rest)}"
    digits = phone.lstrip("+")
    if len(digits) <= 4:
        return "*" * len(digits)
    return f"+{digits[:1]}{'*' * (len(digits) - 5)}{digits[-4:]}"
