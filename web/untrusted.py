"""Untrusted text (transcripts, titles, file names) made safe to show: on one line, and in Markdown
as written, with a backslash before only what Markdown would act on where it stands (CommonMark and
GitHub's tables and strikethrough), so "forty-two" and "3.0" stay as they are, and nothing becomes a
link, an image, HTML, a heading, a list, a quote, emphasis, code or a table (core.markdown.md_text)."""

from __future__ import annotations

import re

from core.markdown import md_text
from core.text import one_line

__all__ = ["md_link", "md_text", "one_line"]


def md_link(url: str | None) -> str:
    """An http(s) URL of ours as a Markdown autolink; anything else as text."""
    if url and url.startswith(("http://", "https://")) and not re.search(r"[\s<>]", url):
        return f"<{url}>"
    return md_text(url or "")
