"""Links to the media at a second."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_YOUTUBE = ("youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be", "music.youtube.com")


def deep_link(media_url: str | None, seconds: float | None) -> str | None:
    """The media URL at a second: `t=` for YouTube-style links, a `#t=` media fragment otherwise."""
    if not media_url:
        return None
    parts = urlsplit(media_url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None  # only web links: never javascript: or data: from an untrusted transcript
    if seconds is None:
        return urlunsplit(parts)
    second = max(int(seconds), 0)
    if parts.hostname in _YOUTUBE or (parts.hostname or "").endswith(".youtube.com"):
        query = [(key, value) for key, value in parse_qsl(parts.query, keep_blank_values=True) if key != "t"]
        query.append(("t", f"{second}s" if parts.hostname != "youtu.be" else str(second)))
        return urlunsplit(parts._replace(query=urlencode(query)))
    return urlunsplit(parts._replace(fragment=f"t={second}"))
