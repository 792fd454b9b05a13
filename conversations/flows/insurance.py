"""Insurance she chooses: the offer, YES per product, INSURANCE, and DROP to stop one.

Nothing is taken without her YES to a product, given while an offer is open; the offer is
made after her first contribution and again whenever she texts INSURANCE.
"""

from conversations import messages as m
from conversations.engine import Rule, Step, rule
from conversations.flows.common import REFUSED, choice
from conversations.keywords import Intent
from conversations.ports import InsuranceProduct, InsuranceView, Role
from conversations.states import State
from conversations.talk import Choices, Money, Say

PRODUCTS = {"life": m.LIFE_INSURANCE, "disability": m.DISABILITY_INSURANCE}
COVERS = {"life": m.LIFE_COVERS, "disability": m.DISABILITY_COVERS}


def offer_says(products: tuple[InsuranceProduct, ...]) -> tuple[Say, ...]:
    """The offer: what each product covers, its price, the day it is taken, how to stop."""
    lines = tuple(
        Say(
            m.INSURANCE_PRODUCT,
            {
                "number": str(p.number),
                "product": PRODUCTS[p.product],
                "price": Money(p.price_cents),
                "covers": COVERS[p.product],
            },
            line=True,
        )
        for p in products
    )
    return (Say(m.INSURANCE_OFFER), *lines, Say(m.INSURANCE_OFFER_HOW, line=True))


def show(step: Step) -> None:
    """INSURANCE: what she has and when it is next taken; what she has not, on offer."""
    view = step.fund.insurance()
    held = [p for p in view.products if p.held]
    lacking = tuple(p for p in view.products if not p.held)
    if lacking:
        step.fund.offer_insurance()
    if not view.products:  # the fund sells none
        step.say(m.INSURANCE_NONE)
    elif not held:
        step.says.extend(offer_says(lacking))
    else:
        step.say(
            m.INSURANCE_HELD,
            products=_numbered(held),
            amount=Money(view.next_charge_cents),
            date=view.next_charge_day,
        )
        for p in lacking:
            price = Money(p.price_cents)
            step.say(
                m.INSURANCE_MORE, number=str(p.number), product=PRODUCTS[p.product], price=price
            )
    step.go(State.IDLE)


def answers_offer(step: Step) -> bool:
    """A worker's YES, NO or "ok" with no other question open, while an offer is and it is
    the last thing she was asked (or was made within the hour); or her YES and a product's
    number, while any offer is open or none is (she is told there is none)."""
    if step.profile.role is not Role.WORKER or step.reading.intent not in (Intent.YES, Intent.NO):
        return False
    if step.reading.intent is Intent.YES and step.reading.rest.lstrip("#").isdigit():
        return True
    if step.data.get(REFUSED):  # "yes" right after "not enough money" is not about insurance
        return False
    return step.fund.insurance().offer_fresh


def answer(step: Step) -> None:
    """YES [number] or NO to the insurance offer; a YES with no offer open is told so."""
    view = step.fund.insurance()
    if not view.offer_open:
        step.say(m.INSURANCE_NO_OFFER)
    elif step.reading.intent is Intent.NO:
        step.fund.decline_insurance()
        step.say(m.INSURANCE_DECLINED)
    elif step.reading.ack:  # "ok" is not consent: she says YES and the product's number
        step.say(m.INSURANCE_WHICH, list=_numbered([p for p in view.products if not p.held]))
    else:
        _choose(step, view)


def _choose(step: Step, view: InsuranceView) -> None:
    lacking = [p for p in view.products if not p.held]
    numbers = [p.number for p in view.products]
    number = choice(step.reading.rest, numbers) if step.reading.rest else None
    if number is None and len(lacking) == 1 and not step.reading.rest:
        number = lacking[0].number
    product = next((p for p in view.products if p.number == number), None)
    if product is None:
        step.say(m.INSURANCE_WHICH, list=_numbered(lacking or list(view.products)))
        return
    if product.held or not step.fund.choose_insurance(product.product):
        step.say(m.INSURANCE_ALREADY, product=PRODUCTS[product.product], number=str(number))
        return
    chosen = next(p for p in step.fund.insurance().products if p.number == number)
    step.say(
        m.INSURANCE_STARTED,
        product=PRODUCTS[chosen.product],
        price=Money(chosen.price_cents),
        date=chosen.first_charge or view.next_charge_day,
        number=str(number),
    )
    if len(lacking) == 1:
        step.fund.decline_insurance()  # every product taken: the offer is answered


def drop(step: Step) -> None:
    """DROP [number]: stop a product she holds; nothing more is taken for it."""
    view = step.fund.insurance()
    held = [p for p in view.products if p.held]
    if not held:
        step.say(m.INSURANCE_NOTHING_TO_STOP)
        step.go(State.IDLE)
        return
    number = choice(step.reading.rest, [p.number for p in view.products])
    if number is None and len(held) == 1 and not step.reading.rest:
        number = held[0].number
    product = next((p for p in held if p.number == number), None)
    if product is None:
        step.say(m.INSURANCE_STOP_WHICH, list=_numbered(held))
    elif step.fund.stop_insurance(product.product):
        step.say(m.INSURANCE_STOPPED, product=PRODUCTS[product.product])
    else:
        step.say(m.INSURANCE_NOTHING_TO_STOP)
    step.go(State.IDLE)


def _numbered(products: list[InsuranceProduct]) -> Choices:
    """'1 life, 2 disability', with each product's own number."""
    return Choices(tuple((str(p.number), PRODUCTS[p.product]) for p in products), numbered=False)


def _worker_says(intent: Intent) -> Rule:
    return rule(
        intent.value,
        lambda step: step.profile.role is Role.WORKER and step.reading.intent is intent,
        show if intent is Intent.INSURANCE else drop,
        State.IDLE,
    )


COMMANDS: tuple[Rule, ...] = (_worker_says(Intent.INSURANCE), _worker_says(Intent.DROP))
IDLE: tuple[Rule, ...] = (rule("offer answered", answers_offer, answer),)
