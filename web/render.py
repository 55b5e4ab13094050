"""HTML for the front end, and the Markdown of an answer. Transcript text and file names are
untrusted: every piece of them goes through html.escape (or, in Markdown, web.markdown.md_text), and
links are only ever http(s) links built by index.links."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

from answer.extractive.compose import ABSTENTION
from core.models import Answer, AnswerPart, Chapter, Citation, Meeting, Turn
from core.text import clock, word_spans
from index.keyword import terms
from web.untrusted import md_link, md_text, one_line

NOT_IN = "Not in these transcripts."
NOT_ANSWERED = "Not answered by these transcripts."
NEAREST = "The nearest passages are listed below; none of them answers the question well enough."
PARTLY = "the transcripts give what was asked for without its name or number."
WRITTEN = "Written by a language model; every sentence checked against the passages it cites."


def highlight(text: str, question: str) -> str:
    """Escaped text with the question's words (as stems) wrapped in <mark>."""
    wanted = set(terms(question))
    pieces, last = [], 0
    for match in word_spans(text):
        word = match.group()
        if wanted and set(terms(word)) & wanted:
            pieces.append(escape(text[last : match.start()]))
            pieces.append(f"<mark>{escape(word)}</mark>")
            last = match.end()
    pieces.append(escape(text[last:]))
    return "".join(pieces)


def answer_html(answer: Answer) -> str:
    """The answer with clickable [n] markers, or the visible 'not answered' state; what the
    transcripts give of what was asked, in words (`Answer.covers`); first, the question as read where
    a follow-up was read into another (a click puts it in the box, to edit and ask again), and which
    meeting the question's words were read as naming, where they named one."""
    read, resolved = escape(read_as(answer) or ""), escape(answer.resolved or "")
    return (
        (f'<div class="onrecord-readas" id="answer-readas" data-readas="{read}">Read as: <q>{read}</q>' if read else "")
        + (' <span class="onrecord-edit">edit</span></div>' if read else "")
        + (f'<div class="onrecord-resolved" id="answer-resolved">{resolved}</div>' if resolved else "")
        + _answer_body_html(answer)
    )


def read_as(answer: Answer) -> str | None:
    """The question as answered, where a follow-up was read against its thread into another; else None."""
    standalone = (answer.standalone or "").strip()
    return standalone if standalone and standalone != answer.question.strip() else None


def error_html(message: str) -> str:
    """A question that could not be asked (a date not written as a day...): the one-line message
    in the answer's place."""
    return f'<div class="onrecord-error" id="answer-error">{escape(one_line(message))}</div>'


def _answer_body_html(answer: Answer) -> str:
    if answer.abstained and any(part.n for part in answer.parts):  # what is missing, and what they say instead
        said = " ".join(escape(part.text) + "".join(f" {_cite_link(n)}" for n in part.markers) for part in answer.parts)
        return (
            f'<div class="onrecord-abstained" id="answer-abstained"><strong>{NOT_IN}</strong> '
            f'<span id="answer-why">{said}</span></div>'
        )
    if answer.abstained:
        why = answer.text.removeprefix(ABSTENTION).strip()  # what a factoid question's passages lack
        return (
            f'<div class="onrecord-abstained" id="answer-abstained"><strong>{NOT_ANSWERED}</strong> {NEAREST}'
            + (f' <span id="answer-why">{escape(why)}</span>' if why else "")
            + "</div>"
        )
    blocks = timeline_blocks(answer)
    body = "".join(
        f'<div class="onrecord-timeline-meeting" data-meeting="{escape(meeting_id)}">'
        f'<div class="onrecord-timeline-head">{escape(heading)}</div><p>{_parts_html(parts)}</p></div>'
        for meeting_id, heading, parts in blocks
    )
    body = body or _parts_html(answer.parts)
    support = (
        f'<div class="onrecord-support" id="answer-support">Support: <strong>{escape(answer.support)}</strong> '
        f"({SUPPORT_MEANING.get(answer.support, 'how likely the quotes answer the question')})</div>"
    )
    verbatim = ""
    if any(part.verbatim for part in answer.parts):  # fillers were left out: the words as spoken, one click away
        spoken = " ".join(
            escape(part.verbatim or part.text) + "".join(f" [{n}]" for n in part.markers) for part in answer.parts
        )
        verbatim = (
            '<details class="onrecord-verbatim" id="answer-verbatim"><summary>As spoken (with "um", "uh", '
            f"repeats)</summary>{spoken}</details>"
        )
    written = f'<div class="onrecord-written" id="answer-written">{WRITTEN}</div>' if answer.answerer == "llm" else ""
    checked = _verification_html(answer)
    covered = f'<div class="onrecord-coverage" id="answer-coverage"><strong>Partly answered:</strong> {PARTLY}</div>'
    covered = covered if answer.covers == "partial" else ""
    return f'<div class="onrecord-answer" id="answer-text">{body}</div>{covered}{verbatim}{written}{support}{checked}'


