"""Uploads and downloads leave nothing behind: Gradio's copy of an upload, the answer files."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import DATA
from tests.web.test_ui import add_file, ask, choose


def test_an_uploads_cached_copy_is_deleted_once_added(page, tmp_path):
    from gradio.utils import get_upload_folder

    upload = tmp_path / "harbour notes.txt"  # a space: kept in the name, as the meeting id shows
    upload.write_text((DATA / "notes.txt").read_text().replace("grant", "stipend"))
    page.get_by_role("tab", name="Library").click()
    add_file(page, upload, "1 added or updated")
    assert "harbour notes" in page.locator("#meetings-table").inner_text()
    left = [path for path in Path(get_upload_folder()).rglob("*") if path.name == upload.name]
    assert left == [], f"Gradio's copy of the upload outlived it: {left}"
    choose(page, "remove-meeting", "harbour notes")
    page.locator("#remove-button").click()
    page.wait_for_function(
        "() => (document.querySelector('#library-status')?.innerText || '').includes('Removed harbour notes')",
        timeout=60_000,
    )


def test_answer_downloads_share_one_folder_and_are_pruned():
    from web.ask import KEPT_DOWNLOADS, Downloads

    downloads = Downloads()
    first = downloads.write("# the same answer")
    assert downloads.write("# the same answer") == first  # one file per answer, not a folder per click
    paths = {downloads.write(f"# answer {number}") for number in range(KEPT_DOWNLOADS + 10)}
    assert {path.parent for path in paths} == {downloads.folder}
    assert len(list(downloads.folder.glob("answer-*.md"))) == KEPT_DOWNLOADS


def test_asking_makes_no_new_temporary_folders(page):
    import tempfile

    before = set(Path(tempfile.gettempdir()).glob("onrecord-answer*"))
    for question in ("How much was the grant?", "Why did the offline launch move?"):
        ask(page, question)
        page.wait_for_selector("#answer-text, #answer-abstained", timeout=30_000)
        page.wait_for_timeout(500)
    assert set(Path(tempfile.gettempdir()).glob("onrecord-answer*")) == before
