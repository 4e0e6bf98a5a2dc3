"""Governance of the program's data: retention and purging (V.D.3), legal holds (V.D.4)."""
