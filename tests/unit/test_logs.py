"""Logging: JSON lines or text, each with its event id, and never a secret."""

from __future__ import annotations

import io
import json
import logging
import re
import threading
from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from bot.errors import ConfigError
from bot.telemetry.logs import Redactor, configure_logging, current_event_id, event_context

BOT_TOKEN = "xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx"
USER_TOKEN = "xoxp-1234567890-1234567890-1234567890-0123456789abcdef0123456789abcdef"
APP_TOKEN = "xapp-1-A0123456789-1234567890123-0123456789abcdef0123456789abcdef0123456789abcdef"
REFRESH_TOKEN = "xoxe.xoxp-1-Mi0yLTExMTExMTExMTExMTEtMjIyMjIyMjIyMjIy"
ROTATING_TOKEN = "xoxe-1-My0xLTExMTExMTExMTExMTEtMjIyMjIyMjIyMjIy"
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
REDIS_PASSWORD = "s3cr3t-redis-pw"

EVERY_SECRET = (
    BOT_TOKEN,
    USER_TOKEN,
    APP_TOKEN,
    REFRESH_TOKEN,
    ROTATING_TOKEN,
    SIGNING_SECRET,
    REDIS_PASSWORD,
)


@pytest.fixture
def buffer(monkeypatch: pytest.MonkeyPatch) -> Iterator[io.StringIO]:
    """Logging at DEBUG into a buffer; the root logger is restored afterwards."""
    for var in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET"):
        monkeypatch.delenv(var, raising=False)
    root = logging.getLogger()
    saved_level, saved_handlers = root.level, list(root.handlers)
    out = io.StringIO()
    yield out
    for handler in list(root.handlers):
        if handler not in saved_handlers:
            root.removeHandler(handler)
    root.setLevel(saved_level)


def _log_every_way(logger: logging.Logger) -> None:
    logger.debug("auth with %s", BOT_TOKEN)
    logger.debug("headers %r", {"Authorization": f"Bearer {USER_TOKEN}"})
    logger.info("socket mode app token " + APP_TOKEN)
    logger.info("refresh %s then %s", REFRESH_TOKEN, ROTATING_TOKEN)
    logger.warning("signature check with %s failed", SIGNING_SECRET)
    logger.error("redis at redis://:%s@10.0.0.5:6379/0 is down", REDIS_PASSWORD)
    logger.info("payload", extra={"body": {"token": BOT_TOKEN}, "note": f"t={APP_TOKEN}"})
    try:
        raise RuntimeError(f"Slack rejected token {BOT_TOKEN}")
    except RuntimeError:
        logger.exception("call failed")
    logger.critical("dump", stack_info=True)


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_no_secret_reaches_a_log_line_at_any_level(buffer: io.StringIO, fmt: str) -> None:
    configure_logging("debug", fmt, secrets=[SecretStr(SIGNING_SECRET)], stream=buffer)
    _log_every_way(logging.getLogger("slack_sdk.web.base_client"))
    output = buffer.getvalue()
    assert output.count("[REDACTED]") >= 8
    for secret in EVERY_SECRET:
        assert secret not in output
    # What kind of token it was stays readable.
    assert "xoxb-[REDACTED]" in output and "xapp-[REDACTED]" in output


def test_secrets_from_the_environment_are_redacted(
    buffer: io.StringIO, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "abcdef0123456789")
    configure_logging("info", "json", stream=buffer)
    logging.getLogger("x").info("secret is abcdef0123456789!")
    assert "abcdef0123456789" not in buffer.getvalue()


def test_json_lines_carry_the_event_id(buffer: io.StringIO) -> None:
    configure_logging("info", "json", stream=buffer)
    log = logging.getLogger("errcode.slack")
    log.info("before")
    with event_context("Ev0123ABCD"):
        assert current_event_id() == "Ev0123ABCD"
        log.info("answered %d codes", 2, extra={"channel": "C1"})
    log.warning("after")
    lines = [json.loads(line) for line in buffer.getvalue().splitlines()]
    assert [line["msg"] for line in lines] == ["before", "answered 2 codes", "after"]
    assert [line["event_id"] for line in lines] == [None, "Ev0123ABCD", None]
    assert lines[1]["level"] == "INFO" and lines[1]["logger"] == "errcode.slack"
    assert lines[1]["channel"] == "C1"
    assert lines[1]["ts"].endswith("+00:00")


def test_event_ids_do_not_leak_between_threads(buffer: io.StringIO) -> None:
    configure_logging("info", "json", stream=buffer)
    log = logging.getLogger("errcode.slack")

    def handle(event_id: str) -> None:
        with event_context(event_id):
            for _ in range(50):
                log.info(event_id)

    threads = [threading.Thread(target=handle, args=(f"Ev{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for line in buffer.getvalue().splitlines():
        entry = json.loads(line)
        assert entry["msg"] == entry["event_id"]


def test_json_exceptions_are_one_line(buffer: io.StringIO) -> None:
    configure_logging("info", "json", stream=buffer)
    try:
        1 / 0  # noqa: B018
    except ZeroDivisionError:
        logging.getLogger("x").exception("boom")
    (line,) = buffer.getvalue().splitlines()
    assert "ZeroDivisionError" in json.loads(line)["exc"]


def test_text_format_is_readable(buffer: io.StringIO) -> None:
    configure_logging("info", "text", stream=buffer)
    with event_context("Ev42"):
        logging.getLogger("errcode.store").warning("redis down")
    line = buffer.getvalue().strip()
    assert line.endswith("WARNING errcode.store [Ev42] redis down")
    # The time once, with its milliseconds once: 12:00:00.123, never 12:00:00,123.123.
    assert re.match(r"^\d\d:\d\d:\d\d\.\d{3} WARNING ", line), line


def test_auto_picks_json_off_a_terminal(buffer: io.StringIO) -> None:
    configure_logging("info", "auto", stream=buffer)
    logging.getLogger("x").info("hi")
    assert json.loads(buffer.getvalue())["msg"] == "hi"


def test_auto_picks_text_on_a_terminal(buffer: io.StringIO) -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty = Tty()
    configure_logging("info", "auto", stream=tty)
    logging.getLogger("x").info("hi")
    assert tty.getvalue().rstrip().endswith("INFO  x hi")


def test_configuring_twice_keeps_one_handler(buffer: io.StringIO) -> None:
    configure_logging("info", "json", stream=buffer)
    configure_logging("warning", "json", stream=buffer)
    logging.getLogger("x").info("dropped")
    logging.getLogger("x").warning("kept")
    assert [json.loads(x)["msg"] for x in buffer.getvalue().splitlines()] == ["kept"]


@pytest.mark.parametrize(("level", "fmt"), [("verbose", "json"), ("info", "xml")])
def test_bad_settings_are_config_errors(level: str, fmt: str) -> None:
    with pytest.raises(ConfigError):
        configure_logging(level, fmt)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/0"),
        ("rediss://user:pw123@host:6380", "rediss://user:[REDACTED]@host:6380"),
        ("client_secret=abc123&x=1", "client_secret=[REDACTED]&x=1"),
        ('{"access_token": "abc.def"}', '{"access_token": "[REDACTED]"}'),
        ("token_count=3", "token_count=3"),
        ("code 1027: SERVER_BUSY", "code 1027: SERVER_BUSY"),
        ("xoxb-[REDACTED]", "xoxb-[REDACTED]"),
    ],
)
def test_redactor_patterns(text: str, expected: str) -> None:
    assert Redactor()(text) == expected
