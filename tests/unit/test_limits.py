"""Connection limits of the HTTP transport: the cap's arithmetic, the accept-error filter."""

from __future__ import annotations

import errno
import logging

import pytest

from bot.transports.limits import BACKLOG, RESERVED_FILES, OncePerSecond, connection_cap


@pytest.mark.parametrize(
    ("requested", "open_files", "cap"),
    [
        (None, 1024, 1024 - BACKLOG - RESERVED_FILES),
        (100, 1024, 100),
        (5000, 1024, 1024 - BACKLOG - RESERVED_FILES),
        (None, 64, 1),
    ],
    ids=["from the limit", "asked lower", "asked too high", "tiny limit"],
)
def test_the_cap_stays_below_the_open_files_limit(
    requested: int | None, open_files: int, cap: int
) -> None:
    assert connection_cap(requested, open_files) == cap


def test_the_cap_of_this_process_is_below_its_limit() -> None:
    import resource

    soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    assert connection_cap() < soft


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _accept_error() -> logging.LogRecord:
    error = OSError(errno.EMFILE, "Too many open files")
    return logging.LogRecord(
        "asyncio",
        logging.ERROR,
        __file__,
        1,
        "socket.accept() out of system resource\nsocket: <socket>",
        None,
        (OSError, error, None),
    )


def test_accept_errors_are_logged_once_a_second_with_a_count() -> None:
    clock = Clock()
    quiet = OncePerSecond(clock=clock)
    passed = [quiet.filter(_accept_error()) for _ in range(2800)]
    assert passed.count(True) == 1
    clock.now += 1.0
    record = _accept_error()
    assert quiet.filter(record)
    assert "2799 more in the last second not logged" in record.getMessage()
    assert "Too many open files" in record.getMessage() and record.exc_info is None


def test_other_records_pass() -> None:
    record = logging.LogRecord("asyncio", logging.ERROR, __file__, 1, "other", None, None)
    assert all(OncePerSecond(clock=Clock()).filter(record) for _ in range(3))
