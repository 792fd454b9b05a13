"""A partner asks to pay into a member's account: her YES links it, her NO does not.

The question is opened by `bot.partners.enrolment` (the partner's request), with the partner's
id and name in the conversation's data; only her answer is handled here.
"""

from conversations import messages as m
from conversations.engine import Rule, Step, rule
from conversations.flows.common import intent
from conversations.keywords import Intent
from conversations.states import State


def accept(step: Step) -> None:
    """YES: the partner may pay into her account from now on."""
    step.fund.answer_partner(int(step.data["partner_id"]), accept=True)
    step.say(m.PARTNER_LINKED, partner=str(step.data["partner"]))
    step.go(State.IDLE)


def refuse(step: Step) -> None:
    """NO: nothing is linked, and the partner cannot ask her again."""
    step.fund.answer_partner(int(step.data["partner_id"]), accept=False)
    step.say(m.PARTNER_DECLINED, partner=str(step.data["partner"]))
    step.go(State.IDLE)


def unclear(step: Step) -> None:
    """Anything else: the question again, so that she knows what YES and NO would do."""
    step.say(m.PARTNER_CONSENT, partner=str(step.data["partner"]))


# First, so that her YES answers the partner even where a household's YES would mean a visit.
ANSWER: tuple[Rule, ...] = (
    rule("yes", intent(Intent.YES), accept, State.IDLE),
    rule("no", intent(Intent.NO), refuse, State.IDLE),
)
CONFIRMING_PARTNER: tuple[Rule, ...] = (rule("unclear", lambda step: True, unclear),)
