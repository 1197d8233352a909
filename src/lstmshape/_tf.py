"""Kept for the modules that still import from here; the home is :mod:`._frameworks`."""

from __future__ import annotations

from ._frameworks import import_keras, import_tensorflow

__all__ = ["import_keras", "import_tensorflow"]
