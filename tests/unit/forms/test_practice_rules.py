"""Every rule of the declaration form (spec §2), at its boundary, through the schemas."""
import datetime as dt
import io
import types
import zipfile

import colander
import pytest
from sqlalchemy.orm import Session

from recueil.forms.practice import (
    ConditionsSchema,
    ContactSchema,
    LocalisationSchema,
    PresentationSchema,
    ResultatsSchema,
)
from recueil.services.references import References

TODAY = dt.date(2026, 11, 23)

PRESENTATION = {
    "date_mise_en_oeuvre": "15/09/2021",
    "nom_entite": "Association Sauvegarde de l'enfance",
    "intitule": "Des visites médiatisées dans un lieu neutre",
    "description": "Un lieu d'accueil pour maintenir les liens entre parents et enfants placés.",
    "echelle": "departementale",
    "types_intervention": ["accueil-jour"],
    "thematiques": ["liens-parents-enfants"],
    "publics": ["enfants", "parents"],
    "relais": "association",
}
RESULTATS = {
    "objectifs": "Maintenir le lien parent-enfant.",
    "moyens": "Deux éducateurs à mi-temps.",
    "bilan": "120 visites par an.",
}
CONTACT = {
    "contact_nom": "Claire Martin",
    "contact_courriel": "claire.martin@departement.example.fr",
    "accord_nom": "Paul Durand",
    "accord_fonction": "Directeur enfance famille",
    "accord_courriel": "paul.durand@departement.example.fr",
}
PRECISIONS = {
    "types_intervention": "types_intervention_autre",
    "thematiques": "thematiques_autre",
    "publics": "publics_autre",
    "relais": "relais_autre",
}


@pytest.fixture(scope="module")
def references(engine):
    with Session(engine) as session:
        references = References(session)
        # read everything once, so the schemas work after the session is closed
        _ = references.terms, references.regions, references.departements, references.region_of
        yield references


def bind(schema, references, **kw):
    kw.setdefault("today", TODAY)
    return schema.bind(references=references, csrf_token="", **kw)


def errors(schema, cstruct) -> dict:
    """The error dict of a refused cstruct (fails the test if it is accepted)."""
    with pytest.raises(colander.Invalid) as info:
        schema.deserialize(cstruct)
    return info.value.asdict()


def presentation(references, **changes):
    values = dict(PRESENTATION, **changes)
    return (bind(PresentationSchema(), references),
            {k: v for k, v in values.items() if v is not None})


# --- lengths ---------------------------------------------------------------------------------

ACCENTED = "éàçôü😀"  # six characters, 13 bytes in UTF-8


