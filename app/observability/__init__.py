"""Operations: request ids and JSON logs, Prometheus metrics, scheduler heartbeats (docs/operations.md)."""
