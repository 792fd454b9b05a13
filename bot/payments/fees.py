"""What a provider keeps of a charge (US public pricing, 2026), and what a household adds to
cover it when the fund passes fees on (FEES_PAID_BY=household)."""

CARD_PERCENT_BP = 290  # 2.9 %, in basis points
CARD_FIXED_CENTS = 30
ACH_PERCENT_BP = 80  # 0.8 %
ACH_CAP_CENTS = 500


def fee_cents(amount_cents: int, method_type: str | None) -> int:
    """The provider's fee on a charge of this amount, rounded up to a cent."""
    if method_type == "us_bank_account":
        return min(-(-amount_cents * ACH_PERCENT_BP // 10_000), ACH_CAP_CENTS)
    return -(-amount_cents * CARD_PERCENT_BP // 10_000) + CARD_FIXED_CENTS


def surcharge_cents(amount_cents: int, method_type: str | None) -> int:
    """What to add so that, after the provider's fee on the total, the fund keeps the amount."""
    extra = fee_cents(amount_cents, method_type)
    while fee_cents(amount_cents + extra, method_type) > extra:
        extra = fee_cents(amount_cents + extra, method_type)
    return extra
