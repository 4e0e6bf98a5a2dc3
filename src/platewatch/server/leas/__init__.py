"""LEAS documentation of LPR outcomes (order V.E.2f): hits and searches that led to a stop, arrest or recovery."""
