"""Reading an imported CSV as partners' files really come: encodings, separators, refusals."""
import pytest

from recueil.services.import_file import FileRefused, read_table
from recueil.services.imports import unneutralise

HEADER = "intitule;nom_entite;description"
ROW = "Accueil de jour à Évry;Département de l'Essonne;Un « lieu » pour les familles, ouvert l'été"


def test_utf8_with_a_bom_and_semicolons():
    data = ("\ufeff" + HEADER + "\r\n" + ROW + "\r\n").encode("utf-8")
    table = read_table(data)
    assert (table.encoding, table.separator, table.separator_label) == (
        "UTF-8 avec BOM", ";", "point-virgule")
    assert table.header == ["intitule", "nom_entite", "description"]  # no BOM left in a name
    assert [row.cells for row in table.rows] == [ROW.split(";")]


def test_windows_1252_keeps_its_accents():
    data = (HEADER + "\r\n" + ROW + "\r\n").encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    table = read_table(data)
    assert table.encoding == "Windows-1252"
    assert table.rows[0].cells[0] == "Accueil de jour à Évry"
    assert table.rows[0].cells[2].startswith("Un « lieu »")


def test_plain_utf8_with_commas_and_quoted_cells():
    data = ('intitule,description\n"Parrainage, proximité",'
            '"Sur deux\nlignes ; avec ""guillemets"""\nAutre,Texte\n').encode()
    table = read_table(data)
    assert (table.encoding, table.separator) == ("UTF-8", ",")
    assert table.rows[0].cells == ["Parrainage, proximité", 'Sur deux\nlignes ; avec "guillemets"']
    # a record spread over two lines: the next one starts on the file's 4th line
    assert [row.line for row in table.rows] == [2, 4]


def test_blank_lines_and_empty_records_are_skipped_but_counted_as_lines():
    data = b"intitule;lieu\r\n\r\nA;B\r\n;;\r\n;\r\nC;D\r\n"
    table = read_table(data)
    assert [(row.line, row.cells) for row in table.rows] == [(3, ["A", "B"]), (6, ["C", "D"])]


def test_the_separator_is_read_from_the_header_not_from_the_text():
    # the header has more semicolons; the texts are full of commas
    data = b"intitule;description\nA;Un, deux, trois, quatre\n"
    assert read_table(data).separator == ";"


@pytest.mark.parametrize("data, expected", [
    (b"", "Le fichier est vide"),
    (b"  \r\n\r\n", "Le fichier est vide"),
    (b"\xef\xbb\xbf", "Le fichier est vide"),
    ("intitule;lieu\nA;B\n".encode("utf-16"), "encodé en UTF-16"),
    ("intitule;lieu\nA;B\n".encode("utf-16-le"), "encodé en UTF-16"),
    (b"PK\x03\x04\x14\x00\x06\x00", "classeur (Excel .xlsx"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Excel ancien format"),
    (b"%PDF-1.7\n", "document PDF"),
    (b"intitule\x00;lieu\nA;B", "contenu binaire"),
    (b"intitule;lieu\nA\x01\x02;B", "contenu binaire"),
    (b"intitule;lieu\n\x81\x8d;B", "ni en UTF-8 ni en Windows-1252 (octet 0x81"),
    (b"\xef\xbb\xbfintitule;lieu\nCaf\xe9;B", "s'annonce en UTF-8"),
    (b"intitule\tlieu\tdescription\nA\tB\tC\n", "séparé par des tabulations"),
    (b"\r\nA;B\n", "La première ligne du fichier est vide"),
])
def test_what_is_not_a_readable_csv_is_refused_with_a_reason(data, expected):
    with pytest.raises(FileRefused) as refused:
        read_table(data)
    assert expected in str(refused.value)
    assert "CSV UTF-8" in str(refused.value) or "vide" in str(refused.value)


def test_the_neutralising_apostrophe_of_the_export_is_removed():
    assert unneutralise("'=SUM(A1)") == "=SUM(A1)"
    assert unneutralise("'+33 1 23 45 67 89") == "+33 1 23 45 67 89"
    assert unneutralise("'-x") == "-x"
    assert unneutralise("'@cmd") == "@cmd"
    assert unneutralise("l'été") == "l'été"
    assert unneutralise("'") == "'"
    assert unneutralise("'Bonjour'") == "'Bonjour'"
