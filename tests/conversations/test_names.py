"""Names stay as people wrote them; only all-lower or all-upper names get capitals."""

import pytest

from conversations.keywords import read
from conversations.names import as_written, written_tail


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("Lucía", "Lucía"),
        ("lucía", "Lucía"),
        ("marie-ange", "Marie-Ange"),
        ("Marie-Ange", "Marie-Ange"),
        ("McKenzie", "McKenzie"),
        ("Mrs. Johnson", "Mrs. Johnson"),
        ("MARIA  JOSE", "Maria Jose"),
        ("o'neil", "O'Neil"),
        ("señora pérez", "Señora Pérez"),
    ],
)
def test_as_written(typed, kept):
    assert as_written(typed) == kept


@pytest.mark.parametrize(
    "text",
    [
        "ADD 212 555 0199 Señora Pérez",
        "agregar (212) 555-0199 Señora Pérez",
        "ADD +1 212 555 0199  Señora   Pérez",
    ],
)
def test_the_label_as_typed_not_as_read(text):
    assert read(text).rest.endswith("senora perez")  # what the reader keeps
    assert written_tail(text, "senora perez") == "Señora Pérez"


def test_a_tail_that_cannot_be_found_stays_as_read():
    assert written_tail("ADD 2125550199", "") == ""
    assert written_tail("something else", "senora perez") == "senora perez"
