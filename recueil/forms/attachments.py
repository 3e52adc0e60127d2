"""Attachments: the type is read from the content, never from the name."""
import io
import zipfile

PDF = "application/pdf"
ODT = "application/vnd.oasis.opendocument.text"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOC = "application/msword"



def sniff(content: bytes) -> str | None:
    """The media type of a PDF, ODT, DOCX or DOC document, or None for anything else."""
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):  # OLE2: Word 97-2003
        return DOC
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = set(archive.namelist())
                if "mimetype" in names and archive.read("mimetype").strip() == ODT.encode():
                    return ODT
                if "[Content_Types].xml" in names and any(n.startswith("word/") for n in names):
                    return DOCX
        except (zipfile.BadZipFile, KeyError, OSError):
            return None
    return None
