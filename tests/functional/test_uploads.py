"""Uploads cannot exhaust the server: bodies are bounded before they are read, at the server
and in the application, archives are never inflated, and a stored document is named after
its content."""
import configparser
import http.client
import io
import pathlib

import webtest
from webtest.http import StopableWSGIServer

from recueil import main
from recueil.forms.attachments import ODT

from ..unit.forms.test_attachments import zip_bomb
from .test_declaration_security import PDF, attachments, resultats_page, submit_files

ROOT = pathlib.Path(__file__).resolve().parents[2]
MEGABYTE = 1024 * 1024
#: the 40 MB body of the finding: above the application's limit, below the server's
FORTY_MB = 40 * MEGABYTE


class CountedBody(io.RawIOBase):
    """A body of `size` zeros that counts how much of it is read."""

    def __init__(self, size: int):
        self.size = size
        self.consumed = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        n = min(len(buffer), self.size - self.consumed)
        buffer[:n] = bytes(n)
        self.consumed += n
        return n


def assert_french_413(page_text: str):
    assert "<title>Envoi trop volumineux" in page_text
    assert 'lang="fr"' in page_text and "fr-header" in page_text  # the DSFR layout
    assert "dépasse 21 Mo, la limite d'un envoi" in page_text
    assert "Chaque pièce jointe pèse 5 Mo au plus" in page_text


def server_limit() -> int:
    """waitress's `max_request_body_size`, the same in both .ini files."""
    limits = set()
    for name in ("development.ini", "production.ini"):
        ini = configparser.ConfigParser(interpolation=None)
        ini.read(ROOT / name)
        limits.add(int(ini["server:main"]["max_request_body_size"]))
    [limit] = limits
    return limit


def test_a_forty_megabyte_body_is_refused_before_it_is_read(testapp, mailbox, engine):
    page = resultats_page(testapp, mailbox)
    body = CountedBody(FORTY_MB)
    request = webtest.TestRequest.blank(page.request.path, method="POST", environ={
        "wsgi.input": body, "CONTENT_LENGTH": str(FORTY_MB),
        "CONTENT_TYPE": "multipart/form-data; boundary=----limite",
    })
    refused = testapp.do_request(request, status=413)
    assert_french_413(refused.text)
    assert body.consumed == 0
    assert attachments(engine) == []


def chunked(path: str, body: io.RawIOBase, content_type: str) -> webtest.TestRequest:
    request = webtest.TestRequest.blank(path, method="POST", environ={
        "wsgi.input": body, "HTTP_TRANSFER_ENCODING": "chunked", "CONTENT_TYPE": content_type,
    })
    request.environ.pop("CONTENT_LENGTH", None)
    return request


def test_a_chunked_body_is_read_up_to_the_limit_only(testapp, mailbox, engine):
    page = resultats_page(testapp, mailbox)
    body = CountedBody(FORTY_MB)
    refused = testapp.do_request(
        chunked(page.request.path, body, "multipart/form-data; boundary=----limite"),
        status=413)
    assert_french_413(refused.text)
    assert body.consumed == 21 * MEGABYTE + 1
    assert attachments(engine) == []


def test_a_chunked_body_within_the_limit_is_read_whole(testapp, mailbox):
    page = testapp.get("/declarer")
    fields = {"csrf_token": page.forms["formulaire"]["csrf_token"].value,
              "courriel": "claire.martin@departement.example.fr", "envoyer": "envoyer"}
    form = io.BytesIO(webtest.utils.encode_params(fields, "application/x-www-form-urlencoded")
                      .encode())
    sent = testapp.do_request(
        chunked("/declarer", form, "application/x-www-form-urlencoded"), status=302)
    assert sent.location.endswith("/declarer/lien-envoye")
    assert mailbox.to("claire.martin@departement.example.fr")


def test_the_server_refuses_what_is_beyond_its_limit_and_the_app_the_rest(wsgi_app, engine,
                                                                         clock, mailbox):
    limit = server_limit()
    assert limit > 21 * MEGABYTE  # the French page is shown up to the server's own limit
    server = StopableWSGIServer.create(wsgi_app, host="127.0.0.1",
                                       max_request_body_size=limit)
    try:
        assert server.wait()
        connection = http.client.HTTPConnection("127.0.0.1", server.adj.port, timeout=30)
        connection.request("POST", "/declarer", body=bytes(FORTY_MB),
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
        answer = connection.getresponse()
        assert answer.status == 413
        assert_french_413(answer.read().decode())
        connection.close()

        # chunked: waitress hands it on de-chunked, with its length, to the same refusal
        connection = http.client.HTTPConnection("127.0.0.1", server.adj.port, timeout=30)
        connection.request("POST", "/declarer", body=(bytes(MEGABYTE) for _ in range(25)),
                           headers={"Content-Type": "application/x-www-form-urlencoded"},
                           encode_chunked=True)
        answer = connection.getresponse()
        assert answer.status == 413
        assert_french_413(answer.read().decode())
        connection.close()

        # beyond the server's limit, nothing is read: the headers are enough to refuse
        connection = http.client.HTTPConnection("127.0.0.1", server.adj.port, timeout=30)
        connection.putrequest("POST", "/declarer")
        connection.putheader("Content-Type", "application/x-www-form-urlencoded")
        connection.putheader("Content-Length", str(limit + 1))
        connection.endheaders()
        answer = connection.getresponse()
        assert answer.status == 413
        assert b"exceeds max_body" in answer.read()
        connection.close()
    finally:
        server.shutdown()


def test_a_zip_bomb_is_refused_with_its_reason(testapp, mailbox, engine):
    page = resultats_page(testapp, mailbox)
    failed = submit_files(page, [("bilan.odt", zip_bomb(50), ODT)])
    assert "Le formulaire contient des erreurs" in failed
    assert ("« Pièces jointes » : « bilan.odt » est une archive anormale (trop d'éléments, ou "
            "une décompression hors de proportion avec sa taille)") in failed.html.get_text()
    assert attachments(engine) == []


def test_a_disguised_name_is_stored_and_downloaded_after_its_content(testapp, mailbox, engine):
    page = resultats_page(testapp, mailbox)
    failed = submit_files(page, [("rapport\u202efdp.exe", b"MZ" + bytes(100), "text/plain")])
    # the error names the file as it really reads
    assert "« rapportfdp.exe »" in failed.html.get_text()
    submit_files(failed, [("rapport\u202efdp.exe", PDF, "application/octet-stream")]).follow()
    [stored] = attachments(engine)
    assert (stored.filename, stored.media_type) == ("rapportfdp.pdf", "application/pdf")

    again = testapp.get(page.request.path)
    link = again.html.find("a", string="rapportfdp.pdf")
    download = testapp.get(link["href"])
    assert download.body == PDF and download.content_type == "application/pdf"
    assert download.headers["Content-Disposition"] == (
        "attachment; filename*=UTF-8''rapportfdp.pdf")


def test_the_limit_can_be_set(app_settings, engine):
    app = webtest.TestApp(main({}, **dict(app_settings,
                                          **{"recueil.max_request_bytes": str(MEGABYTE)})))
    refused = app.post("/declarer", {"courriel": "x" * MEGABYTE}, status=413)
    assert "dépasse 1 Mo, la limite d'un envoi" in refused.text
    app.post("/declarer", {"courriel": "x" * 1000}, status=400)
