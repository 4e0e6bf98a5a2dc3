"""Random audits of the use of LPR data (order V.D.10), documented on the server."""
