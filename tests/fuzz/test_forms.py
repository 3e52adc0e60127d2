"""Fuzzing the forms anyone can post: every step of the declaration, the link request, the
staff sign-in, the message to a practice's holder and the account of a practice taken up.
Whatever is posted — fields missing, twice, oversized, out of the vocabulary, impossible
dates, control characters, HTML, formulas, files of any bytes, broken multipart — the answer
is never a 5xx, a refused post stores nothing, and every field error names its field."""
import pytest
from hypothesis import given
from hypothesis import strategies as st
from webtest import forms as webtest_forms

from recueil.models import User
from recueil.services.passwords import hash_password

from ..factories import make_practice
from ..functional.helpers import (
    CONTACT,
    LOCALISATION,
    PRESENTATION,
    RESULTATS,
    fill_until,
    sign_in_declarant,
    start_draft,
)
from .drill import REDIRECTS, check_answer, examples, fill, forget_rate_events, snapshot
from .strategies import any_text

STAFF = "moderatrice@fep.example.fr"
PASSWORD = "une phrase de passe de modération"
VALID = {**PRESENTATION, **LOCALISATION, **RESULTATS, **CONTACT,
         "accepte_conditions": "true", "accord_hierarchie": "true",
         "courriel": "julie.durand@exemple.fr",
         "nom": "Julie Durand", "message": "Bonjour, pouvons-nous échanger sur votre pratique ?",
         "source": "Départements de France"}
STEPS = ("conditions", "presentation", "localisation", "resultats", "contact")


class Target:
    """One form under fuzzing: its page (read again after each redirect) and its button."""

    def __init__(self, app, page_path: str, formid: str, button: str, valid: dict = VALID,
                 new_token: bool = False):
        self.app, self.page_path, self.formid, self.button = app, page_path, formid, button
        self.valid = valid
        #: whether an accepted post gives the session a new CSRF token (the sign-in)
        self.new_token = new_token
        self.page = None

    def form(self):
        if self.page is None:
            self.page = self.app.get(self.page_path, status=200)
            self.fields = self.page.forms[self.formid]
        return self.fields

    def post(self, data, engine):
        forget_rate_events(engine)
        form = self.form()
        items = fill(data, form, self.valid, self.button)
        multipart = any(isinstance(v, webtest_forms.Upload) for _, v in items) or data.draw(
            st.booleans(), label="multipart")
        before = snapshot(engine)
        response = self.app.post(form.action or self.page_path, items, status="*",
                                 content_type="multipart/form-data" if multipart else None)
        check_answer(response, before, engine)
        if response.status_int in REDIRECTS and self.new_token:
            self.page = None


@pytest.fixture
def draft(testapp, mailbox):
    """A declarant's draft with every step filled: each step's form can be posted."""
    space = sign_in_declarant(testapp, mailbox)
    page = fill_until(testapp, start_draft(testapp, space), "recapitulatif")
    return page.request.path.rsplit("/", 1)[0]


# Each target is made once per test, not per example: its form is read once, so that every
# example draws from the same fields, whatever the earlier examples changed (a step with
# three attachments kept offers no more file inputs).

@pytest.fixture
def step_target(testapp, draft, step):
    return Target(testapp, f"{draft}/{step}", "formulaire", "suivant")


@pytest.mark.parametrize("step", STEPS)
@examples(0.5)
@given(data=st.data())
def test_a_declaration_step(engine, step_target, data):
    step_target.post(data, engine)


@pytest.fixture
def link_target(testapp):
    return Target(testapp, "/declarer", "formulaire", "envoyer")


@given(data=st.data())
def test_the_link_request(engine, link_target, data):
    link_target.post(data, engine)


@pytest.fixture
def sign_in_target(wsgi_app, testapp):
    with wsgi_app.registry["dbsession_factory"]() as session:
        user = User(email=STAFF, password_hash=hash_password(PASSWORD))
        user.add_role("moderateur")
        session.add(user)
        session.commit()
    valid = dict(VALID, courriel=STAFF, mot_de_passe=PASSWORD)
    return Target(testapp, "/connexion", "connexion", "connexion", valid, new_token=True)


@examples(0.5)  # each post checks a password, slowly on purpose
@given(data=st.data())
def test_the_sign_in(engine, sign_in_target, data):
    sign_in_target.post(data, engine)


