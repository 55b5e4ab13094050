"""Turning chunks into a searchable store, and questions into hits and cited answers."""
