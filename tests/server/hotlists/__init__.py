"""Tests for hot-list importers."""
