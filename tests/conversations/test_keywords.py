"""Reading a message: short texts are read once per process, and read the same as long ones."""

from conversations import keywords
from conversations.keywords import CACHED_LENGTH, Intent, normalize, read


def test_a_short_text_is_read_once_and_the_same_each_time():
    first = read("Balance!")
    assert first == read("Balance!")
    assert first.intent is Intent.BALANCE
    assert read("BALANCE") == read("balance")


def test_the_cache_and_the_plain_reading_agree():
    texts = ["BAL", "7,50", "dia libre 12/3", "Día libre mañana.", "STOP", "start", "x" * 30]
    for text in texts:
        assert normalize(text) == keywords._normalize(text), text
        assert read(text) == keywords._read(text), text


def test_a_long_text_is_not_kept():
    long = "add 2125550123 " + "Maria " * CACHED_LENGTH
    before = keywords._read_short.cache_info().currsize
    assert read(long).intent is Intent.ADD
    assert keywords._read_short.cache_info().currsize == before
