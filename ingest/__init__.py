"""Turning transcript files into turns and retrieval chunks."""
