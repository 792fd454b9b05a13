"""Words that work in any state, so that nobody is ever stuck behind a question."""

from conversations import messages as m
from conversations.engine import Rule, Step, rule
from conversations.flows.common import intent
from conversations.keywords import LANGUAGE_MENU_ORDER, Intent, language_named
from conversations.ports import Role
from conversations.states import JOINING, State
from conversations.talk import Money, Param


def no_text(step: Step) -> bool:
    """An empty or media-only message (an emoji is text: it gets the normal answer)."""
    return not step.inbound.text.strip()


MEDIA_REPLIES = {
    "photo": m.MEDIA_PHOTO,
    "voice": m.MEDIA_VOICE,
    "video": m.MEDIA_FILE,
    "file": m.MEDIA_FILE,
}


def only_text(step: Step) -> None:
    """We read text only: say so, kindly for what she sent, and what to do instead."""
    step.say(MEDIA_REPLIES.get(step.inbound.media, m.ONLY_TEXT))


def stop(step: Step) -> None:
    """STOP: record the opt-out on this channel; the question stays as it was."""
    step.fund.set_opted_out(True)
    step.opted_out = True
    step.say(m.OPTED_OUT_HOUSEHOLD if step.profile.role is Role.HOUSEHOLD else m.OPTED_OUT)


def start(step: Step) -> None:
    """START: texts may flow again."""
    step.fund.set_opted_out(False)
    step.opted_out = False
    step.say(m.OPTED_IN)


def help_(step: Step) -> None:
    """HELP: the words that work, without leaving the question; a household's own help."""
    follow_written_language(step)
    step.say(m.HELP_HOUSEHOLD if step.profile.role is Role.HOUSEHOLD else m.HELP)


def names_language(step: Step) -> bool:
    """The message is just a language's name."""
    return language_named(step.inbound.text) is not None


def switch_language(step: Step) -> None:
    """A language's name: switch to it; someone joining goes on to the terms."""
    language = language_named(step.inbound.text)
    assert language is not None
    choose_language(step, language)


def choose_language(step: Step, language: str) -> None:
    """Set the language, then continue where the person was."""
    step.fund.set_language(language)
    step.language = language
    step.say(m.LANGUAGE_SET)
    if step.profile.role is Role.STRANGER and step.state in JOINING:
        step.say(m.TERMS, **terms_params(step))
        step.go(State.READING_TERMS)
    elif step.state is State.CHOOSING_LANGUAGE:
        step.go(State.IDLE)


def terms_params(step: Step) -> dict[str, Param]:
    """The amounts the terms mention, from the fund's rates."""
    rates = step.fund.rates()
    return {"contribution": Money(rates.contribution_cents), "day_off": Money(rates.day_off_cents)}


def language_menu(step: Step) -> None:
    """LANGUAGE: the numbered list of languages."""
    step.say(m.LANGUAGE_MENU)
    step.go(State.CHOOSING_LANGUAGE)


def menu(step: Step) -> None:
    """MENU: what this person can do; it ends any open question."""
    follow_written_language(step)
    if step.profile.role is Role.WORKER:
        step.say(m.MENU_WORKER)
        step.go(State.IDLE)
    elif step.profile.role is Role.HOUSEHOLD:
        step.say(m.MENU_HOUSEHOLD)
        step.go(State.IDLE)
    else:
        step.say(m.WELCOME)
        step.go(State.CHOOSING_LANGUAGE)


def member_greets(step: Step) -> bool:
    """A member's hello ("hi", "hola", "bonjou", "kumusta"): she is shown her menu."""
    return step.reading.intent is Intent.GREETING and step.profile.role is not Role.STRANGER


def follow_written_language(step: Step) -> None:
    """A household, or someone not yet in the fund, is answered in the language it writes in,
    when its words say which (a worker picked hers, and keeps it)."""
    language = step.reading.language
    if step.profile.role is Role.WORKER or not language or language == step.language:
        return
    if step.profile.role is Role.HOUSEHOLD or step.state in (State.NEW, State.CHOOSING_LANGUAGE):
        step.fund.set_language(language)
        step.language = language


def picks_language(step: Step) -> bool:
    """A number from the language menu."""
    return step.reading.text in {str(n) for n in range(1, len(LANGUAGE_MENU_ORDER) + 1)}


def pick_language(step: Step) -> None:
    """1-5 in the language menu."""
    choose_language(step, LANGUAGE_MENU_ORDER[int(step.reading.text) - 1])


ANYWHERE: tuple[Rule, ...] = (
    rule("empty", no_text, only_text),
    rule("stop", intent(Intent.STOP), stop),
    rule("start", intent(Intent.START), start),
    rule("help", intent(Intent.HELP), help_),
    rule("language name", names_language, switch_language, State.READING_TERMS, State.IDLE),
    rule("language", intent(Intent.LANGUAGE), language_menu, State.CHOOSING_LANGUAGE),
    rule("menu", intent(Intent.MENU), menu, State.IDLE, State.CHOOSING_LANGUAGE),
    rule("hello", member_greets, menu, State.IDLE, State.CHOOSING_LANGUAGE),
)
