"""Phone numbers are normalised to E.164 with libphonenumber, and masked for logs."""

import pytest

from bot.infra.phone import InvalidPhoneNumber, mask_phone, normalize_phone


@pytest.mark.parametrize(
    ("written", "region", "expected"),
    [
        ("+1 212 555 0123", "US", "+12125550123"),
        ("(212) 555-0123", "US", "+12125550123"),
        ("212.555.0123", "US", "+12125550123"),
        ("+55 11 98765-4321", "US", "+5511987654321"),
        ("11 98765-4321", "BR", "+5511987654321"),
        ("+509 3712 3456", "US", "+50937123456"),
        ("0917 123 4567", "PH", "+639171234567"),
    ],
)
def test_common_ways_of_writing_a_number(written, region, expected):
    assert normalize_phone(written, region) == expected


@pytest.mark.parametrize(
    "written", ["", "   ", "hello", "555-0100", "+1 212", "1" * 200, "+999 1234"]
)
def test_not_numbers(written):
    with pytest.raises(InvalidPhoneNumber):
        normalize_phone(written, "US")


def test_masking_keeps_only_the_last_four_digits():
    assert mask_phone("+12125550123") == "+1******0123"
    assert "2125550" not in mask_phone("+12125550123")
