"""A user's account as the activity service keeps it: erasure (account deleted) and the data export's part."""
