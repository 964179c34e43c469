"""What moderation does to messages (internal, for the user service): find by id, hold, remove."""
