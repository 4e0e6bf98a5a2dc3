"""Unit agent: capture, tracking, local hot list, alerts and outbox."""
