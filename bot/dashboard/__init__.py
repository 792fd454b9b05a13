"""The dashboard for fund staff: server-rendered pages behind a login, at /staff.

`bot.dashboard.web.init_app` puts it on the Flask app; `bot.dashboard.cli` holds the
`benefits-bot staff` commands. Pages read the database through small query modules and
change it only through the fund's own operations (bot.fund.payouts, the outbox).
"""
