"""The speakers over HTTP, beside `POST /api/ask` and behind its log-in: a meeting's labels with the
names given and suggested (`GET /api/meetings/{id}/speakers`), names applied (`POST`, one of
`rename`, `accept`, `reset`), the names that look like one person (`GET /api/speakers/merges`), a
merge (`POST /api/speakers/merge`) and a person's meetings (`GET /api/speakers/person?name=`). The JSON
is that of `onrecord speakers --json`; an OnRecordError is a 400 with the CLI's one-line message."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Depends, FastAPI, HTTPException
from pydantic import BaseModel, Field

from core.errors import OnRecordError, QueryError
from library import Library


class SpeakersChange(BaseModel):
    """The body of `POST /api/meetings/{id}/speakers`: one of `rename` (label → name), `accept`, `reset`."""

    rename: dict[str, str] | None = Field(None, description="names given by hand: label → name")
    accept: bool = False
    reset: bool = False


class MergeRequest(BaseModel):
    """The body of `POST /api/speakers/merge`: the names that are one person, the person's name first."""

    names: list[str] = Field(min_length=2, max_length=20)


def meeting_speakers(library: Library, meeting_id: str) -> dict[str, Any]:
    return library.speakers(meeting_id).to_dict()


def change_speakers(library: Library, meeting_id: str, change: SpeakersChange) -> dict[str, Any]:
    """Names applied to a meeting's labels; the meeting's speakers as they are now."""
    asked = [bool(change.rename), change.accept, change.reset]
    if sum(asked) != 1:
        raise QueryError("give one of rename (label → name), accept or reset")
    if change.accept:
        library.accept_speakers(meeting_id)
    elif change.reset:
        library.reset_speakers(meeting_id)
    else:
        library.rename_speakers(meeting_id, change.rename or {})
    return meeting_speakers(library, meeting_id)


def merges(library: Library) -> dict[str, Any]:
    found = library.speaker_merges()
    return {"merges": [{"person": m.person, "names": list(m.names), "evidence": m.evidence} for m in found]}


def merge(library: Library, request: MergeRequest) -> dict[str, Any]:
    return {"person": library.merge_speakers(request.names), "names": request.names}


def person(library: Library, name: str) -> dict[str, Any]:
    return library.person(name).to_dict()


def answered(handle: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
    """A handler's JSON, or its OnRecordError as a 400 with the one-line message."""
    try:
        return handle(*args)
    except OnRecordError as error:
        raise HTTPException(400, str(error)) from None


def register(app: FastAPI, library: Library, check: Callable[..., None]) -> None:
    """The speakers' routes on the API app, each behind `check` (web.api's log-in)."""
    guarded = [Depends(check)]

    @app.get("/api/meetings/{meeting_id}/speakers", dependencies=guarded)
    def get_speakers(meeting_id: str) -> dict:
        """The same JSON as `onrecord speakers MEETING --json`."""
        return answered(meeting_speakers, library, meeting_id)

    @app.post("/api/meetings/{meeting_id}/speakers", dependencies=guarded)
    def post_speakers(meeting_id: str, change: SpeakersChange) -> dict:
        """Names applied (rename, accept or reset); nothing is embedded again."""
        return answered(change_speakers, library, meeting_id, change)

    @app.get("/api/speakers/merges", dependencies=guarded)
    def get_merges() -> dict:
        """The names that look like one person, with the reason."""
        return answered(merges, library)

    @app.post("/api/speakers/merge", dependencies=guarded)
    def post_merge(request: MergeRequest) -> dict:
        """The names made one person, library-wide (the first name's)."""
        return answered(merge, library, request)

    @app.get("/api/speakers/person", dependencies=guarded)
    def get_person(name: str) -> dict:
        """A person's meetings, share of each and words by topic."""
        return answered(person, library, name)