def _parts_html(parts: Sequence[AnswerPart]) -> str:
    return " ".join(escape(part.text) + "".join(f" {_cite_link(n)}" for n in part.markers) for part in parts)


def timeline_blocks(answer: Answer) -> list[tuple[str, str, list[AnswerPart]]]:
    """A timeline's parts by meeting, in the order they come: (meeting id, its heading "Title ·
    date", its parts less its own title line). A part's meeting is the one it names, else its
    citation's, else that of the part beside it. Empty for an answer that is not a timeline."""
    if answer.scope != "meetings" or answer.abstained:
        return []
    cited = {citation.n: citation.hit for citation in answer.citations}
    heads = {hit.chunk.meeting_id: (hit.title, hit.date) for hit in cited.values()}
    heads |= {m.meeting_id: (m.title, m.date) for m in answer.meetings}
    title_lines = {f"{title} ({day.isoformat()}):" if day else f"{title}:": key for key, (title, day) in heads.items()}
    meetings = [
        part.meeting or (cited[part.n].chunk.meeting_id if part.n in cited else title_lines.get(part.text))
        for part in answer.parts
    ]
    for i in range(1, len(meetings)):  # a part without its own: the meeting of the part before it
        meetings[i] = meetings[i] or meetings[i - 1]
    for i in range(len(meetings) - 2, -1, -1):  # leading parts: that of the part after them
        meetings[i] = meetings[i] or meetings[i + 1]
    blocks: dict[str, list[AnswerPart]] = {}
    for meeting_id, part in zip(meetings, answer.parts, strict=True):
        if part.n or title_lines.get(part.text) != meeting_id:  # its title line: the block's heading instead
            blocks.setdefault(meeting_id or "", []).append(part)
    grouped = []
    for meeting_id, parts in blocks.items():
        title, day = heads.get(meeting_id, (meeting_id, None))
        grouped.append((meeting_id, " · ".join([title, day.isoformat()] if day else [title]), parts))
    return grouped


def _verification_html(answer: Answer) -> str:
    """The notice (why a written answer was not shown, or that sentences were removed), and the
    removed sentences with their reasons behind it."""
    if not answer.notice:
        return ""
    removed = "".join(
        f"<li>{escape(check.sentence)} <em>({escape(check.reason or 'not supported')})</em></li>"
        for check in answer.dropped
    )
    if not removed:
        return f'<div class="onrecord-notice" id="answer-notice">{escape(answer.notice)}</div>'
    return (
        f'<details class="onrecord-notice" id="answer-notice"><summary>{escape(answer.notice)}</summary>'
        f"<ul>{removed}</ul></details>"
    )


UNCHECKED = "writing… (not yet checked)"


def streaming_html(text: str) -> str:
    """The language model's words as they come, outside the answer's box, greyed and labelled as not
    yet checked: none of them is the answer until the checked answer replaces them."""
    return (
        f'<div class="onrecord-streaming" id="answer-streaming"><div class="onrecord-unchecked">{UNCHECKED}</div>'
        f"<p>{escape(text)}</p></div>"
    )


SUPPORT_MEANING = {
    "strong": "the quoted passages match the question closely",
    "moderate": "the passages bear on the question; check the citations",
    "weak": "the nearest passages only partly match; read the citations before relying on it",
    "minutes": "chosen from the whole meeting: its summary, decisions or action items",
}


def _cite_link(n: int) -> str:
    return f'<a href="#" class="onrecord-cite" data-cite="{n}" title="open passage {n}">[{n}]</a>'


