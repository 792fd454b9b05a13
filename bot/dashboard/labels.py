"""Names staff read for the values the database stores (statuses, kinds, error codes)."""

from bot.dashboard.i18n import N_, gettext

LABELS = {
    # transfer kinds
    "contribution": N_("Contribution"),
    "bonus": N_("Jump-start bonus"),
    "day_off": N_("Day off"),
    "premium": N_("Insurance premium"),
    "reversal": N_("Reversal"),
    # transfer phases
    "posted": N_("Posted"),
    "pending": N_("Pending"),
    "post_pending": N_("Paid"),
    "void_pending": N_("Voided"),
    # account kinds
    "worker": N_("Worker"),
    "household": N_("Household"),
    "platform": N_("Platform"),
    "program": N_("Program"),
    "payouts": N_("Fund payouts"),
    "insurer": N_("Insurer"),
    # worker and employment statuses
    "joining": N_("Joining"),
    "active": N_("Active"),
    "left": N_("Left"),
    "invited": N_("Invited"),
    "declined": N_("Declined"),
    "ended": N_("Ended"),
    # day-off requests
    "paid": N_("Paid"),
    "voided": N_("Voided"),
    "full": N_("Full day"),
    "half": N_("Half day"),
    # how a payout was paid, and what reconciling payouts found
    "cash": N_("Cash pickup"),
    "check": N_("Check"),
    "bank": N_("Bank transfer"),
    "card": N_("Card"),
    "posted_without_record": N_("Paid in the ledger, no payout record"),
    "paid_not_posted": N_("Recorded paid, not paid in the ledger"),
    "paid_without_method": N_("Paid without a method or reference"),
    "failed_not_returned": N_("Failed, money not returned"),
    "settled_while_sending": N_("Settled in the ledger while sending"),
    "rail_disagrees": N_("The payout rail disagrees"),
    "still_sending": N_("Still sending: the rail's answer was lost"),
    "amount_differs": N_("Amounts differ"),
    # a household's latest charge, and what reconciling the payment provider found
    "processing": N_("Charging"),
    "succeeded": N_("Charged"),
    "retrying": N_("Declined, will retry"),
    "gave_up": N_("Declined, retries over"),
    "not in the ledger": N_("The provider has it, the ledger does not"),
    "amounts differ": N_("Amounts differ"),
    "not reported by the provider": N_("The ledger has it, the provider does not report it"),
    "payment_setup": N_("Link to save a card or bank account"),
    "charge_receipt": N_("Payment receipt"),
    "charge_retrying": N_("Charge declined, will retry"),
    "charge_gave_up": N_("Charge declined, retries over"),
    "payment_late": N_("A household's payment is late"),
    "sent_twice": N_("Sent twice by the payout rail"),
    "rail_unknown_payout": N_("The payout rail sent money for no day off"),
    "rail_without_record": N_("Sent by the payout rail, no payout record"),
    "voided_but_sent": N_("Voided in the ledger, sent by the payout rail"),
    "failed_but_posted": N_("Paid in the ledger, failed on the payout rail"),
    "failed_not_returned_by_rail": N_("Failed, money not back from the payout rail"),
    "paid_not_on_rail": N_("Paid in the ledger, not on the payout rail"),
    "rail_unreachable": N_("The payout rail did not answer"),
    # notice statuses and channels
    "sending": N_("Sending"),
    "recorded": N_("Recorded, not sent"),
    "suppressed": N_("Not sent: opted out"),
    "queued": N_("Queued"),
    "sent": N_("Sent"),
    "delivered": N_("Delivered"),
    "undelivered": N_("Undelivered"),
    "failed": N_("Failed"),
    "read": N_("Read"),
    "retry": N_("Retry"),
    "sms": N_("SMS"),
    # notice kinds
    "invitation": N_("Invitation to a household"),
    "invitation_answer": N_("Household's answer"),
    "visit_prompt": N_("Visit to confirm"),
    "visit_declined": N_("Visit declined"),
    "receipt": N_("Contribution receipt"),
    "day_off_sent": N_("Day off payout sent"),
    "day_off_paid": N_("Day off paid"),
    "day_off_voided": N_("Day off voided"),
    "premium_paid": N_("Premium paid"),
    "insurance_lapsed": N_("Insurance lapsed"),
    "insurance_low": N_("Low balance warning"),
    "statement": N_("Monthly statement"),
    "insurance_offer": N_("Insurance offer"),
    "premium_soon": N_("Before a first premium"),
    "yearly_total": N_("A household's yearly total"),
    "life": N_("Life insurance"),
    "disability": N_("Disability insurance"),
    "given": N_("Chosen"),
    "stopped": N_("Stopped"),
    "whatsapp": N_("WhatsApp"),
    # a change of how she is paid (bot.models.PayoutChangeState), and its texts
    "confirmed": N_("Confirmed, payouts on hold"),
    "in_effect": N_("In effect"),
    "cancelled": N_("Dropped by her"),
    "expired": N_("Code expired"),
    "locked": N_("Locked: too many wrong codes"),
    "replaced": N_("Replaced by another choice"),
    "payout_code": N_("One-time code (hidden)"),
    "payout_changed": N_("Payout method changed"),
    # what she attached to a text (bot.channel.media kinds)
    "media:photo": N_("She sent a photo"),
    "media:voice": N_("She sent a voice note"),
    "media:video": N_("She sent a video"),
    "media:file": N_("She sent a file"),
}

# Twilio error codes fund staff meet, in words (anything else shows its number only).
ERRORS = {
    21211: N_("Not a valid phone number"),
    21610: N_("The person texted STOP"),
    30003: N_("Phone unreachable or switched off"),
    30005: N_("Unknown number"),
    30006: N_("Landline or unreachable carrier"),
    30007: N_("Blocked by the carrier as spam"),
    30008: N_("Unknown error at the carrier"),
    63014: N_("The person blocked the fund on WhatsApp"),
    63016: N_("WhatsApp: outside the 24-hour window, no template"),
    429: N_("Too many requests to Twilio"),
}


def label(value: object) -> str:
    """The stored value in the staff member's words (the value itself if unknown)."""
    text = LABELS.get(str(value))
    return gettext(text) if text else str(value)


def error_text(code: int | None) -> str:
    """What a Twilio error code means, if we know it."""
    text = ERRORS.get(code) if code is not None else None
    return gettext(text) if text else ""
