"""Plain data passed between errcode's layers: tables, entries, mentions, answers.

Knowledge is authored as data (in the spirit of ``http.HTTPStatus``): each
:class:`ErrorCode` states its facts once; what can be derived (labels, indexes,
normalised forms, the source reference) is computed, never stored.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    StringConstraints,
    ValidationError,
    model_validator,
)
from pydantic_core import ErrorDetails, InitErrorDetails, PydanticCustomError

__all__ = [
    "Action",
    "Audience",
    "Confidence",
    "Correction",
    "ErrorCode",
    "Match",
    "MatchKind",
    "Mention",
    "Product",
    "ProductMiss",
    "ProductTable",
    "Resolution",
    "Retry",
    "Severity",
    "Suggestion",
    "dump_dict",
    "entry_dict",
    "source_of",
]

_FROZEN = ConfigDict(frozen=True, extra="forbid")

CodeStr = Annotated[str, StringConstraints(pattern=r"^-?[0-9]{1,12}$")]
TextCode = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$")]
NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Step = Annotated[str, StringConstraints(strip_whitespace=True, min_length=20, max_length=600)]
# At least one CJK ideograph: a Chinese description with none is an English one misfiled.
ChineseText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, pattern=r"[\u3400-\u9fff]")
]
Url = Annotated[str, StringConstraints(pattern=r"^https?://[^\s]+$")]


class Severity(StrEnum):
    """How bad a code is; ``success`` codes are never auto-replied in channels."""

    SUCCESS = "success"
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


class Audience(StrEnum):
    """Who has to act on a code."""

    END_USER = "end_user"
    APP_DEVELOPER = "app_developer"
    SERVER_ADMIN = "server_admin"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


class Retry(StrEnum):
    """When the same request may be sent again (README: "Retry")."""

    #: Transient: retry as is, with backoff.
    NOW = "now"
    #: Retry once the cause is fixed.
    AFTER_FIX = "after_fix"
    #: The same request cannot succeed, or the outcome is final or already done.
    NEVER = "never"


class Confidence(StrEnum):
    """How an entry's cause and actions are known."""

    #: A source in ``sources`` says so.
    DOCUMENTED = "documented"
    #: Reasoned from the description; the reasoning is in ``cause``.
    INFERRED = "inferred"


class Action(BaseModel):
    """One remediation step and who takes it."""

    model_config = _FROZEN

    text: Step
    who: Audience


class MatchKind(StrEnum):
    """How a query reached an entry."""

    EXACT = "exact"
    TEXT_CODE = "text_code"
    ALIAS = "alias"
    FUZZY = "fuzzy"
    DESCRIPTION = "description"


class Product(BaseModel):
    """A product whose codes errcode knows."""

    model_config = _FROZEN

    #: Stable id used in answers and qualifiers ("bems", "commsease").
    id: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]{1,31}$")]
    #: Display name.
    name: NonEmpty
    vendor: NonEmpty
    #: What people type for the product ("NIM", "BlackBerry Connect"); matched case-insensitively.
    aliases: tuple[NonEmpty, ...] = ()
    #: The vendor table the entries come from.
    seed: str | None = None

    @property
    def short_name(self) -> str:
        """What people call it in a sentence: the first alias ("BEMS", "CommsEase")."""
        return self.aliases[0] if self.aliases else self.name


