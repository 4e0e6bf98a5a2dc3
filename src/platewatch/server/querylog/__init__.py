"""The Data Query Log (order V.D.8-9): append-only, hash-chained record of every data access."""
