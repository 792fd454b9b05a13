"""The fund's money operations: each takes a session first and never commits."""

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.infra.orm import upsert_insert
from bot.ledger.errors import InvalidReference, UnknownTransfer, WrongAccountKind
from bot.ledger.models import (
    CONTRIBUTOR_KINDS,
    Account,
    AccountKind,
    Phase,
    Rejection,
    Transfer,
    TransferKind,
)
from bot.ledger.transfers import (
    Plan,
    TransferResult,
    check_amount,
    check_id,
    check_memo,
    submit,
)

WORKER = frozenset({AccountKind.WORKER})
PARTNERS = frozenset({AccountKind.PLATFORM, AccountKind.PROGRAM})
DAY_OFF_PORTIONS = ("full", "half")


def open_account(session: Session, kind: AccountKind, code: str) -> int:
    """Return the id of the account with this code, creating it if it does not exist yet."""
    if not code or len(code) > 64:
        raise InvalidReference("an account code is 1 to 64 characters")
    insert = upsert_insert(session)
    session.execute(
        insert(Account)
        .values(kind=kind, code=code, debits_must_not_exceed_credits=kind is AccountKind.WORKER)
        .on_conflict_do_nothing(index_elements=[Account.code])
    )
    account_id, existing_kind = session.execute(
        select(Account.id, Account.kind).where(Account.code == code)
    ).one()
    if existing_kind != kind:
        raise WrongAccountKind(f"account {code} is a {existing_kind} account, not {kind}")
    return account_id


def contribute(
    session: Session,
    *,
    key: str,
    contributor_account_id: int,
    worker_account_id: int,
    amount_cents: int,
    reference: str | None = None,
) -> TransferResult:
    """Move a contribution from a household, platform or program into a worker's account."""
    call = {
        "contributor": contributor_account_id,
        "worker": worker_account_id,
        "amount": check_amount(amount_cents),
        "reference": reference,
    }
    plan = Plan(
        operation="contribution",
        kind=TransferKind.CONTRIBUTION,
        phase=Phase.POSTED,
        debit_account_id=contributor_account_id,
        credit_account_id=worker_account_id,
        amount=amount_cents,
        debit_kinds=CONTRIBUTOR_KINDS,
        credit_kinds=WORKER,
        memo=check_memo({"reference": reference}),
    )
    return submit(session, key, call, plan)


def grant_bonus(
    session: Session,
    *,
    key: str,
    partner_account_id: int,
    worker_account_id: int,
    amount_cents: int,
    reference: str | None = None,
) -> TransferResult:
    """Move a one-time jump-start bonus from a platform or program into a worker's account."""
    call = {
        "partner": partner_account_id,
        "worker": worker_account_id,
        "amount": check_amount(amount_cents),
        "reference": reference,
    }
    plan = Plan(
        operation="bonus",
        kind=TransferKind.BONUS,
        phase=Phase.POSTED,
        debit_account_id=partner_account_id,
        credit_account_id=worker_account_id,
        amount=amount_cents,
        debit_kinds=PARTNERS,
        credit_kinds=WORKER,
        memo=check_memo({"reference": reference}),
    )
    return submit(session, key, call, plan)


def reserve_day_off(
    session: Session,
    *,
    key: str,
    worker_account_id: int,
    payouts_account_id: int,
    amount_cents: int,
    day: date,
    portion: str = "full",
    advance_cents: int = 0,
) -> TransferResult:
    """Reserve a paid day off (pending): refused if her available balance cannot cover it.

    `advance_cents` is how much of her uncollected pledges the fund lets her spend."""
    if portion not in DAY_OFF_PORTIONS:
        raise InvalidReference(f"portion must be one of {DAY_OFF_PORTIONS}, not {portion!r}")
    if not isinstance(day, date):
        raise InvalidReference("day must be a date")
    call = {
        "worker": worker_account_id,
        "payouts": payouts_account_id,
        "amount": check_amount(amount_cents),
        "day": day.isoformat(),
        "portion": portion,
    }
    plan = Plan(
        operation="day_off_reserve",
        kind=TransferKind.DAY_OFF,
        phase=Phase.PENDING,
        debit_account_id=worker_account_id,
        credit_account_id=payouts_account_id,
        amount=amount_cents,
        debit_kinds=WORKER,
        credit_kinds=frozenset({AccountKind.PAYOUTS}),
        memo={"day": day.isoformat(), "portion": portion},
        advance_cents=advance_cents,
    )
    return submit(session, key, call, plan)


def pay_day_off(session: Session, *, key: str, pending_transfer_id: int) -> TransferResult:
    """Post a reserved day off: the money leaves her account for good."""
    return resolve(session, key, pending_transfer_id, Phase.POST_PENDING, reason=None)


