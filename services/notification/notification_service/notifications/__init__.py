"""A person's notifications: the list, the unread count, marking read (and the table they live in)."""
