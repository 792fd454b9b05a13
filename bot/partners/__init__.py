"""Partners: gig platforms and public or sectoral programs that pay in from their own systems.

They never text the bot: they call a JSON API (`/api/v1`, `bot.partners.api`) with keys the
fund issues on the command line (`benefits-bot partner ...`, `bot.partners.commands`). This
package keeps its web and validation libraries out of its own `__init__`, so the conversation
side (`bot.fund.matching`) and the CLI load without them.
"""
