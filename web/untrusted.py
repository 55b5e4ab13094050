"""Untrusted text (transcripts, titles, file names) made safe to show: on one line, and in Markdown
as written, with a backslash before only what Markdown would act on where it stands (CommonMark and
GitHub's tables and strikethrough), so "forty-two" and "3.0" stay as they are, and nothing becomes a
link, an image, HTML, a heading, a list, a quote, emphasis, code or a table (core.markdown.md_text)."""

from __future__ import annotations

import re

from core.markdown import md_text
from core.text import printable

_LINE_BREAKS = re.compile(r"[\t\n\u2028\u2029]+")  # what is left of line breaks once printable


def one_line(text: str) -> str:
    """A name or message to show on one line (a file name may hold a newline): no control character
    (core.text.printable), and its line breaks and tabs written as spaces."""
    return _LINE_BREAKS.sub(" ", printable(text))


def md_link(url: str | None) -> str:
    """An http(s) URL of ours as a Markdown autolink; anything else as text."""
    if url and url.startswith(("http://", "https://")) and not re.search(r"[\s<>]", url):
        return f"<{url}>"
    return md_text(url or "")
