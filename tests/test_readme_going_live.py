"""The README's steps for going live name the bot's real opt-out words, so the list an
operator copies into Twilio's Advanced Opt-Out matches what the bot obeys."""

from conversations.keywords import KEYWORDS, OPT_IN_WORDS, OPT_OUT_WORDS, Intent, read
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
        assert read(word.upper()).intent is Intent.STOP, word
    for word in opt_in:
        assert read(word.capitalize()).intent is Intent.START, word


def test_the_help_words_in_the_readme_are_the_bots():
    help_words = {w for language in KEYWORDS.values() for w in language[Intent.HELP]}
    text = section("Going live with Twilio")
    listed = text.split("HELP (", 1)[1].split(")", 1)[0]
    assert words(listed) == help_words
