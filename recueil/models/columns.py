"""The exported columns: exactly the public fields of spec §9, in their order, documented.

This is the one allowlist of the open data. A column is exported because it is named in
``PUBLIC_FIELDS``; nothing reads the personal fields, and importing this module fails if the
two lists ever meet or if a public field lacks its documentation here.
"""
import dataclasses

from . import reference
from .practice import MULTI_FIELDS, PERSONAL_FIELDS, PUBLIC_FIELDS, Practice
from .vocabulary import VOCABULARIES

#: The exported columns, in the order of the CSV header, the JSON records and the schema.
COLUMNS: tuple[str, ...] = tuple(PUBLIC_FIELDS)
#: Columns holding several codes: one CSV cell of codes joined by SEPARATOR, a JSON array.
MULTI_VALUED: tuple[str, ...] = tuple(name for name in COLUMNS if name in MULTI_FIELDS)
#: Columns holding one code of a controlled vocabulary.
SINGLE_CODED: tuple[str, ...] = ("echelle", "relais")
SEPARATOR = "|"
#: A CSV cell starting with one of these is prefixed with NEUTRALISER (OWASP, CSV injection):
#: a spreadsheet would otherwise read it as a formula. The JSON keeps the raw text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
NEUTRALISER = "'"

if set(COLUMNS) & set(PERSONAL_FIELDS):  # pragma: no cover - a guard on the model's lists
    raise RuntimeError("Un champ personnel figure parmi les champs publics.")

NEUTRALISATION_NOTE = (
    "Dans le CSV, un texte qui commencerait par =, +, -, @, une tabulation ou un retour à la "
    "ligne est précédé d'une apostrophe (') pour qu'aucun tableur ne l'exécute comme une "
    "formule ; le JSON donne le texte tel quel."
)


@dataclasses.dataclass(frozen=True)
class Column:
    """One exported column and what the Table Schema says of it."""

    name: str
    title: str
    description: str
    type: str = "string"
    format: str | None = None
    required: bool = False
    unique: bool = False
    example: str = ""
    #: free text written by a person: neutralised in the CSV when it looks like a formula
    free_text: bool = False
    #: the vocabulary of its codes ("regions" and "departements" are the COG's)
    vocabulary: str | None = None
    max_length: int | None = None
    minimum: int | None = None
    pattern: str | None = None
    enum: tuple | None = None

    @property
    def multiple(self) -> bool:
        return self.name in MULTI_VALUED


def _length(name: str) -> int | None:
    """The database's limit for a text column (None for unbounded TEXT)."""
    return getattr(Practice.__table__.c[name].type, "length", None)


def _text(name, title, description, example, required=False):
    length = _length(name)
    if length:
        description += (f" {length} caractères au plus (sans compter l'apostrophe de "
                        "neutralisation).")
    description += " " + NEUTRALISATION_NOTE
    # the neutralising apostrophe may add one character to a full-length text
    return Column(name, title, description, required=required, example=example,
                  free_text=True, max_length=length + 1 if length else None)


def _codes(name, title, description, example, required=False):
    if name in ("regions", "departements"):
        what = "des codes du Code officiel géographique (INSEE)"
    else:
        what = f"des codes du vocabulaire « {VOCABULARIES.get(name, title)} »"
    return Column(
        name, title,
        f"{description} Liste {what}, séparés par « {SEPARATOR} » dans le CSV "
        "(un tableau de codes avec leur libellé dans le JSON). Les codes ne changent jamais ; "
        "leurs libellés figurent dans le JSON et sur la page des données ouvertes.",
        required=required, example=example, vocabulary=name,
    )


def _precision(name, what):
    return _text(name, f"Précision pour « Autre » ({what})",
                 f"Ce que recouvre « Autre » quand ce code est choisi dans « {what} ».",
                 "Groupes de parole entre pairs")


