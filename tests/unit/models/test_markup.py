"""The pages' small markup: what it knows becomes HTML, everything else stays text."""
import pytest

from recueil.models.markup import plain_text, render, unsafe_links


def test_paragraphs_headings_lists_links_and_bold():
    source = (
        "Un premier paragraphe\nsur deux lignes.\n\n"
        "## Un intertitre\n"
        "- un **élément**\n- un [lien](https://www.data.gouv.fr/fr/?q=a&b=c)\n\n"
        "Voir [la carte](/carte), [l'équipe](mailto:equipe@fep.example.fr) et [plus bas](#suite)."
    )
    assert render(source) == (
        "<p>Un premier paragraphe sur deux lignes.</p>\n"
        "<h2>Un intertitre</h2>\n"
        "<ul><li>un <strong>élément</strong></li>"
        '<li>un <a href="https://www.data.gouv.fr/fr/?q=a&amp;b=c">lien</a></li></ul>\n'
        '<p>Voir <a href="/carte">la carte</a>, <a href="mailto:equipe@fep.example.fr">'
        "l&#x27;équipe</a> et <a href=\"#suite\">plus bas</a>.</p>"
    )


def test_a_heading_or_a_list_ends_a_paragraph_without_a_blank_line():
    assert render("Texte\n## Titre\nSuite\n- a\n- b\nFin") == (
        "<p>Texte</p>\n<h2>Titre</h2>\n<p>Suite</p>\n<ul><li>a</li><li>b</li></ul>\n<p>Fin</p>"
    )


def test_bold_may_hold_a_link():
    assert render("**voir [ici](/pratiques)**") == (
        '<p><strong>voir <a href="/pratiques">ici</a></strong></p>'
    )


def test_windows_line_endings_and_empty_text():
    assert render("a\r\n\r\nb") == "<p>a</p>\n<p>b</p>"
    assert render("") == render(None) == ""


@pytest.mark.parametrize("source", [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "## <b onmouseover=alert(1)>titre</b>",
    "- <iframe src=//evil.example>",
    "**<script>alert(1)</script>**",
    "[<script>alert(1)</script>](/pratiques)",
])
def test_html_is_always_text(source):
    html = render(source)
    assert "<script" not in html and "<img" not in html and "<svg" not in html
    assert "<iframe" not in html and "<b " not in html
    assert "&lt;" in html


@pytest.mark.parametrize("url", [
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD4=",
    "vbscript:msgbox",
    "//evil.example/page",
    "/\\evil.example",
    "java&#115;cript:alert(1)",
    "https:alert(1)",
])
def test_a_link_to_anything_but_the_web_mail_or_the_site_stays_text(url):
    source = f"[cliquez]({url})"
    html = render(source)
    assert "<a " not in html
    assert html.startswith("<p>[cliquez](")
    assert unsafe_links(source) == [url]


def test_quotes_cannot_leave_the_href_attribute():
    assert render('[x](https://a.example/"onmouseover="alert)') == (
        '<p><a href="https://a.example/&quot;onmouseover=&quot;alert">x</a></p>'
    )
    assert render("[x](/a'onmouseover='b)") == (
        '<p><a href="/a&#x27;onmouseover=&#x27;b">x</a></p>'
    )


def test_an_address_may_hold_parentheses():
    assert render("[la loi](https://fr.wikipedia.org/wiki/Loi_(France))") == (
        '<p><a href="https://fr.wikipedia.org/wiki/Loi_(France)">la loi</a></p>'
    )


def test_other_markup_is_shown_as_typed():
    assert render("# Titre\n### Sous-titre\n*italique* `code` 1. un") == (
        "<p># Titre ### Sous-titre *italique* `code` 1. un</p>"
    )


def test_plain_text_of_the_first_paragraph():
    source = "## Titre\n\nUn texte **important** avec [un lien](/carte).\n\nSuite."
    assert plain_text(source) == "Un texte important avec un lien."
    assert unsafe_links(source) == []
