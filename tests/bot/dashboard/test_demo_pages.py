"""The dashboard on a demo fund: what a newcomer sees after `benefits-bot demo`."""

import re

from tests.bot.test_demo import succeeds

FIGURES = re.compile(r'<span class="value">([^<]+)</span>\s*<span class="name">([^<]+)<')
WORKER_LINK = re.compile(r'href="(/staff/workers/\d+)">Lucía<')
BAR_HEIGHTS = re.compile(r'<rect [^>]*height="([0-9.]+)" class="bar"')


def test_overview_and_workers_list_show_the_demo_fund(app, client):
    url = app.extensions["runtime"].settings.database_url
    succeeds(url, "demo")

    overview = client.get("/staff/").get_data(as_text=True)
    figures = {name: value for value, name in FIGURES.findall(overview)}
    assert figures["Active workers"] == "10"
    assert int(figures["Households"]) >= 5
    assert figures["Partners"] == "1"
    assert figures["Days off waiting to be paid"] == "1"
    assert figures["Messages not delivered"] == "1"
    weeks_with_money = [h for h in BAR_HEIGHTS.findall(overview) if float(h) > 0]
    assert len(weeks_with_money) >= 11  # three months of contributions, week by week

    workers = client.get("/staff/workers").get_data(as_text=True)
    for name in ("Lucía", "Rosa María", "Conceição", "Marie-Ange", "Ligaya", "Keisha"):
        assert name in workers

    lucia = client.get(WORKER_LINK.search(workers).group(1))  # type: ignore[union-attr]
    assert lucia.status_code == 200
    page = lucia.get_data(as_text=True)
    assert "saldo" in page and "Su saldo" in page  # her last text and the bot's answer (usted)
    assert "Madan Claire" in page and "Herrera" in page  # two households she works for
