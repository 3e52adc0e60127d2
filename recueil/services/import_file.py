"""Reading an imported CSV file into a header and rows, as the files partners really send.

Accepted: UTF-8 with or without BOM, or Windows-1252 (a spreadsheet's « CSV » on Windows),
separated by commas or semicolons (the French spreadsheet's default), with a header row
naming the columns. Everything else (UTF-16, a spreadsheet or any binary file, tabs, no
header, nothing at all) is refused with a French message saying what to do.
"""
import csv
import dataclasses
import io

#: Encodings tried in order, with the label the report gives them.
UTF8_BOM = b"\xef\xbb\xbf"
SEPARATORS = {",": "virgule", ";": "point-virgule"}
#: The first bytes of files that are not text, and what they are.
SIGNATURES = (
    (b"PK\x03\x04", "un classeur (Excel .xlsx, LibreOffice .ods) ou une archive ZIP"),
    (b"\xd0\xcf\x11\xe0", "un classeur Excel ancien format (.xls)"),
    (b"%PDF", "un document PDF"),
)
SAVE_AS_CSV = ("ouvrez-le dans votre tableur et enregistrez-le au format « CSV UTF-8 » "
               "(séparateur virgule ou point-virgule)")
BINARY = f"Le fichier n'est pas un fichier texte (contenu binaire) : {SAVE_AS_CSV}."
#: Control characters never found in a text file (tab, line feed and carriage return are).
_CONTROL = {chr(c) for c in range(32) if chr(c) not in "\t\n\r"} | {"\x7f"}


class FileRefused(ValueError):
    """The file cannot be read as a CSV; the message is French and says what to do."""


@dataclasses.dataclass
class Row:
    """One record of the file: the line it starts on (the header is line 1) and its cells."""

    line: int
    cells: list[str]


@dataclasses.dataclass
class Table:
    encoding: str  # as the report names it: « UTF-8 », « UTF-8 avec BOM », « Windows-1252 »
    separator: str
    header: list[str]  # the header's cells as written (stripped)
    rows: list[Row]

    @property
    def separator_label(self) -> str:
        return SEPARATORS[self.separator]


def decode(data: bytes) -> tuple[str, str]:
    """The text of the file and the name of its encoding, or FileRefused."""
    if not data.replace(UTF8_BOM, b"", 1).strip():
        raise FileRefused("Le fichier est vide : il ne contient aucune ligne.")
    for signature, what in SIGNATURES:
        if data.startswith(signature):
            raise FileRefused(f"Le fichier n'est pas un CSV mais {what} : {SAVE_AS_CSV}.")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(data):
        raise FileRefused(
            "Le fichier est encodé en UTF-16, que l'import ne lit pas : " + SAVE_AS_CSV + ".")
    if b"\x00" in data:
        raise FileRefused(BINARY)
    if data.startswith(UTF8_BOM):
        try:
            text, encoding = data[len(UTF8_BOM):].decode("utf-8"), "UTF-8 avec BOM"
        except UnicodeDecodeError as error:
            raise FileRefused(
                "Le fichier s'annonce en UTF-8 (il commence par une marque BOM) mais contient "
                f"des octets qui n'en sont pas (position {error.start}) : " + SAVE_AS_CSV + "."
            ) from None
    else:
        try:
            text, encoding = data.decode("utf-8"), "UTF-8"
        except UnicodeDecodeError:
            try:
                text, encoding = data.decode("cp1252"), "Windows-1252"
            except UnicodeDecodeError as error:
                raise FileRefused(
                    "Encodage non reconnu : le fichier n'est ni en UTF-8 ni en Windows-1252 "
                    f"(octet 0x{data[error.start]:02X} à la position {error.start}) ; "
                    + SAVE_AS_CSV + ".") from None
    if any(char in _CONTROL for char in text):
        raise FileRefused(BINARY)
    return text, encoding


def _looks_utf16(data: bytes) -> bool:
    """UTF-16 without its BOM: one byte in two is NUL in Latin text."""
    sample = data[:2000]
    if len(sample) < 4:
        return False
    half = len(sample) // 2
    return sample[0::2].count(0) > half * 0.4 or sample[1::2].count(0) > half * 0.4


def _separator(first_line: str) -> str:
    """The separator of the header: the most frequent of comma and semicolon outside quotes;
    a header separated by tabulations is refused."""
    counts = {",": 0, ";": 0, "\t": 0}
    quoted = False
    for char in first_line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    if counts["\t"] > max(counts[","], counts[";"]):
        raise FileRefused(
            "Le fichier est séparé par des tabulations : seuls la virgule et le point-virgule "
            f"sont acceptés ; {SAVE_AS_CSV}.")
    return ";" if counts[";"] > counts[","] else ","


def read_table(data: bytes) -> Table:
    """The header and the non-blank rows of a CSV file, or FileRefused saying why not."""
    text, encoding = decode(data)
    first_line = text.split("\n", 1)[0].rstrip("\r")
    separator = _separator(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    rows = []
    header = None
    try:
        start = 1
        for record in reader:
            line, start = start, reader.line_num + 1
            if header is None:
                header = [cell.strip() for cell in record]
                continue
            if any(cell.strip() for cell in record):
                rows.append(Row(line, record))
    except csv.Error as error:
        raise FileRefused(
            f"Le fichier CSV est mal formé vers la ligne {reader.line_num} ({error}) : vérifiez "
            "les guillemets, ou " + SAVE_AS_CSV + ".") from None
    if not header or not any(header):
        raise FileRefused("La première ligne du fichier est vide : elle doit nommer les colonnes.")
    return Table(encoding, separator, header, rows)
