"""The registry of transcript formats, auto-detected by extension and content.

Each format lives in its own module and registers a `Format` (ingest.formats.base): a name, the
file extensions it claims, a `sniff(text)` that recognises its content, and a
`parse(source) -> Transcript`. Importing this package fills the registry.
"""

# Registration order is detection order for files whose extension says nothing.
from ingest.formats import vtt, srt, qmsum, whisper, notes, plain  # noqa: F401, I001  (each registers itself)
from ingest.formats.base import FORMATS, Format, Source, detect

__all__ = ["FORMATS", "Format", "Source", "detect"]
