"""Analyses: pure functions from a cohort and parameters to result objects."""
