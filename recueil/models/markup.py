"""The small markup of the editable pages, turned into safe HTML.

What it knows, and nothing else: paragraphs separated by a blank line, ``## `` headings,
``- `` list items, links ``[texte](adresse)`` and ``**gras**``. Every other character is
text and is escaped, so an administrator's page can never carry a script, an attribute or a
tag; a link whose address is not http(s), mailto or a path of the site stays plain text.
"""
import html
import re

#: addresses a link may point to: the web, e-mail, or a path or anchor of this site
SAFE_URL = re.compile(r"(?:https?://[^\s/?#]+[^\s]*|mailto:[^\s@/]+@[^\s/]+|/(?![/\\])[^\s\\]*|#[\w-]+)",
                      re.IGNORECASE)
#: [texte](adresse); the address may hold balanced parentheses, as in …/Loi_(France)
LINK = re.compile(r"\[([^\[\]\n]+)\]\(([^()\s]*(?:\([^()\s]*\)[^()\s]*)*)\)")
BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
HEADING = "## "
ITEM = "- "


def _escape(text: str) -> str:
    return html.escape(text, quote=True)


def is_safe_url(url: str) -> bool:
    return bool(SAFE_URL.fullmatch(url))


def unsafe_links(source: str) -> list[str]:
    """The addresses of the links that would be left as plain text (for the form's error)."""
    return [url for _, url in LINK.findall(source or "") if not is_safe_url(url)]


def _links(text: str) -> str:
    """Escaped text with its links; a link's text is plain (no bold inside a link)."""
    out, position = [], 0
    for match in LINK.finditer(text):
        label, url = match.groups()
        out.append(_escape(text[position:match.start()]))
        if is_safe_url(url):
            out.append(f'<a href="{_escape(url)}">{_escape(label)}</a>')
        else:
            out.append(_escape(match.group(0)))
        position = match.end()
    out.append(_escape(text[position:]))
    return "".join(out)


def inline(text: str) -> str:
    """One line or paragraph of text: bold (which may hold links), then links, all escaped."""
    out, position = [], 0
    for match in BOLD.finditer(text):
        out.append(_links(text[position:match.start()]))
        out.append(f"<strong>{_links(match.group(1))}</strong>")
        position = match.end()
    out.append(_links(text[position:]))
    return "".join(out)


def _blocks(source: str):
    """(kind, lines) for each block: "h2", "ul" or "p"; a heading or a list ends a paragraph."""
    kind, lines = None, []
    for raw in source.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.strip()
        if not line:
            new = None
        elif line.startswith(HEADING):
            new = "h2"
        elif line.startswith(ITEM) or line == "-":
            new = "ul"
        else:
            new = "p"
        if kind and (new != kind or new == "h2"):
            yield kind, lines
            kind, lines = None, []
        if new:
            kind = new
            lines.append(line)
    if kind:
        yield kind, lines


def render(source: str | None) -> str:
    """The HTML of a page's content (to be inserted as is: everything in it is escaped)."""
    parts = []
    for kind, lines in _blocks(source or ""):
        if kind == "h2":
            text = lines[0][len(HEADING):].strip()
            parts.append(f"<h2>{inline(text)}</h2>")
        elif kind == "ul":
            items = "".join(f"<li>{inline(line[len(ITEM):].strip())}</li>" for line in lines)
            parts.append(f"<ul>{items}</ul>")
        else:
            parts.append(f"<p>{inline(' '.join(lines))}</p>")
    return "\n".join(parts)


def plain_text(source: str | None) -> str:
    """The first paragraph as plain text, without the markup (a tile's description)."""
    for kind, lines in _blocks(source or ""):
        if kind == "p":
            text = LINK.sub(lambda m: m.group(1), " ".join(lines))
            return BOLD.sub(lambda m: m.group(1), text)
    return ""
