"""`benefits-bot chat` as someone trying the bot types into it: however many lines she sends,
each gets its answer; the flood limit (INBOUND_LIMIT, 20 in 10 minutes) and the caps on
identical replies are for phones, and nothing typed at this terminal reaches one."""

from tests.bot.test_quiet_output import home_folder, run

JOINING = ["hi", "1", "yes", "Maria"]


def test_twenty_five_lines_piped_into_chat_are_all_answered(tmp_path):
    lines = [*JOINING, *["balance"] * 21]
    assert len(lines) == 25
    typed = "".join(f"{line}\n" for line in lines)
    result = run(home_folder(tmp_path), "chat", "--phone", "+12125550123", stdin=typed)
    assert result.returncode == 0, result.stderr
    replies = [line for line in result.stdout.splitlines() if line.startswith("bot> ")]
    assert len(replies) == 25
    assert "(no reply)" not in result.stdout
    assert "You sent many messages" not in result.stdout
    assert sum(reply.startswith("bot> Your balance") for reply in replies) == 21
