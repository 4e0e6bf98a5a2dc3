"""People and units: accounts, roles, passwords, TOTP, sessions, unit API tokens."""
