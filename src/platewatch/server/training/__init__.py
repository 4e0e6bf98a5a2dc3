"""Training records of the LPR program (order V.B.1f-h) and the rule that only trained people reach the data."""
