"""A first name as people give it, commands before a name, and a name changed by text."""

import pytest

from conversations import messages as m
from conversations.keywords import Intent
from conversations.states import State
from tests.conversations.test_transcripts import EVERY_LANGUAGE, WORDS, Chat, Words, say, terms

# How each language introduces itself, and the first name it gives.
INTRODUCED = {
    "en": [
        ("my name is Grace", "Grace"),
        ("I'm Grace", "Grace"),
        ("i am marie-ange!", "Marie-Ange"),
    ],
    "es": [("me llamo Lucia", "Lucia"), ("mi nombre es Lucía 😊", "Lucía"), ("soy lucía", "Lucía")],
    "pt_BR": [("meu nome é Joana", "Joana"), ("Joana!", "Joana"), ("sou a Joana", "Joana")],
    "ht": [("mwen rele Rose", "Rose"), ("se Rose", "Rose"), ("non mwen se Ange", "Ange")],
    "tl": [("ako si Liza", "Liza"), ("Liza po", "Liza"), ("ako po si Liza", "Liza")],
}
# A command at the name question, in each language: never saved as a name.
COMMANDS = {
    "en": ["balance", "done yesterday", "add (617) 555-0202 Mrs Claudia"],
    "es": ["saldo", "listo", "agregar (617) 555-0202 Doña Claudia"],
    "pt_BR": ["pronto", "trabalhei ontem", "adicionar (617) 555-0202 Dona Claudia"],
    "ht": ["balans", "fini", "ajoute (617) 555-0202 Madan Claudia"],
    "tl": ["balanse", "tapos", "idagdag (617) 555-0202 Mrs Claudia"],
}
QUESTIONS = {
    "en": "what is this?",
    "es": "que es esto?",
    "pt_BR": "o que é isso?",
    "ht": "kisa sa ye?",
    "tl": "ano po ito?",
}


@pytest.fixture
def chat() -> Chat:
    return Chat()


CHANGE = {
    "en": ("my name is Lucia", "change name"),
    "es": ("mi nombre es Lucia", "cambiar nombre"),
    "pt_BR": ("meu nome é Lucia", "mudar nome"),
    "ht": ("mwen rele Lucia", "chanje non"),
    "tl": ("pangalan ko ay Lucia", "palitan ang pangalan"),
}


def at_the_name_question(chat: Chat, lang: Words) -> None:
    chat.play(
        [
            ("new", "hi", m.WELCOME),
            ("new", lang.number, (m.LANGUAGE_SET, terms())),
            ("new", lang.yes, m.ASK_NAME),
        ]
    )


@EVERY_LANGUAGE
@pytest.mark.parametrize("case", [0, 1, 2])
def test_a_name_given_with_an_introduction(chat: Chat, lang: Words, case: int):
    typed, name = INTRODUCED[lang.code][case]
    at_the_name_question(chat, lang)
    chat.play([("new", typed, say(m.JOINED, name=name))])
    assert chat.person("new").name == name


@EVERY_LANGUAGE
def test_a_command_at_the_name_question_asks_for_the_name_first(chat: Chat, lang: Words):
    at_the_name_question(chat, lang)
    chat.play([("new", text, m.NAME_FIRST) for text in COMMANDS[lang.code]])
    chat.play([("new", QUESTIONS[lang.code], m.NAME_WHAT_FUND)])
    assert chat.state("new") is State.GIVING_NAME and not chat.person("new").is_worker
    chat.play([("new", "maria", say(m.JOINED, name="Maria"))])


@EVERY_LANGUAGE
def test_a_worker_changes_her_name_by_text(chat: Chat, lang: Words):
    chat.worker(lang=lang.code)
    with_name, alone = CHANGE[lang.code]
    chat.play(
        [
            ("maria", with_name, say(m.NAME_CHANGED, name="Lucia")),
            ("maria", f"{lang[Intent.NAME].upper()} Lucía", say(m.NAME_CHANGED, name="Lucía")),
            ("maria", alone, m.NAME_ASK_NEW),
            ("maria", "12", m.NAME_UNCLEAR),
            ("maria", "rosa", say(m.NAME_CHANGED, name="Rosa")),
        ]
    )
    assert chat.person("maria").name == "Rosa" and chat.state("maria") is State.IDLE


def test_kreyol_non_and_a_name_renames_but_non_alone_is_no(chat: Chat):
    chat.worker(lang="ht")
    chat.play(
        [
            ("maria", "NON Rose", say(m.NAME_CHANGED, name="Rose")),
            ("maria", "non", m.NOTHING_OPEN_NO),
        ]
    )
    assert chat.person("maria").name == "Rose"


def test_the_households_see_the_new_name(chat: Chat):
    maria = chat.worker(lang="es")
    chat.household(maria, "ana")
    chat.play([("maria", "NOMBRE Lucía", say(m.NAME_CHANGED, name="Lucía"))])
    turn = chat.text("maria", "listo")
    assert turn.notices[0].says[0].params["worker"] == "Lucía"


def test_every_language_is_covered():
    assert set(INTRODUCED) == set(COMMANDS) == set(QUESTIONS) == set(CHANGE) == set(WORDS)
