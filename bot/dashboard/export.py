"""The ledger as CSV for the accountant: every transfer, streamed, safe to open in a sheet.

Column names are stable identifiers (the accountant's import maps them), not display text.
A cell a spreadsheet would read as a formula (=, +, -, @, tab, CR) gets a leading apostrophe.
"""

import csv
import io
import json
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from flask import Response, abort, make_response, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy import Select, select
from sqlalchemy.orm import aliased

from bot.dashboard.web import blueprint, runtime
from bot.infra.orm import as_utc
from bot.infra.runtime import Runtime
from bot.ledger import Account, Transfer

COLUMNS = (
    "transfer_id",
    "created_at_utc",
    "kind",
    "phase",
    "amount_cents",
    "amount",
    "currency",
    "debit_account_id",
    "debit_account_code",
    "debit_account_kind",
    "credit_account_id",
    "credit_account_code",
    "credit_account_kind",
    "pending_id",
    "reverses_id",
    "memo",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BATCH = 1000


@blueprint.get("/export/ledger.csv")
def ledger_csv() -> ResponseReturnValue:
    """Every transfer (or those between two dates, UTC, both included), oldest first."""
    since, until = _day("from"), _day("to")
    statement = transfers(since, until)
    name = f"ledger-{since or 'start'}-to-{until or datetime.now(UTC).date()}.csv"
    return Response(
        rows_as_csv(runtime(), statement),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def transfers(since: date | None, until: date | None) -> Select:  # type: ignore[type-arg]
    """The transfers with both accounts, in id order."""
    debit, credit = aliased(Account), aliased(Account)
    statement = (
        select(Transfer, debit.code, debit.kind, credit.code, credit.kind)
        .join(debit, debit.id == Transfer.debit_account_id)
        .join(credit, credit.id == Transfer.credit_account_id)
        .order_by(Transfer.id)
    )
    if since is not None:
        statement = statement.where(Transfer.created_at >= datetime.combine(since, time(), UTC))
    if until is not None:
        end = datetime.combine(until + timedelta(days=1), time(), UTC)
        statement = statement.where(Transfer.created_at < end)
    return statement


def rows_as_csv(runtime: Runtime, statement: Select) -> Iterator[str]:  # type: ignore[type-arg]
    """The header, then one line per transfer, read from the database in batches."""
    currency = runtime.settings.currency
    yield _line(COLUMNS)
    with runtime.sessions() as session:
        result = session.execute(statement.execution_options(yield_per=BATCH))
        for transfer, debit_code, debit_kind, credit_code, credit_kind in result:
            yield _line(
                (
                    transfer.id,
                    as_utc(transfer.created_at).isoformat().replace("+00:00", "Z"),
                    transfer.kind,
                    transfer.phase,
                    transfer.amount,
                    str(Decimal(transfer.amount).scaleb(-2)),
                    currency,
                    transfer.debit_account_id,
                    debit_code,
                    debit_kind,
                    transfer.credit_account_id,
                    credit_code,
                    credit_kind,
                    transfer.pending_id,
                    transfer.reverses_id,
                    json.dumps(transfer.memo or {}, sort_keys=True, ensure_ascii=False),
                )
            )


def safe_cell(value: object) -> object:
    """Text a spreadsheet would run as a formula starts with an apostrophe; numbers as is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return "" if value is None else value


def _line(values: Iterable[object]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([safe_cell(value) for value in values])
    return buffer.getvalue()


def _day(name: str) -> date | None:
    """The date in the query, or None; a malformed one (or the calendar's last day, after
    which the range's end cannot be computed) is refused with a page that says why."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        day = None
    if day is None or day == date.max:
        abort(make_response(render_template("dashboard/error.html", problem="date"), 400))
    return day
