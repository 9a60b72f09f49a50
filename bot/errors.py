"""The one exception tree of errcode; each error knows its exit code.

    ErrcodeError            base; exit code 1
    ├── UsageError          bad command-line input; exit code 2
    ├── ConfigError         a missing or malformed setting; exit code 2
    ├── KnowledgeError      a knowledge file that does not validate; exit code 1
    └── Busy                the worker queue is full (bot.slack.workers); never reaches the CLI

Like click's ``ClickException``, an error carries the exit code the command line
should end with, so ``cli.py`` maps every failure in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ConfigError", "ErrcodeError", "KnowledgeError", "Problem", "UsageError"]


class ErrcodeError(Exception):
    """Base of every error errcode raises on purpose."""

    #: The process exit code when this error ends a command.
    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(ErrcodeError):
    """The command line was used wrongly."""

    exit_code = 2


class ConfigError(ErrcodeError):
    """A setting is missing or malformed; names the setting, never its value."""

    exit_code = 2


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in a knowledge file: where it is, and why."""

    #: The file the problem is in.
    file: str
    #: The entry ("code 1027", "entry #3") or "product"/"file" for file-level problems.
    entry: str
    #: What is wrong, in words a table author can act on.
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: {self.entry}: {self.reason}"


class KnowledgeError(ErrcodeError):
    """One or more knowledge files do not validate; lists every problem at once."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = tuple(problems)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the knowledge tables:"
        super().__init__("\n".join([head, *(f"  {p}" for p in self.problems)]))
