"""Reading a question before anything is retrieved: its scope (one fact, a whole meeting, a subject across
meetings) and the meetings its words name."""
