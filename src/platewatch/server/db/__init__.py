"""Database: the one module family that owns SQLAlchemy engines, sessions and column types."""
