"""Saved search areas (a district, a school zone) and the people restricted to areas and time windows (IV.B.4)."""
