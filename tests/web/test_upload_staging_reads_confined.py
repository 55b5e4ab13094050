"""Staging an upload reads it as ingest reads a confined file (ingest.reading.read_bytes): a file in
Gradio's upload folder that is another file's second name (a hard link) is refused, its secret never
copied, and the refusal never names where anything lies."""

from __future__ import annotations

import os
import shutil

from tests.conftest import DATA


def test_a_hard_link_in_the_upload_folder_is_not_staged(tmp_path):
    from web.library_tab import stage_uploads

    cache, elsewhere = tmp_path / "gradio-cache", tmp_path / "elsewhere"
    (cache / "1").mkdir(parents=True)
    (cache / "2").mkdir()
    elsewhere.mkdir()
    (elsewhere / "secret.txt").write_text("Root: the password is swordfish.\n")
    os.link(elsewhere / "secret.txt", cache / "1" / "minutes.txt")  # the secret, under a name in the cache
    (cache / "2" / "notes.txt").write_text((DATA / "notes.txt").read_text())
    staged = stage_uploads([str(cache / "1" / "minutes.txt"), str(cache / "2" / "notes.txt")], 5, cache=cache)
    try:
        assert list(staged.names.values()) == ["notes.txt"]
        assert staged.refused == [
            ["minutes.txt", "failed", 0, 0, "it has other names (a hard link); choose the file again"]
        ]
        assert "swordfish" not in "".join(path.read_text() for path in staged.folder.iterdir())
        assert (elsewhere / "secret.txt").read_text().startswith("Root:")  # only the cache's name went
    finally:
        shutil.rmtree(staged.folder)
