"""The dashboard's pages: overview, workers, a worker, the payouts queue and its
reconciliation, failed messages."""

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import abort, render_template, request
from flask.typing import ResponseReturnValue

from bot.dashboard import chart, i18n, overview, undelivered, workers
from bot.dashboard.payout_choice import payout_choice
from bot.dashboard.web import blueprint, runtime
from bot.fund import number_moves, payout_approvals, payout_records, payouts
from bot.fund.worker_insurance import household_given, household_name
from bot.payouts_rail.services import payout_provider

MAX_PAGE = 10_000


@blueprint.get("/")
def overview_page() -> ResponseReturnValue:
    """Who is in the fund, money in, days off paid, and contributions per week."""
    settings = runtime().settings
    with runtime().sessions() as session:
        numbers = overview.overview(session, settings.default_time_zone)
    weekly = chart.weekly_chart(numbers.weeks, i18n.money, i18n.day)
    return render_template("dashboard/overview.html", numbers=numbers, chart=weekly)


@blueprint.get("/workers")
def workers_page() -> ResponseReturnValue:
    """Workers, newest first; found by name, whole number or last digits."""
    query = request.args.get("q", "")
    page = request.args.get("page", 0, type=int)
    if not 0 <= page <= MAX_PAGE:
        abort(404)
    with runtime().sessions() as session:
        rows, more = workers.listing(session, query, page, runtime().settings.default_region)
    return render_template("dashboard/workers.html", rows=rows, more=more, page=page, q=query)


@blueprint.get("/workers/<row_id:worker_id>")
def worker_page(worker_id: int) -> ResponseReturnValue:
    """One worker: balance, ledger, households, days off, how she is paid (and every change
    of it), and her conversation."""
    with runtime().sessions() as session:
        page = workers.worker_page(session, worker_id)
        moves = number_moves.moves(session, worker_id)
        payout = payout_choice(session, worker_id)
    if page is None:
        abort(404)
    settings = runtime().settings
    days = page.balance.days_off(settings.day_off_cents, settings.half_day_off_cents)
    return render_template(
        "dashboard/worker.html",
        page=page,
        days_available=days,
        moves=moves,
        payout=payout,
        hold_hours=settings.payout_change_hold_hours,
    )


@blueprint.get("/households/<int:household_id>/year", defaults={"year": None})
@blueprint.get("/households/<int:household_id>/year/<int:year>")
def household_year_page(household_id: int, year: int | None) -> ResponseReturnValue:
    """What a household added to each worker in a year, to print for its records."""
    zone = ZoneInfo(runtime().settings.default_time_zone)
    year = year or datetime.now(zone).year
    if not 2000 <= year <= 2100:
        abort(404)
    with runtime().sessions() as session:
        name = household_name(session, household_id)
        if name is None:
            abort(404)
        given = household_given(session, household_id, year)
    total = sum(row.amount_cents for row in given)
    return render_template(
        "dashboard/household_year.html", name=name, year=year, given=given, total=total
    )


@blueprint.get("/payouts")
def payouts_page() -> ResponseReturnValue:
    """Days off reserved and waiting to be paid, soonest first; then those recorded."""
    settings = runtime().settings
    with runtime().sessions() as session:
        waiting = payouts.waiting(session)
        recorded = payout_records.recorded(session, limit=50)
        approved = payout_approvals.approvals(session, [p.transfer_id for p in waiting])
        in_flight = payout_records.in_flight(session)
    accounts = {}
    if settings.payout_provider != "manual":  # where the rail would pay each of them
        provider = payout_provider(settings, runtime().sessions)
        accounts = {p.worker_id: provider.recipient(p.worker_id, None) for p in waiting}
    return render_template(
        "dashboard/payouts.html",
        waiting=waiting,
        recorded=recorded,
        approved=approved,
        accounts=accounts,
        in_flight=in_flight,
    )


@blueprint.get("/payouts/reconcile")
def reconcile_page() -> ResponseReturnValue:
    """Every difference between payout records, the rail and the ledger."""
    with runtime().sessions() as session:
        differences = payout_records.reconcile(
            session, payout_provider(runtime().settings, runtime().sessions)
        )
    return render_template("dashboard/reconcile.html", differences=differences)


@blueprint.get("/messages")
def messages_page() -> ResponseReturnValue:
    """Notices that failed or were not delivered, with their error, to send again."""
    with runtime().sessions() as session:
        failed = undelivered.failed_notices(session)
    return render_template("dashboard/messages.html", failed=failed)