@pytest.fixture
def holder_target(wsgi_app, testapp):
    with wsgi_app.registry["dbsession_factory"]() as session:
        practice = make_practice(session, contact_courriel="porteur@exemple.fr")
        session.commit()
        path = f"/pratiques/{practice.id}"
    return Target(testapp, path, "formulaire-contact", "envoyer")


@given(data=st.data())
def test_the_message_to_a_holder(engine, holder_target, data):
    holder_target.post(data, engine)


@pytest.fixture
def essaimage_target(wsgi_app, testapp):
    with wsgi_app.registry["dbsession_factory"]() as session:
        practice = make_practice(session)
        session.commit()
        path = f"/pratiques/{practice.id}"
    valid = dict(VALID, structure="Service ASE du Lot", departement="46",
                 recit="Nous l'avons reprise à Cahors, avec une psychologue en plus.")
    return Target(testapp, path, "formulaire-essaimage", "envoyer", valid)


@given(data=st.data())
def test_the_essaimage_account(engine, essaimage_target, data):
    essaimage_target.post(data, engine)


# -- multipart bodies as no browser writes them ---------------------------------------------

def _multipart(items, boundary: bytes) -> bytes:
    body = b""
    for name, value in items:
        body += b"--" + boundary + b"\r\nContent-Disposition: form-data; name=\"" + \
            name.encode() + b"\"\r\n\r\n" + value.encode() + b"\r\n"
    return body + b"--" + boundary + b"--\r\n"


BREAKAGES = ("no-closing", "other-boundary", "no-boundary", "truncated", "bytes-inside",
             "bare-lf", "no-name", "not-utf8", "header-only", "random")


@pytest.fixture
def form_items(testapp, draft, path, formid):
    """The page's path and what its form posts as it is (read once per test)."""
    path = path.format(draft=draft)
    form = testapp.get(path).forms[formid]
    return path, [(name, field.value or "") for name, field in form.field_order
                  if name and not isinstance(field, webtest_forms.Submit)]


@pytest.mark.parametrize("path, formid", [
    ("/connexion", "connexion"), ("/declarer", "formulaire"), ("{draft}/presentation",
                                                                "formulaire"),
])
@examples(0.5)
@given(data=st.data())
def test_a_broken_multipart_body(testapp, engine, form_items, data):
    path, items = form_items
    items = items + [(n, data.draw(any_text, label=n)) for n in ("intitule", "courriel")]
    boundary = b"frontiere" + str(data.draw(st.integers(0, 999))).encode()
    body = _multipart(items, boundary)
    content_type = "multipart/form-data; boundary=" + boundary.decode()
    breakage = data.draw(st.sampled_from(BREAKAGES), label="cassure")
    # a place in the body, drawn as a share of its length: the length follows the practice,
    # which an earlier example may have changed
    cut = len(body) * data.draw(st.integers(0, 999), label="position") // 1000
    if breakage == "no-closing":
        body = body[: body.rindex(b"--" + boundary)]
    elif breakage == "other-boundary":
        content_type = "multipart/form-data; boundary=autre"
    elif breakage == "no-boundary":
        content_type = data.draw(st.sampled_from([
            "multipart/form-data", "multipart/form-data; boundary=", "multipart/form-data; "
            "boundary=\"", "multipart/mixed", "multipart/form-data; charset=inconnu"]))
    elif breakage == "truncated":
        body = body[:cut]
    elif breakage == "bytes-inside":
        body = body[:cut] + data.draw(st.binary(max_size=64), label="octets") + body[cut:]
    elif breakage == "bare-lf":
        body = body.replace(b"\r\n", b"\n")
    elif breakage == "no-name":
        body = body.replace(b"; name=", b"; nom=", 1)
    elif breakage == "not-utf8":
        body = body.replace(b"\r\n\r\n", b"\r\n\r\n\xff\xfe\xc3(", 3)
    elif breakage == "header-only":
        body = b""
    else:
        body = data.draw(st.binary(max_size=400), label="corps")
    before = snapshot(engine)
    response = testapp.request(path, method="POST", body=body, content_type=content_type,
                               status="*")
    check_answer(response, before, engine)
