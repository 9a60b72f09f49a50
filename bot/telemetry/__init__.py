"""Observability: structured logs and Prometheus metrics. May import: the standard library,
``prometheus_client``.
"""

__all__: list[str] = []
