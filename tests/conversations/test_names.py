"""Names stay as people wrote them; only all-lower or all-upper names get capitals."""

import pytest

from conversations.keywords import read
from conversations.names import as_written, first_name, written_tail


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


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("me llamo Lucia", "Lucia"),
        ("mwen rele Rose", "Rose"),
        ("ako si Liza", "Liza"),
        ("Liza po", "Liza"),
        ("se Rose", "Rose"),
        ("sou a Joana", "Joana"),
        ("I'm Grace", "Grace"),
        ("my name is Grace", "Grace"),
        ("meu nome é Joana", "Joana"),
        ("é a Joana", "Joana"),
        ("Joana!", "Joana"),
        ("Lucía 😊", "Lucía"),
        ("hola, soy lucía", "Lucía"),
        ("non mwen se Marie-Ange", "Marie-Ange"),
        ("pangalan ko ay Liza po", "Liza"),
        ("it's McDonald please", "McDonald"),
        ("maria", "Maria"),
        ("Kay", "Kay"),
    ],
)
def test_a_first_name_out_of_how_she_introduced_herself(typed, name):
    assert first_name(typed) == name


@pytest.mark.parametrize(
    "typed", ["12345", "Ana Maria de la Cruz Perez", "😊", "my name is", "me llamo", ""]
)
def test_no_first_name(typed):
    assert first_name(typed) is None
