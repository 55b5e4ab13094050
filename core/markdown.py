"""Untrusted text (a transcript's words, a title) written in Markdown as written: a backslash before
only what Markdown would act on where it stands (CommonMark and GitHub's tables and strikethrough), so
"forty-two" and "3.0" stay as they are, and nothing becomes a link, an image, HTML, a heading, a list,
a quote, emphasis, code or a table. Shared by the minutes' Markdown and the web's exports."""

from __future__ import annotations

import re

# Anywhere in a line: a backslash, code, emphasis, a link or image bracket, HTML or an autolink,
# a table cell, strikethrough, a character reference, an underscore that is not inside a word.
_ANYWHERE = re.compile(r"[\\`*\[\]<>|~]|&(?=#?\w+;)|(?<![^\W_])_|_(?![^\W_])")
# At the start of a line: a heading, a list item, a setext underline.
_LINE_START = re.compile(r"^(?:[#+=-]|\d+(?=[.)]))")


def md_text(text: str) -> str:
    """Text as Markdown that shows it as written, on one line."""
    line = _ANYWHERE.sub(lambda match: "\\" + match[0], " ".join(text.split()))
    start = _LINE_START.match(line)
    if start is None:
        return line
    if start[0].isdigit():  # "2024. Was it" is not an ordered list
        return f"{start[0]}\\{line[start.end() :]}"
    return "\\" + line