def answer_markdown(answer: Answer) -> str:
    """The answer and its citations as Markdown, for copying or downloading, saying what the page
    says around it (the meeting read as, a refusal, a written answer's note and removed sentences);
    transcript text in it stays text (no link, image, HTML or heading of its own)."""
    lines = [f"**Q:** {md_text(answer.question)}", ""]
    lines += [f"*Read as: {md_text(read_as(answer))}*", ""] if read_as(answer) else []
    lines += [f"*{md_text(answer.resolved)}*", ""] if answer.resolved else []
    lines += [*_answer_markdown_lines(answer), f"Support: {answer.support}", ""]
    for citation in answer.citations:
        hit, chunk = citation.hit, citation.hit.chunk
        where = md_text(hit.title) + (f" ({hit.date.isoformat()})" if hit.date else "")
        speakers = ", ".join(md_text(speaker) for speaker in citation.speakers)
        cells = (speakers, md_text(chunk.topic or ""), turns_label(citation), clock(citation.start))
        extra = " · ".join(part for part in (*cells, md_link(citation.url or hit.url)) if part)
        quoted = "\n".join(f"> {md_text(line)}" for line in citation.text.split("\n"))
        lines += [f"[{citation.n}] {where} — {extra}", "", quoted, ""]
    return "\n".join(lines)


def _answer_markdown_lines(answer: Answer) -> list[str]:
    def said(parts: Sequence[AnswerPart]) -> str:
        return " ".join(md_text(part.text) + "".join(f" [{n}]" for n in part.markers) for part in parts)

    if answer.abstained and any(part.n for part in answer.parts):
        return [f"**{NOT_IN}** {said(answer.parts)}", ""]
    if answer.abstained:
        why = md_text(answer.text.removeprefix(ABSTENTION).strip())
        return [f"**{NOT_ANSWERED}** {NEAREST}" + (f" {why}" if why else ""), ""]
    blocks = timeline_blocks(answer)
    lines = [line for _, heading, parts in blocks for line in (f"**{md_text(heading)}**", "", said(parts), "")]
    lines = lines or [said(answer.parts), ""]
    if answer.covers == "partial":
        lines += [f"**Partly answered:** {PARTLY}", ""]
    if answer.answerer == "llm":
        lines += [f"*{WRITTEN}*", ""]
    if answer.notice:
        why = [(md_text(check.sentence), md_text(check.reason or "not supported")) for check in answer.dropped]
        dropped = [f"- {sentence} ({reason})" for sentence, reason in why]
        lines += [f"*{md_text(answer.notice)}*", "", *dropped] + ([""] if dropped else [])
    return lines


def citation_cards(
    citations: Sequence[Citation], question: str, chapter_of: Callable[[Citation], Chapter | None] | None = None
) -> str:
    """The citations as cards; `chapter_of` gives each its chapter in the meeting."""
    cards = [_card(citation, question, chapter_of(citation) if chapter_of else None) for citation in citations]
    return "".join(cards) or "<p>No passages.</p>"


AUTO_MARK = '<span class="onrecord-auto" title="topic found automatically by On Record">auto</span>'


def chapter_line(chapter: Chapter) -> str:
    """ "Chapter 2 · 0:00:53 · Label", with a quiet mark for a topic found automatically."""
    when = f" · {clock(chapter.start)}" if chapter.start is not None else ""
    mark = f" {AUTO_MARK}" if chapter.source == "auto" else ""
    return f"Chapter {chapter.n}{when} · {escape(chapter.topic or '(no topic)')}{mark}"


def chapters_html(chapters: Sequence[Chapter]) -> str:
    """A meeting's chapters as a list to click: time, label, speakers and summary."""
    if not chapters:
        return ""
    rows = ['<div class="onrecord-chapters-head">Chapters · click one to read its turns</div>']
    for c in chapters:
        summary = f'<div class="onrecord-chapter-summary">{escape(c.summary)}</div>' if c.summary else ""
        speakers = escape(", ".join(c.speakers[:4]))
        rows.append(
            f'<div class="onrecord-chapter" data-chapter="{c.n}">{chapter_line(c)}'
            f'<span class="onrecord-chapter-speakers"> — {speakers}</span>{summary}</div>'
        )
    return "".join(rows)


def turns_label(citation: Citation) -> str:
    first, last = citation.turn_start, citation.turn_end
    return f"turn {first}" if first == last else f"turns {first}-{last}"


