"""Lambda handlers of the messaging domain."""
