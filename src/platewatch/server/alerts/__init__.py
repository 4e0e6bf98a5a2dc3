"""Alerts: hits of reads on hot-list entries and their lifecycle (accept, verify, dispose)."""
