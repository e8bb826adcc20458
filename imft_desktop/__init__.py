"""IMFT Desktop: cohort analysis of IHC, FISH and sequencing results with outcomes."""

__version__ = "0.1.0"
APP_NAME = "IMFT Desktop"
