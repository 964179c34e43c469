"""Moderation: the report queue, resolving reports (dismiss, remove, suspend), unsuspension, the audit log."""
