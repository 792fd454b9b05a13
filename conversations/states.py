"""Where a conversation stands; the values are what the database stores."""

from enum import StrEnum


class State(StrEnum):
    """A conversation's state: an open question, or none."""

    NEW = "new"  # never texted, or did not join
    CHOOSING_LANGUAGE = "choosing_language"
    READING_TERMS = "reading_terms"
    GIVING_NAME = "giving_name"
    IDLE = "idle"  # a member with no open question
    PICKING_VISIT_HOUSEHOLD = "picking_visit_household"
    CONFIRMING_DAY_OFF = "confirming_day_off"
    PICKING_DAY_OFF_TO_UNDO = "picking_day_off_to_undo"
    PICKING_HOUSEHOLD_TO_REMOVE = "picking_household_to_remove"
    CONFIRMING_GUESS = "confirming_guess"  # "Did you mean BALANCE? Reply YES or NO."
    PICKING_FROM_MENU = "picking_from_menu"  # the numbered menu, after two misses
    CONFIRMING_PARTNER = "confirming_partner"  # a partner asked to pay in: her YES or NO
    GIVING_AMOUNT = "giving_amount"  # a household said "another amount": how much?
    CHOOSING_PAYOUT_METHOD = "choosing_payout_method"  # PAYMENT showed the methods
    ENTERING_PAYOUT_CODE = "entering_payout_code"  # a code went to her number for a change
    GIVING_NEW_NAME = "giving_new_name"  # NAME alone: which name households should see
    CONFIRMING_REMOVE = "confirming_remove"  # REMOVE and a number: YES or NO first


# States the fund opens from outside a conversation (a partner's request), not a rule.
ASKED_BY_THE_FUND = frozenset({State.CONFIRMING_PARTNER})

JOINING = frozenset({State.NEW, State.CHOOSING_LANGUAGE, State.READING_TERMS, State.GIVING_NAME})
QUESTIONS = frozenset(State) - {State.NEW, State.IDLE}
