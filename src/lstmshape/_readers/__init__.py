"""Readers of windows.

The frozen ``WindowSource``, the loaders built on it, and the way back to the data's units.
"""
