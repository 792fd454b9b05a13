"""Contributions per week as bars for an inline SVG: geometry here, drawing in the template."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

WIDTH, HEIGHT = 360, 200
LEFT, RIGHT, TOP, BOTTOM = 8, 8, 24, 28  # room for the top label and the week labels
GAP = 4


@dataclass(frozen=True)
class Bar:
    """One week's bar, in the chart's own coordinates."""

    x: float
    y: float
    width: float
    height: float
    label: str  # the week's Monday, shown under every other bar
    show_label: bool
    amount: str  # what the bar's tooltip says


@dataclass(frozen=True)
class Chart:
    """The bars and the axis of one chart."""

    width: int
    height: int
    baseline: float
    bars: list[Bar]
    top_amount: str  # the largest week, written at the top
    total_cents: int


def weekly_chart(
    weeks: list[tuple[date, int]], money: Callable[[int], str], day: Callable[[date], str]
) -> Chart:
    """Bars scaled to the largest week; an empty fund draws a flat line, not a division by 0."""
    largest = max((cents for _, cents in weeks), default=0)
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    step = plot_width / max(len(weeks), 1)
    baseline = TOP + plot_height
    bars = []
    for index, (monday, cents) in enumerate(weeks):
        height = plot_height * cents / largest if largest else 0
        bars.append(
            Bar(
                x=round(LEFT + index * step + GAP / 2, 1),
                y=round(baseline - height, 1),
                width=round(step - GAP, 1),
                height=round(height, 1),
                label=day(monday),
                show_label=(len(weeks) - 1 - index) % 3 == 0,  # the latest week always
                amount=money(cents),
            )
        )
    return Chart(WIDTH, HEIGHT, baseline, bars, money(largest), sum(c for _, c in weeks))
