"""Reads: ingest from units and OpenALPR agents, storage, and the image store."""
