"""The plan, framework-free.

One sample's framing, where samples start, which samples form each batch.
"""
