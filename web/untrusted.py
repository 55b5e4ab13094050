"""Untrusted text (transcripts, titles, file names) made safe to show: on one line, and in Markdown
as written, with a backslash before only what Markdown would act on where it stands (CommonMark and
GitHub's tables and strikethrough), so "forty-two" and "3.0" stay as they are, and nothing becomes a
link, an image, HTML, a heading, a list, a quote, emphasis, code or a table."""

from __future__ import annotations

import re

from core.text import printable

_LINE_BREAKS = re.compile(r"[\t\n\u2028\u2029]+")  # what is left of line breaks once printable

# Anywhere in a line: a backslash, code, emphasis, a link or image bracket, HTML or an autolink,
# a table cell, strikethrough, a character reference, an underscore that is not inside a word.
_ANYWHERE = re.compile(r"[\\`*\[\]<>|~]|&(?=#?\w+;)|(?<![^\W_])_|_(?![^\W_])")
# At the start of a line: a heading, a list item, a setext underline.
_LINE_START = re.compile(r"^(?:[#+=-]|\d+(?=[.)]))")


def one_line(text: str) -> str:
    """A name or message to show on one line (a file name may hold a newline): no control character
    (core.text.printable), and its line breaks and tabs written as spaces."""
    return _LINE_BREAKS.sub(" ", printable(text))


def md_text(text: str) -> str:
    """Text as Markdown that shows it as written, on one line."""
    line = _ANYWHERE.sub(lambda match: "\\" + match[0], " ".join(text.split()))
    start = _LINE_START.match(line)
    if start is None:
        return line
    if start[0].isdigit():  # "2024. Was it" is not an ordered list
        return f"{start[0]}\\{line[start.end() :]}"
    return "\\" + line


def md_link(url: str | None) -> str:
    """An http(s) URL of ours as a Markdown autolink; anything else as text."""
    if url and url.startswith(("http://", "https://")) and not re.search(r"[\s<>]", url):
        return f"<{url}>"
    return md_text(url or "")
