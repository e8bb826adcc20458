"""Readers and writers: spreadsheets, delimited text, interop formats."""
