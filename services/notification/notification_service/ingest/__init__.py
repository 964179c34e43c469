"""Ingest: other services' events become notifications (internal routes, idempotent by event id)."""
