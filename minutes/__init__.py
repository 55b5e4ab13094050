"""A meeting's minutes, from its turns and chapters alone (no store, no model call): the summary
(`minutes.summary`, one recipe in `minutes.build.summary_of`), the decisions and action items
(`minutes.items`, over the sentence features of `minutes.features` and the ballots of
`minutes.ballots`) and their Markdown (`minutes.markdown`). Stands on `ingest/` and `core/` only."""
