"""Reading confined to folders (ingest.reading.read_bytes with `within`): what is read is the file
whose place was checked, even while a link is being swapped under it."""

from __future__ import annotations

import os
import threading

import pytest

from core.errors import ParseError
from ingest.reading import read_bytes


def test_a_link_flipped_between_inside_and_outside_never_reads_outside(tmp_path):
    allowed, elsewhere = tmp_path / "allowed", tmp_path / "elsewhere"
    allowed.mkdir()
    elsewhere.mkdir()
    (allowed / "real.txt").write_bytes(b"inside")
    (elsewhere / "secret.txt").write_bytes(b"SECRET")
    link = allowed / "meeting.txt"
    link.symlink_to(allowed / "real.txt")
    stop = threading.Event()

    def flip() -> None:  # swap the link's target again and again, atomically (rename over it)
        targets = [elsewhere / "secret.txt", allowed / "real.txt"]
        while not stop.is_set():
            spare = allowed / ".spare"
            spare.symlink_to(targets[0])
            os.replace(spare, link)
            targets.reverse()

    flipper = threading.Thread(target=flip)
    flipper.start()
    read, refused = [], 0
    try:
        for _ in range(2000):
            try:
                read.append(read_bytes(link, [allowed]))
            except ParseError as error:
                assert "leads outside the folders allowed for reading" in str(error) or "replaced by a link" in str(
                    error
                )
                refused += 1
    finally:
        stop.set()
        flipper.join()
    assert set(read) == {b"inside"} and refused  # both happened; the secret never came back


def test_without_folders_links_are_followed_and_odd_files_refused(tmp_path):
    (tmp_path / "real.txt").write_bytes(b"hello")
    (tmp_path / "link.txt").symlink_to(tmp_path / "real.txt")
    assert read_bytes(tmp_path / "link.txt") == b"hello"
    assert read_bytes(tmp_path / "link.txt", [tmp_path]) == b"hello"  # a link inside is fine
    os.mkfifo(tmp_path / "pipe.txt")
    with pytest.raises(ParseError, match="pipe.txt: this is not a regular file"):
        read_bytes(tmp_path / "pipe.txt")  # refused at once, never waiting for a writer
    with pytest.raises(ParseError, match="folder: this is a directory"):
        (tmp_path / "folder").mkdir()
        read_bytes(tmp_path / "folder")
    with pytest.raises(ParseError, match="missing.txt: cannot be read: No such file"):
        read_bytes(tmp_path / "missing.txt")


def test_a_hard_link_inside_is_refused_with_folders_and_read_without(tmp_path):
    """A hard link is the secret file itself under a second name: its name inside proves nothing."""
    allowed, elsewhere = tmp_path / "allowed", tmp_path / "elsewhere"
    allowed.mkdir()
    elsewhere.mkdir()
    (elsewhere / "secret.txt").write_bytes(b"SECRET")
    os.link(elsewhere / "secret.txt", allowed / "hard.txt")
    (allowed / "own.txt").write_bytes(b"inside")
    with pytest.raises(ParseError) as refused:
        read_bytes(allowed / "hard.txt", [allowed])
    assert str(refused.value) == (
        f"{allowed / 'hard.txt'}: it has other names (a hard link); skipped (copy the file itself into the folder)"
    )
    assert "\n" not in str(refused.value)
    assert read_bytes(allowed / "own.txt", [allowed]) == b"inside"  # a file of one name is read
    assert read_bytes(allowed / "hard.txt") == b"SECRET"  # unconfined (the command line): read as before


def test_the_allowed_folder_swapped_for_a_link_after_it_was_resolved_leads_nowhere(tmp_path):
    """The folders are resolved once: the allowed folder renamed and a link to a folder outside put in
    its place, between the check and the read, neither lists nor reads what the link leads to."""
    from ingest.parsing import find_transcripts
    from ingest.reading import real_folders

    allowed, elsewhere = tmp_path / "allowed", tmp_path / "elsewhere"
    allowed.mkdir()
    elsewhere.mkdir()
    (allowed / "meeting.txt").write_bytes(b"Chair: inside")
    (elsewhere / "meeting.txt").write_bytes(b"Admin: SECRET")
    within = real_folders([allowed])
    assert find_transcripts([allowed], within).files == [allowed / "meeting.txt"]  # the check passes

    allowed.rename(tmp_path / "was_allowed")
    allowed.symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(ParseError, match="leads outside the folders allowed for reading"):
        read_bytes(allowed / "meeting.txt", within)
    found = find_transcripts([allowed], within)
    assert found.files == [] and [failure.path for failure in found.outside] == [str(allowed / "meeting.txt")]


def test_removing_inside_a_folder_swapped_for_a_link_deletes_nothing_elsewhere(tmp_path):
    """Gradio's copy of an upload is deleted by name in its folder as opened: the upload folder's
    subfolder swapped for a link to a folder outside, the file of that name outside stays."""
    from ingest.reading import real_folders, remove_inside

    cache, elsewhere = tmp_path / "cache", tmp_path / "elsewhere"
    (cache / "1").mkdir(parents=True)
    elsewhere.mkdir()
    (cache / "1" / "upload.txt").write_bytes(b"Ana: hi")
    (elsewhere / "upload.txt").write_bytes(b"precious")
    within = real_folders([cache])
    (cache / "1").rename(cache / "was_1")
    (cache / "1").symlink_to(elsewhere, target_is_directory=True)
    assert not remove_inside(cache / "1" / "upload.txt", within)
    assert (elsewhere / "upload.txt").read_bytes() == b"precious"

    (cache / "1").unlink()
    (cache / "was_1").rename(cache / "1")
    assert remove_inside(cache / "1" / "upload.txt", within) and not (cache / "1" / "upload.txt").exists()
    assert not remove_inside(cache, within, folder=True) and cache.exists()  # never the folder itself
    assert remove_inside(cache / "1", within, folder=True) and not (cache / "1").exists()
