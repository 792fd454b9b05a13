"""Logs: JSON lines with the fields operators search on, phone numbers masked, bodies absent."""

import io
import json
import logging

import pytest

from bot.app import create_app
from bot.channel import inbox
from bot.infra.config import ConfigError, Settings
from bot.infra.logs import configure_logging, mask_phone_numbers
from tests.bot.webhook_client import Twilio

WORKER = "+12125550123"
HOUSEHOLD = "+12125550199"


@pytest.fixture
def restore_logging():
    """Put the root logger back as the test found it."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


class Lines:
    """Logging configured into a buffer; calling it returns the lines logged so far."""

    def __init__(self) -> None:
        self.buffer = io.StringIO()

    def configure(self, **settings) -> None:
        configure_logging(Settings(**settings), stream=self.buffer)

    def __call__(self) -> list[str]:
        return self.buffer.getvalue().splitlines()


@pytest.fixture
def lines(restore_logging):
    return Lines()


def test_a_json_line_has_time_level_logger_message_and_extra_fields(lines):
    lines.configure(log_format="json")
    logging.getLogger("bot.example").info("handed over %d notice(s)", 3, extra={"queue": "x"})
    (line,) = lines()
    record = json.loads(line)
    assert list(record)[:4] == ["time", "level", "logger", "message"]
    assert record["time"].endswith("Z") and record["time"][:2] == "20"
    assert record["level"] == "INFO" and record["logger"] == "bot.example"
    assert record["message"] == "handed over 3 notice(s)"
    assert record["queue"] == "x"


def test_an_exception_is_one_json_line_with_its_traceback(lines):
    lines.configure(log_format="json")
    try:
        raise RuntimeError("no route to +12125550123")
    except RuntimeError:
        logging.getLogger("bot.example").exception("delivery failed")
    (line,) = lines()
    record = json.loads(line)
    assert record["level"] == "ERROR"
    assert "RuntimeError: no route to +1******0123" in record["exc_info"]


def test_text_format_for_a_person_at_a_terminal(lines):
    lines.configure(log_format="text")
    logging.getLogger("bot.example").warning("redis unreachable")
    (line,) = lines()
    assert line.endswith("WARNING bot.example: redis unreachable")


def test_without_log_format_a_pipe_gets_json(lines):
    lines.configure()
    logging.getLogger("bot.example").info("hello")
    assert json.loads(lines()[0])["message"] == "hello"


def test_log_level_drops_what_is_below_it(lines):
    lines.configure(log_format="json", log_level="WARNING")
    logging.getLogger("bot.example").info("quiet")
    logging.getLogger("bot.example").warning("loud")
    assert [json.loads(line)["message"] for line in lines()] == ["loud"]


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("to +12125550123", "to +1******0123"),
        ("from whatsapp:+5511987654321", "from whatsapp:+5********4321"),
        ("GET /x?To=whatsapp%3A%2B12125550123&a=1", "GET /x?To=whatsapp%3A+1******0123&a=1"),
        ("call +1 (212) 555-0123 today", "call +1******0123 today"),
        ("already +1******0123", "already +1******0123"),
        ("attempts+1, offset +0200, id 42", "attempts+1, offset +0200, id 42"),
    ],
)
def test_phone_numbers_are_masked_wherever_they_hide(text, masked):
    assert mask_phone_numbers(text) == masked


def test_the_filter_masks_messages_arguments_and_extra_fields(lines):
    lines.configure(log_format="json")
    logging.getLogger("bot.example").warning(
        "no worker has the number %s",
        WORKER,
        extra={"to": f"whatsapp:{HOUSEHOLD}", "numbers": [WORKER], "nested": {"n": WORKER}},
    )
    (line,) = lines()
    assert "2125550123" not in line and "2125550199" not in line
    record = json.loads(line)
    assert record["message"] == "no worker has the number +1******0123"
    assert record["to"] == "whatsapp:+1******0199"
    assert record["numbers"] == ["+1******0123"] and record["nested"] == {"n": "+1******0123"}


def test_configuring_twice_keeps_one_handler_and_leaves_others_alone(restore_logging):
    root = logging.getLogger()
    foreign = logging.NullHandler()
    root.addHandler(foreign)
    configure_logging(Settings(), stream=io.StringIO())
    configure_logging(Settings(), stream=io.StringIO())
    ours = [h for h in root.handlers if getattr(h, "benefits_bot", False)]
    assert len(ours) == 1 and foreign in root.handlers


def test_log_settings_are_checked():
    settings = Settings.from_env({"LOG_FORMAT": "JSON", "LOG_LEVEL": "debug"})
    assert (settings.log_format, settings.log_level) == ("json", "DEBUG")
    assert Settings.from_env({}).log_format is None
    with pytest.raises(ConfigError, match="LOG_FORMAT"):
        Settings.from_env({"LOG_FORMAT": "xml"})
    with pytest.raises(ConfigError, match="LOG_LEVEL"):
        Settings.from_env({"LOG_LEVEL": "loud"})


# -- a conversation, end to end ------------------------------------------------------------

SECRET_WORDS = "Ana pays late, do not tell her 7781"


@pytest.fixture
def app(sqlite_url, restore_logging):
    app = create_app(Settings(database_url=sqlite_url))
    app.extensions["runtime"].print_notices = False
    yield app
    app.extensions["runtime"].close()


def test_a_conversation_leaves_no_body_and_no_full_number_in_the_logs(app, capsys, caplog):
    caplog.set_level(logging.DEBUG)
    twilio = Twilio(app)
    for text in ("hi", "1", "yes", "Maria", f"add {HOUSEHOLD} Ana", SECRET_WORDS):
        twilio.text(WORKER, text)
    twilio.text(f"whatsapp:{HOUSEHOLD}", "yes")
    forged = twilio.post(twilio.form(WORKER, SECRET_WORDS), signature="forged")
    assert forged.status_code == 403
    app.extensions["runtime"].drain()
    written = capsys.readouterr().err
    messages = [json.loads(line)["message"] for line in written.splitlines()]
    assert any("bad signature" in message for message in messages)  # logs do reach stderr
    for output in (written, caplog.text):
        assert SECRET_WORDS not in output and "do not tell her" not in output
        assert "2125550123" not in output and "2125550199" not in output


def test_a_failure_is_logged_with_its_traceback_and_masked_numbers(app, capsys, monkeypatch):
    def broken(_runtime, message, **_options):
        raise RuntimeError(f"lost track of {message.phone}")

    monkeypatch.setattr(inbox, "handle", broken)
    Twilio(app).text(WORKER, SECRET_WORDS)  # the person still gets an apology
    written = capsys.readouterr().err
    failure = next(json.loads(line) for line in written.splitlines() if "exc_info" in line)
    assert failure["level"] == "ERROR"
    assert "RuntimeError: lost track of +1******0123" in failure["exc_info"]
    assert "2125550123" not in written and SECRET_WORDS not in written
