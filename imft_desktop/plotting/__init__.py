"""Figures drawn on a matplotlib Axes the caller gives (never pyplot's global figure)."""
