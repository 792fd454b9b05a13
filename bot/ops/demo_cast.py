"""Who is in the demo fund and what happened in its last three months: plain data, no database.

Everything comes from one seeded `random.Random`, so every demo fund tells the same story;
only the dates move with today, and the numbers with the block of fictional numbers chosen.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta

SEED = 20261205
DAYS = 90  # how far back the story starts
# 555-0100 to 555-0199 are the North American numbers set aside for fiction; each area code
# gives another block, so `demo --force` can add a second fund beside the first.
AREA_CODES = ("212", "646", "718", "917", "347", "929", "332", "516", "914", "201")

# As the workers typed their names when they joined: accents and hyphens kept.
WORKERS = (
    ("Lucía", "es"),
    ("Rosa María", "es"),
    ("Conceição", "pt_BR"),
    ("Ana Paula", "pt_BR"),
    ("Marie-Ange", "ht"),
    ("Nadège", "ht"),
    ("Ligaya", "tl"),
    ("Maricel", "tl"),
    ("Keisha", "en"),
    ("Sharon", "en"),
)
# A household's name, what the workers call it, and the language it texts in.
HOUSEHOLDS = (
    ("Sarah Klein", "Sarah", "en"),
    ("The Okafors", "Okafor family", "en"),
    ("David & Priya Shah", "David & Priya", "en"),
    ("Helen Chen", "Mrs. Chen", "en"),
    ("Familia Ortiz", "Sra. Ortiz", "es"),
    ("Dr. Mark Feldman", "Dr. Feldman", "en"),
    ("Rachel Stein", "Rachel", "en"),
    ("Tom Becker", "Tom", "en"),
    ("Jenny Wu", "Jenny", "en"),
    ("Los Herrera", "Herrera", "es"),
    ("Michelle Park", "Michelle", "en"),
    ("Aaron Levi", "Aaron", "en"),
    ("Bianca Rossi", "Dona Bianca", "pt_BR"),
    ("Claire Dubois", "Madan Claire", "en"),
    ("Kevin O'Brien", "Kevin", "en"),
    ("Amira Haddad", "Amira", "en"),
)
WORKER_NUMBERS = range(1, len(WORKERS) + 1)  # 555-0101...
HOUSEHOLD_NUMBERS = range(30, 30 + len(HOUSEHOLDS))  # 555-0130...
PARTNER = "BrightNest Cleaning"  # a fictional platform
JUMP_START_CENTS = 2_500
BALANCE_WORDS = {"en": "Balance", "es": "saldo", "pt_BR": "Saldo", "ht": "balans", "tl": "balanse"}


@dataclass(frozen=True)
class Job:
    """A worker's regular work for one household."""

    worker: int  # index in WORKERS
    household: int  # index in HOUSEHOLDS
    weekday: int  # 0 is Monday
    every_weeks: int
    cents_per_visit: int  # what the household usually adds


@dataclass(frozen=True)
class VisitPlan:
    """One visit and how the household answered: an amount, or None for NO."""

    job: Job
    day: date
    cents: int | None


def story_random() -> random.Random:
    """The seeded generator every demo fund's choices come from."""
    return random.Random(SEED)  # noqa: S311 (a story to tell, not a secret)


def phone(area_code: str, number: int) -> str:
    """The E.164 number 555-01NN in the area code."""
    return f"+1{area_code}55501{number:02d}"


def jobs(rng: random.Random) -> list[Job]:
    """Two to four households for each worker; with 16 households, some employ two workers."""
    plans = []
    for worker in range(len(WORKERS)):
        for household in rng.sample(range(len(HOUSEHOLDS)), rng.randint(2, 4)):
            plans.append(
                Job(
                    worker=worker,
                    household=household,
                    weekday=rng.randrange(6),
                    every_weeks=rng.choice((1, 1, 1, 2)),
                    cents_per_visit=1_000 if rng.random() < 0.15 else 500,
                )
            )
    return plans


def visits(rng: random.Random, plans: list[Job], first: date, last: date) -> list[VisitPlan]:
    """Every visit from `first` to `last`, oldest first: most add the usual amount, some add
    $10, a few are declined."""
    found = []
    for job in plans:
        day = first + timedelta(days=(job.weekday - first.weekday()) % 7)
        while day <= last:
            roll = rng.random()
            cents = None if roll < 0.07 else 1_000 if roll < 0.15 else job.cents_per_visit
            found.append(VisitPlan(job, day, cents))
            day += timedelta(weeks=job.every_weeks)
    return sorted(found, key=lambda v: (v.day, v.job.worker, v.job.household))
