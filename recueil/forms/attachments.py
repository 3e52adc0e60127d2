"""Attachments: the type is read from the content, never from the name, and the stored name
takes its extension from that type."""
import io
import re
import unicodedata
import zipfile
import zlib

PDF = "application/pdf"
ODT = "application/vnd.oasis.opendocument.text"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOC = "application/msword"

EXTENSIONS = {PDF: ".pdf", ODT: ".odt", DOCX: ".docx", DOC: ".doc"}

#: A text document has a few dozen entries; thousands only cost the parsing of their headers.
MAX_ENTRIES = 1000
#: What the archive may inflate to, in times its own size: office XML deflates about ten
#: times, and a zip bomb about a thousand.
MAX_RATIO = 100
#: Below this, any ratio is harmless (a page of blanks compresses very well).
RATIO_FLOOR = 1024 * 1024
#: Bytes read past the ODT type in its `mimetype` entry: room for a trailing newline only.
MIMETYPE_SLACK = 16
#: Characters of a stored name before its extension: a long title, still one line in a list.
MAX_STEM = 100


class UnsafeArchive(Exception):
    """A zip archive that would inflate out of proportion to its size, or holds too many
    entries: refused without being inflated."""


def sniff(content: bytes) -> str | None:
    """The media type of a PDF, ODT, DOCX or DOC document, or None for anything else;
    raises UnsafeArchive for an archive that reading would make a zip bomb of."""
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):  # OLE2: Word 97-2003
        return DOC
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                return _office_type(archive, len(content))
        # a damaged, encrypted or exotic archive is no document we accept
        except (zipfile.BadZipFile, zlib.error, KeyError, OSError, EOFError, ValueError,
                RuntimeError, NotImplementedError):
            return None
    return None


def _office_type(archive: zipfile.ZipFile, size: int) -> str | None:
    entries = archive.infolist()
    if len(entries) > MAX_ENTRIES:
        raise UnsafeArchive(f"{len(entries)} éléments")
    inflated = sum(entry.file_size for entry in entries)
    if inflated > RATIO_FLOOR and inflated > MAX_RATIO * size:
        raise UnsafeArchive(f"{inflated} octets une fois décompressée")
    names = {entry.filename for entry in entries}
    if "mimetype" in names:
        # the sizes above are the archive's own claims: whatever they say, no more than a
        # line's worth past the expected type is ever inflated
        with archive.open("mimetype") as entry:
            if entry.read(len(ODT) + MIMETYPE_SLACK).strip() == ODT.encode():
                return ODT
    if "[Content_Types].xml" in names and any(n.startswith("word/") for n in names):
        return DOCX
    return None


#: What a file extension looks like: replaced by the one of the detected type.
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,5}$")


def readable_name(name: str) -> str:
    """`name` without the characters that change how a name reads (bidirectional overrides,
    zero-width and other format characters, controls, line separators), spaces collapsed."""
    kept = "".join(_readable(c) for c in unicodedata.normalize("NFC", name))
    return " ".join(kept.split())


def _readable(character: str) -> str:
    if character.isspace():
        return " "
    # Cc controls, Cf format (U+202E and the other overrides, zero-width), Cs, Co, Cn
    return "" if unicodedata.category(character).startswith("C") else character


def stored_name(name: str, media_type: str) -> str:
    """The name an attachment is kept and downloaded under: readable, bounded, and ending
    with the extension of its detected type: « rapport<U+202E>fdp.exe » of PDF content,
    which reads « rapportexe.pdf », is kept as « rapportfdp.pdf »."""
    stem = _EXTENSION.sub("", readable_name(name))
    stem = stem[:MAX_STEM].strip(" .") or "document"
    return stem + EXTENSIONS[media_type]
