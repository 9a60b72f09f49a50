"""The JSON fields errcode promises, written once for the tests that check them (issue 2)."""

#: Every entry's public fields, in a match (``lookup --json``) and in ``knowledge dump``.
ENTRY_FIELDS = frozenset(
    [
        "product",
        "product_name",
        "code",
        "text_code",
        "description",
        "categories",
        "severity",
        "retryable",
        "audience",
        "remediation",
        "see_also",
        "note",
        "description_zh",
        # knowledge v2 (issue 11)
        "cause",
        "actions",
        "retry",
        "escalate",
        "applies_to",
        "confidence",
        "cause_zh",
        "actions_zh",
        "escalate_zh",
        "reviewed",
    ]
)
#: A match adds how it was reached.
MATCH_FIELDS = ENTRY_FIELDS | {"match", "score"}
#: ``knowledge dump`` adds aliases, the source and the pages it rests on; no match or score.
DUMP_FIELDS = ENTRY_FIELDS | {"aliases", "source", "sources"}