def void_day_off(
    session: Session, *, key: str, pending_transfer_id: int, reason: str
) -> TransferResult:
    """Cancel a reserved day off that is not paid yet: the money is hers to spend again."""
    return resolve(session, key, pending_transfer_id, Phase.VOID_PENDING, reason=reason)


def charge_premium(
    session: Session,
    *,
    key: str,
    worker_account_id: int,
    insurer_account_id: int,
    amount_cents: int,
    period: str,
    advance_cents: int = 0,
) -> TransferResult:
    """Debit an insurance premium for a period: refused if her available balance is short."""
    call = {
        "worker": worker_account_id,
        "insurer": insurer_account_id,
        "amount": check_amount(amount_cents),
        "period": period,
    }
    plan = Plan(
        operation="premium",
        kind=TransferKind.PREMIUM,
        phase=Phase.POSTED,
        debit_account_id=worker_account_id,
        credit_account_id=insurer_account_id,
        amount=amount_cents,
        debit_kinds=WORKER,
        credit_kinds=frozenset({AccountKind.INSURER}),
        memo=check_memo({"period": period}),
        advance_cents=advance_cents,
    )
    return submit(session, key, call, plan)


def reverse(session: Session, *, key: str, transfer_id: int, reason: str) -> TransferResult:
    """Undo a posted transfer with a new transfer the other way; the original stays as it was."""
    original = _transfer(session, transfer_id)
    if original.phase not in (Phase.POSTED, Phase.POST_PENDING) or original.reverses_id:
        raise UnknownTransfer(
            f"transfer {transfer_id} is {original.phase}"
            f"{' (a reversal)' if original.reverses_id else ''}: only posted money can be reversed"
        )
    every_kind = frozenset(AccountKind)
    plan = Plan(
        operation="reversal",
        kind=TransferKind.REVERSAL,
        phase=Phase.POSTED,
        debit_account_id=original.credit_account_id,
        credit_account_id=original.debit_account_id,
        amount=original.amount,
        debit_kinds=every_kind,
        credit_kinds=every_kind,
        reverses_id=original.id,
        memo=check_memo({"reason": reason}),
    )

    def not_reversed_yet(session: Session) -> Rejection | None:
        done = session.scalar(select(Transfer.id).where(Transfer.reverses_id == original.id))
        return Rejection.ALREADY_REVERSED if done else None

    return submit(session, key, {"transfer": transfer_id, "reason": reason}, plan, not_reversed_yet)


# What each kind of pending transfer is called when it is posted or voided, and between which
# kinds of account it runs: a day off (worker -> payouts) or a household's pledge (-> worker).
RESOLUTIONS: dict[TransferKind, tuple[str, str, frozenset[AccountKind], frozenset[AccountKind]]] = {
    TransferKind.DAY_OFF: (
        "day_off_pay",
        "day_off_void",
        WORKER,
        frozenset({AccountKind.PAYOUTS}),
    ),
    TransferKind.CONTRIBUTION: (
        "pledge_collect",
        "pledge_void",
        frozenset({AccountKind.HOUSEHOLD}),
        WORKER,
    ),
}


def resolve(
    session: Session,
    key: str,
    pending_transfer_id: int,
    phase: Phase,
    reason: str | None,
    *,
    kind: TransferKind = TransferKind.DAY_OFF,
) -> TransferResult:
    """Post or void a pending transfer of this kind, at most once."""
    pending = _transfer(session, pending_transfer_id)
    if pending.phase != Phase.PENDING or pending.kind != kind:
        raise UnknownTransfer(f"transfer {pending_transfer_id} is not a pending {kind}")
    post_name, void_name, debit_kinds, credit_kinds = RESOLUTIONS[kind]
    plan = Plan(
        operation=post_name if phase is Phase.POST_PENDING else void_name,
        kind=pending.kind,
        phase=phase,
        debit_account_id=pending.debit_account_id,
        credit_account_id=pending.credit_account_id,
        amount=pending.amount,
        debit_kinds=debit_kinds,
        credit_kinds=credit_kinds,
        pending_id=pending.id,
        memo=check_memo({**pending.memo, "reason": reason}),
    )

    def still_pending(session: Session) -> Rejection | None:
        resolution = session.scalar(select(Transfer.phase).where(Transfer.pending_id == pending.id))
        if resolution == Phase.POST_PENDING:
            return Rejection.PENDING_ALREADY_POSTED
        if resolution == Phase.VOID_PENDING:
            return Rejection.PENDING_ALREADY_VOIDED
        return None

    call = {"pending": pending_transfer_id, "reason": reason}
    return submit(session, key, call, plan, still_pending)


def _transfer(session: Session, transfer_id: int) -> Transfer:
    transfer = session.get(Transfer, check_id(transfer_id, UnknownTransfer))
    if transfer is None:
        raise UnknownTransfer(f"no transfer {transfer_id}")
    return transfer
