"""Indicators, one module per dimension, computed for all pairs and years."""
