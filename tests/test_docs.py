"""The docs: a README that stays a door (short, its links alive) and a site whose every page is in
mkdocs.yml's nav. `make docs` builds the site with warnings as errors, which checks the links
between docs pages; these tests check what that build does not see."""

from __future__ import annotations

import re
import unicodedata

from tests.conftest import ROOT

README = ROOT / "README.md"
DOCS = ROOT / "docs"
MOST_README_LINES = 150
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def relative_links(markdown: str) -> list[str]:
    """The link targets of a Markdown text that point into the repository (not a URL, not a bare anchor)."""
    return [target for target in LINK.findall(markdown) if not re.match(r"[a-z][a-z0-9+.-]*:|#", target)]


def anchors(markdown: str) -> set[str]:
    """The anchors MkDocs makes of a page's headings (its toc extension's slugify)."""
    found = set()
    prose = re.sub(r"^```.*?^```", "", markdown, flags=re.MULTILINE | re.DOTALL)  # a `# comment` in code is no heading
    for heading in re.findall(r"^#{1,6}\s+(.+?)\s*$", prose, re.MULTILINE):
        text = unicodedata.normalize("NFKD", heading.replace("`", "")).encode("ascii", "ignore").decode()
        found.add(re.sub(r"[-\s]+", "-", re.sub(r"[^\w\s-]", "", text).strip().lower()))
    return found


def nav_pages() -> set[str]:
    """The pages mkdocs.yml's nav lists, as paths under docs/."""
    return set(re.findall(r":\s*(\S+\.md)\s*$", (ROOT / "mkdocs.yml").read_text(), re.MULTILINE))


def test_the_readme_is_a_door_not_the_house():
    lines = README.read_text().splitlines()
    assert len(lines) <= MOST_README_LINES, (
        f"README.md has {len(lines)} lines; keep it to {MOST_README_LINES} and move the rest to a page under docs/"
    )


def test_every_relative_link_in_the_readme_points_to_a_file_that_exists():
    text = README.read_text()
    links = relative_links(text)
    assert any(link.startswith("docs/") for link in links), "the README should link to the docs pages"
    for link in links:
        path, _, anchor = link.partition("#")
        target = (README.parent / path).resolve()
        assert target.exists(), f"README.md links to {link}, which does not exist"
        if anchor and target.suffix == ".md":
            assert anchor in anchors(target.read_text()), f"README.md links to {link}: no heading makes #{anchor}"


def test_every_docs_page_is_in_the_nav():
    pages = {path.relative_to(DOCS).as_posix() for path in DOCS.rglob("*.md")}
    listed = nav_pages()
    assert pages - listed == set(), f"add these pages to mkdocs.yml's nav: {sorted(pages - listed)}"
    assert listed - pages == set(), f"mkdocs.yml's nav lists pages that do not exist: {sorted(listed - pages)}"


def test_user_pages_name_no_issue_and_no_commit():
    """Experiment histories with issue and commit numbers belong in docs/notes/, not on the user pages."""
    for path in [README, *DOCS.glob("*.md")]:
        text = path.read_text()
        issue = re.search(r"\bissues?\s+#?\d+", text, re.IGNORECASE)
        assert issue is None, f"{path.relative_to(ROOT)} names {issue.group()}: move it to docs/notes/"
        commit = re.search(r"\bcommits?\s+[0-9a-f]{7,40}\b", text, re.IGNORECASE)
        assert commit is None, f"{path.relative_to(ROOT)} names {commit.group()}: move it to docs/notes/"


def test_the_anchors_are_those_mkdocs_makes():
    """The slug rule the README's anchors are checked with, on headings of the kinds the docs use."""
    made = anchors(
        "## Whole meetings, and subjects across meetings\n### `ask --json`\n## Assistants (MCP)\n"
        "```bash\n# a comment in code\n```\n"
    )
    assert made == {"whole-meetings-and-subjects-across-meetings", "ask-json", "assistants-mcp"}
