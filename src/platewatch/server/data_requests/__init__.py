"""The register of requests for LPR data (order V.D.6-9)."""
