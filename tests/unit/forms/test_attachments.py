"""An attachment's type comes from its content, read without inflating an archive beyond a
few bytes, and its stored name from that type."""
import io
import os
import tracemalloc
import zipfile

import pytest

from recueil.forms.attachments import (
    DOC,
    DOCX,
    MAX_ENTRIES,
    ODT,
    PDF,
    UnsafeArchive,
    sniff,
    stored_name,
)

MEGABYTE = 1024 * 1024


def archive(entries: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as zipped:
        for name, data in entries.items():
            zipped.writestr(name, data)
    return out.getvalue()


def zip_bomb(megabytes: int) -> bytes:
    """An ODT whose `mimetype` entry is the type, then `megabytes` of zeros: about a
    thousandth of that once compressed (the 298 kB file inflating to 300 MB, smaller)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zipped:
        with zipped.open("mimetype", "w") as entry:
            entry.write(ODT.encode())
            for _ in range(megabytes):
                entry.write(bytes(MEGABYTE))
        zipped.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


def peak_memory(work) -> int:
    """Bytes allocated at the peak of `work()`, beyond what was allocated before."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        work()
        return tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()


def test_the_four_formats_are_recognised_by_their_content():
    assert sniff(b"%PDF-1.7\n...") == PDF
    assert sniff(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500)) == DOC
    odt = archive({"mimetype": ODT.encode(), "content.xml": b"<x/>"}, zipfile.ZIP_STORED)
    assert sniff(odt) == ODT
    assert sniff(archive({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"})) \
        == DOCX
    assert sniff(archive({"mimetype": b"application/zip"})) is None
    assert sniff(b"PK\x03\x04 not really an archive") is None


def test_a_zip_bomb_is_refused_without_being_inflated():
    bomb = zip_bomb(50)
    assert len(bomb) < MEGABYTE // 10
    with pytest.raises(UnsafeArchive):
        sniff(bomb)
    assert peak_memory(lambda: pytest.raises(UnsafeArchive, sniff, bomb)) < MEGABYTE


def test_the_mimetype_entry_is_read_in_its_first_bytes_only():
    # incompressible, hence no suspicious ratio: only the bounded read keeps it small
    padded = archive({"mimetype": ODT.encode() + os.urandom(3 * MEGABYTE)},
                     zipfile.ZIP_STORED)
    assert peak_memory(lambda: sniff(padded)) < MEGABYTE // 4
    assert sniff(padded) is None
    # a trailing newline is still an ODT
    assert sniff(archive({"mimetype": ODT.encode() + b"\n"})) == ODT


def test_an_archive_of_too_many_entries_is_refused():
    entries = {f"word/part{n}.xml": b"" for n in range(MAX_ENTRIES)}
    entries["[Content_Types].xml"] = b"<Types/>"
    with pytest.raises(UnsafeArchive):
        sniff(archive(entries, zipfile.ZIP_STORED))


@pytest.mark.parametrize(("name", "media_type", "stored"), [
    ("rapport\u202efdp.exe", PDF, "rapportfdp.pdf"),  # reads « rapportexe.pdf »
    ("bilan 2025.pdf", PDF, "bilan 2025.pdf"),
    ("bilan 2025.PDF", PDF, "bilan 2025.pdf"),
    ("compte rendu.docx", ODT, "compte rendu.odt"),  # the content decides
    ("notes", DOC, "notes.doc"),
    ("rapport.final.docx", DOCX, "rapport.final.docx"),
    ("Bilan\u200b\u2066 de l'été\u2069\n\t2025.odt", ODT, "Bilan de l'été 2025.odt"),
    ("\u202e\u0007.pdf", PDF, "document.pdf"),
    ("..pdf", PDF, "document.pdf"),
])
def test_the_stored_name_is_readable_and_ends_with_the_detected_type(name, media_type, stored):
    assert stored_name(name, media_type) == stored


def test_a_long_name_is_cut_before_its_extension():
    name = stored_name("Évaluation " * 40 + ".pdf", PDF)
    assert len(name) <= 104 and name.startswith("Évaluation Évaluation") and name.endswith(".pdf")
