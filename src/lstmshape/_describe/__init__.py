"""Describing windows: explain() and pictures."""
