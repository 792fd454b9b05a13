"""The README's steps for going live name the bot's real opt-out words, so the list an
operator copies into Twilio's Advanced Opt-Out matches what the bot obeys."""

from conversations import messages as m
from conversations.engine import Conversation, Inbound
from conversations.keywords import KEYWORDS, OPT_IN_WORDS, OPT_OUT_WORDS, Intent, read
from tests.conversations.fake_fund import FakeFund
from tests.conversations.test_transcripts import ENGINE, NOW, SUNDAY, Chat
from tests.readme import section, table_rows


def words(cell: str) -> set[str]:
    return {word.strip().lower() for word in cell.split(",")}


def opt_out_table() -> dict[str, set[str]]:
    rows = table_rows(section("Going live with Twilio"))
    return {row[0]: words(row[1]) for row in rows if row[1].isupper() or "," in row[1]}


def test_the_opt_out_words_in_the_readme_are_the_bots():
    table = opt_out_table()
    opt_in = table.pop("opt-in (every language)")
    assert set().union(*table.values()) == OPT_OUT_WORDS
    assert opt_in == OPT_IN_WORDS


def test_each_word_the_readme_lists_stops_or_starts_texts():
    """Typed alone, in any case, each listed word is an opt-out (or opt-in) for the bot."""
    table = opt_out_table()
    opt_in = table.pop("opt-in (every language)")
    for word in set().union(*table.values()):
        chat = Chat()
        maria = chat.worker(lang="es")
        fund = FakeFund(chat.world, chat.person("maria").person_id)
        turn = ENGINE.run(Conversation(language="es"), Inbound(word.upper(), NOW, SUNDAY), fund)
        assert [said.message for said in turn.replies] == [m.OPTED_OUT], word
        assert maria.opted_out == {"sms": True}, word
    for word in opt_in:
        assert read(word.capitalize()).intent is Intent.START, word


def test_the_help_words_in_the_readme_are_the_bots():
    help_words = {w for language in KEYWORDS.values() for w in language[Intent.HELP]}
    text = section("Going live with Twilio")
    listed = text.split("HELP (", 1)[1].split(")", 1)[0]
    assert words(listed) == help_words
