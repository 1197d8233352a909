"""Foundations every layer may use.

Errors and their words, parameter checks, read-only arrays and the bound on copies, shapes
in words, and the one table of optional frameworks.
"""
