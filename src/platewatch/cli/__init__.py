"""Command line: the `platewatch` program."""
