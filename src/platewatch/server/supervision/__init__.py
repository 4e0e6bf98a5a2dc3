"""Supervisors' duties (order V.E.2a, V.E.2b, V.E.2e, V.E.2g): officers assigned to units, and commands."""