_FICHE_ONLY = ("Rempli pour une fiche dispositif de l'ONPE (niveau 2) ; vide pour une pratique "
               "inspirante (niveau 1).")


def _fiche_text(name, title, description, example):
    return _text(name, title, f"{description} {_FICHE_ONLY}", example)


_DOCUMENTED = [
    Column("id", "Identifiant",
           "Identifiant unique et permanent de la pratique (UUID) ; il n'est jamais réutilisé.",
           format="uuid", required=True, unique=True,
           example="5f0c2c5e-8a4b-4e8f-9a59-2f1b6f0d3c21"),
    Column("reference", "Référence",
           f"Numéro lisible, de la forme {reference.shape(reference.PRACTICE_PREFIX)} pour une "
           "pratique (année de dépôt, numéro d'ordre) et "
           f"{reference.shape(reference.FICHE_PREFIX)} pour une fiche dispositif de l'ONPE "
           "(année de création, numéro d'ordre).", required=True, unique=True,
           example=reference.format_reference(reference.PRACTICE_PREFIX, 2024, 42),
           max_length=_length("reference"), pattern=reference.PATTERN),
    Column("niveau", "Niveau",
           "1 : pratique inspirante déclarée et retenue par le comité ; 2 : fiche dispositif "
           "de l'ONPE.", type="integer", required=True, example="1", enum=(1, 2)),
    _text("intitule", "Intitulé de la pratique", "Le titre de la pratique.",
          "Parrainage de proximité pour les enfants confiés", required=True),
    _text("nom_entite", "Nom de l'entité",
          "L'organisme (association, département, établissement) qui porte la pratique.",
          "Association Grandir ensemble", required=True),
    _text("description", "Description de la pratique", "La pratique en quelques phrases.",
          "Des bénévoles formés accompagnent chaque semaine un enfant confié.", required=True),
    Column("date_mise_en_oeuvre", "Date de mise en œuvre",
           "Date à laquelle la pratique a commencé, au format AAAA-MM-JJ.",
           type="date", format="%Y-%m-%d", required=True, example="2021-09-01"),
    Column("echelle", "Échelle de l'action",
           "Code de l'échelle de l'action (nationale, régionale, départementale ou locale).",
           required=True, example="departementale", vocabulary="echelle"),
    _codes("types_intervention", "Types d'intervention",
           "Les types d'intervention de la pratique.", "aemo|accueil-jour", required=True),
    _precision("types_intervention_autre", "Types d'intervention"),
    _codes("thematiques", "Thématiques", "Les thématiques de la pratique.",
           "education|sante-mentale", required=True),
    _precision("thematiques_autre", "Thématiques"),
    _codes("publics", "Publics visés", "Les publics auxquels la pratique s'adresse.",
           "adolescents|parents", required=True),
    _precision("publics_autre", "Publics visés"),
    Column("relais", "Relais de l'implémentation",
           "Code de qui relaie la pratique : association, département, service de l'État ou "
           "autre.",
           required=True, example="association", vocabulary="relais"),
    _precision("relais_autre", "Relais de l'implémentation"),
    _codes("regions", "Régions",
           "Les régions où la pratique est mise en œuvre ; elles comprennent toujours les "
           "régions de ses départements. Vide pour une action nationale.", "84|93"),
    _codes("departements", "Départements",
           "Les départements où la pratique est mise en œuvre (un seul pour une action "
           "locale). Vide pour une action nationale ou seulement régionale.", "69|2A|974"),
    _text("lieu", "Lieu", "La commune ou le territoire d'une action locale.", "Villeurbanne"),
    _text("objectifs", "Objectifs", "Les objectifs de la pratique.",
          "Rompre l'isolement des enfants confiés.", required=True),
    _text("moyens", "Moyens humains et financiers", "Les moyens mobilisés.",
          "Deux coordinatrices et quarante bénévoles.", required=True),
    # a fiche dispositif (niveau 2) states its expected results instead, on its page
    _text("bilan", "Bilan chiffré et qualitatif",
          "Ce que la pratique a donné. Vide pour une fiche dispositif de l'ONPE (niveau 2).",
          "120 parrainages en trois ans."),
    Column("budget_annuel", "Budget annuel (euros)",
           "Budget annuel de la pratique, en euros, nombre entier. Vide si non renseigné.",
           type="integer", example="45000", minimum=0),
    Column("nombre_beneficiaires", "Nombre de bénéficiaires par an",
           "Nombre de bénéficiaires par an, nombre entier. Vide si non renseigné.",
           type="integer", example="120", minimum=0),
    Column("coup_de_coeur", "Coup de cœur du comité",
           "true si le comité de sélection a distingué la pratique, false sinon.",
           type="boolean", required=True, example="false"),
    Column("nombre_essaimages", "Nombre d'essaimages",
           "Nombre d'équipes qui ont fait savoir, sur la page de la pratique, qu'elles l'ont "
           "reprise ailleurs (essaimage), récits relus et publiés par l'équipe du recueil ; 0 "
           "si aucune. Le JSON donne aussi la liste de ces reprises (structure, département, "
           "date de publication).",
           type="integer", required=True, example="2", minimum=0),
    Column("date_publication", "Date de publication",
           "Date à laquelle la pratique a été publiée dans le recueil, au format AAAA-MM-JJ.",
           type="date", format="%Y-%m-%d", required=True, example="2024-03-15"),
    _text("source", "Source",
          "D'où vient la pratique quand elle n'a pas été déclarée sur la plateforme "
          "(par exemple un import de l'ONPE). Vide sinon.", "ONPE"),
    Column("url", "Adresse de la pratique",
           "Adresse permanente de la page de la pratique dans le recueil.",
           format="uri", required=True, unique=True,
           example="https://recueil.example.org/pratiques/5f0c2c5e-8a4b-4e8f-9a59-2f1b6f0d3c21"),
    # the ONPE's fiches in full (spec §4), after `url` so that earlier columns keep their place
    _fiche_text("cles_reussite", "Clés de réussite", "Ce qui fait que le dispositif fonctionne.",
                "Un partenariat solide avec l'école."),
    _fiche_text("resultats_attendus", "Résultats attendus",
                "Les effets recherchés par le dispositif.", "Moins de placements en urgence."),
    _fiche_text("difficultes", "Difficultés susceptibles d'être rencontrées",
                "Les obstacles connus et comment les lever.",
                "Le renouvellement des bénévoles."),
    _fiche_text("evaluation_references", "Évaluation et références",
                "Les évaluations menées, les études et les textes de référence.",
                "Évaluation externe de 2022."),
    _fiche_text("co_auteurs", "Co-auteurs",
                "Les co-auteurs de la fiche (personnes ou organismes), un par ligne.",
                "CNAPE"),
    Column("date_revision", "À revoir le",
           "Date à laquelle l'ONPE prévoit de relire la fiche, au format AAAA-MM-JJ. "
           f"{_FICHE_ONLY}", type="date", format="%Y-%m-%d", example="2027-01-01"),
]

#: name -> Column, in COLUMNS order
DOCUMENTATION: dict[str, Column] = {column.name: column for column in _DOCUMENTED}

if tuple(DOCUMENTATION) != COLUMNS:  # pragma: no cover - a guard on this module
    raise RuntimeError("La documentation des colonnes ne suit pas PUBLIC_FIELDS.")

#: The columns whose CSV text is checked for a formula-like start.
FREE_TEXT: tuple[str, ...] = tuple(c.name for c in _DOCUMENTED if c.free_text)


def neutralise(text: str) -> str:
    """The CSV cell of a text: prefixed with an apostrophe when a spreadsheet would run it."""
    if text and text[0] in FORMULA_STARTS:
        return NEUTRALISER + text
    return text
