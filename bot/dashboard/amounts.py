"""An amount of money as staff type it ("$12.50", "1,250", "12,50") in whole cents.

Dollars and cents, whatever the dashboard's language: the fund keeps US dollars. A comma is
read as the decimal mark only where it cannot be a thousands separator ("12,50"), and a
figure that could be read two ways ("1.250") is refused rather than guessed.
"""

import re

# $1,234.50 or 1234.5: thousands with commas, up to two decimals after a point.
POINT = re.compile(r"(?P<whole>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<cents>\d{1,2}))?", re.ASCII)
# 1.234,50 or 12,50: thousands with points, and then always a comma and one or two decimals.
COMMA = re.compile(r"(?P<whole>\d{1,3}(?:\.\d{3})+|\d+),(?P<cents>\d{1,2})", re.ASCII)
CURRENCY = re.compile(r"^(?:US\$|\$)|(?:USD)$", re.IGNORECASE)


class NotAnAmount(ValueError):
    """The text is not an amount of dollars and cents."""


def parse_cents(text: str) -> int:
    """The amount in cents: "$12.50" is 1250, "12" is 1200, "1,250" is 125000."""
    figure = CURRENCY.sub("", "".join(text.split())).strip()
    for pattern, separator in ((POINT, ","), (COMMA, ".")):
        found = pattern.fullmatch(figure)
        if found:
            whole = int(found["whole"].replace(separator, ""))
            return whole * 100 + int((found["cents"] or "0").ljust(2, "0"))
    raise NotAnAmount(text[:40])
