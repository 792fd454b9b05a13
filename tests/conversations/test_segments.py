"""Segment counting follows GSM 03.38 and UCS-2 as carriers bill them."""

import pytest

from conversations.segments import count_segments, is_gsm7, sms_safe


@pytest.mark.parametrize(
    ("text", "encoding", "segments"),
    [
        ("", "GSM-7", 1),
        ("a" * 160, "GSM-7", 1),
        ("a" * 161, "GSM-7", 2),
        ("a" * 306, "GSM-7", 2),
        ("a" * 307, "GSM-7", 3),
        ("€" * 80, "GSM-7", 1),  # 160 septets
        ("€" * 81, "GSM-7", 2),
        ("a" * 152 + "€" + "a" * 10, "GSM-7", 2),  # the pair moves whole to segment two
        ("a" * 152 + "€" + "a" * 152, "GSM-7", 3),
        ("Kreyòl: konje demen è", "GSM-7", 1),
        ("día", "UCS-2", 1),
        ("á" * 70, "UCS-2", 1),
        ("á" * 71, "UCS-2", 2),
        ("á" * 134, "UCS-2", 2),
        ("á" * 135, "UCS-2", 3),
        ("😀" * 35, "UCS-2", 1),  # 70 code units
        ("a" * 66 + "😀" + "a" * 4, "UCS-2", 2),  # the surrogate pair is not split
    ],
)
def test_segments(text, encoding, segments):
    count = count_segments(text)
    assert (count.encoding, count.segments) == (encoding, segments)


def test_gsm7_letters_named_in_the_facts():
    assert is_gsm7("é è ù ì ò à Ç Ø ø Å å Ä ä Ö ö Ñ ñ Ü ü ß É Æ æ ¿ ¡")
    for letter in ["á", "í", "ó", "ú", "â", "ê", "ô", "ã", "õ", "ç"]:
        assert not is_gsm7(letter), letter


def test_sms_safe_replaces_babel_spaces_and_curly_quotes():
    assert (
        sms_safe("US$\u00a05.00 at 9:00\u202fAM, \u201cok\u201d \u2013 it\u2019s")
        == 'US$ 5.00 at 9:00 AM, "ok" - it\'s'
    )
    assert is_gsm7(sms_safe("\u00a0\u202f\u2019"))


@pytest.mark.parametrize(
    ("text", "units"),
    [
        ("a" * 160, 160),  # one segment: counted without packing
        ("€" * 80, 160),
        ("a" * 158 + "{", 160),
        ("a" * 159 + "{", 161),  # the escape pair tips it into two segments
        ("a" * 400, 400),
    ],
)
def test_gsm7_units_count_escapes_twice(text, units):
    assert count_segments(text).units == units


def test_sms_safe_expands_an_ellipsis_and_keeps_the_rest():
    assert sms_safe("ok\u2026 \u201cyes\u201d á") == 'ok... "yes" á'
