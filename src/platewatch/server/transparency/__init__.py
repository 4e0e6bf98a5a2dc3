"""The public transparency report (issue 25): what the program did in a period, in figures the public may read."""
