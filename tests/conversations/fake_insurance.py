"""The insurance and household-giving side of the in-memory fund (see fake_fund.py).

As in `bot.fund.insurance`: a YES counts only while an offer is open, a product is taken from the
first of the month after her YES, and the offer after a first contribution is made once.
"""

from datetime import date, timedelta
from typing import TYPE_CHECKING

from conversations.ports import GivenView, InsuranceProduct, InsuranceView

if TYPE_CHECKING:
    from tests.conversations.fake_fund import Person, World


ANSWER_WINDOW = timedelta(hours=1)


def first_of_next_month(day: date) -> date:
    """The day premiums chosen on `day` are first taken."""
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


class FakeInsurance:
    """Mixed into FakeFund."""

    world: "World"
    me: "Person"

    def _require_worker(self) -> int:
        raise NotImplementedError  # FakeFund's

    def insurance(self) -> InsuranceView:
        worker_id = self._require_worker()
        products = tuple(
            InsuranceProduct(
                number,
                product,
                cents,
                held=(worker_id, product) in self.world.consents,
                first_charge=self._first_charge(worker_id, product),
            )
            for number, (product, cents) in enumerate(self.world.premiums.items(), 1)
        )
        return InsuranceView(
            products,
            offer_open=self.world.offers.get(worker_id, False),
            offer_fresh=self._offer_fresh(worker_id),
            next_charge_day=first_of_next_month(self.world.today),
            next_charge_cents=sum(p.price_cents for p in products if p.held),
        )

    def _first_charge(self, worker_id: int, product: str) -> date | None:
        given = self.world.consents.get((worker_id, product))
        return first_of_next_month(given) if given else None

    def _offer_fresh(self, worker_id: int) -> bool:
        """As in bot.fund.insurance: made within the hour, or nothing texted since."""
        if not self.world.offers.get(worker_id, False):
            return False
        offered_at = self.world.offered_at.get(worker_id)
        if offered_at is None or self.world.now - offered_at <= ANSWER_WINDOW:
            return True
        texted = self.world.last_text.get(worker_id)
        return texted is None or texted <= offered_at

    def offer_insurance(self) -> None:
        worker_id = self._require_worker()
        self.world.offers[worker_id] = True
        self.world.offered_at[worker_id] = self.world.now

    def decline_insurance(self) -> None:
        self.world.offers[self._require_worker()] = False

    def choose_insurance(self, product: str) -> bool:
        key = (self._require_worker(), product)
        if key in self.world.consents or product not in self.world.premiums:
            return False
        self.world.consents[key] = self.world.today
        return True

    def stop_insurance(self, product: str) -> bool:
        return self.world.consents.pop((self._require_worker(), product), None) is not None

    def given_this_year(self) -> list[GivenView]:
        totals: dict[str, int] = {}
        for visit in self.world.visits.values():
            employment = self.world.employments[visit.employment_id]
            if employment.household_id != self.me.person_id or not visit.amount_cents:
                continue
            if visit.day.year != self.world.today.year:
                continue
            name = self.world.people[employment.worker_id].name or ""
            totals[name] = totals.get(name, 0) + visit.amount_cents
        return [GivenView(n, c) for n, c in sorted(totals.items(), key=lambda item: -item[1])]
