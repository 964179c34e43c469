"""Relations: the user service's blocks, mutes, suspensions and erasures, kept so ingest can drop events."""