def _card(citation: Citation, question: str, chapter: Chapter | None = None) -> str:
    """A citation: who said it, where and when, the cited turn's words; its passage as context."""
    n, hit, chunk = citation.n, citation.hit, citation.hit.chunk
    speakers = ", ".join(citation.speakers) or "no speaker named"
    when = f" · {clock(citation.start)}" if citation.start is not None else ""
    date = f" ({hit.date.isoformat()})" if hit.date else ""
    topic = f'<div class="onrecord-topic">{escape(chunk.topic)}</div>' if chunk.topic else ""
    if chapter is not None:
        topic = f'<div class="onrecord-topic">{chapter_line(chapter)}</div>'
    url = citation.url or hit.url
    opened = f'<a href="{escape(url)}" target="_blank" rel="noopener noreferrer">' if url else ""
    link = f" · {opened}media at {clock(citation.start) or 'start'}</a>" if url else ""
    text = "<br>".join(highlight(line, question) for line in citation.text.split("\n"))
    context = ""
    if citation.turns:
        passage = "<br>".join(highlight(line, question) for line in chunk.text.split("\n"))
        context = (
            f'<details class="onrecord-context"><summary>in the passage of turns {chunk.turn_start}–'
            f"{chunk.turn_end}</summary>{passage}</details>"
        )
    return (
        f'<div class="onrecord-card" data-cite="{n}" id="card-{n}">'
        f'<div class="onrecord-card-head"><span class="onrecord-n">[{n}]</span> '
        f'<span class="onrecord-speakers">{escape(speakers)}</span> — '
        f'<span class="onrecord-title">{escape(hit.title)}{escape(date)}</span>{when}{link}</div>'
        f'{topic}<div class="onrecord-passage">{text}</div>{context}'
        f'<div class="onrecord-turns">{turns_label(citation)}'
        " · click to open the transcript here</div></div>"
    )


def transcript_html(
    meeting: Meeting | None, turns: Sequence[Turn], marked: range | None = None, media_url_at=None, question: str = ""
) -> str:
    """Turns as a readable transcript; the `marked` turns highlighted, with an anchor on the first."""
    if meeting is None:
        return "<p>Choose a meeting.</p>"
    date = f" · {meeting.date.isoformat()}" if meeting.date else ""
    rows = [
        f'<div class="onrecord-meeting-head"><strong>{escape(meeting.title)}</strong>'
        f"{escape(date)} · {escape(meeting.meeting_id)}</div>"
    ]
    topic = object()
    for turn in turns:
        if turn.topic != topic:
            topic = turn.topic
            mark = f" {AUTO_MARK}" if turn.topic_source == "auto" else ""
            rows.append(f'<div class="onrecord-topic-head">{escape(topic or "(no topic)")}{mark}</div>')
        cited = marked is not None and turn.index in marked
        classes = "onrecord-turn onrecord-cited" if cited else "onrecord-turn"
        anchor = ' id="cited-turn"' if cited and turn.index == marked.start else ""
        who = escape(turn.canonical_speaker or ("Question" if turn.is_question else ""))
        when = clock(turn.start)
        link = ""
        if media_url_at is not None and turn.start is not None:
            url = media_url_at(turn.start)
            if url:
                link = f' <a href="{escape(url)}" target="_blank" rel="noopener noreferrer">▶ {when}</a>'
        elif when:
            link = f' <span class="onrecord-time">{when}</span>'
        text = highlight(turn.text, question) if question else escape(turn.text)
        rows.append(
            f'<div class="{classes}" data-turn="{turn.index}"{anchor}><span class="onrecord-index">{turn.index}</span> '
            f"<b>{who}</b>{link}<div>{text}</div></div>"
        )
    return "".join(rows)


