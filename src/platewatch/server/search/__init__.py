"""Search of reads: exact, partial (wildcards) and similar plates, by time, place, unit and camera."""
