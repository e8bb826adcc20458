"""The cohort model: pure Python and pandas, no Qt, no plotting."""