class ErrorCode(BaseModel):
    """One code of one product: the vendor's words plus our judgement."""

    model_config = _FROZEN

    code: CodeStr
    text_code: TextCode | None = None
    #: Other spellings that resolve to this entry (the seed's broken forms).
    aliases: tuple[NonEmpty, ...] = ()
    #: The vendor's text, with only run-together words and typos fixed.
    description: NonEmpty
    #: The vendor table's section headings.
    categories: tuple[NonEmpty, ...] = Field(min_length=1)
    severity: Severity
    #: Would retrying the same call later plausibly succeed?
    retryable: bool
    audience: Audience
    #: 1-5 concrete steps, written for this code.
    remediation: tuple[Step, ...] = Field(min_length=1, max_length=5)
    see_also: tuple[CodeStr, ...] = ()
    #: Where the vendor table is wrong, inconsistent or silent (an overlap, a caveat).
    note: NonEmpty | None = None
    #: The vendor's own Chinese description, verbatim (CommsEase publishes its tables in Chinese).
    description_zh: ChineseText | None = None
    #: Other Chinese wordings the vendor's own SDK docs give the code, verbatim ("500:未知错误"
    #: in node-nim's API comments, where the table says 服务器内部错误): how people quote it.
    wordings_zh: tuple[ChineseText, ...] = ()
    #: The pages or files the descriptions rest on.
    sources: tuple[Url, ...] = ()
    # -- knowledge v2 (issue 11): optional until every entry is rewritten ----------------
    #: Why it happens, 1-3 sentences.
    cause: NonEmpty | None = None
    #: 1-5 steps, each with who takes it.
    actions: tuple[Action, ...] = Field(default=(), max_length=5)
    retry: Retry | None = None
    #: When to take it to the vendor, and exactly what to collect (which log, where, ids).
    escalate: NonEmpty | None = None
    #: The platforms and versions the advice is for, and how steps differ between them.
    applies_to: tuple[NonEmpty, ...] = ()
    confidence: Confidence | None = None
    #: Our Chinese translations of ``cause``, ``actions`` and ``escalate`` (CommsEase),
    #: marked as ours wherever they are shown.
    cause_zh: ChineseText | None = None
    actions_zh: tuple[ChineseText, ...] = ()
    escalate_zh: ChineseText | None = None
    #: When the entry was last checked against its sources (YYYY-MM-DD).
    reviewed: date | None = None

    @model_validator(mode="after")
    def _escalation_speaks_the_language_of_the_cause(self) -> ErrorCode:
        # A Chinese answer shows cause_zh and actions_zh: its escalation must be Chinese too,
        # not the English text between two Chinese ones.
        if self.escalate_zh and not self.escalate:
            raise ValueError("escalate_zh translates escalate, so it needs escalate too")
        if self.cause_zh and self.escalate and not self.escalate_zh:
            raise ValueError(
                "an entry with cause_zh and escalate needs escalate_zh too, "
                "so a Chinese answer never shows English escalation text"
            )
        return self


class ProductTable(BaseModel):
    """One knowledge file: a product and its entries."""

    model_config = _FROZEN

    product: Product
    entries: tuple[ErrorCode, ...]

    @model_validator(mode="wrap")
    @classmethod
    def _codes_are_unique_and_linked(
        cls, data: Any, handler: ModelWrapValidatorHandler[ProductTable]
    ) -> ProductTable:
        # Wrapped rather than "after": duplicates and dangling see_also are read from the
        # input, so they are reported beside the entries' own field errors, not only once
        # those are fixed. Each error is located at its entry, so it is said once, there.
        links = _link_errors(data.get("entries") if isinstance(data, dict) else None)
        try:
            table = handler(data)
        except ValidationError as exc:
            raise ValidationError.from_exception_data(
                cls.__name__, [*map(_init_details, exc.errors()), *links]
            ) from None
        if links:
            raise ValidationError.from_exception_data(cls.__name__, links)
        # Checked here, not as a field constraint, so a table whose entries are invalid
        # is not also reported as empty.
        if not table.entries:
            raise ValueError("a table needs at least one entry")
        return table


def _link_errors(entries: object) -> list[InitErrorDetails]:
    """A code defined twice, and see_also naming a code the table lacks, at their entries."""
    if not isinstance(entries, list | tuple):
        return []
    links = [(index, *_code_and_see_also(entry)) for index, entry in enumerate(entries)]
    first: dict[str, int] = {}
    out: list[InitErrorDetails] = []
    for index, code, _ in links:
        if code is None:
            continue
        if code in first:
            reason = f"duplicate code: entry #{first[code] + 1} already defines {code}"
            out.append(_located(index, "code", code, "duplicate_code", reason))
        else:
            first[code] = index
    for index, _, see_also in links:
        for target in see_also:
            if target not in first:
                reason = f"code {target} is not in this table"
                out.append(_located(index, "see_also", target, "dangling_see_also", reason))
    return out


def _code_and_see_also(entry: object) -> tuple[str | None, list[str]]:
    # Entries arrive as YAML mappings from the loader, or as built ErrorCodes from code.
    if isinstance(entry, ErrorCode):
        return entry.code, list(entry.see_also)
    if not isinstance(entry, dict) or "code" not in entry:
        return None, []
    see_also = entry.get("see_also")
    return str(entry["code"]), [str(t) for t in see_also] if isinstance(see_also, list) else []


def _located(index: int, field: str, value: object, kind: str, reason: str) -> InitErrorDetails:
    return {
        "type": PydanticCustomError(kind, reason),
        "loc": ("entries", index, field),
        "input": value,
    }


def _init_details(error: ErrorDetails) -> InitErrorDetails:
    # The message is kept as written (no context to format), whatever the error's type.
    kind = PydanticCustomError(error["type"], error["msg"])
    return {"type": kind, "loc": error["loc"], "input": error["input"]}


class _Found(BaseModel):
    """An entry of a product, with how well it fits what was asked."""

    model_config = _FROZEN

    product: Product
    entry: ErrorCode
    #: 0-100: 100 for exact matches, lower for fuzzy and description matches.
    score: float

    @property
    def key(self) -> str:
        """``product:code``, as the corpus names entries."""
        return f"{self.product.id}:{self.entry.code}"


