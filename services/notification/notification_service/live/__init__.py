"""Live: stored notifications fanned out to their recipient's server-sent event streams."""
