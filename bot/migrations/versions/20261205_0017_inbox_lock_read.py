"""inbox lock and read: on PostgreSQL, one function locks the sender's row and then reads what
her turn needs, so that every message costs one round trip less

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05 14:00:00.000000

`bot.channel.inbox_sql` locks her row (SELECT ... FOR UPDATE), then reads, in a second
statement, her conversation, her opt-out, an earlier delivery of the MessageSid and who she is
for the fund. The read has to be a statement of its own: one statement reads every table as
they were when it started, before it waited for her lock, and would miss what the message
ahead of hers just committed. A function whose statements each take a fresh snapshot (any
VOLATILE PL/pgSQL function, under READ COMMITTED) does both in one call. Its result is her
row (`columns_of(Person)`) followed by READ's columns, in READ's order, typed by the columns
themselves (%TYPE); `tests/bot/test_inbox_lock_read.py` holds it equal to LOCK then READ.
SQLite (`make run`) keeps the two statements.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FUNCTION = """
CREATE FUNCTION inbox_lock_read(
    p_phone people.phone%TYPE,
    p_message_sid inbound_messages.message_sid%TYPE,
    p_channel channel_consents.channel%TYPE,
    p_period insurance_covers.period%TYPE,
    p_covered insurance_covers.status%TYPE
)
RETURNS TABLE (
    id people.id%TYPE,
    phone people.phone%TYPE,
    whatsapp_user_id people.whatsapp_user_id%TYPE,
    name people.name%TYPE,
    language people.language%TYPE,
    time_zone people.time_zone%TYPE,
    last_channel people.last_channel%TYPE,
    created_at people.created_at%TYPE,
    claimed_by inbound_messages.person_id%TYPE,
    reply inbound_messages.reply%TYPE,
    opted_out channel_consents.opted_out%TYPE,
    conversation_of conversations.person_id%TYPE,
    state conversations.state%TYPE,
    data conversations.data%TYPE,
    asked_at conversations.asked_at%TYPE,
    worker_id workers.id%TYPE,
    worker_person_id workers.person_id%TYPE,
    worker_account_id workers.account_id%TYPE,
    worker_status workers.status%TYPE,
    worker_created_at workers.created_at%TYPE,
    worker_payout_method workers.payout_method%TYPE,
    worker_payouts_held_until workers.payouts_held_until%TYPE,
    household_id contributors.id%TYPE,
    household_kind contributors.kind%TYPE,
    household_name contributors.name%TYPE,
    household_person_id contributors.person_id%TYPE,
    household_account_id contributors.account_id%TYPE,
    household_created_at contributors.created_at%TYPE,
    product insurance_covers.product%TYPE,
    debits_pending ledger_accounts.debits_pending%TYPE,
    debits_posted ledger_accounts.debits_posted%TYPE,
    credits_pending ledger_accounts.credits_pending%TYPE,
    credits_posted ledger_accounts.credits_posted%TYPE
)
LANGUAGE plpgsql VOLATILE
AS $$
#variable_conflict use_column
DECLARE
    locked people.id%TYPE;
BEGIN
    -- Her row, locked: this waits for the message ahead of hers to commit.
    SELECT people.id INTO locked FROM people WHERE people.phone = p_phone FOR UPDATE;
    IF NOT FOUND THEN
        RETURN;  -- a new number: the caller creates her
    END IF;
    -- A statement of its own, so a snapshot of its own: it sees what that message committed.
    RETURN QUERY
    SELECT people.id, people.phone, people.whatsapp_user_id, people.name, people.language,
           people.time_zone, people.last_channel, people.created_at,
           inbound_messages.person_id, inbound_messages.reply, channel_consents.opted_out,
           conversations.person_id, conversations.state, conversations.data,
           conversations.asked_at,
           workers.id, workers.person_id, workers.account_id, workers.status,
           workers.created_at, workers.payout_method, workers.payouts_held_until,
           contributors.id, contributors.kind, contributors.name, contributors.person_id,
           contributors.account_id, contributors.created_at,
           insurance_covers.product,
           ledger_accounts.debits_pending, ledger_accounts.debits_posted,
           ledger_accounts.credits_pending, ledger_accounts.credits_posted
    FROM people
    LEFT OUTER JOIN inbound_messages ON inbound_messages.message_sid = p_message_sid
    LEFT OUTER JOIN channel_consents
        ON channel_consents.person_id = people.id AND channel_consents.channel = p_channel
    LEFT OUTER JOIN conversations ON conversations.person_id = people.id
    LEFT OUTER JOIN workers ON workers.person_id = people.id
    LEFT OUTER JOIN contributors ON contributors.person_id = people.id
    LEFT OUTER JOIN insurance_covers
        ON insurance_covers.worker_id = workers.id
        AND insurance_covers.period = p_period
        AND insurance_covers.status = p_covered
    LEFT OUTER JOIN ledger_accounts ON ledger_accounts.id = workers.account_id
    WHERE people.id = locked
    ORDER BY insurance_covers.product DESC;
END;
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(FUNCTION)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP FUNCTION inbox_lock_read")
