"""Tables in pasted output: the header of a number's column says what the number is.

People paste error tallies and traces as tables, pipe- or comma-delimited or aligned with
spaces::

    code    count   p50_ms          | method     | err  | seen |
    1027    1412    88              |------------|------|------|
    1028    377     1203            | acceptChat | 7000 | 41   |

A number under ``code``/``err``/``status`` is a code; one under ``count``, ``ms`` or
``id`` is not, whatever else is near it. Only short lines are read as rows (a table row
is never thousands of characters long), so the cost per number stays bounded.
"""

from __future__ import annotations

import re
from typing import Literal

from bot.scanner import words as vocab
from bot.text.grammar import is_cjk

__all__ = ["Column", "column_of"]

#: What a column header says of the numbers under it.
Column = Literal["code", "quantity"]

#: Longest line read as a table row or header.
MAX_ROW = 240
#: How many rows above a number are walked to find the header.
MAX_ROWS = 40
#: How far a space-aligned value may start from its header's first character.
ALIGN_SLACK = 3

_SEPARATOR = re.compile(r"[\s|:+=\-]*")
_CELL_GAP = re.compile(r"\S(?:\t|\s{2,})\S")
_NUMERIC_CELL = re.compile(r"(?<![^\s,|])-?\d+(?:\.\d+)?(?![^\s,|])")
_TOKEN = re.compile(r"\S+")
# What str.isspace() calls a space, found in C: a log line's "12:44:09,414" has one comma.
_SPACE = re.compile(r"\s")
_FENCE = "```"
# A column headed "errors" counts them; one headed "error" or "codes" names them.
_TALLIES = frozenset(("errors", "failures", "exceptions", "errs"))


def column_of(masked: str, start: int, line_start: int) -> Column | None:
    """What the header of the table column holding ``masked[start:]`` says, if anything."""
    # Look no further than a row can be long: a 40,000-character line is no table row,
    # and reading it whole for every number in it would cost quadratic time.
    limit = line_start + MAX_ROW + 2 * len(_FENCE) + 1
    line_end = masked.find("\n", start, limit)
    if line_end == -1:
        if len(masked) > limit:
            return None
        line_end = len(masked)
    row = masked[line_start:line_end]
    row_offset = 0
    fence = row.rfind(_FENCE, 0, start - line_start)
    if fence != -1:  # a row opening the block on the fence's line
        row_offset = fence + len(_FENCE)
        row = row[row_offset:]
    if len(row) > MAX_ROW or not _has_cells(row):
        return None
    column = start - line_start - row_offset
    if not _own_cell(row, column):
        return None
    header = _header_above(masked, line_start)
    if header is None:
        return None
    for delimiter, least in (("|", 2), (",", 1)):
        if row.count(delimiter) >= least and header.count(delimiter) == row.count(delimiter):
            cells = header.split(delimiter)
            index = row[:column].count(delimiter)
            return _kind(cells[index]) if index < len(cells) else None
    nearest: tuple[int, str] | None = None
    for m in _TOKEN.finditer(header):
        distance = 0 if m.start() <= column < m.end() else abs(m.start() - column)
        if distance <= ALIGN_SLACK and (nearest is None or distance < nearest[0]):
            nearest = (distance, m.group(0))
    return _kind(nearest[1]) if nearest else None


def _has_cells(line: str) -> bool:
    # A CSV export ("product,code,count") has cells too, some with spaces in them
    # ("2025-03-02 10:11"); prose puts a space after its commas.
    # Two columns have one comma: then nothing else may be in the line ("801,1005").
    commas = line.count(",")
    csv = commas >= 2 or (commas == 1 and not _SPACE.search(line.strip(" \t`")))
    csv = csv and ", " not in line and "，" not in line
    return line.count("|") >= 2 or csv or _CELL_GAP.search(line) is not None


_CELL_SPLIT = re.compile(r"\||,|\t|\s{2,}")
#: Most words a cell holding a value has, as a header cell's name ("1027 WRONG_SERVER").
_CELL_WORDS = 3


def _own_cell(row: str, column: int) -> bool:
    """Is the number at ``row[column:]`` a value of its column: in a short cell, not inside
    a cell of prose ("其它返回参数414错误" in a column of descriptions says nothing of 414)?"""
    start = 0
    for gap in _CELL_SPLIT.finditer(row):
        if gap.start() > column:
            cell = row[start : gap.start()]
            break
        start = gap.end()
    else:
        cell = row[start:]
    # A value's cell holds the number and a few words, a gloss in brackets at most: Chinese
    # words glued to it or beside it in the cell are prose ("其它返回参数 414 错误").
    words = _GLOSS.sub(" ", cell).split()
    return 0 < len(words) <= _CELL_WORDS and not any(is_cjk(c) for w in words for c in w)


#: A gloss in brackets beside a value ("408（超时）"): part of the value's cell, not prose.
_GLOSS = re.compile(r"[（(][^（()）\n]{0,16}[）)]")


#: What a column name never holds, and a log line often does: 'data:{"key":0}', 'x=1'.
_NOT_IN_HEADERS = frozenset('{}="[]')


def _header_like(line: str) -> bool:
    """Column names are short: "W  connect url host:443" is a log line, not a header."""
    if any(c in _NOT_IN_HEADERS for c in line):
        return False
    cells = [c.split() for c in _CELL_SPLIT.split(line.strip(" \t|`"))]
    return all(len(words) <= _CELL_WORDS for words in cells)


def _kind(cell: str) -> Column | None:
    if any(h in cell for h in vocab.ZH_QUANTITY_HEADERS):
        return "quantity"
    if any(h in cell for h in vocab.ZH_CODE_HEADERS):
        return "code"
    words = [w for w in re.split(r"[^a-z0-9]+", cell.lower()) if w]
    if any(w in _TALLIES for w in words):
        return "quantity"
    if any(w in vocab.CODE_WORDS or w in vocab.CODE_KEYS for w in words):
        return "code"
    if any(w in vocab.UNITS or w in vocab.COLUMN_QUANTITIES for w in words):
        return "quantity"
    return None


def _header_above(masked: str, line_start: int) -> str | None:
    """The header of the table a row belongs to: the nearest line above with cells and no
    numeric cell, past other rows and separator lines. A header may share its line with
    the opening fence and prose before it ("counts ```code  count"); it starts after it.
    """
    end = line_start - 1
    for _ in range(MAX_ROWS):
        if end < 0:
            return None
        top = masked.rfind("\n", 0, end) + 1
        line = masked[top:end]
        fence = line.rfind(_FENCE)
        content = line[fence + len(_FENCE) :] if fence != -1 else line
        if len(content) > MAX_ROW or not content.strip():
            return None  # a blank line, a bare fence or a paragraph ends the table
        if not _SEPARATOR.fullmatch(content):
            if not _has_cells(content):
                return None
            if not _NUMERIC_CELL.search(content):
                return content if _header_like(content) else None
            if fence != -1:
                return None  # the first row of the block: there is no header
        end = top - 1
    return None
