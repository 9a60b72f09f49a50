"""Observability: ``logs`` (JSON or text lines, secret redaction, the event id of each line)
and ``metrics`` (Prometheus counters and histograms, served at ``GET /metrics``).

May import: :mod:`bot.errors`, the standard library, ``prometheus_client``.
"""

__all__: list[str] = []
