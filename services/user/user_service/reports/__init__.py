"""Reports: anyone signed in reports a crud, message or user; the owner service holds the evidence."""
