"""The whole conversation as one table: words that work anywhere, then each state's rules."""

from conversations.engine import Engine, Rule, rule
from conversations.flows import (
    another_amount,
    anywhere,
    days_off,
    given,
    household,
    insurance,
    joining,
    partners,
    payout_method,
    unsure,
    visits,
    worker,
)
from conversations.states import State

not_understood = unsure.not_understood

ANYWHERE: tuple[Rule, ...] = (
    *anywhere.ANYWHERE,
    *unsure.ANYWHERE,
    *given.COMMANDS,
    *joining.COMMANDS,
    *worker.COMMANDS,
    *household.COMMANDS,
    *visits.COMMANDS,
    *days_off.COMMANDS,
    *insurance.COMMANDS,
    *payout_method.COMMANDS,
)

FLOWS: dict[State, tuple[Rule, ...]] = {
    State.NEW: joining.NEW,
    State.CHOOSING_LANGUAGE: (
        rule(
            "picked language",
            anywhere.picks_language,
            anywhere.pick_language,
            State.READING_TERMS,
            State.IDLE,
        ),
        rule("household goes on", household.from_household, household.member_goes_on, State.IDLE),
        *joining.CHOOSING_LANGUAGE,
    ),
    State.READING_TERMS: joining.READING_TERMS,
    State.GIVING_NAME: joining.GIVING_NAME,
    State.IDLE: (
        *another_amount.IDLE,
        *household.HOUSEHOLD,
        *insurance.IDLE,
        *payout_method.IDLE,
        *unsure.IDLE,
    ),
    State.PICKING_VISIT_HOUSEHOLD: visits.PICKING_VISIT_HOUSEHOLD,
    State.CONFIRMING_DAY_OFF: days_off.CONFIRMING_DAY_OFF,
    State.PICKING_DAY_OFF_TO_UNDO: days_off.PICKING_DAY_OFF_TO_UNDO,
    State.PICKING_HOUSEHOLD_TO_REMOVE: worker.PICKING_HOUSEHOLD_TO_REMOVE,
    State.CONFIRMING_GUESS: unsure.CONFIRMING_GUESS,
    State.PICKING_FROM_MENU: unsure.PICKING_FROM_MENU,
    State.CONFIRMING_PARTNER: partners.CONFIRMING_PARTNER,
    State.GIVING_AMOUNT: another_amount.GIVING_AMOUNT,
    State.CHOOSING_PAYOUT_METHOD: payout_method.CHOOSING_PAYOUT_METHOD,
    State.ENTERING_PAYOUT_CODE: payout_method.ENTERING_PAYOUT_CODE,
    State.GIVING_NEW_NAME: joining.GIVING_NAME,
    State.CONFIRMING_REMOVE: worker.CONFIRMING_REMOVE,
}


def build_engine() -> Engine:
    """The checked engine for the whole service."""
    first = {
        State.GIVING_NAME: joining.NAME_FIRST,
        State.GIVING_NEW_NAME: joining.NEW_NAME_FIRST,
        State.CONFIRMING_PARTNER: partners.ANSWER,
        State.CHOOSING_PAYOUT_METHOD: payout_method.CHOOSING_FIRST,
        State.ENTERING_PAYOUT_CODE: payout_method.ENTERING_FIRST,
    }
    return Engine(ANYWHERE, FLOWS, unsure.FALLBACK, first=first)
