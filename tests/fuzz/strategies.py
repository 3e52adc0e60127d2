"""What the drill posts: a form's own fields, filled with what people and robots send."""
import string

from hypothesis import strategies as st

#: the values that broke forms elsewhere: control and invisible characters, HTML, formulas,
#: injections, numbers and dates that do not exist
EDGES = [
    "", " ", "\t\n ", "\x00", "a\x00b", "\r\n\r\n", "\u202eevil\u202c", "\ufeffBOM", "\u200b",
    "é" * 3, "e\u0301", "👩‍👩‍👧", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "\U0010ffff", "\x7f\x1b[31m",
    "<script>alert(1)</script>", "<b>gras</b>", "<img src=x onerror=alert(1)>",
    "\"><svg/onload=alert(1)>", "=HYPERLINK(\"http://exemple.invalid\",\"clic\")",
    "+33 1 23 45", "-2+3", "@SUM(A1:A9)", "=1+1", "'; DROP TABLE practices; --",
    "{!join from=id to=id}*:*", "*:*", "\\", "%00", "%FF", "../../etc/passwd", "null",
    "None", "true", "NaN", "Infinity", "-0", "1e309", "0x1F", "99999999999999999999", "-1",
    "2147483648", "9223372036854775808", "1,5", "45 000", "١٢٣",
    "31/02/2024", "29/02/2023", "00/00/0000", "32/13/2020", "15/09/20211", "01/01/0001",
    "31/12/9999", "2024-02-30", "15-09-2021", "15/09/21", "aujourd'hui",
    "nom@domaine", "a@b.c", "@", "x" * 64 + "@" + "d" * 63 + ".fr", "claire..martin@exemple.fr",
    "claire@exemple.fr\nBcc: autre@exemple.fr", "autre", "inconnu", "AUTRE", "nationale ",
]

#: any text a browser can send (UTF-8 encodable: no lone surrogates)
any_text = st.text(alphabet=st.characters(codec="utf-8"), max_size=80)

oversized = st.builds(
    lambda piece, times: piece * times,
    st.sampled_from(["a", "é", "😀", "<b>", "0", " ", "\n"]),
    st.integers(min_value=101, max_value=25_000),
)

text_value = st.one_of(st.sampled_from(EDGES), any_text, oversized,
                       st.text(alphabet=string.digits + "/-.", max_size=12))


def file_value():
    """What an attachment input may carry: (filename, content)."""
    names = st.one_of(
        st.sampled_from(["rapport.pdf", "bilan.odt", "note.docx", "", ".", "..", "a/b\\c.pdf",
                         "\u202efdp.exe", "fichier\x00.pdf", "😀.pdf", "x" * 300 + ".pdf",
                         "initiatives.csv"]),
        any_text,
    )
    contents = st.one_of(
        st.sampled_from([b"", b"%PDF-1.4\n%%EOF\n", b"PK\x03\x04", b"\x00" * 10,
                         b"<html><script>alert(1)</script></html>"]),
        st.binary(max_size=200),
    )
    return st.tuples(names, contents)
