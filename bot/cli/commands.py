"""The ``errcode`` command: the composition root, where settings, tables and I/O meet.

Every failure ends here: an :class:`~bot.errors.ErrcodeError` prints its message and
exits with its own code (2 for usage errors), and nothing prints a traceback.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bot.errors import ErrcodeError, UsageError

if TYPE_CHECKING:
    from bot.knowledge import KnowledgeBase

__all__ = ["app", "main"]

app = typer.Typer(
    help="Explain error codes: BlackBerry BEMS-Connect and NetEase CommsEase IM.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
knowledge_app = typer.Typer(help="Inspect and check the knowledge tables.", no_args_is_help=True)
app.add_typer(knowledge_app, name="knowledge")


class Language(StrEnum):
    """``errcode lookup --lang``: the language of the answer."""

    auto = "auto"
    en = "en"
    zh = "zh"


class ScanMode(StrEnum):
    channel = "channel"
    direct = "direct"


def _kb() -> KnowledgeBase:
    from bot.knowledge.loader import load_knowledge

    return load_knowledge()


# "-32601" is a code, not an option: options Click does not know reach the query, and
# lookup refuses those that are not numbers.
@app.command(context_settings={"ignore_unknown_options": True})
def lookup(
    query: Annotated[
        list[str], typer.Argument(help="Codes or words, e.g. 1027, 'bems 11001', 'wrong server'.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    lang: Annotated[
        Language,
        typer.Option(
            "--lang", help="auto: a Chinese question gets Chinese answers where an entry has them."
        ),
    ] = Language.auto,
) -> None:
    """Explain the codes a query names (exit 1 when nothing is found)."""
    unknown = [word for word in query if word.startswith("-") and not word[1:2].isdigit()]
    if unknown:
        raise UsageError(f"no such option: {unknown[0][:40]} (see errcode lookup --help)")
    text = " ".join(query).strip()
    if not text:
        raise UsageError("lookup needs a query, e.g. errcode lookup 1027")
    from bot.resolver import resolve

    resolution = resolve(text, _kb())
    if as_json:
        sys.stdout.write(json.dumps(resolution.to_dict(), ensure_ascii=False) + "\n")
    else:
        from bot.cli.console import print_resolution

        print_resolution(resolution, language=lang.value)
    if not resolution.found:
        raise typer.Exit(1)


@app.command()
def scan(
    file: Annotated[
        Path | None,
        typer.Argument(help="JSON lines: 'text', optional 'channel_product'; - or none: stdin."),
    ] = None,
    mode: Annotated[
        ScanMode, typer.Option(help="channel: auto-reply rules; direct: each text is a query.")
    ] = ScanMode.channel,
    explain: Annotated[
        bool,
        typer.Option(help="Channel mode: add each number weighed, its features and score."),
    ] = False,
) -> None:
    """Find code mentions in JSON lines, one JSON line out per line in."""
    from bot.cli.scan import run_scan

    kb = _kb()
    if file is None or str(file) == "-":
        run_scan(sys.stdin, sys.stdout, mode.value, kb, explain=explain)
        return
    try:
        with file.open(encoding="utf-8", errors="replace") as lines:
            run_scan(lines, sys.stdout, mode.value, kb, explain=explain)
    except OSError as exc:
        raise UsageError(f"cannot read {file}: {exc.strerror or exc}") from exc


@knowledge_app.command("dump")
def knowledge_dump() -> None:
    """Print every entry as one JSON array."""
    from bot.models import dump_dict

    kb = _kb()
    json.dump(
        [dump_dict(e.product, e.code) for e in kb.entries], sys.stdout, ensure_ascii=False, indent=1
    )
    sys.stdout.write("\n")


@knowledge_app.command("validate")
def knowledge_validate(
    directory: Annotated[
        Path | None, typer.Argument(help="A directory of tables; the bundled ones when omitted.")
    ] = None,
) -> None:
    """Check tables: every problem is listed (file, entry, reason); exit 1 if any."""
    from bot.knowledge.loader import bundled_dir, load_knowledge

    if directory is not None and directory.resolve() == bundled_dir().resolve():
        directory = None  # the bundled tables themselves, named by their path
    # A directory is checked beside the bundled tables, as `serve` and `lookup` load it,
    # so a product id that clashes with a bundled one is reported here, not at runtime.
    kb = load_knowledge(directory)
    if directory is not None:
        mine = {t.product.id for t in load_knowledge().tables}
        kb_tables = [t for t in kb.tables if t.product.id not in mine]
        products = ", ".join(f"{t.product.id} ({len(t.entries)})" for t in kb_tables)
        count = sum(len(t.entries) for t in kb_tables)
        typer.echo(f"ok: {count} entries in {len(kb_tables)} products: {products}")
        return
    products = ", ".join(f"{t.product.id} ({len(t.entries)})" for t in kb.tables)
    typer.echo(f"ok: {len(kb)} entries in {len(kb.tables)} products: {products}")


@knowledge_app.command("schema")
def knowledge_schema(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")
    ] = None,
) -> None:
    """Print the JSON schema of a knowledge file (knowledge/schema.json)."""
    from bot.knowledge.loader import table_schema

    text = json.dumps(table_schema(), indent=2, ensure_ascii=False) + "\n"
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")


@app.command()
def serve() -> None:
    """Run the Slack bot: Socket Mode when SLACK_APP_TOKEN is set, else HTTP."""
    from bot.cli.serve import main as serve_main

    serve_main(_kb())


@app.command()
def chat() -> None:
    """Talk to the bot in the terminal, as a DM would go."""
    from bot.cli.chat import main as chat_main

    chat_main(_kb())


@app.command()
def stats(
    team: Annotated[
        str | None, typer.Option(help="Workspace (team) id; all stored teams when omitted.")
    ] = None,
    days: Annotated[int, typer.Option(min=1, max=90, help="How many days back.")] = 7,
    feedback: Annotated[
        bool,
        typer.Option("--feedback", help="Entries by Helpful / Not helpful votes, with comments."),
    ] = False,
) -> None:
    """The most asked codes, and the unknown codes people asked for."""
    from bot.settings import load_store_settings
    from bot.store.factory import open_shared_store
    from bot.store.stats import cli_feedback, cli_stats

    store = open_shared_store(load_store_settings())
    typer.echo(cli_feedback(store, team) if feedback else cli_stats(store, team, days))


def main() -> None:
    """Entry point: run the command, map errors to exit codes, never show a traceback."""
    try:
        # Standalone mode: click reports its own usage errors and exits 2.
        app()
    except ErrcodeError as exc:
        typer.echo(f"errcode: {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # a bug: say so in one line rather than a traceback
        typer.echo(f"errcode: internal error: {type(exc).__name__}: {exc}", err=True)
        sys.exit(1)