class Match(_Found):
    """An entry that answers a query or a mention, and how it was reached."""

    kind: MatchKind

    def to_dict(self) -> dict[str, Any]:
        return {
            **entry_dict(self.product, self.entry),
            "match": self.kind.value,
            "score": round(self.score, 1),
        }


class Suggestion(_Found):
    """A close entry offered when nothing matched well enough."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "product": self.product.id,
            "code": self.entry.code,
            "text_code": self.entry.text_code,
            "description": self.entry.description,
            "score": round(self.score, 1),
        }


class ProductMiss(BaseModel):
    """A code asked for under a product that lacks it, and the products that have it:
    "CommsEase has no 1027; BEMS 1027 is WRONG_SERVER"."""

    model_config = _FROZEN

    code: str
    product: Product
    elsewhere: tuple[Suggestion, ...]

    def message(self) -> str:
        found = "; ".join(
            f"{s.product.short_name} {self.code} is {s.entry.text_code or s.entry.description}"
            for s in self.elsewhere
        )
        return f"{self.product.short_name} has no {self.code}; {found}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "product": self.product.id,
            "elsewhere": [s.to_dict() for s in self.elsewhere],
            "message": self.message(),
        }


class Correction(BaseModel):
    """A typo the resolver corrected: ``SEVRER_BUSY`` was read as ``SERVER_BUSY``."""

    model_config = _FROZEN

    original: str
    corrected: str

    def to_dict(self) -> dict[str, str]:
        return {"original": self.original, "corrected": self.corrected}


class Resolution(BaseModel):
    """The answer to one query: matches, or suggestions when nothing matched."""

    model_config = _FROZEN

    query: str
    matches: tuple[Match, ...] = ()
    suggestions: tuple[Suggestion, ...] = ()
    corrections: tuple[Correction, ...] = ()
    #: Codes the query names that no table has ("1010", "FOO_BAR"), so the tables can grow.
    unknown: tuple[str, ...] = ()
    #: Codes asked for under a product that lacks them, which another product has.
    misses: tuple[ProductMiss, ...] = ()
    #: The query held more candidates than one message may have weighed
    #: (:data:`bot.text.budget.MAX_CANDIDATES`): only its first part was read.
    truncated: bool = False

    @property
    def found(self) -> bool:
        return bool(self.matches)

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "status": "found" if self.found else "not_found",
            "matches": [m.to_dict() for m in self.matches],
            "suggestions": [s.to_dict() for s in self.suggestions],
            "corrections": [c.to_dict() for c in self.corrections],
            "misses": [m.to_dict() for m in self.misses],
        }


class Mention(BaseModel):
    """A code mention the scanner found in a channel message."""

    model_config = _FROZEN

    #: Start and end offsets in the message text (end exclusive).
    span: tuple[int, int]
    #: The entries the mention resolves to, best first.
    matches: tuple[Match, ...]
    #: Why it was taken: "text code", "context word", "structure", "code formatting", "question".
    reason: str


def source_of(product: Product, entry: ErrorCode) -> str:
    """Where an entry comes from: the vendor table and its sections."""
    return f"{product.seed or product.id} › {', '.join(entry.categories)}"


def dump_dict(product: Product, entry: ErrorCode) -> dict[str, Any]:
    """An entry as ``errcode knowledge dump`` prints it: public fields, aliases and source."""
    return {
        **entry_dict(product, entry),
        "aliases": list(entry.aliases),
        "source": {"seed": product.seed, "sections": list(entry.categories)},
        "sources": list(entry.sources),
    }


def entry_dict(product: Product, entry: ErrorCode) -> dict[str, Any]:
    """The public fields of an entry, as ``--json`` and ``knowledge dump`` print them."""
    return {
        "product": product.id,
        "product_name": product.name,
        "code": entry.code,
        "text_code": entry.text_code,
        "description": entry.description,
        "categories": list(entry.categories),
        "severity": entry.severity.value,
        "retryable": entry.retryable,
        "audience": entry.audience.value,
        "remediation": list(entry.remediation),
        "see_also": list(entry.see_also),
        "note": entry.note,
        "description_zh": entry.description_zh,
        "cause": entry.cause,
        "actions": [{"text": a.text, "who": a.who.value} for a in entry.actions],
        "retry": entry.retry.value if entry.retry else None,
        "escalate": entry.escalate,
        "applies_to": list(entry.applies_to),
        "confidence": entry.confidence.value if entry.confidence else None,
        "cause_zh": entry.cause_zh,
        "actions_zh": list(entry.actions_zh),
        "escalate_zh": entry.escalate_zh,
        "reviewed": entry.reviewed.isoformat() if entry.reviewed else None,
    }
