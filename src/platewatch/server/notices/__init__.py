"""Notices that reach people (order V.C.1): e-mail over SMTP and a page, one per cause, repeated until acknowledged."""
