"""Uploads in the browser: a file is named as the user named it (never by its private staged copy),
two files with one meeting id are refused as the command line refuses them, and only regular files
in Gradio's upload folder are read."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import DATA
from tests.web.test_ui import listed_meetings

COLLIDE_VTT = (
    "WEBVTT\n\n00:00:01.000 --> 00:00:05.000\n<v Ines Moreau>The ferry timetable changes in June.\n\n"
    "00:00:06.000 --> 00:00:09.000\n<v Tom Reyes>Then we print new timetables for the pier.\n"
)
COLLIDE_TXT = "Ines Moreau: The ferry timetable stays as it is.\nTom Reyes: Then the old timetables stay up.\n"


def upload(page, paths: list[Path], status: str) -> list[list[str]]:
    """Add files together in the Library tab; the rows of the results table once the status says `status`."""
    page.locator("#upload input[type=file]").set_input_files([str(path) for path in paths])
    page.wait_for_timeout(1000)
    page.locator("#add-button").click()
    page.wait_for_function(
        "(want) => (document.querySelector('#library-status')?.innerText || '').includes(want)", arg=status
    )
    rows = page.locator("#upload-results").evaluate(
        "(table) => [...table.querySelectorAll('.virtual-row')]"
        ".map((row) => [...row.querySelectorAll('[role=gridcell]')].map((cell) => cell.innerText.trim()))"
    )
    return [row[-5:] for row in rows]  # file, result, turns, chunks, message


def test_uploads_are_named_as_given_and_a_second_file_of_one_id_is_refused(page, served, tmp_path):
    library = served[1]
    files = {"collide.vtt": COLLIDE_VTT, "collide.txt": COLLIDE_TXT, "broken.vtt": (DATA / "broken.vtt").read_text()}
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    page.get_by_role("tab", name="Library").click()
    listed_meetings(page, library)
    try:
        for expected, status in (("added", "1 added or updated, 2 failed"), ("unchanged", "0 added or updated, 2")):
            rows = upload(page, [tmp_path / name for name in files], status)  # the first file keeps the id
            shown = repr(rows)
            assert "onrecord-upload" not in shown and "/tmp" not in shown, shown
            vtt, txt, broken = rows
            assert vtt[:2] == ["collide.vtt", expected], vtt
            assert txt[:2] == ["collide.txt", "failed"], txt
            assert txt[4].startswith("collide.txt: meeting id 'collide' is already used by collide.vtt (uploaded);")
            assert broken[:2] == ["broken.vtt", "failed"] and broken[4].startswith("broken.vtt:6: broken cue"), broken
            meeting = library.meeting("collide")
            assert meeting.source_path == "upload:collide.vtt" and meeting.format == "vtt"
    finally:
        if library.meeting("collide"):
            library.remove("collide")


def test_only_regular_files_in_the_upload_folder_are_staged(tmp_path):
    from gradio.utils import get_upload_folder

    from web.library_tab import stage_uploads

    cache = Path(get_upload_folder()) / "onrecord-test-links"
    cache.mkdir(parents=True, exist_ok=True)
    secret = tmp_path / "secret.txt"
    secret.write_text("Root: the password is swordfish.\n")
    link = cache / "minutes.txt"
    link.unlink(missing_ok=True)
    link.symlink_to(secret)  # a link in the upload folder to a file outside it
    (cache / "notes.txt").write_text((DATA / "notes.txt").read_text())
    staged = stage_uploads([str(link), str(secret), str(cache / "notes.txt")], limit_mb=5)
    try:
        assert sorted(staged.names.values()) == ["notes.txt"]
        assert [Path(path).parent for path in staged.names] == [staged.folder]
        assert [row[0] for row in staged.refused] == ["minutes.txt", "secret.txt"]
        assert all(row[1] == "failed" and "choose the file again" in row[4] for row in staged.refused)
        assert "swordfish" not in "".join(Path(path).read_text() for path in staged.names)
        assert secret.exists()  # a file outside the upload folder is never deleted
    finally:
        link.unlink(missing_ok=True)
        (cache / "notes.txt").unlink(missing_ok=True)
        cache.rmdir()


def test_a_name_holding_line_breaks_and_controls_stays_on_its_row(page, served):
    library = served[1]
    name = "ferry\u2028notes\x85\x9b31m.txt"  # Gradio keeps these: it drops only C0 controls from names
    page.get_by_role("tab", name="Library").click()
    listed_meetings(page, library)
    before = {meeting.meeting_id for meeting in library.meetings()}
    page.locator("#upload input[type=file]").set_input_files(
        [{"name": name, "mimeType": "text/plain", "buffer": COLLIDE_TXT.replace("ferry", "tram").encode()}]
    )
    page.wait_for_timeout(1000)
    page.locator("#add-button").click()
    try:
        page.wait_for_function(
            "() => (document.querySelector('#library-status')?.innerText || '').includes('1 added or updated')"
        )
        rows = page.locator("#upload-results").evaluate(
            "(table) => [...table.querySelectorAll('.virtual-row [role=gridcell]')].map((cell) => cell.textContent)"
        )
        shown = "".join(rows)
        assert "ferry notes.txt" in shown and not any(character in shown for character in "\u2028\x85\x9b\n"), rows
    finally:
        for meeting_id in {meeting.meeting_id for meeting in library.meetings()} - before:
            library.remove(meeting_id)


def test_one_line_drops_controls_and_writes_line_breaks_as_spaces():
    from web.untrusted import one_line

    assert one_line("board\nnotes\t2024\u2029.txt\x1b[31m") == "board notes 2024 .txt"


def test_each_files_progress_and_row_are_shown_as_it_goes(page, served, tmp_path):
    library = served[1]
    names = ["pier_a.txt", "pier_b.txt", "pier_c.txt"]
    for number, name in enumerate(names):
        (tmp_path / name).write_text(COLLIDE_TXT.replace("ferry", f"ferry number {number}"))
    page.get_by_role("tab", name="Library").click()
    listed_meetings(page, library)
    page.evaluate(
        """() => {
            window.__seen = new Set();
            const look = () => {
                for (const node of document.querySelectorAll('[data-testid=status-tracker], #library-status')) {
                    const text = node.innerText.trim();
                    if (text) window.__seen.add(text);
                }
            };
            new MutationObserver(look).observe(document.body, { childList: true, subtree: true, characterData: true });
        }"""
    )
    try:
        upload(page, [tmp_path / name for name in names], "3 added or updated")
        seen = "\n".join(page.evaluate("() => [...window.__seen]"))
        for number, name in enumerate(names, 1):  # each file named in turn while it is read and embedded
            assert f"{number}/3 {name}:" in seen, seen
        assert "1 of 3 done" in seen and "2 of 3 done" in seen, seen  # the rows came as each file was done
    finally:
        for name in names:
            if library.meeting(name.removesuffix(".txt")):
                library.remove(name.removesuffix(".txt"))


def test_a_files_reading_notice_is_in_its_row_without_the_private_path(tmp_path):
    from index.writer import UPLOAD, IngestResult
    from web.library_tab import result_row

    folder = tmp_path / "onrecord-upload-x"
    notice = f"{folder / 'old.txt'}: not UTF-8 (first bad byte on line 2); read as cp1252."
    result = IngestResult(UPLOAD + "old.txt", "added", "old", 3, 4, notices=(notice,))
    (name, status, _, _, message) = result_row(result, folder)
    assert name == "old.txt" and status == "added"
    assert "old.txt: not UTF-8" in message and str(tmp_path) not in message
