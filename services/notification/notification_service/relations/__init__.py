"""Relations: the user service's blocks, mutes and suspensions, kept here so ingest can drop events."""