def text_of(length: int) -> str:
    return (ACCENTED * (length // len(ACCENTED) + 1))[:length]


@pytest.mark.parametrize("field, title, limit", [
    ("nom_entite", "Nom de l'entité", 100),
    ("intitule", "Intitulé de la pratique", 100),
    ("description", "Description de la pratique", 1000),
])
def test_presentation_lengths(references, field, title, limit):
    schema, cstruct = presentation(references, **{field: text_of(limit)})
    assert len(text_of(limit).encode()) > limit  # characters are counted, not bytes
    assert schema.deserialize(cstruct)[field] == text_of(limit)

    schema, cstruct = presentation(references, **{field: text_of(limit + 1)})
    message = errors(schema, cstruct)[field]
    assert f"« {title} » : {limit} caractères au maximum" in message
    assert f"en compte {limit + 1}" in message


@pytest.mark.parametrize("field, precision", PRECISIONS.items())
def test_precision_lengths(references, field, precision):
    chosen = "autre" if field == "relais" else ["autre"]
    schema, cstruct = presentation(references, **{field: chosen, precision: "p" * 100})
    assert schema.deserialize(cstruct)[precision] == "p" * 100

    schema, cstruct = presentation(references, **{field: chosen, precision: "p" * 101})
    assert "100 caractères au maximum" in errors(schema, cstruct)[precision]
    assert "Précision pour « Autre »" in errors(schema, cstruct)[precision]


def test_lieu_length(references):
    schema = bind(LocalisationSchema(), references, echelle="locale")
    accepted = schema.deserialize({"departements": ["49"], "lieu": "l" * 100})
    assert accepted["lieu"] == "l" * 100
    message = errors(schema, {"departements": ["49"], "lieu": "é" * 101})["lieu"]
    assert "« Lieu (commune ou territoire) » : 100 caractères au maximum" in message


@pytest.mark.parametrize("field, title", [
    ("objectifs", "Objectifs"),
    ("moyens", "Moyens humains et financiers"),
    ("bilan", "Bilan chiffré et qualitatif"),
])
def test_result_lengths(references, field, title):
    schema = bind(ResultatsSchema(), references)
    assert schema.deserialize(dict(RESULTATS, **{field: text_of(500)}))[field] == text_of(500)
    message = errors(schema, dict(RESULTATS, **{field: text_of(501)}))[field]
    assert f"« {title} » : 500 caractères au maximum" in message


def test_a_line_break_counts_as_one_character(references):
    text = "ligné\r\n" * 166 + "fin"  # 999 characters once \r\n counts as one
    assert len(text.replace("\r\n", "\n")) == 999 and len(text) == 1165
    schema, cstruct = presentation(references, description=text + "x")
    assert len(schema.deserialize(cstruct)["description"]) == 1000
    schema, cstruct = presentation(references, description=text + "xy")
    assert "en compte 1001" in errors(schema, cstruct)["description"]


def test_nul_characters_are_dropped(references):
    # PostgreSQL refuses NUL in text: it never reaches the database
    schema, cstruct = presentation(references, intitule="Des\x00 visites", description="\x00")
    assert "description" in errors(schema, cstruct)
    schema, cstruct = presentation(references, intitule="Des\x00 visites")
    assert schema.deserialize(cstruct)["intitule"] == "Des visites"


def test_surrounding_spaces_do_not_count(references):
    schema, cstruct = presentation(references, intitule="  " + "x" * 100 + "\n ")
    assert schema.deserialize(cstruct)["intitule"] == "x" * 100


# --- mandatory fields ------------------------------------------------------------------------

@pytest.mark.parametrize("field, title", [
    ("date_mise_en_oeuvre", "Date de mise en œuvre"),
    ("nom_entite", "Nom de l'entité"),
    ("intitule", "Intitulé de la pratique"),
    ("description", "Description de la pratique"),
    ("echelle", "Échelle de l'action"),
    ("types_intervention", "Type d'intervention"),
    ("thematiques", "Thématique"),
    ("publics", "Public visé"),
    ("relais", "Relais de l'implémentation"),
])
@pytest.mark.parametrize("absent", ["missing", "empty", "blank"])
def test_each_presentation_field_is_mandatory(references, field, title, absent):
    schema = bind(PresentationSchema(), references)
    cstruct = dict(PRESENTATION)
    if absent == "missing":
        del cstruct[field]
    elif absent == "empty":
        cstruct[field] = [] if isinstance(cstruct[field], list) else ""
    elif isinstance(cstruct[field], list):
        cstruct[field] = ["  ", ""]
    elif field in ("echelle", "relais"):
        # a radio button cannot post spaces; a forged request is refused all the same
        cstruct[field] = "   "
        assert errors(schema, cstruct)[field].startswith(f"« {title} » :")
        return
    else:
        cstruct[field] = " \n  "
    found = errors(schema, cstruct)
    assert list(found) == [field]
    assert found[field].startswith(f"« {title} » est obligatoire")


def test_no_result_field_is_mandatory(references):
    # FEP's form does not ask them: a moderator asks for them as a complement if needed
    resultats = bind(ResultatsSchema(), references).deserialize({})
    assert resultats["objectifs"] is None and resultats["moyens"] is None
    assert resultats["bilan"] is None and resultats["budget_annuel"] is None


@pytest.mark.parametrize("field, title", [
    ("accord_nom", "Nom du représentant du département"),
    ("accord_fonction", "Fonction du représentant"),
    ("accord_courriel", "Courriel du représentant du département"),
])
def test_each_representative_field_is_mandatory(references, field, title):
    schema = bind(ContactSchema(), references)
    cstruct = dict(CONTACT)
    cstruct[field] = ""
    found = errors(schema, cstruct)
    assert list(found) == [field]
    assert found[field].startswith(f"« {title} » est obligatoire")


def test_optional_fields_may_be_left_empty(references):
    resultats = bind(ResultatsSchema(), references).deserialize(
        dict(RESULTATS, budget_annuel="", nombre_beneficiaires=""))
    assert resultats["budget_annuel"] is None and resultats["nombre_beneficiaires"] is None
    assert resultats["pieces_jointes"] == []
    representative = {k: v for k, v in CONTACT.items() if k.startswith("accord_")}
    contact = bind(ContactSchema(), references).deserialize(representative)
    assert contact["contact_nom"] is None and contact["contact_telephone"] is None
    assert contact["contact_courriel"] is None


# --- dates -----------------------------------------------------------------------------------

def test_today_is_accepted_tomorrow_is_not(references):
    schema, cstruct = presentation(references, date_mise_en_oeuvre=TODAY.strftime("%d/%m/%Y"))
    assert schema.deserialize(cstruct)["date_mise_en_oeuvre"] == TODAY

    tomorrow = TODAY + dt.timedelta(days=1)
    schema, cstruct = presentation(references, date_mise_en_oeuvre=tomorrow.strftime("%d/%m/%Y"))
    message = errors(schema, cstruct)["date_mise_en_oeuvre"]
    assert "« Date de mise en œuvre » : la date ne peut pas être dans le futur" in message
    assert "23/11/2026" in message


def test_the_future_follows_the_bound_day(references):
    schema = bind(PresentationSchema(), references, today=dt.date(2021, 9, 14))
    assert "dans le futur" in errors(schema, dict(PRESENTATION))["date_mise_en_oeuvre"]


@pytest.mark.parametrize("typed", ["31/02/2024", "29/02/2023", "00/01/2020", "12/13/2020",
                                   "31/04/2021", "01/01/0000"])
def test_impossible_dates_are_refused(references, typed):
    schema, cstruct = presentation(references, date_mise_en_oeuvre=typed)
    message = errors(schema, cstruct)["date_mise_en_oeuvre"]
    assert message.startswith("« Date de mise en œuvre » :")
    assert "n'existe pas" in message and typed in message


@pytest.mark.parametrize("typed", ["2020", "15-09-2021", "15.09.2021", "15/09/21", "15/09",
                                   "quinze septembre 2021", "15 / 09 / 2021", "2021/09/15",
                                   "15/09/2021 10:00"])
def test_malformed_dates_are_refused(references, typed):
    schema, cstruct = presentation(references, date_mise_en_oeuvre=typed)
    message = errors(schema, cstruct)["date_mise_en_oeuvre"]
    assert message.startswith("« Date de mise en œuvre » : saisissez la date au format JJ/MM/AAAA")


@pytest.mark.parametrize("typed, expected", [
    ("29/02/2024", dt.date(2024, 2, 29)),
    ("1/2/2020", dt.date(2020, 2, 1)),
    (" 15/09/2021 ", dt.date(2021, 9, 15)),
])
def test_real_dates_are_accepted(references, typed, expected):
    schema, cstruct = presentation(references, date_mise_en_oeuvre=typed)
    assert schema.deserialize(cstruct)["date_mise_en_oeuvre"] == expected


# --- vocabularies ----------------------------------------------------------------------------

@pytest.mark.parametrize("field, title, unknown", [
    ("echelle", "Échelle de l'action", "internationale"),
    ("types_intervention", "Type d'intervention", ["accueil-jour", "hebergement"]),
    ("thematiques", "Thématique", ["Éducation"]),
    ("publics", "Public visé", ["enfants", "seniors"]),
    ("relais", "Relais de l'implémentation", "entreprise"),
])
def test_unknown_vocabulary_codes_are_refused(references, field, title, unknown):
    schema, cstruct = presentation(references, **{field: unknown})
    message = errors(schema, cstruct)[field]
    bad = unknown if isinstance(unknown, str) else unknown[-1]
    assert message == f"« {title} » : « {bad} » ne fait pas partie des valeurs proposées."


@pytest.mark.parametrize("field, precision", PRECISIONS.items())
def test_autre_needs_its_precision(references, field, precision):
    chosen = "autre" if field == "relais" else ["autre"]
    schema, cstruct = presentation(references, **{field: chosen})
    found = errors(schema, cstruct)
    assert list(found) == [precision]
    assert "vous avez choisi « Autre », précisez lequel" in found[precision]

    schema, cstruct = presentation(references, **{field: chosen, precision: "   "})
    assert list(errors(schema, cstruct)) == [precision]

    schema, cstruct = presentation(references, **{field: chosen, precision: "Une précision"})
    assert schema.deserialize(cstruct)[precision] == "Une précision"


def test_all_precisions_are_reported_at_once(references):
    schema, cstruct = presentation(references, types_intervention=["autre"], thematiques=["autre"],
                                   publics=["autre"], relais="autre")
    assert set(errors(schema, cstruct)) == set(PRECISIONS.values())


# --- territory -------------------------------------------------------------------------------

def localisation(references, echelle):
    return bind(LocalisationSchema(), references, echelle=echelle)


def test_nationale_needs_no_territory(references):
    assert localisation(references, "nationale").deserialize({}) == {"csrf_token": ""}


def test_regionale_needs_regions(references):
    schema = localisation(references, "regionale")
    assert "choisissez au moins une région" in errors(schema, {})["regions"]
    assert "« Régions »" in errors(schema, {"regions": []})["regions"]
    assert schema.deserialize({"regions": ["52", "53"]})["regions"] == ["52", "53"]


def test_departementale_needs_departements(references):
    schema = localisation(references, "departementale")
    assert "« Départements » : pour une action départementale" in errors(schema, {})["departements"]
    assert (schema.deserialize({"departements": ["2A", "2B", "971"]})["departements"]
            == ["2A", "2B", "971"])


def test_locale_needs_one_departement_and_a_place(references):
    schema = localisation(references, "locale")
    found = errors(schema, {})
    assert ("« Département » : pour une action locale, choisissez un département"
            in found["departements"])
    assert "« Lieu » : pour une action locale, indiquez la commune" in found["lieu"]
    assert list(errors(schema, {"lieu": "Angers"})) == ["departements"]
    assert list(errors(schema, {"departements": "49"})) == ["lieu"]
    assert list(errors(schema, {"departements": "49", "lieu": "   "})) == ["lieu"]
    two = errors(schema, {"departements": ["49", "44"], "lieu": "Angers"})
    assert list(two) == ["departements"]
    accepted = schema.deserialize({"departements": "976", "lieu": "Mamoudzou"})
    assert accepted["departements"] == ["976"] and accepted["lieu"] == "Mamoudzou"


def test_a_missing_scale_is_explained(references):
    with pytest.raises(colander.Invalid) as info:
        localisation(references, None).deserialize({})
    assert "Choisissez d'abord l'échelle de l'action" in str(info.value.asdict())


@pytest.mark.parametrize("code", ["00", "05", "99", "Bretagne", "1"])
def test_unknown_regions_are_refused(references, code):
    message = errors(localisation(references, "regionale"), {"regions": ["53", code]})["regions"]
    assert message == f"« Régions » : « {code} » ne fait pas partie des valeurs proposées."


@pytest.mark.parametrize("code", ["20", "96", "975", "1", "2a", "00"])
@pytest.mark.parametrize("echelle", ["departementale", "locale"])
def test_unknown_departements_are_refused(references, code, echelle):
    message = errors(localisation(references, echelle), {"departements": [code], "lieu": "X"})
    assert message["departements"] == (
        f"« Départements » : « {code} » ne fait pas partie des valeurs proposées.")


def test_every_official_departement_is_accepted(references):
    codes = [f"{n:02d}" for n in range(1, 20)] + ["2A", "2B"] + [str(n) for n in range(21, 96)]
    codes += ["971", "972", "973", "974", "976"]
    assert len(codes) == 101
    accepted = localisation(references, "departementale").deserialize({"departements": codes})
    assert accepted["departements"] == codes


# --- attachments -----------------------------------------------------------------------------

def pdf_bytes(padding: int = 0) -> bytes:
    body = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n")
    body += b"%" + b"x" * padding + b"\n" if padding else b""
    return body + b"trailer<</Root 1 0 R>>\n%%EOF\n"


def zip_bytes(entries) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries:
            compress = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=compress)
    return buffer.getvalue()


ODT = zip_bytes([
    ("mimetype", "application/vnd.oasis.opendocument.text"),
    ("META-INF/manifest.xml", '<?xml version="1.0"?><manifest:manifest/>'),
    ("content.xml", '<?xml version="1.0"?><office:document-content/>'),
])
DOCX = zip_bytes([
    ("[Content_Types].xml", '<?xml version="1.0"?><Types/>'),
    ("_rels/.rels", '<?xml version="1.0"?><Relationships/>'),
    ("word/document.xml", '<?xml version="1.0"?><w:document/>'),
])
DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56
PE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 56 + b"PE\x00\x00"


def upload(filename, content):
    return types.SimpleNamespace(filename=filename, file=io.BytesIO(content))


def resultats(references, files, kept=0, max_bytes=5 * 1024 * 1024):
    schema = bind(ResultatsSchema(), references, attachments_kept=kept, max_upload_bytes=max_bytes)
    return schema, dict(RESULTATS, pieces_jointes=files)


@pytest.mark.parametrize("filename, content, media_type", [
    ("rapport.pdf", pdf_bytes(), "application/pdf"),
    ("bilan.odt", ODT, "application/vnd.oasis.opendocument.text"),
    ("bilan.docx", DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("bilan.doc", DOC, "application/msword"),
    ("sans-extension", pdf_bytes(), "application/pdf"),
])
def test_documents_are_accepted_by_content(references, filename, content, media_type):
    schema, cstruct = resultats(references, [upload(filename, content)])
    [stored] = schema.deserialize(cstruct)["pieces_jointes"]
    assert stored == {"filename": filename, "content": content, "media_type": media_type}


@pytest.mark.parametrize("filename, content", [
    ("rapport.pdf", ELF),
    ("rapport.pdf", PE),
    ("rapport.docx", zip_bytes([("payload.exe", "MZ")])),
    ("rapport.odt", zip_bytes([("mimetype", "application/zip")])),
    ("rapport.docx", b"PK\x03\x04 not really a zip"),
    ("rapport.pdf", b"<html><script>alert(1)</script></html>"),
    ("rapport.pdf", b""),
])
def test_other_contents_are_refused_whatever_their_name(references, filename, content):
    schema, cstruct = resultats(references, [upload(filename, content)])
    message = errors(schema, cstruct)["pieces_jointes"]
    assert message.startswith("« Pièces jointes » : le contenu de « rapport.")
    assert "seuls ces formats sont acceptés" in message


def test_nul_characters_are_dropped_from_file_names(references):
    schema, cstruct = resultats(references, [upload("rap\x00port.pdf", pdf_bytes())])
    assert schema.deserialize(cstruct)["pieces_jointes"][0]["filename"] == "rapport.pdf"


def test_the_path_of_a_file_is_dropped(references):
    schema, cstruct = resultats(references, [upload("C:\\Users\\claire\\rapport.pdf", pdf_bytes()),
                                             upload("../../etc/bilan.pdf", pdf_bytes())])
    names = [f["filename"] for f in schema.deserialize(cstruct)["pieces_jointes"]]
    assert names == ["rapport.pdf", "bilan.pdf"]


def test_the_size_limit(references):
    limit = 64 * 1024
    at_limit = pdf_bytes()
    at_limit = pdf_bytes(limit - len(at_limit) - 2)
    assert len(at_limit) == limit
    schema, cstruct = resultats(references, [upload("juste.pdf", at_limit)], max_bytes=limit)
    assert len(schema.deserialize(cstruct)["pieces_jointes"]) == 1

    over = pdf_bytes(limit - len(pdf_bytes()) - 1)
    assert len(over) == limit + 1
    schema, cstruct = resultats(references, [upload("gros.pdf", over)], max_bytes=limit)
    message = errors(schema, cstruct)["pieces_jointes"]
    assert message.startswith("« Pièces jointes » : « gros.pdf » pèse")


def test_the_default_size_limit_is_five_megabytes(references):
    schema = bind(ResultatsSchema(), references)  # no max_upload_bytes bound
    over = pdf_bytes(5 * 1024 * 1024 - len(pdf_bytes()) - 1)
    message = errors(schema, dict(RESULTATS, pieces_jointes=[upload("gros.pdf", over)]))
    assert "la limite est de 5 Mo" in message["pieces_jointes"]


@pytest.mark.parametrize("kept, sent, accepted", [
    (0, 3, True), (0, 4, False), (1, 2, True), (1, 3, False), (2, 1, True), (2, 2, False),
    (3, 0, True), (3, 1, False),
])
def test_three_documents_at_most_counting_those_kept(references, kept, sent, accepted):
    files = [upload(f"doc{i}.pdf", pdf_bytes()) for i in range(sent)]
    schema, cstruct = resultats(references, files, kept=kept)
    if accepted:
        assert len(schema.deserialize(cstruct)["pieces_jointes"]) == sent
    else:
        message = errors(schema, cstruct)["pieces_jointes"]
        assert "« Pièces jointes » : 3 documents au maximum" in str(message)
        assert f"{kept} déjà joint(s), {sent} envoyé(s)" in str(message)


def test_empty_file_inputs_are_ignored(references):
    schema, cstruct = resultats(references,
                                ["", upload("", b""), upload("rapport.pdf", pdf_bytes())],
                                kept=2)
    assert [f["filename"] for f in schema.deserialize(cstruct)["pieces_jointes"]] == ["rapport.pdf"]


# --- numbers, e-mails, conditions ------------------------------------------------------------

@pytest.mark.parametrize("typed, problem", [
    ("-1", "ne peut pas être négatif"),
    ("-45000", "ne peut pas être négatif"),
    ("beaucoup", "saisissez un nombre entier"),
    ("12,5", "saisissez un nombre entier"),
    ("12.5", "saisissez un nombre entier"),
    ("45000 €", "saisissez un nombre entier"),
    ("1e6", "saisissez un nombre entier"),
])
def test_beneficiaries_are_a_whole_number_not_negative(references, typed, problem):
    schema = bind(ResultatsSchema(), references)
    message = errors(schema, dict(RESULTATS, nombre_beneficiaires=typed))["nombre_beneficiaires"]
    assert message.startswith("« Nombre de bénéficiaires") and problem in message


@pytest.mark.parametrize("typed, expected", [
    ("62 000 €", 62000), ("62000", 62000), ("62\u00a0000\u00a0€", 62000),
    ("62\u202f000 €", 62000), ("62 000,50", 62001), ("62 000,49 €", 62000),
    ("62.000 €", 62000), ("1.234.567", 1234567), ("62.000,50 €", 62001), ("62'000", 62000),
    ("45 000 euros", 45000), ("45000 EUR", 45000), ("62k€", 62000), ("62 k€", 62000),
    ("1,5 M€", 1500000), ("12,5", 13), ("0", 0), ("  7 500  ", 7500),
])
def test_the_budget_is_read_as_people_write_amounts(references, typed, expected):
    schema = bind(ResultatsSchema(), references)
    assert schema.deserialize(dict(RESULTATS, budget_annuel=typed))["budget_annuel"] == expected


@pytest.mark.parametrize("typed, problem", [
    ("-1", "le montant ne peut pas être négatif"),
    ("-45 000 €", "le montant ne peut pas être négatif"),
    ("beaucoup", "saisissez un montant en euros, en chiffres, par exemple 62 000 €"),
    ("50 000 à 60 000", "saisissez un montant en euros"),
    ("1e6", "saisissez un montant en euros"),
    ("12..5", "saisissez un montant en euros"),
    ("€", "saisissez un montant en euros"),
    ("62,000", "« 62,000 » peut se lire de deux façons ; écrivez 62 000 pour soixante-deux "
               "mille euros, ou 62,50"),
])
def test_an_amount_that_is_none_is_refused_in_french(references, typed, problem):
    schema = bind(ResultatsSchema(), references)
    message = errors(schema, dict(RESULTATS, budget_annuel=typed))["budget_annuel"]
    assert message.startswith("« Budget annuel") and problem in message


@pytest.mark.parametrize("field, title, largest", [
    ("budget_annuel", "Budget annuel", 2**63 - 1),
    ("nombre_beneficiaires", "Nombre de bénéficiaires", 2**31 - 1),
])
def test_numbers_fit_their_column(references, field, title, largest):
    schema = bind(ResultatsSchema(), references)
    assert schema.deserialize(dict(RESULTATS, **{field: str(largest)}))[field] == largest
    for typed in (str(largest + 1), "9" * 40):
        message = errors(schema, dict(RESULTATS, **{field: typed}))[field]
        assert message == f"« {title} » : ce {'montant' if 'Budget' in title else 'nombre'} " \
            "est trop grand ; vérifiez-le."


@pytest.mark.parametrize("typed, expected", [("0", 0), ("45000", 45000), ("45 000", 45000),
                                             ("45\u202f000", 45000)])
def test_numbers_accepted(references, typed, expected):
    schema = bind(ResultatsSchema(), references)
    result = schema.deserialize(dict(RESULTATS, budget_annuel=typed, nombre_beneficiaires=typed))
    assert result["budget_annuel"] == expected and result["nombre_beneficiaires"] == expected


@pytest.mark.parametrize("field, title", [
    ("contact_courriel", "Courriel de la personne à contacter"),
    ("accord_courriel", "Courriel du représentant du département"),
])
@pytest.mark.parametrize("typed", ["pas-une-adresse", "claire@", "@example.fr",
                                   "claire martin@example.fr",
                                   "claire@@example.fr", "claire@example", "claire@example.",
                                   "claire@.example.fr", "<script>@example.fr"])
def test_invalid_emails_are_refused(references, field, title, typed):
    schema = bind(ContactSchema(), references)
    message = errors(schema, dict(CONTACT, **{field: typed}))[field]
    assert message == f"« {title} » : l'adresse n'est pas valide ; format attendu nom@domaine.fr."


def test_valid_contact_is_accepted(references):
    schema = bind(ContactSchema(), references)
    result = schema.deserialize(dict(CONTACT, contact_telephone="+33 (0)2 41-00.00.00",
                                     accord_courriel="  Paul.Durand@Departement.example.fr "))
    assert result["accord_courriel"] == "Paul.Durand@Departement.example.fr"


def test_a_telephone_is_digits(references):
    schema = bind(ContactSchema(), references)
    message = errors(schema, dict(CONTACT, contact_telephone="appelez-moi"))["contact_telephone"]
    assert message.startswith("« Téléphone » :")


@pytest.mark.parametrize("posted", [{}, {"accepte_conditions": "false"}])
def test_the_conditions_box_must_be_checked(references, posted):
    schema = bind(ConditionsSchema(), references)
    message = errors(schema, posted)["accepte_conditions"]
    assert message == "Pour continuer, cochez « J'ai lu et j'accepte les conditions ci-dessus »."
    ticked = {"accepte_conditions": "true", "accord_hierarchie": "true"}
    assert schema.deserialize(ticked)["accepte_conditions"] is True


@pytest.mark.parametrize("posted", [{"accepte_conditions": "true"},
                                    {"accepte_conditions": "true", "accord_hierarchie": "false"}])
def test_the_hierarchy_box_must_be_checked(references, posted):
    schema = bind(ConditionsSchema(), references)
    assert errors(schema, posted) == {"accord_hierarchie": (
        "Pour continuer, cochez « Je déclare cette pratique avec l'accord de ma hiérarchie ».")}
