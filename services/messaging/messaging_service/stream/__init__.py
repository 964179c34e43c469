"""The messages table's stream: previews and notifications per new message (Lambda and local poller)."""