CSS = """
.onrecord-answer { font-size: 1.05em; line-height: 1.55; }
.onrecord-cite { font-weight: 600; text-decoration: none; cursor: pointer; }
.onrecord-support { font-size: 0.85em; color: #556; margin-top: 0.4em; }
.onrecord-verbatim { font-size: 0.85em; color: #556; margin-top: 0.3em; }
.onrecord-coverage { background: #eef4ff; border-left: 4px solid #4a7bd0; padding: 0.4em 0.9em; margin-top: 0.4em; }
.onrecord-resolved { font-size: 0.9em; color: #445; margin-bottom: 0.4em; }
.onrecord-readas { font-size: 0.9em; color: #335; margin-bottom: 0.4em; cursor: pointer; }
.onrecord-edit { font-size: 0.85em; color: #4a7bd0; text-decoration: underline; }
.onrecord-error { background: #fdecea; border-left: 4px solid #d93025; padding: 0.6em 0.9em; color: #333; }
.onrecord-timeline-meeting { margin-bottom: 0.6em; } .onrecord-timeline-meeting p { margin: 0.2em 0 0; }
.onrecord-timeline-head { font-weight: 700; color: #335; }
.onrecord-abstained { background: #fff4e5; border-left: 4px solid #f0a020; padding: 0.6em 0.9em; color: #333; }
.onrecord-pending { color: #556; font-style: italic; }
#thread:not(:has(.onrecord-thread)), #answer-draft:not(:has(.onrecord-streaming)) { display: none; }
.onrecord-streaming { color: #889; border: 1px dashed #ccd; border-radius: 6px; padding: 0.4em 0.8em; }
.onrecord-unchecked { font-size: 0.8em; text-transform: uppercase; letter-spacing: 0.05em; }
.onrecord-exchange { border-bottom: 1px solid #e4e7ee; padding-bottom: 0.6em; margin-bottom: 0.6em; }
.onrecord-thread-q { font-weight: 700; color: #223; margin: 0.3em 0; }
.onrecord-thread-cite { font-size: 0.85em; color: #556; cursor: pointer; } .onrecord-thread-cite:hover { color: #000; }
.onrecord-card { border: 1px solid #d8dde6; border-radius: 8px; padding: 0.6em 0.8em; margin: 0.5em 0;
  cursor: pointer; }
.onrecord-card:hover { border-color: #6b8afd; } .onrecord-card-head { font-size: 0.92em; color: #445; }
.onrecord-n { font-weight: 700; } .onrecord-topic { font-size: 0.85em; color: #667; margin: 0.2em 0; }
.onrecord-passage { margin-top: 0.3em; white-space: normal; }
.onrecord-index { color: #99a; font-size: 0.8em; margin-right: 0.3em; }
.onrecord-context { font-size: 0.85em; color: #556; margin-top: 0.3em; }
.onrecord-turn { padding: 0.35em 0.5em; border-radius: 6px; }
.onrecord-cited { background: #fff7c2; border-left: 4px solid #e0b000; }
.onrecord-topic-head { font-weight: 700; margin-top: 0.8em; color: #335; }
.onrecord-meeting-head { margin-bottom: 0.5em; } .onrecord-turns { font-size: 0.8em; color: #889; margin-top: 0.3em; }
.onrecord-auto { font-size: 0.75em; color: #889; border: 1px solid #ccd; border-radius: 4px; padding: 0 3px; }
.onrecord-chapters-head { font-size: 0.85em; color: #667; margin-bottom: 0.3em; }
.onrecord-chapter { padding: 0.35em 0.5em; border-radius: 6px; cursor: pointer; border: 1px solid transparent; }
.onrecord-chapter:hover { border-color: #6b8afd; } .onrecord-chapter-speakers { font-size: 0.85em; color: #667; }
.onrecord-minutes { border: 1px solid #dde; border-radius: 8px; padding: 0.5em 0.8em; margin-bottom: 0.8em; }
.onrecord-minutes h3 { margin: 0.1em 0 0.3em; } .onrecord-minutes h4 { margin: 0.6em 0 0.2em; }
.onrecord-minute { font-weight: 600; text-decoration: none; cursor: pointer; }
.onrecord-minutes-speakers { font-size: 0.85em; color: #667; margin-top: 0.4em; }
.onrecord-chapter-summary { font-size: 0.9em; color: #334; margin-top: 0.15em; }
mark { background: #ffe066; padding: 0 1px; }
"""

# Clicking a [n] marker or a citation card asks the server for the transcript at that passage:
# the number goes into a hidden textbox and a hidden button is pressed.
JS = """
() => {
  document.addEventListener('click', (event) => {
    if (event.target.closest('a[target="_blank"]')) return;  // media links open as links
    const reading = event.target.closest('[data-readas]');  // "Read as: ...": into the box, to edit and ask
    const question = document.querySelector('#question textarea, #question input');
    if (reading && question) {
      question.value = reading.dataset.readas; question.dispatchEvent(new Event('input', { bubbles: true }));
      question.focus(); return;
    }
    const chapter = event.target.closest('[data-chapter]');
    const minute = event.target.closest('[data-turn]');
    const target = chapter || minute || event.target.closest('[data-cite]');
    if (!target) return;
    event.preventDefault();
    const which = chapter ? 'open-chapter' : minute ? 'open-turn' : 'open-cite';
    const box = document.querySelector(`#${which} textarea, #${which} input`);
    const button = document.querySelector(`#${which}-button`);
    if (!box || !button) return;
    box.value = chapter ? chapter.dataset.chapter : minute ? minute.dataset.turn : target.dataset.cite;
    box.dispatchEvent(new Event('input', { bubbles: true }));
    setTimeout(() => button.click(), 50);
  });
  const observer = new MutationObserver(() => {
    const cited = document.querySelector('#transcript-view #cited-turn, #browse-view #cited-turn');
    if (cited && !cited.dataset.scrolled) { cited.dataset.scrolled = '1'; cited.scrollIntoView({ block: 'center' }); }
  });
  observer.observe(document.body, { childList: true, subtree: true });
}
"""
