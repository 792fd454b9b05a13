"""Money as people text it ("10", "$10", "10.50", "7,50", "US$ 5") read into integer cents."""

import re

AMOUNT = re.compile(r"^(?:us)?\$?\s*(\d{1,6})(?:[.,](\d{1,2}))?\s*\$?$")


def parse_cents(text: str) -> int | None:
    """The amount in cents, or None if the text is not just an amount."""
    match = AMOUNT.match(text.strip().casefold())
    if match is None:
        return None
    whole, fraction = match.groups()
    cents = int(whole) * 100 + int((fraction or "0").ljust(2, "0"))
    return cents or None
