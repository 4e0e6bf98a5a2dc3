"""PlateWatch: license plate recognition, unit agent and operations server."""

__version__ = "0.1.0"
