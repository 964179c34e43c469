"""People and their profiles: sign-up, the caller's profile, short profiles and the internal lookups."""
