"""A person's account as a whole (issue 16, internal routes of the user service): erasure and export."""
