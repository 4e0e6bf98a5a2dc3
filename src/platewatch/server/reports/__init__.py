"""Metrics reports on reads and alarms (order IV.B.3): counts only, never plates."""
