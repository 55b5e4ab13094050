"""Extractive answers: the transcript sentences that answer a question, found by a fitted model over their
signals, each cited to its turn."""
