"""The map of reads and alarms (order IV.B.2)."""
