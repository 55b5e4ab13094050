"""On Record: semantic search and cited answers over meeting transcripts."""
