"""RQ jobs for the fund's monthly schedule; each is idempotent per period (e.g. "2026-12")."""

from bot.ops import household_year, insurance_offers, monthly, payout_runs
from worker_jobs.context import runtime


def charge_premiums(period: str) -> int:
    """Charge this month's premiums, for the products each worker said YES to, from her benefits."""
    return monthly.charge_premiums(runtime(), period)


def warn_low_balances(period: str) -> int:
    """Warn workers whose balance cannot pay next month's premiums."""
    return monthly.warn_low_balances(runtime(), period)


def send_statements(period: str) -> int:
    """Send every active worker her statement for the month."""
    return monthly.send_statements(runtime(), period)


def offer_insurance(_period: str | None = None) -> int:
    """Offer insurance to workers whose first money came in and who were never offered it."""
    return insurance_offers.offer_after_first_contribution(runtime())


def send_yearly_totals(year: str) -> int:
    """In January: tell each household what it added to each worker the year before."""
    return household_year.send_yearly_totals(runtime(), year)


def expire_stale_visits(_period: str | None = None) -> int:
    """Close visit questions households left unanswered for a week."""
    return monthly.expire_stale_visits(runtime())


def prompt_scheduled_visits(_period: str | None = None) -> int:
    """Ask households on their regular day about that day's visit."""
    return monthly.prompt_scheduled_visits(runtime())


def send_due_payouts(period: str) -> int:
    """Settle payouts left sending and, with PAYOUT_APPROVAL=auto, send the days off due."""
    return payout_runs.send_due(runtime(), period)
