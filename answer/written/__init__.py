"""Written answers: the user's language model writes from the retrieved turns, and every sentence it writes is
checked against the turns it cites."""
