"""What a message asks for."""

from enum import StrEnum


class Intent(StrEnum):
    """What a message asks for."""

    HELP = "help"
    MENU = "menu"
    LANGUAGE = "language"
    STOP = "stop"
    START = "start"
    BALANCE = "balance"
    HISTORY = "history"
    DAY_OFF = "day_off"
    HALF_DAY = "half_day"
    UNDO = "undo"
    ADD = "add"
    DONE = "done"
    HOUSEHOLDS = "households"
    REMOVE = "remove"
    SCHEDULE = "schedule"  # a household's regular day: EVERY tuesday
    YES = "yes"
    NO = "no"
    GREETING = "greeting"
    THANKS = "thanks"
    WHO_IS_THIS = "who_is_this"  # a household asking who invited it, and why
    INSURANCE = "insurance"  # her covers, or the offer
    DROP = "drop"  # stop an insurance product: DROP 2
    MISSED = "missed"  # a past day she did not work, paid after the fact: SICK yesterday
    MORE = "more"  # the next page of history
    AMOUNT = "amount"  # a household wants to give another amount than the one suggested
    PAYMENT = "payment"  # how she is paid: see it, and change it with a code
    NAME = "name"  # change the first name households see: NAME Lucia, "me llamo Lucia"
