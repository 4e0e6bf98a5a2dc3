"""LPR equipment inventory (order V.A.3-7): what the department owns, where it is, its damage and its checks."""
