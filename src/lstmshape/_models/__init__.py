"""Keras 3 model factories and checks."""
