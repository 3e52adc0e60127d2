# ruff: noqa: E501  (the French prose fragments are data)
"""A realistic demonstration data set: practices in every state of their life (spec §3).

``create_demo`` composes plausible French practices from themed sentence fragments, with
territories that follow the rules of the form (spec §2, step 3), fictitious people under
example.org / example.fr, and a history of transitions that follows the workflow up to each
practice's current status. It is deterministic for a seed: the same seed gives the same
practices, with the same identifiers and references, however many times it is run (the
practices of a previous run, ``source == "demo"``, are deleted first). The ONPE's published
fiches dispositifs (level 2, spec §4) come with them, linked to published practices.
"""
import datetime as dt
import json
import random
import re
import unicodedata
import uuid
from collections import Counter
from importlib import resources

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..models import Departement, Practice, ReferenceCounter, Region, Transition, VocabularyTerm
from ..models.practice import STATUSES
from ..models.vocabulary import VOCABULARIES
from ..services.declarations import next_reference

SOURCE = "demo"
#: The demo's "now": every date of the data set is before it.
NOW = dt.datetime(2026, 11, 23, 0, 0)
EARLIEST = dt.datetime(2023, 9, 4, 9, 0)
#: Steps of the declaration form a sent practice has validated.
STEPS = ("conditions", "presentation", "localisation", "resultats", "contact")
MULTI = ("types_intervention", "thematiques", "publics")
_ID_NAMESPACE = uuid.UUID("6f1c1f0e-3b1a-4d2b-9a57-2c0de5e0d3a1")

#: Committee sessions held (their practices go online a week later) and the next one.
SESSIONS = tuple(dt.date.fromisoformat(d) for d in (
    "2023-12-14", "2024-02-15", "2024-04-11", "2024-06-27", "2024-10-17", "2024-12-12", "2025-02-13",
    "2025-04-10", "2025-06-26", "2025-10-16", "2025-12-11", "2026-02-12", "2026-04-09",
    "2026-06-25", "2026-09-24", "2026-11-19",
))
NEXT_SESSION = dt.date(2026, 12, 10)
PUBLICATION_DELAY = dt.timedelta(days=7)

#: Share of each status among the practices that are not published (45 % are).
PUBLISHED_SHARE = 0.45
STATUS_WEIGHTS = {
    "brouillon": 5, "soumise": 4, "en_moderation": 4, "complement_demande": 4,
    "irrecevable": 3.5, "doublon": 2, "recevable": 4, "inscrite": 5, "selectionnee": 3.5,
    "non_retenue": 5, "ajournee": 2.5, "depubliee": 1.5, "retiree": 2.5,
}

# --------------------------------------------------------------------------- staff

MODERATEURS = ("camille.besson@example.fr", "yanis.ferrand@example.fr", "odile.marchal@example.fr")
SECRETARIAT = ("secretariat.comite@example.fr", "helene.vasseur@example.fr")
ADMINISTRATEURS = ("admin.recueil@example.fr",)
SYSTEME = "système (publication programmée)"

#: The ONPE's editor who writes the demonstration fiches (an actor of their history only:
#: like the other staff above, no account is created).
REDACTION_ONPE = "redaction.onpe@example.fr"

# --------------------------------------------------------------------------- ONPE fiches

ONPE = "Observatoire national de la protection de l'enfance (ONPE)"

#: Level-2 fiches dispositifs (spec §4): each is published and linked to published practices
#: sharing one of its thématiques.
FICHES = (
    {
        "intitule": "Les visites en présence d'un tiers",
        "nom_entite": ONPE,
        "co_auteurs": "Fédération nationale des services de médiation familiale\n"
                      "Départements de France",
        "description": (
            "Lorsqu'un enfant est confié à l'aide sociale à l'enfance, le juge peut ordonner que "
            "les rencontres avec ses parents se déroulent en présence d'un tiers. Ces visites "
            "médiatisées maintiennent le lien tout en protégeant l'enfant.\n"
            "La fiche présente l'organisation des lieux de visite, le rôle du professionnel "
            "tiers et la manière de rendre compte au juge des enfants."
        ),
        "date_mise_en_oeuvre": dt.date(2017, 1, 9),
        "echelle": "nationale",
        "types_intervention": ["accueil-parents-enfants"],
        "thematiques": ["liens-parents-enfants"],
        "publics": ["enfants", "parents"],
        "relais": "association",
        "objectifs": (
            "Préserver la relation entre l'enfant et ses parents pendant le placement ; "
            "sécuriser l'enfant lors des rencontres ; éclairer les décisions du juge par des "
            "observations précises et partagées avec la famille."
        ),
        "moyens": (
            "Un lieu neutre et accueillant, avec une salle de jeux et un espace pour les plus "
            "petits ; des professionnels formés à l'observation des interactions (éducateurs, "
            "psychologues) ; un temps de préparation avant chaque visite et un temps de reprise "
            "après ; un protocole écrit partagé avec le service gardien et le juge."
        ),
        "cles_reussite": (
            "Préparer chaque visite avec l'enfant et avec le parent. Garder le même professionnel "
            "d'une visite à l'autre. Écrire les comptes rendus dans des termes que les parents "
            "peuvent lire. Faire évoluer la fréquence et les modalités des visites à mesure que "
            "la relation se rétablit."
        ),
        "resultats_attendus": (
            "Des rencontres régulières, moins d'annulations, des enfants apaisés avant et après "
            "les visites, et des décisions d'assouplissement (visites libres, hébergement) prises "
            "sur des éléments observés."
        ),
        "difficultes": (
            "Les délais d'attente pour obtenir un créneau, les trajets des familles éloignées, et "
            "la charge émotionnelle des visites pour les professionnels, qui demande des temps "
            "d'analyse de la pratique."
        ),
        "evaluation_references": (
            "Article 375-7 du code civil ; décret n° 2017-1572 du 15 novembre 2017 relatif aux "
            "modalités d'organisation de la visite en présence d'un tiers ; guide de la "
            "Haute Autorité de santé sur le maintien des liens (2022)."
        ),
        "published": dt.date(2024, 3, 18),
        "review": dt.date(2027, 3, 18),
    },
    {
        "intitule": "Accompagner les jeunes majeurs vers l'autonomie",
        "nom_entite": ONPE,
        "co_auteurs": "Union nationale des associations de protection de l'enfance\n"
                      "Observatoires départementaux de la protection de l'enfance",
        "description": (
            "À 18 ans, les jeunes confiés à l'aide sociale à l'enfance doivent souvent quitter "
            "leur lieu d'accueil. La loi du 7 février 2022 prévoit un accompagnement jusqu'à "
            "21 ans pour ceux qui n'ont pas de soutien familial ni de ressources suffisantes.\n"
            "La fiche décrit les dispositifs qui préparent ce passage dès 16 ans : entretien de "
            "préparation, contrat jeune majeur, accès au logement et aux droits."
        ),
        "date_mise_en_oeuvre": dt.date(2019, 9, 2),
        "echelle": "nationale",
        "types_intervention": ["autre"],
        "types_intervention_autre": "Contrat jeune majeur",
        "thematiques": ["education", "organisation-interne"],
        "publics": ["jeunes-majeurs", "adolescents"],
        "relais": "departement",
        "objectifs": (
            "Éviter les sorties sèches du dispositif de protection ; permettre à chaque jeune "
            "d'avoir un logement, des ressources et un projet de formation à sa majorité ; "
            "maintenir un adulte de référence au-delà de 18 ans."
        ),
        "moyens": (
            "Un référent jeune majeur par territoire, un entretien obligatoire à 17 ans, des "
            "places en foyer de jeunes travailleurs réservées, une allocation mensuelle et des "
            "partenariats avec les missions locales et les bailleurs sociaux."
        ),
        "cles_reussite": (
            "Commencer tôt, dès 16 ans ; associer le jeune à chaque étape ; ne pas conditionner "
            "l'aide à un parcours sans accroc ; garder un lien, même léger, après la fin de "
            "l'accompagnement."
        ),
        "resultats_attendus": (
            "Moins de jeunes sans solution de logement à 18 ans, une part plus grande de jeunes "
            "en formation ou en emploi à 21 ans, et des retours possibles vers le référent en "
            "cas de difficulté."
        ),
        "difficultes": (
            "L'inégalité des moyens entre départements, la saturation des logements pour jeunes, "
            "et l'éloignement de certains jeunes qui refusent l'accompagnement à leur majorité."
        ),
        "evaluation_references": (
            "Loi n° 2022-140 du 7 février 2022 relative à la protection des enfants ; enquête "
            "longitudinale sur l'accès à l'autonomie des jeunes placés (ELAP)."
        ),
        "published": dt.date(2024, 9, 23),
        "review": dt.date(2026, 9, 30),
    },
    {
        "intitule": "Repérer et protéger les enfants exposés aux violences conjugales",
        "nom_entite": ONPE,
        "co_auteurs": "Mission interministérielle pour la protection des femmes\n"
                      "Centre national de ressources et de soutien",
        "description": (
            "Un enfant exposé aux violences dans son couple parental est une victime. Les "
            "départements, les forces de l'ordre et les associations spécialisées ont mis en "
            "place des dispositifs pour le repérer plus tôt et le mettre à l'abri.\n"
            "La fiche présente l'évaluation de la situation de l'enfant, les mesures de mise à "
            "l'abri et l'accompagnement du parent victime."
        ),
        "date_mise_en_oeuvre": dt.date(2020, 3, 2),
        "echelle": "nationale",
        "types_intervention": ["diagnostic", "accueil-urgence"],
        "thematiques": ["violences-conjugales"],
        "publics": ["enfants", "parents", "professionnels"],
        "relais": "departement",
        "objectifs": (
            "Repérer les enfants exposés dès la plainte ou l'intervention des forces de l'ordre ; "
            "évaluer leur danger dans les quinze jours ; proposer au parent victime et à "
            "l'enfant une mise à l'abri conjointe."
        ),
        "moyens": (
            "Un protocole entre le parquet, la police, la gendarmerie et la cellule de recueil "
            "des informations préoccupantes ; des places d'accueil d'urgence mère-enfant ; des "
            "psychologues formés au psychotraumatisme de l'enfant."
        ),
        "cles_reussite": (
            "Une fiche de liaison unique transmise le jour même ; des professionnels formés "
            "ensemble ; un interlocuteur désigné pour l'enfant dans chaque service."
        ),
        "resultats_attendus": (
            "Des informations préoccupantes transmises plus vite, des enfants évalués et "
            "accompagnés, et moins de retours au domicile violent."
        ),
        "difficultes": (
            "Le manque de places d'urgence, le partage d'informations entre institutions et la "
            "prise en charge des très jeunes enfants."
        ),
        "evaluation_references": (
            "Loi n° 2020-936 du 30 juillet 2020 visant à protéger les victimes de violences "
            "conjugales ; Grenelle des violences conjugales (2019)."
        ),
        "published": dt.date(2025, 2, 10),
        "review": dt.date(2027, 2, 10),
    },
    {
        "intitule": "Prévenir le harcèlement et les risques numériques chez les adolescents",
        "nom_entite": ONPE,
        "co_auteurs": "Association e-Enfance\nRéseau Canopé",
        "description": (
            "Harcèlement entre élèves, cyberharcèlement, exposition aux contenus violents : les "
            "adolescents confiés à la protection de l'enfance y sont plus exposés que les autres.\n"
            "La fiche rassemble des actions de prévention menées avec les collèges et les lieux "
            "d'accueil, et les relais d'écoute à faire connaître aux jeunes."
        ),
        "date_mise_en_oeuvre": dt.date(2021, 11, 8),
        "echelle": "nationale",
        "types_intervention": ["lien-famille-ecole"],
        "thematiques": ["harcelement", "usages-numeriques"],
        "publics": ["adolescents", "professionnels"],
        "relais": "association",
        "objectifs": (
            "Former les éducateurs et les familles d'accueil aux usages numériques des "
            "adolescents ; faire connaître le 3018 ; organiser des ateliers entre pairs dans les "
            "collèges et les maisons d'enfants."
        ),
        "moyens": (
            "Des ateliers animés par des intervenants spécialisés, une mallette pédagogique, un "
            "temps de formation de deux jours pour les professionnels et un partenariat avec "
            "l'Éducation nationale."
        ),
        "cles_reussite": (
            "Faire intervenir des jeunes formés comme ambassadeurs ; associer les familles "
            "d'accueil ; parler des écrans sans les interdire."
        ),
        "resultats_attendus": (
            "Des situations de harcèlement signalées plus tôt, des jeunes qui savent où trouver "
            "de l'aide et des professionnels plus à l'aise avec les réseaux sociaux."
        ),
        "difficultes": None,
        "evaluation_references": "Programme pHARe de l'Éducation nationale (2021).",
        "published": dt.date(2025, 6, 2),
        "review": dt.date(2027, 6, 2),
    },
    {
        "intitule": "Coordonner le soin et la protection pour la santé mentale des enfants",
        "nom_entite": "Agence régionale de santé et départements partenaires",
        "co_auteurs": ONPE,
        "description": (
            "Une part importante des enfants protégés a besoin de soins psychiques. Dans "
            "plusieurs régions, des équipes mobiles associent pédopsychiatrie et aide sociale à "
            "l'enfance pour intervenir sur les lieux d'accueil.\n"
            "La fiche décrit leur organisation et les conditions d'une coordination durable."
        ),
        "date_mise_en_oeuvre": dt.date(2018, 5, 14),
        "echelle": "regionale",
        "regions": ["84", "93"],
        "types_intervention": ["diagnostic", "autre"],
        "types_intervention_autre": "Équipe mobile de pédopsychiatrie",
        "thematiques": ["sante-mentale"],
        "publics": ["enfants", "adolescents", "professionnels"],
        "relais": "autre",
        "relais_autre": "Agence régionale de santé",
        "objectifs": (
            "Réduire les délais d'accès aux soins ; éviter les ruptures de parcours lors des "
            "crises ; soutenir les équipes éducatives face aux troubles du comportement."
        ),
        "moyens": (
            "Une équipe mobile (pédopsychiatre, infirmier, psychologue, éducateur) financée "
            "conjointement par l'agence régionale de santé et les départements ; des "
            "astreintes téléphoniques pour les lieux d'accueil."
        ),
        "cles_reussite": (
            "Une convention signée par tous les financeurs ; des réunions cliniques communes ; "
            "un dossier partagé dans le respect du secret professionnel."
        ),
        "resultats_attendus": (
            "Moins d'hospitalisations en urgence, moins de changements de lieu d'accueil après "
            "une crise, et des équipes éducatives mieux soutenues."
        ),
        "difficultes": (
            "Le manque de pédopsychiatres dans certains territoires et la pérennité des "
            "financements croisés."
        ),
        "evaluation_references": None,
        "published": dt.date(2025, 11, 17),
        "review": dt.date(2027, 11, 17),
    },
    {
        "intitule": "Maintenir le lien entre l'enfant et son parent détenu",
        "nom_entite": "Fédération des relais enfants-parents",
        "co_auteurs": ONPE + "\nDirection interrégionale des services pénitentiaires de Lille",
        "description": (
            "L'incarcération d'un parent bouleverse la vie de l'enfant. Des associations "
            "accompagnent les enfants lors des visites au parloir et aident le parent détenu à "
            "garder sa place.\n"
            "La fiche présente l'accompagnement des visites, les ateliers parentaux en "
            "détention et le lien avec les services de protection de l'enfance."
        ),
        "date_mise_en_oeuvre": dt.date(2012, 10, 1),
        "echelle": "departementale",
        "departements": ["59", "62"],
        "types_intervention": ["accueil-parents-enfants"],
        "thematiques": ["parents-detenus", "liens-parents-enfants"],
        "publics": ["enfants", "parents"],
        "relais": "association",
        "objectifs": (
            "Permettre à l'enfant de voir son parent détenu dans de bonnes conditions ; "
            "préparer et reprendre les visites avec lui ; soutenir le parent dans son rôle."
        ),
        "moyens": (
            "Des bénévoles formés qui accompagnent les enfants depuis leur lieu d'accueil, un "
            "espace aménagé dans les parloirs, des ateliers parentaux animés en détention."
        ),
        "cles_reussite": (
            "La confiance de l'administration pénitentiaire, la régularité des accompagnements "
            "et la formation continue des bénévoles."
        ),
        "resultats_attendus": (
            "Des visites maintenues malgré le placement, des enfants mieux préparés et des "
            "parents qui retrouvent une place à leur sortie."
        ),
        "difficultes": "Les transferts de détenus et l'éloignement des établissements.",
        "evaluation_references": (
            "Recommandation CM/Rec(2018)5 du Conseil de l'Europe concernant les enfants de "
            "détenus."
        ),
        "published": dt.date(2026, 4, 20),
        "review": dt.date(2028, 4, 20),
    },
)

# --------------------------------------------------------------------------- territories

#: Article of each département's name: "le" → du Nord, "la" → de la Gironde, "" → de Paris.
_ARTICLES = {
    "l'": "01 02 03 07 09 10 11 12 27 28 34 35 36 37 38 60 61 89 91",
    "les": "04 05 06 08 13 22 40 64 65 66 78 79 88 92",
    "le": "14 15 18 25 29 30 32 39 41 45 46 47 49 56 59 62 63 67 68 69 72 81 82 83 84 90 94 95",
    "": "75 974 976",
}
DEP_ARTICLE = {code: article for article, codes in _ARTICLES.items() for code in codes.split()}

#: "en Bretagne", "dans les Hauts-de-France", … and "de Bretagne", "des Hauts-de-France", …
REGION_IN = {
    "01": "en Guadeloupe", "02": "en Martinique", "03": "en Guyane", "04": "à La Réunion",
    "06": "à Mayotte", "11": "en Île-de-France", "24": "en Centre-Val de Loire",
    "27": "en Bourgogne-Franche-Comté", "28": "en Normandie", "32": "dans les Hauts-de-France",
    "44": "dans le Grand Est", "52": "dans les Pays de la Loire", "53": "en Bretagne",
    "75": "en Nouvelle-Aquitaine", "76": "en Occitanie", "84": "en Auvergne-Rhône-Alpes",
    "93": "en Provence-Alpes-Côte d'Azur", "94": "en Corse",
}
REGION_OF = {
    "01": "de Guadeloupe", "02": "de Martinique", "03": "de Guyane", "04": "de La Réunion",
    "06": "de Mayotte", "11": "d'Île-de-France", "24": "du Centre-Val de Loire",
    "27": "de Bourgogne-Franche-Comté", "28": "de Normandie", "32": "des Hauts-de-France",
    "44": "du Grand Est", "52": "des Pays de la Loire", "53": "de Bretagne",
    "75": "de Nouvelle-Aquitaine", "76": "d'Occitanie", "84": "d'Auvergne-Rhône-Alpes",
    "93": "de Provence-Alpes-Côte d'Azur", "94": "de Corse",
}

#: Real communes of some départements, for practices at the local scale.
COMMUNES = {
    "01": ("Bourg-en-Bresse", "Oyonnax", "Ambérieu-en-Bugey"),
    "06": ("Nice", "Grasse", "Cannes"),
    "13": ("Marseille", "Aix-en-Provence", "Arles"),
    "14": ("Caen", "Lisieux", "Bayeux"),
    "17": ("La Rochelle", "Rochefort", "Saintes"),
    "21": ("Dijon", "Beaune"),
    "22": ("Saint-Brieuc", "Lannion", "Dinan"),
    "25": ("Besançon", "Montbéliard", "Pontarlier"),
    "29": ("Brest", "Quimper", "Morlaix"),
    "2A": ("Ajaccio", "Porto-Vecchio"),
    "2B": ("Bastia", "Corte", "Calvi"),
    "31": ("Toulouse", "Muret", "Saint-Gaudens"),
    "33": ("Bordeaux", "Mérignac", "Libourne"),
    "34": ("Montpellier", "Béziers", "Sète"),
    "35": ("Rennes", "Saint-Malo", "Fougères"),
    "37": ("Tours", "Joué-lès-Tours", "Chinon"),
    "38": ("Grenoble", "Vienne", "Bourgoin-Jallieu"),
    "42": ("Saint-Étienne", "Roanne"),
    "44": ("Nantes", "Saint-Nazaire", "Rezé"),
    "45": ("Orléans", "Montargis"),
    "49": ("Angers", "Cholet", "Saumur"),
    "51": ("Reims", "Châlons-en-Champagne", "Épernay"),
    "54": ("Nancy", "Lunéville"),
    "57": ("Metz", "Thionville", "Forbach"),
    "59": ("Lille", "Roubaix", "Dunkerque", "Valenciennes"),
    "62": ("Arras", "Lens", "Calais", "Boulogne-sur-Mer"),
    "63": ("Clermont-Ferrand", "Riom", "Thiers"),
    "64": ("Pau", "Bayonne", "Biarritz"),
    "67": ("Strasbourg", "Haguenau", "Sélestat"),
    "69": ("Lyon", "Villeurbanne", "Vénissieux"),
    "72": ("Le Mans", "La Flèche"),
    "74": ("Annecy", "Thonon-les-Bains", "Annemasse"),
    "75": ("Paris",),
    "76": ("Rouen", "Le Havre", "Dieppe"),
    "80": ("Amiens", "Abbeville"),
    "83": ("Toulon", "Fréjus", "Draguignan"),
    "84": ("Avignon", "Carpentras"),
    "86": ("Poitiers", "Châtellerault"),
    "87": ("Limoges", "Saint-Junien"),
    "93": ("Saint-Denis", "Montreuil", "Bobigny", "Aubervilliers"),
    "94": ("Créteil", "Vitry-sur-Seine", "Ivry-sur-Seine"),
    "95": ("Cergy", "Argenteuil", "Sarcelles"),
    "971": ("Pointe-à-Pitre", "Les Abymes", "Basse-Terre"),
    "972": ("Fort-de-France", "Le Lamentin"),
    "973": ("Cayenne", "Saint-Laurent-du-Maroni", "Kourou"),
    "974": ("Saint-Denis", "Saint-Pierre", "Le Port"),
    "976": ("Mamoudzou", "Koungou", "Dzaoudzi"),
}

#: Where the département's child protection is run by another authority.
DEP_INSTITUTION = {
    "75": "Ville de Paris",
    "2A": "Collectivité de Corse",
    "2B": "Collectivité de Corse",
    "972": "Collectivité territoriale de Martinique",
    "973": "Collectivité territoriale de Guyane",
}

# --------------------------------------------------------------------------- people

PRENOMS_F = (
    "Claire", "Sophie", "Nathalie", "Isabelle", "Camille", "Julie", "Émilie", "Aurélie",
    "Céline", "Sandrine", "Marie", "Anne", "Laure", "Hélène", "Amélie", "Chloé", "Léa",
    "Manon", "Élodie", "Karine", "Fatima", "Nadia", "Samira", "Aïcha", "Mélanie", "Pauline",
    "Virginie", "Valérie", "Agnès", "Béatrice", "Maëlle", "Inès", "Armelle", "Solène",
)
PRENOMS_M = (
    "Thomas", "Nicolas", "Julien", "Sébastien", "Laurent", "Olivier", "Pierre", "François",
    "Mathieu", "Guillaume", "Antoine", "Jérôme", "Karim", "Mehdi", "Yannick", "Éric",
    "Stéphane", "Christophe", "Benoît", "Damien", "Hugo", "Lucas", "Rachid", "Vincent",
    "Frédéric", "Grégory", "Loïc", "Gaël", "Jean-Marc", "Hervé",
)
NOMS = (
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
    "Vincent", "Fournier", "Morel", "Girard", "André", "Lefèvre", "Mercier", "Dupont",
    "Lambert", "Bonnet", "François", "Martinez", "Legrand", "Garnier", "Faure", "Rousseau",
    "Blanc", "Guérin", "Muller", "Henry", "Roussel", "Perrin", "Morin", "Mathieu", "Clément",
    "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier", "Robin", "Le Gall", "Le Goff",
    "Benali", "Haddad", "Nguyen", "Diallo", "Ferreira", "Ramassamy", "Madi", "Kerjean",
    "Pasquier", "Delmas", "Etcheverry", "Arnaud", "Colin",
)
#: (masculine, feminine) job titles, by who carries the practice.
FONCTIONS = {
    "association": (
        ("Directeur du service", "Directrice du service"),
        ("Chef de service éducatif", "Cheffe de service éducatif"),
        ("Éducateur spécialisé", "Éducatrice spécialisée"),
        ("Coordinateur du dispositif", "Coordinatrice du dispositif"),
        ("Psychologue", "Psychologue"),
        ("Directeur général adjoint", "Directrice générale adjointe"),
        ("Chargé de mission prévention", "Chargée de mission prévention"),
    ),
    "departement": (
        ("Responsable de l'aide sociale à l'enfance",
         "Responsable de l'aide sociale à l'enfance"),
        ("Chef de service protection de l'enfance", "Cheffe de service protection de l'enfance"),
        ("Conseiller technique ASE", "Conseillère technique ASE"),
        ("Inspecteur enfance famille", "Inspectrice enfance famille"),
        ("Médecin de PMI", "Médecin de PMI"),
        ("Chef de projet prévention", "Cheffe de projet prévention"),
    ),
    "autre": (
        ("Cadre de santé", "Cadre de santé"),
        ("Chef de projet", "Cheffe de projet"),
        ("Directeur territorial", "Directrice territoriale"),
        ("Pédopsychiatre", "Pédopsychiatre"),
        ("Conseiller technique", "Conseillère technique"),
    ),
}
FONCTIONS_ACCORD = (
    ("Directeur enfance famille", "Directrice enfance famille"),
    ("Directeur général adjoint des solidarités",
     "Directrice générale adjointe des solidarités"),
    ("Responsable de l'aide sociale à l'enfance", "Responsable de l'aide sociale à l'enfance"),
    ("Vice-président chargé de l'enfance et de la famille",
     "Vice-présidente chargée de l'enfance et de la famille"),
    ("Directeur de la prévention et de la protection de l'enfance",
     "Directrice de la prévention et de la protection de l'enfance"),
)
#: Fictitious numbers reserved by the ARCEP for fiction, by zone.
PHONE_PREFIX = {"11": "01 99 00", "24": "02 61 91", "28": "02 61 91", "52": "02 61 91",
                "53": "02 61 91", "27": "03 53 01", "32": "03 53 01", "44": "03 53 01",
                "84": "04 65 71", "93": "04 65 71", "94": "04 65 71", "75": "05 36 49",
                "76": "05 36 49"}

# --------------------------------------------------------------------------- entities

NATIONAL_ASSOCIATIONS = (
    ("Fédération nationale des associations de parrainage de proximité", "parrainage-national"),
    ("Réseau national des lieux d'accueil enfants-parents", "reseau-laep"),
    ("Association nationale des pairs-aidants en protection de l'enfance", "pairs-aidants"),
    ("Fondation Grandir Ensemble", "fondation-grandir-ensemble"),
    ("Union nationale des maisons d'enfants à caractère social", "unmecs"),
    ("Collectif national des jeunes sortis de l'aide sociale à l'enfance", "collectif-jeunes-ase"),
    ("Fédération nationale des assistants familiaux", "fnaf"),
    ("Association nationale Enfance et Numérique", "enfance-numerique"),
    ("Fondation pour l'enfance et la famille", "fondation-enfance-famille"),
)
NATIONAL_OTHERS = (
    ("Direction de la protection judiciaire de la jeunesse – Administration centrale",
     "Protection judiciaire de la jeunesse (État)", "pjj"),
    ("Caisse nationale des allocations familiales – Direction des politiques familiales",
     "Branche famille de la Sécurité sociale", "cnaf"),
    ("Réseau national des maisons des adolescents", "Groupement de maisons des adolescents",
     "reseau-mda"),
)
REGIONAL_ASSOCIATIONS = (
    ("Union régionale des associations de protection de l'enfance {de_reg}", "urape"),
    ("Centre régional de ressources en protection de l'enfance {de_reg}", "crpe"),
    ("Association régionale pour l'enfance et l'adolescence {de_reg}", "area"),
    ("Fédération régionale des lieux de vie et d'accueil {de_reg}", "frlva"),
)
REGIONAL_OTHERS = (
    ("Agence régionale de santé {de_reg} – Pôle enfance", "Agence régionale de santé",
     "ars"),
    ("Direction régionale de la PJJ {de_reg}", "Protection judiciaire de la jeunesse (État)",
     "pjj"),
)
MECS = ("Les Tilleuls", "Le Petit Prince", "La Roseraie", "Les Glycines", "Saint-Exupéry",
        "Les Hirondelles", "L'Envol", "Le Phare", "La Passerelle", "Les Cèdres", "Les Mouettes")
#: (template, e-mail domain); {ville} templates need a commune of the département.
ASSOCIATIONS = (
    ("Association Sauvegarde de l'enfance {de_dep}", "sauvegarde{code}"),
    ("Association départementale pour la sauvegarde de l'enfance et de l'adulte {de_dep}",
     "adsea{code}"),
    ("Fondation Grandir Ensemble – Pôle enfance {de_dep}", "fondation-grandir-ensemble"),
    ("Maison d'enfants à caractère social « {mecs} »", "mecs-{mecs_slug}"),
    ("Association Passerelles Familles {de_dep}", "passerelles{code}"),
    ("Association d'entraide et de prévention {de_dep}", "aep{code}"),
    ("Association Horizon Enfance {de_dep} – Service d'AEMO", "horizon-enfance{code}"),
    ("Association Le Fil d'Ariane", "fil-ariane{code}"),
    ("Association Enfance et Familles {de_ville}", "enfance-familles-{ville_slug}"),
    ("Association de prévention spécialisée {de_ville}", "prevention-{ville_slug}"),
    ("Lieu de vie et d'accueil « {mecs} »", "lva-{mecs_slug}"),
)
DEPARTEMENTS_ENTITES = (
    ("{institution} – Direction enfance famille", "cd{code}"),
    ("{institution} – Service de l'aide sociale à l'enfance", "cd{code}"),
    ("Maison départementale de l'enfance {de_dep}", "cd{code}"),
    ("Foyer départemental de l'enfance {de_dep}", "cd{code}"),
    ("Centre départemental de l'enfance et de la famille {de_dep}", "cd{code}"),
    ("{institution} – Protection maternelle et infantile", "cd{code}"),
    ("{institution} – Cellule de recueil des informations préoccupantes", "cd{code}"),
    ("Maison départementale des solidarités {de_ville}", "cd{code}"),
)
OTHER_ENTITES = (
    ("Centre hospitalier {de_ville} – Unité d'accueil pédiatrique enfants en danger",
     "Centre hospitalier", "ch-{ville_slug}"),
    ("Direction territoriale de la PJJ {de_dep}", "Protection judiciaire de la jeunesse (État)",
     "pjj{code}"),
    ("Caisse d'allocations familiales {de_dep}", "Caisse d'allocations familiales", "caf{code}"),
    ("Services départementaux de l'Éducation nationale {de_dep}", "Éducation nationale",
     "dsden{code}"),
    ("Maison des adolescents {de_dep}", "Maison des adolescents (groupement de coopération)",
     "mda{code}"),
    ("Centre communal d'action sociale {de_ville}", "Centre communal d'action sociale",
     "ccas-{ville_slug}"),
)

PROGRAMMES = ("Passerelle", "Cap Avenir", "Trait d'union", "Boussole", "Tremplin",
              "Grandir ensemble", "Relais", "Petits Pas", "Envol", "Horizon", "Bulle d'air",
              "Cocon", "Ancrage", "Main tendue", "Pas à pas", "Fil rouge", "Archipel")

# --------------------------------------------------------------------------- texts

#: Placeholders: {ou} where, {annee} first year, {nb} beneficiaries, {etp}, {n}, {pct}, …
THEMES = (
    {
        "titres": (
            "Visites médiatisées en lieu neutre pour les enfants confiés",
            "Espace rencontre parents-enfants : des visites médiatisées apaisées",
            "Accompagner les droits de visite en présence d'un tiers",
            "Des visites médiatisées repensées avec les familles d'accueil",
        ),
        "types_intervention": ("placement-familial", "placement-etablissement", "accueil-parents-enfants", "autre"),
        "thematiques": ("liens-parents-enfants",),
        "publics": ("enfants", "parents", "4-12-ans", "0-4-ans"),
        "autre": {"types_intervention": "Visites en présence d'un tiers"},
        "description": (
            "Les visites médiatisées se déroulent dans un appartement aménagé, hors des locaux administratifs, pour que l'enfant retrouve ses parents dans un cadre chaleureux.",
            "Chaque rencontre est préparée avec l'enfant, puis reprise avec lui et avec ses parents par un binôme éducateur-psychologue.",
            "Le calendrier des visites est construit avec les familles d'accueil afin de limiter les trajets et de respecter les rythmes de l'enfant, notamment ceux de l'école.",
            "Les professionnels observent les interactions et rédigent des comptes rendus partagés avec les parents avant leur transmission au juge des enfants.",
            "Des outils de médiation (jeux, albums, ateliers cuisine) soutiennent les échanges lorsque la parole est difficile.",
            "Lorsque la situation le permet, les visites évoluent progressivement vers des rencontres semi-médiatisées puis libres.",
        ),
        "objectifs": (
            "garantir à l'enfant le maintien de liens sécurisants avec ses parents",
            "permettre aux parents de retrouver une place active auprès de leur enfant",
            "éclairer les décisions du juge des enfants par des observations étayées",
            "réduire le nombre de visites annulées",
            "préparer, lorsque c'est possible, l'assouplissement des droits de visite",
        ),
        "moyens": (
            "Une équipe de {etp} ETP (éducateurs spécialisés, psychologue, secrétariat) et un appartement dédié ouvert six jours sur sept, y compris le samedi.",
            "Deux salles de visite aménagées, un véhicule pour les trajets des enfants et un temps de psychologue.",
            "Des professionnels formés à l'observation des interactions parents-enfants et une supervision mensuelle.",
        ),
        "bilan": (
            "{nb} enfants ont bénéficié de visites médiatisées l'an dernier ; le taux de visites annulées est passé de 30 % à {pct_bas} %.",
            "Dans {pct} % des situations, les droits de visite ont pu être assouplis au bout d'un an.",
            "Les parents interrogés décrivent des rencontres « plus naturelles » et les familles d'accueil notent moins de troubles du sommeil après les visites.",
            "Les juges des enfants soulignent la qualité des écrits transmis.",
        ),
    },
    {
        "titres": (
            "Accueil de jour éducatif pour éviter un placement",
            "Un accueil de jour pour les enfants en difficulté avec l'école",
            "Accueil de jour et soutien éducatif aux familles",
            "Le service d'accueil de jour, une alternative au placement",
        ),
        "types_intervention": ("accueil-jour", "aed", "aemo"),
        "thematiques": ("education", "liens-parents-enfants"),
        "publics": ("4-12-ans", "enfants", "parents", "adolescents"),
        "description": (
            "L'accueil de jour reçoit les enfants après l'école et le mercredi, tandis que les parents sont accompagnés dans leur rôle éducatif.",
            "Les activités éducatives (aide aux devoirs, ateliers artistiques, sport) servent de support à l'observation et au travail sur les relations familiales.",
            "Un contrat d'accompagnement fixe avec la famille des objectifs concrets, évalués tous les trois mois.",
            "Cette prise en charge séquentielle permet à l'enfant de rester vivre chez lui tout en bénéficiant d'un étayage éducatif soutenu.",
            "Les parents participent à des temps partagés : repas, sorties, ateliers de jeu et entretiens familiaux.",
        ),
        "objectifs": (
            "prévenir un placement en maintenant l'enfant à son domicile",
            "soutenir les parents dans l'exercice de leur autorité parentale",
            "favoriser la réussite scolaire et la socialisation des enfants",
            "restaurer la communication au sein de la famille",
        ),
        "moyens": (
            "{etp} ETP d'éducateurs et de moniteurs-éducateurs, une maîtresse de maison et un temps de psychologue ; des locaux avec cuisine pédagogique.",
            "Un minibus pour les accompagnements et un partenariat avec les écoles du secteur et le centre social voisin.",
        ),
        "bilan": (
            "{nb} enfants accueillis par an, pour une durée moyenne de {n} mois.",
            "{pct} % des enfants sont restés au domicile familial à l'issue de l'accompagnement.",
            "Les enseignants constatent une meilleure assiduité et un apaisement en classe.",
        ),
    },
    {
        "titres": (
            "Lieu d'accueil parents-enfants pour les tout-petits",
            "Soutien à la parentalité dès la naissance",
            "Ateliers parents-bébés pour prévenir les difficultés précoces",
            "Accompagnement périnatal des jeunes parents vulnérables",
        ),
        "types_intervention": ("accueil-parents-enfants", "aed", "autre"),
        "thematiques": ("liens-parents-enfants", "education", "autre"),
        "publics": ("0-4-ans", "parents", "autre"),
        "autre": {"types_intervention": "Visites à domicile en périnatalité",
                  "thematiques": "Périnatalité", "publics": "Futurs parents"},
        "description": (
            "Le lieu d'accueil parents-enfants est ouvert trois demi-journées par semaine, sans inscription, pour les parents et leurs enfants de moins de quatre ans.",
            "Des professionnelles de la PMI et une psychologue accueillent les familles, favorisent le jeu libre et soutiennent les échanges entre parents.",
            "Les visites à domicile commencent dès la grossesse pour les futurs parents isolés ou en grande précarité.",
            "Les ateliers (massage bébé, portage, lecture d'albums) sont l'occasion de valoriser les compétences parentales.",
            "Le repérage précoce des difficultés permet d'orienter, sans stigmatiser, vers les services de soin ou d'aide à domicile.",
        ),
        "objectifs": (
            "renforcer le lien d'attachement parent-enfant dès les premiers mois",
            "rompre l'isolement des jeunes parents",
            "prévenir les négligences et les situations de danger",
            "valoriser les compétences des parents",
        ),
        "moyens": (
            "Une équipe pluridisciplinaire de {etp} ETP (puéricultrice, éducatrice de jeunes enfants, psychologue) et un local adapté aux tout-petits.",
            "Des interventions à domicile en binôme et un partenariat avec la maternité et la PMI.",
        ),
        "bilan": (
            "{nb} familles accueillies l'an dernier, dont {pct} % venues à plusieurs reprises.",
            "Les parents disent se sentir « moins seuls » et plus confiants.",
            "Aucune information préoccupante n'a été nécessaire pour {pct2} % des familles suivies.",
        ),
    },
    {
        "titres": (
            "Prévenir le harcèlement scolaire avec des élèves ambassadeurs",
            "Ateliers de prévention du harcèlement dans les écoles et collèges",
            "Une cellule d'écoute harcèlement pour les enfants confiés",
            "Lutter contre le cyberharcèlement avec l'École et les familles",
        ),
        "types_intervention": ("lien-famille-ecole", "diagnostic", "autre"),
        "thematiques": ("harcelement", "education", "usages-numeriques"),
        "publics": ("4-12-ans", "adolescents", "professionnels", "parents", "tous-publics"),
        "autre": {"types_intervention": "Intervention collective en milieu scolaire"},
        "description": (
            "Des ateliers sont animés dans les écoles élémentaires et les collèges par un binôme éducateur de prévention et infirmière scolaire.",
            "Des élèves volontaires sont formés comme ambassadeurs pour repérer les situations de harcèlement et alerter les adultes.",
            "Une permanence d'écoute permet aux enfants victimes, témoins ou auteurs d'être entendus et orientés.",
            "Les parents sont invités à des soirées d'information sur le harcèlement et le cyberharcèlement.",
            "Le programme est construit avec l'École et les équipes éducatives, formées à la méthode de la préoccupation partagée.",
        ),
        "objectifs": (
            "prévenir les situations de harcèlement entre élèves",
            "donner aux enfants et aux adultes des repères pour repérer et réagir",
            "accompagner les victimes comme les auteurs",
            "renforcer la coopération entre l'École, les familles et la protection de l'enfance",
        ),
        "moyens": (
            "{etp} ETP d'éducateurs de prévention spécialisée, des supports pédagogiques et une convention avec la direction académique.",
            "Des interventions de deux heures par classe et une formation de trois jours pour les équipes éducatives.",
        ),
        "bilan": (
            "{nb} élèves sensibilisés dans {n} établissements.",
            "{pct} % des élèves déclarent savoir à qui s'adresser en cas de harcèlement.",
            "Les situations de harcèlement sont traitées en moins de huit jours dans les écoles partenaires.",
        ),
    },
    {
        "titres": (
            "Équipe mobile de santé mentale pour les adolescents de l'ASE",
            "Soins psychiques et protection de l'enfance : une équipe commune",
            "Accueil séquentiel pour adolescents en grande souffrance psychique",
            "Consultation avancée de pédopsychiatrie dans les foyers",
        ),
        "types_intervention": ("diagnostic", "aemo", "placement-etablissement", "autre"),
        "thematiques": ("sante-mentale", "organisation-interne"),
        "publics": ("adolescents", "handicap", "professionnels"),
        "autre": {"types_intervention": "Équipe mobile pluridisciplinaire"},
        "description": (
            "Une équipe mobile associant pédopsychiatre, infirmier et éducateur intervient dans les lieux de vie des adolescents confiés.",
            "Elle évalue les situations complexes, propose des soins de proximité et soutient les équipes éducatives confrontées aux crises.",
            "Les adolescents en rupture de soins sont rencontrés là où ils se trouvent, y compris en famille d'accueil ou à l'école.",
            "Des réunions de synthèse régulières rassemblent l'ASE, le secteur de pédopsychiatrie et la maison des adolescents.",
            "Un accueil séquentiel de répit permet d'éviter les hospitalisations en urgence et les ruptures de parcours.",
        ),
        "objectifs": (
            "faciliter l'accès aux soins psychiques des adolescents protégés",
            "prévenir les ruptures de parcours et les hospitalisations en urgence",
            "outiller les professionnels face aux troubles du comportement",
            "articuler soins et accompagnement éducatif",
        ),
        "moyens": (
            "{etp} ETP (pédopsychiatre, infirmiers, éducateurs, psychologue), cofinancés par l'ARS et le Département.",
            "Un véhicule, une astreinte téléphonique pour les équipes et des places de répit dans deux établissements.",
        ),
        "bilan": (
            "{nb} adolescents suivis par an ; délai de première rencontre réduit à {n} jours.",
            "Les hospitalisations en urgence ont diminué de {pct_bas} % en deux ans.",
            "Les équipes éducatives se disent mieux soutenues face aux situations de crise.",
        ),
    },
    {
        "titres": (
            "Accueil et mise à l'abri des mineurs non accompagnés",
            "Parcours d'insertion pour les mineurs non accompagnés",
            "Apprentissage du français et scolarisation des MNA",
            "Colocations accompagnées pour mineurs non accompagnés",
        ),
        "types_intervention": ("accueil-urgence", "placement-etablissement", "diagnostic", "autre"),
        "thematiques": ("education", "sante-mentale", "autre"),
        "publics": ("mna", "adolescents", "jeunes-majeurs"),
        "autre": {"types_intervention": "Hébergement en colocation accompagnée",
                  "thematiques": "Accès aux droits"},
        "description": (
            "Les jeunes mis à l'abri bénéficient d'une évaluation sociale, d'un bilan de santé et d'un premier accès aux droits.",
            "Des cours intensifs de français langue étrangère préparent l'entrée à l'école, au collège ou en apprentissage.",
            "Les jeunes sont hébergés en petites colocations et accompagnés par des éducateurs présents en journée et joignables la nuit.",
            "Un partenariat avec les entreprises locales ouvre des stages et des contrats d'apprentissage dans les métiers en tension.",
            "Un soutien psychologique, avec interprète, aide les jeunes à surmonter le traumatisme de l'exil.",
        ),
        "objectifs": (
            "sécuriser l'accueil des mineurs non accompagnés dès leur arrivée",
            "favoriser la scolarisation et la formation professionnelle",
            "préparer l'accès à l'autonomie et les démarches administratives avant 18 ans",
            "prendre en compte la santé physique et psychique des jeunes",
        ),
        "moyens": (
            "{etp} ETP d'éducateurs, un professeur de français langue étrangère, une juriste et des interprètes vacataires ; {n} appartements en diffus.",
            "Un partenariat avec le centre de formation d'apprentis et la mission locale.",
        ),
        "bilan": (
            "{nb} jeunes accompagnés ; {pct} % scolarisés ou en formation dans les trois mois.",
            "{pct2} % des jeunes ont obtenu un titre de séjour à leur majorité.",
            "Les jeunes soulignent l'importance d'un référent unique tout au long du parcours.",
        ),
    },
    {
        "titres": (
            "Accompagner les jeunes majeurs vers l'autonomie",
            "Contrat jeune majeur renforcé : logement, emploi, santé",
            "Préparer la sortie de l'ASE dès 16 ans",
            "Un référent autonomie pour chaque jeune de 17 ans",
        ),
        "types_intervention": ("placement-etablissement", "accueil-tiers", "autre"),
        "thematiques": ("education", "autre"),
        "publics": ("jeunes-majeurs", "adolescents"),
        "autre": {"types_intervention": "Accompagnement vers l'autonomie",
                  "thematiques": "Insertion professionnelle et logement"},
        "description": (
            "Dès 16 ans, chaque jeune confié bénéficie d'un entretien pour préparer sa sortie du dispositif de protection de l'enfance.",
            "Un référent autonomie coordonne avec le jeune son projet de logement, de formation et d'accès aux droits.",
            "Des appartements-tremplins permettent d'expérimenter la vie autonome avec un accompagnement dégressif.",
            "Un pécule et une aide à l'installation sont mobilisés pour éviter les sorties sèches.",
            "Les jeunes peuvent revenir vers le service jusqu'à 21 ans, même après une première sortie.",
        ),
        "objectifs": (
            "éviter les sorties sèches de l'aide sociale à l'enfance",
            "sécuriser l'accès au logement, aux ressources et à la santé",
            "soutenir la poursuite d'études ou l'insertion professionnelle",
            "associer les jeunes à la construction de leur projet",
        ),
        "moyens": (
            "{etp} ETP de référents autonomie, {n} logements-tremplins et une convention avec le bailleur social et la mission locale.",
            "Une enveloppe d'aides financières ponctuelles et un partenariat avec le CROUS.",
        ),
        "bilan": (
            "{nb} jeunes majeurs accompagnés par an ; {pct} % en formation ou en emploi à 21 ans.",
            "{pct2} % ont accédé à un logement autonome.",
            "Aucune sortie sans solution de logement n'a été constatée l'an dernier.",
        ),
    },
    {
        "titres": (
            "Parrainage de proximité pour les enfants confiés",
            "Des parrains et marraines bénévoles pour les enfants de l'ASE",
            "Créer des liens durables grâce au parrainage",
            "Parrainage et mentorat des jeunes protégés",
        ),
        "types_intervention": ("accueil-tiers", "autre"),
        "thematiques": ("liens-parents-enfants", "education", "autre"),
        "publics": ("enfants", "4-12-ans", "adolescents", "tous-publics"),
        "autre": {"types_intervention": "Parrainage de proximité",
                  "thematiques": "Engagement bénévole"},
        "description": (
            "Des bénévoles formés deviennent parrains ou marraines d'un enfant et partagent avec lui des temps réguliers : sorties, week-ends, vacances.",
            "La mise en relation est préparée avec l'enfant, ses parents et son référent, puis suivie par un coordinateur de l'association.",
            "Le parrainage offre à l'enfant un adulte de confiance en dehors de l'institution, qui peut rester présent à l'âge adulte.",
            "Les parrains participent à des groupes d'échanges et à des formations sur les besoins fondamentaux de l'enfant.",
        ),
        "objectifs": (
            "offrir à l'enfant des liens affectifs durables et sécurisants",
            "élargir son réseau de relations en dehors de l'institution",
            "soutenir l'ouverture culturelle et la confiance en soi",
            "mobiliser la société civile autour des enfants protégés",
        ),
        "moyens": (
            "{etp} ETP de coordination, une trentaine de bénévoles formés chaque année et une convention avec le service de l'aide sociale à l'enfance.",
            "Une formation initiale de deux jours pour les bénévoles et un accompagnement par un psychologue.",
        ),
        "bilan": (
            "{nb} parrainages actifs, d'une durée moyenne de {n} ans.",
            "{pct} % des parrainages se poursuivent après la majorité.",
            "Les référents observent un gain de confiance et une meilleure réussite à l'école.",
        ),
    },
    {
        "titres": (
            "Pair-aidance : d'anciens enfants placés aux côtés des jeunes",
            "Des pairs-aidants dans les équipes de protection de l'enfance",
            "Groupe d'entraide entre jeunes sortis de l'ASE",
            "Les savoirs expérientiels au service des jeunes accueillis",
        ),
        "types_intervention": ("autre", "accueil-jour"),
        "thematiques": ("sante-mentale", "organisation-interne", "autre"),
        "publics": ("adolescents", "jeunes-majeurs", "professionnels"),
        "autre": {"types_intervention": "Pair-aidance",
                  "thematiques": "Participation des personnes concernées"},
        "description": (
            "D'anciens enfants placés, formés à la pair-aidance, interviennent en binôme avec les éducateurs auprès des jeunes accueillis.",
            "Leur expérience vécue facilite la confiance et aide les jeunes à exprimer leurs besoins.",
            "Des groupes de parole mensuels réunissent jeunes accueillis et pairs-aidants autour de thèmes qu'ils choisissent.",
            "Les pairs-aidants participent aussi à la formation des professionnels et aux instances de gouvernance.",
        ),
        "objectifs": (
            "reconnaître et mobiliser les savoirs expérientiels des personnes concernées",
            "renforcer l'adhésion des jeunes à leur accompagnement",
            "faire évoluer les pratiques professionnelles",
            "lutter contre l'isolement des jeunes à la sortie du placement",
        ),
        "moyens": (
            "{n} pairs-aidants salariés à temps partiel, formés pendant six mois, et un coordinateur.",
            "Un budget de formation et de supervision, cofinancé par une fondation.",
        ),
        "bilan": (
            "{nb} jeunes rencontrés par les pairs-aidants l'an dernier.",
            "{pct} % des jeunes disent se sentir mieux compris.",
            "Trois départements voisins ont sollicité l'équipe pour reproduire la démarche.",
        ),
    },
    {
        "titres": (
            "Soutenir les assistants familiaux : un réseau de relais et de répit",
            "Recruter et fidéliser les familles d'accueil",
            "Accueil familial renforcé pour les enfants aux besoins complexes",
            "Un collectif d'assistants familiaux pour rompre l'isolement",
        ),
        "types_intervention": ("placement-familial", "accueil-tiers"),
        "thematiques": ("organisation-interne", "liens-parents-enfants"),
        "publics": ("professionnels", "enfants", "autre", "handicap"),
        "autre": {"publics": "Assistants familiaux"},
        "description": (
            "Les assistants familiaux bénéficient d'un accompagnement renforcé : visites régulières, groupe d'analyse des pratiques et astreinte téléphonique.",
            "Un réseau de familles relais permet des temps de répit programmés sans rupture pour l'enfant.",
            "Une campagne de recrutement associe des assistants familiaux en activité, qui témoignent de leur métier.",
            "Les assistants familiaux sont pleinement intégrés aux réunions de projet pour l'enfant.",
            "L'accueil familial renforcé s'adresse aux enfants présentant des troubles du comportement, avec un soutien éducatif et psychologique à domicile.",
        ),
        "objectifs": (
            "améliorer la stabilité des placements familiaux",
            "reconnaître la place des assistants familiaux dans l'équipe",
            "prévenir l'épuisement et les départs",
            "augmenter le nombre de places d'accueil familial",
        ),
        "moyens": (
            "{etp} ETP d'accompagnement, une psychologue et un budget de formation continue.",
            "Une indemnité de relais et un numéro d'astreinte ouvert en soirée et le week-end.",
        ),
        "bilan": (
            "{nb} assistants familiaux accompagnés ; les ruptures de placement ont diminué de {pct_bas} %.",
            "{n} nouveaux assistants familiaux recrutés l'an dernier.",
            "Les assistants familiaux jugent le soutien « indispensable ».",
        ),
    },
    {
        "titres": (
            "Renforcer le lien entre l'école et les familles",
            "Des médiateurs école-famille pour prévenir le décrochage",
            "Café des parents à l'école élémentaire",
            "Ouvrir l'École aux familles qui en sont éloignées",
        ),
        "types_intervention": ("lien-famille-ecole", "aed"),
        "thematiques": ("education", "liens-parents-enfants"),
        "publics": ("4-12-ans", "parents", "enfants", "professionnels"),
        "description": (
            "Des médiateurs accompagnent les parents les plus éloignés de l'institution scolaire dans leurs échanges avec les enseignants.",
            "Des cafés des parents se tiennent chaque semaine dans les écoles du quartier, en présence d'un éducateur.",
            "L'action vise à prévenir le décrochage en repérant tôt les absences répétées et les difficultés d'apprentissage.",
            "Les équipes éducatives des écoles et les services de protection de l'enfance partagent un langage commun grâce à des formations croisées.",
            "Les enfants sont soutenus dans leur scolarité par des ateliers d'aide aux devoirs qui associent leurs parents.",
        ),
        "objectifs": (
            "rapprocher les familles de l'École",
            "prévenir le décrochage et l'absentéisme scolaires",
            "soutenir les parents dans le suivi de la scolarité de leurs enfants",
            "améliorer la coopération entre professionnels de l'éducation et de la protection de l'enfance",
        ),
        "moyens": (
            "{etp} ETP de médiateurs, des permanences dans {n} écoles et une convention avec l'Éducation nationale.",
            "Un local mis à disposition par la commune et des supports traduits en plusieurs langues.",
        ),
        "bilan": (
            "{nb} familles accompagnées ; l'absentéisme a baissé de {pct_bas} % dans les écoles partenaires.",
            "Les enseignants observent une participation accrue des parents aux réunions.",
            "{pct2} % des parents disent mieux comprendre le fonctionnement de l'école.",
        ),
    },
    {
        "titres": (
            "Éducation aux usages numériques pour les enfants protégés",
            "Écrans et réseaux sociaux : ateliers pour parents et adolescents",
            "Prévenir l'exposition des enfants aux contenus violents en ligne",
            "Des promeneurs du net dans les foyers de l'enfance",
        ),
        "types_intervention": ("diagnostic", "aed", "autre"),
        "thematiques": ("usages-numeriques", "harcelement", "education"),
        "publics": ("adolescents", "parents", "professionnels", "tous-publics"),
        "autre": {"types_intervention": "Ateliers collectifs"},
        "description": (
            "Des ateliers sur les écrans, les réseaux sociaux et les jeux vidéo sont proposés aux adolescents accueillis et à leurs parents.",
            "Les éducateurs sont formés à repérer les risques en ligne : cyberharcèlement, prostitution, contenus violents ou pornographiques.",
            "Une charte d'usage du numérique a été élaborée avec les jeunes de chaque lieu de vie.",
            "Un éducateur présent sur les réseaux sociaux répond aux jeunes et les oriente si nécessaire.",
        ),
        "objectifs": (
            "développer l'esprit critique des jeunes face aux écrans",
            "protéger les enfants des risques en ligne",
            "outiller parents et professionnels",
            "faire du numérique un support éducatif",
        ),
        "moyens": (
            "{etp} ETP d'animateur numérique, des tablettes et une formation des équipes éducatives.",
            "Un partenariat avec une association spécialisée et le réseau des médiathèques.",
        ),
        "bilan": (
            "{nb} jeunes et leurs parents ont participé aux ateliers.",
            "{pct} % des professionnels formés se disent plus à l'aise pour aborder le sujet.",
            "Les situations de cyberharcèlement sont repérées plus tôt.",
        ),
    },
    {
        "titres": (
            "Maintenir le lien entre l'enfant et son parent détenu",
            "Accompagnement des visites d'enfants en détention",
            "Un espace famille au parloir pour les enfants",
            "Soutenir les enfants de parents incarcérés",
        ),
        "types_intervention": ("accueil-parents-enfants", "autre"),
        "thematiques": ("parents-detenus", "liens-parents-enfants"),
        "publics": ("enfants", "parents", "4-12-ans", "0-4-ans"),
        "autre": {"types_intervention": "Accompagnement des visites en détention"},
        "description": (
            "Des bénévoles et une éducatrice accompagnent les enfants confiés lors des visites à leur parent incarcéré.",
            "Un espace adapté aux enfants a été aménagé près des parloirs, avec jeux et livres.",
            "Le parent détenu est associé aux décisions concernant son enfant et reçoit des nouvelles régulières (photos, bulletins scolaires).",
            "Des ateliers de parentalité sont organisés en détention en lien avec le service pénitentiaire d'insertion et de probation.",
        ),
        "objectifs": (
            "préserver le lien entre l'enfant et son parent détenu lorsque c'est dans son intérêt",
            "préparer l'enfant à la visite et en reparler avec lui",
            "soutenir la parentalité pendant l'incarcération",
            "préparer la sortie et le retour éventuel en famille",
        ),
        "moyens": (
            "{etp} ETP d'éducatrice, une équipe de bénévoles et une convention avec l'établissement pénitentiaire.",
            "Le financement des trajets et un espace enfants au sein de la maison d'arrêt.",
        ),
        "bilan": (
            "{nb} enfants accompagnés en visite l'an dernier.",
            "{pct} % des visites prévues ont pu avoir lieu.",
            "Les parents détenus disent mieux comprendre le parcours de leur enfant.",
        ),
    },
    {
        "titres": (
            "Protéger les enfants exposés aux violences conjugales",
            "Accueil mère-enfant en urgence après des violences conjugales",
            "Un groupe de parole pour les enfants covictimes de violences conjugales",
            "Un référent violences intrafamiliales en protection de l'enfance",
        ),
        "types_intervention": ("accueil-urgence", "diagnostic", "accueil-parents-enfants"),
        "thematiques": ("violences-conjugales", "sante-mentale"),
        "publics": ("enfants", "parents", "0-4-ans", "4-12-ans"),
        "description": (
            "Les enfants exposés aux violences conjugales sont reconnus comme victimes et bénéficient d'une évaluation spécifique.",
            "Un hébergement d'urgence accueille les mères et leurs enfants, avec un accompagnement éducatif et juridique.",
            "Des groupes de parole permettent aux enfants de mettre des mots sur ce qu'ils ont vécu.",
            "Un protocole avec les forces de l'ordre et le parquet assure l'information de la cellule de recueil des informations préoccupantes.",
            "Les professionnels sont formés au repérage et à l'évaluation du danger.",
        ),
        "objectifs": (
            "mettre à l'abri les enfants et le parent victime",
            "reconnaître les enfants comme covictimes",
            "réduire le traumatisme et prévenir la reproduction des violences",
            "coordonner justice, police, santé et protection de l'enfance",
        ),
        "moyens": (
            "{n} places d'hébergement d'urgence, {etp} ETP d'éducateurs et de psychologue et une juriste.",
            "Une convention avec le parquet, la police, la gendarmerie et les associations d'aide aux victimes.",
        ),
        "bilan": (
            "{nb} enfants accompagnés l'an dernier, dont {pct2} % de moins de six ans.",
            "Délai moyen de mise à l'abri : moins de 24 heures.",
            "Les enfants ayant participé aux groupes de parole présentent moins de symptômes d'anxiété.",
        ),
    },
    {
        "titres": (
            "Unité d'accueil pédiatrique des enfants en danger",
            "Recueillir la parole de l'enfant victime de violences sexuelles",
            "Prévention des violences sexuelles dans les lieux d'accueil",
            "Accompagner les enfants victimes tout au long de la procédure",
        ),
        "types_intervention": ("diagnostic", "accueil-urgence", "placement-etablissement"),
        "thematiques": ("violences-sexuelles", "sante-mentale"),
        "publics": ("enfants", "adolescents", "professionnels", "handicap"),
        "description": (
            "Une salle d'audition adaptée, au sein de l'hôpital, permet de recueillir la parole de l'enfant victime en une seule fois.",
            "L'enfant est accompagné par un administrateur ad hoc et une équipe médico-psychologique formée.",
            "Des séances de prévention sur le corps, l'intimité et le consentement sont proposées dans les établissements d'accueil.",
            "Un protocole interne encadre le repérage, le signalement et la protection en cas de violences entre enfants accueillis.",
        ),
        "objectifs": (
            "protéger et soigner les enfants victimes de violences sexuelles",
            "éviter la répétition des auditions",
            "prévenir les violences sexuelles dans les lieux d'accueil",
            "former les professionnels au repérage",
        ),
        "moyens": (
            "{etp} ETP (pédiatre, psychologue, infirmière), une salle d'audition filmée et une convention avec le parquet.",
            "Des outils de prévention adaptés à l'âge des enfants et une formation de deux jours pour les équipes.",
        ),
        "bilan": (
            "{nb} enfants reçus l'an dernier ; {pct} % entendus en une seule audition.",
            "Les enquêteurs et les magistrats soulignent la qualité des conditions d'audition.",
            "Les équipes formées repèrent plus tôt les situations à risque.",
        ),
    },
    {
        "titres": (
            "AEMO renforcée : une alternative au placement",
            "Aide éducative à domicile intensive pour les familles en crise",
            "Intervention éducative à domicile en soirée et le week-end",
            "AEMO avec hébergement exceptionnel",
        ),
        "types_intervention": ("aemo", "aed", "accueil-temporaire-domicile"),
        "thematiques": ("liens-parents-enfants", "education"),
        "publics": ("enfants", "parents", "adolescents", "4-12-ans"),
        "description": (
            "Les éducateurs interviennent au domicile plusieurs fois par semaine, y compris en soirée et le week-end.",
            "La mesure peut s'accompagner d'un hébergement exceptionnel de courte durée en cas de crise.",
            "Le travail porte sur les routines du quotidien, l'organisation familiale et la relation parent-enfant.",
            "Un bilan intermédiaire à trois mois associe les parents et l'enfant à l'évaluation de la mesure.",
        ),
        "objectifs": (
            "éviter un placement en intervenant de manière intensive au domicile",
            "restaurer les compétences éducatives des parents",
            "assurer la sécurité de l'enfant dans son milieu familial",
            "réduire la durée des mesures",
        ),
        "moyens": (
            "{etp} ETP d'éducateurs, une astreinte 7 jours sur 7 et {n} places d'hébergement de répit.",
            "Un coût par mesure équivalent au tiers de celui d'un placement.",
        ),
        "bilan": (
            "{nb} enfants suivis ; {pct} % n'ont pas été placés dans l'année qui a suivi la fin de la mesure.",
            "Durée moyenne de la mesure : {n} mois.",
            "Les parents soulignent la disponibilité des éducateurs.",
        ),
    },
    {
        "titres": (
            "Placement éducatif à domicile",
            "Accueil temporaire au domicile familial avec solution de repli",
            "Le placement à domicile pour préparer le retour en famille",
            "Dispositif d'accompagnement renforcé au domicile",
        ),
        "types_intervention": ("accueil-temporaire-domicile", "aemo", "placement-etablissement"),
        "thematiques": ("liens-parents-enfants", "organisation-interne"),
        "publics": ("enfants", "parents", "0-4-ans", "4-12-ans", "adolescents"),
        "description": (
            "L'enfant confié à l'aide sociale à l'enfance continue de vivre chez ses parents, avec un accompagnement éducatif quotidien.",
            "Une place de repli en établissement est garantie en cas de crise, de jour comme de nuit.",
            "Le dispositif est aussi utilisé pour préparer progressivement le retour en famille après un placement.",
            "Les parents restent pleinement associés aux décisions du quotidien, dans le respect de la décision judiciaire.",
        ),
        "objectifs": (
            "maintenir l'enfant dans son milieu familial en sécurité",
            "préparer et sécuriser les retours en famille",
            "responsabiliser les parents",
            "diversifier les réponses entre milieu ouvert et placement",
        ),
        "moyens": (
            "{etp} ETP d'éducateurs, {n} places de repli et une astreinte permanente.",
            "Un partenariat avec les services de PMI, les écoles et les centres médico-psychologiques.",
        ),
        "bilan": (
            "{nb} enfants accompagnés ; {pct} % de retours en famille durables.",
            "Le recours à la place de repli concerne moins d'un enfant sur cinq.",
            "Les juges des enfants mobilisent davantage le dispositif.",
        ),
    },
    {
        "titres": (
            "Enfants protégés en situation de handicap : une équipe ressource",
            "Double accompagnement ASE et médico-social des enfants handicapés",
            "Coordonner les parcours des enfants en situation de handicap",
            "Un accueil adapté pour les enfants autistes confiés à l'ASE",
        ),
        "types_intervention": ("placement-etablissement", "diagnostic", "accueil-jour"),
        "thematiques": ("sante-mentale", "education", "organisation-interne"),
        "publics": ("handicap", "enfants", "adolescents", "professionnels"),
        "description": (
            "Une équipe ressource accompagne les établissements de l'ASE qui accueillent des enfants en situation de handicap.",
            "Elle facilite l'accès aux droits auprès de la maison départementale des personnes handicapées.",
            "Des places en petit collectif, avec un encadrement renforcé, accueillent des enfants autistes ou polyhandicapés.",
            "Des temps d'échanges entre éducateurs de l'ASE et professionnels médico-sociaux favorisent une culture commune.",
        ),
        "objectifs": (
            "garantir aux enfants en situation de handicap un accompagnement adapté",
            "éviter les ruptures entre ASE, médico-social et soins",
            "accélérer l'accès aux droits et aux compensations",
            "former les équipes éducatives",
        ),
        "moyens": (
            "{etp} ETP (éducateurs spécialisés, ergothérapeute, infirmière) et un financement conjoint du Département et de l'ARS.",
            "Une convention avec la MDPH et les établissements médico-sociaux du territoire.",
        ),
        "bilan": (
            "{nb} enfants en situation de handicap accompagnés ; délai de notification MDPH réduit de {pct_bas} %.",
            "Les équipes estiment avoir évité {n} ruptures de parcours.",
            "Les établissements se disent mieux outillés.",
        ),
    },
    {
        "titres": (
            "Réorganiser la cellule de recueil des informations préoccupantes",
            "Analyse des pratiques et tutorat des nouveaux travailleurs sociaux",
            "Fidéliser les professionnels de la protection de l'enfance",
            "Un référentiel partagé d'évaluation des situations de danger",
        ),
        "types_intervention": ("diagnostic", "autre"),
        "thematiques": ("organisation-interne",),
        "publics": ("professionnels", "tous-publics"),
        "autre": {"types_intervention": "Formation et soutien des professionnels"},
        "description": (
            "La cellule de recueil des informations préoccupantes a été réorganisée autour d'une équipe unique d'évaluation, joignable par les partenaires.",
            "Un référentiel d'évaluation partagé est utilisé par tous les professionnels du Département et des associations habilitées.",
            "Chaque nouveau travailleur social est accompagné par un tuteur expérimenté pendant six mois.",
            "Des séances mensuelles d'analyse des pratiques sont animées par un intervenant extérieur.",
            "Des outils de suivi permettent de mesurer les délais de traitement et d'ajuster l'organisation.",
        ),
        "objectifs": (
            "réduire les délais d'évaluation des informations préoccupantes",
            "harmoniser les pratiques d'évaluation",
            "fidéliser les professionnels et réduire le turn-over",
            "améliorer la qualité de vie au travail",
        ),
        "moyens": (
            "{etp} ETP de cadres et d'évaluateurs, un logiciel de suivi et un budget de formation.",
            "Un plan de formation pluriannuel et des temps de supervision.",
        ),
        "bilan": (
            "Délai moyen d'évaluation ramené de quatre mois à {n} semaines.",
            "Le turn-over des équipes a baissé de {pct_bas} % en deux ans.",
            "{nb} informations préoccupantes traitées l'an dernier.",
        ),
    },
    {
        "titres": (
            "Accueil d'urgence des adolescents en crise",
            "Une cellule d'accueil d'urgence 24 heures sur 24",
            "Accueil d'urgence en famille d'accueil relais",
            "Évaluer et orienter les enfants accueillis en urgence en 72 heures",
        ),
        "types_intervention": ("accueil-urgence", "placement-etablissement", "placement-familial", "diagnostic"),
        "thematiques": ("organisation-interne", "sante-mentale"),
        "publics": ("enfants", "adolescents"),
        "description": (
            "L'unité d'accueil d'urgence reçoit à toute heure les enfants et adolescents confiés en urgence par le juge ou le parquet.",
            "Une évaluation pluridisciplinaire est menée dans les 72 heures pour proposer l'orientation la plus adaptée.",
            "Des familles d'accueil relais disponibles à tout moment évitent l'hôtel aux plus jeunes.",
            "Le lien avec les parents est établi dès les premiers jours, sauf décision contraire du juge.",
        ),
        "objectifs": (
            "garantir une mise à l'abri immédiate et adaptée",
            "évaluer rapidement la situation de l'enfant",
            "éviter les hébergements hôteliers",
            "réduire la durée des séjours d'urgence",
        ),
        "moyens": (
            "{n} places d'accueil d'urgence, {etp} ETP et une astreinte de cadres.",
            "Un réseau de familles d'accueil relais indemnisées pour leur disponibilité.",
        ),
        "bilan": (
            "{nb} accueils en urgence réalisés l'an dernier, d'une durée moyenne de {n} semaines.",
            "Aucun enfant de moins de 15 ans n'a été hébergé à l'hôtel.",
            "{pct} % des orientations proposées ont été suivies par le juge.",
        ),
    },
    {
        "titres": (
            "Accueillir les fratries ensemble",
            "Une maison des fratries pour ne plus séparer frères et sœurs",
            "Maintenir les liens fraternels des enfants placés",
            "Un village d'enfants pour les fratries",
        ),
        "types_intervention": ("placement-etablissement", "placement-familial"),
        "thematiques": ("liens-parents-enfants", "autre"),
        "publics": ("enfants", "4-12-ans", "autre"),
        "autre": {"thematiques": "Liens fraternels", "publics": "Fratries"},
        "description": (
            "La maison accueille des fratries de deux à cinq enfants, encadrées par des éducateurs familiaux qui vivent sur place.",
            "Lorsque l'accueil commun n'est pas possible, des rencontres régulières entre frères et sœurs sont organisées.",
            "Chaque enfant conserve son propre projet, tout en partageant le quotidien de ses frères et sœurs.",
            "Les anniversaires, les vacances et les fêtes sont l'occasion de rassembler la fratrie et, quand c'est possible, les parents.",
        ),
        "objectifs": (
            "éviter la séparation des fratries",
            "préserver les liens fraternels comme ressource pour chaque enfant",
            "offrir un cadre de vie familial et stable",
        ),
        "moyens": (
            "{etp} ETP d'éducateurs familiaux, {n} maisons et un psychologue.",
            "Un véhicule de neuf places et un budget vacances.",
        ),
        "bilan": (
            "{nb} enfants accueillis en fratrie ; {pct} % des fratries n'ont jamais été séparées.",
            "Les enfants expriment un fort sentiment de sécurité.",
            "La durée moyenne d'accueil est de {n} ans.",
        ),
    },
    {
        "titres": (
            "Le sport comme outil éducatif pour les jeunes accueillis",
            "Ateliers théâtre et expression pour les adolescents",
            "Accès à la culture et aux loisirs pour les enfants confiés",
            "Séjours et activités de pleine nature pour les jeunes protégés",
        ),
        "types_intervention": ("accueil-jour", "placement-etablissement", "autre"),
        "thematiques": ("education", "sante-mentale", "autre"),
        "publics": ("adolescents", "4-12-ans", "enfants"),
        "autre": {"types_intervention": "Activités sportives et culturelles",
                  "thematiques": "Culture, sport et loisirs"},
        "description": (
            "Des activités sportives encadrées par des éducateurs sportifs sont proposées chaque semaine aux jeunes accueillis.",
            "Les ateliers artistiques (théâtre, musique, arts plastiques) aboutissent à une représentation publique en fin d'année.",
            "Un pass loisirs finance l'inscription des enfants dans les clubs et associations de leur commune.",
            "Ces activités éducatives renforcent l'estime de soi et ouvrent les jeunes sur leur environnement.",
        ),
        "objectifs": (
            "favoriser l'estime de soi et la socialisation",
            "permettre l'accès aux loisirs de droit commun",
            "prévenir les comportements à risque",
        ),
        "moyens": (
            "{etp} ETP d'éducateurs sportifs et d'animateurs, et des conventions avec les clubs locaux.",
            "Un budget d'inscriptions et de matériel, complété par du mécénat.",
        ),
        "bilan": (
            "{nb} enfants inscrits dans un club ou une activité régulière.",
            "{pct} % poursuivent l'activité d'une année sur l'autre.",
            "Les éducateurs observent une baisse des incidents dans les lieux de vie.",
        ),
    },
    {
        "titres": (
            "Réussite scolaire des enfants confiés : un référent scolarité",
            "Soutien scolaire renforcé dans les maisons d'enfants",
            "Prévenir les exclusions scolaires des enfants protégés",
            "Coordination entre l'ASE et l'Éducation nationale pour la scolarité",
        ),
        "types_intervention": ("lien-famille-ecole", "placement-etablissement", "diagnostic"),
        "thematiques": ("education",),
        "publics": ("enfants", "adolescents", "4-12-ans", "professionnels"),
        "description": (
            "Un référent scolarité suit le parcours scolaire de chaque enfant confié et fait le lien avec les établissements.",
            "Des enseignants détachés proposent un soutien scolaire individualisé dans les maisons d'enfants.",
            "Une convention avec la direction académique prévoit des solutions rapides en cas d'exclusion ou de déscolarisation.",
            "Les enfants accueillis sont accompagnés dans leurs choix d'orientation, avec des stages de découverte.",
        ),
        "objectifs": (
            "améliorer la réussite scolaire des enfants protégés",
            "éviter les déscolarisations et les exclusions",
            "soutenir l'orientation et l'ambition scolaire",
            "renforcer les liens entre l'ASE et les écoles",
        ),
        "moyens": (
            "{etp} ETP de référents scolarité et deux enseignants mis à disposition par l'Éducation nationale.",
            "Des ordinateurs, un budget de fournitures et des partenariats avec des associations de soutien scolaire.",
        ),
        "bilan": (
            "{nb} enfants suivis ; {pct} % de réussite au diplôme national du brevet.",
            "Les exclusions définitives ont diminué de moitié.",
            "Les enseignants identifient plus facilement leur interlocuteur à l'ASE.",
        ),
    },
)

OUVERTURES = (
    "Mise en œuvre {ou} depuis {annee}, cette pratique est née d'un constat partagé par les professionnels de terrain.",
    "Depuis {annee}, les équipes ont fait évoluer leurs pratiques {ou} pour mieux répondre aux besoins des enfants.",
    "Cette action, développée {ou}, s'adresse aux enfants et aux familles accompagnés en prévention et en protection de l'enfance.",
    "Le dispositif a été conçu avec les familles et les partenaires {ou}, à partir de {annee}.",
    "Lancée en {annee} {ou}, l'action répond à des besoins repérés par les équipes éducatives.",
)
METHODES = (
    "L'accompagnement repose sur un projet individualisé construit avec l'enfant et ses parents, révisé tous les six mois.",
    "Les professionnels bénéficient d'une analyse des pratiques mensuelle et d'un temps de coordination hebdomadaire.",
    "Un comité de pilotage réunit chaque année le Département, l'Éducation nationale, la protection judiciaire de la jeunesse et les associations partenaires.",
    "La démarche s'appuie sur les ressources du territoire : centres sociaux, écoles, clubs sportifs, services de PMI et de pédopsychiatrie.",
    "Les familles sont associées à l'évaluation du dispositif au moyen de questionnaires et de groupes d'expression.",
    "Un protocole signé avec les partenaires précise le rôle de chacun et les modalités de partage d'informations.",
    "Les enfants sont systématiquement invités à donner leur avis, avec des supports adaptés à leur âge.",
)
CONCLUSIONS = (
    "Elle s'inscrit dans le schéma départemental de prévention et de protection de l'enfance.",
    "L'action a été modélisée sous la forme d'un guide pratique afin de pouvoir être transposée dans d'autres territoires.",
    "Elle pourrait être transposée dans d'autres départements à moyens constants.",
    "Un film court présente la démarche aux partenaires et aux familles.",
)
OBJECTIFS_GENERIQUES = (
    "associer les enfants et leurs parents à chaque étape",
    "décloisonner les interventions des partenaires",
    "prévenir les ruptures de parcours",
)
FINANCEMENTS = (
    "Financement : Département ({pct_dep} %) et Caisse d'allocations familiales ({pct_caf} %).",
    "Budget porté par l'association, complété par un appel à projets de la stratégie nationale de prévention et de protection de l'enfance.",
    "Action financée dans le cadre du contrat départemental de prévention et de protection de l'enfance.",
    "Cofinancement de l'ARS, du Département et mécénat d'entreprises locales.",
    "À moyens constants : redéploiement de postes existants, sans financement supplémentaire.",
)
BILANS_GENERIQUES = (
    "Une évaluation externe est en cours avec une université.",
    "Un questionnaire est proposé chaque année aux familles : {pct_haut} % se disent satisfaites.",
    "Les partenaires ont demandé la reconduction de l'action.",
)
#: Precisions for « Autre » when a theme has none.
AUTRES = {
    "types_intervention": ("Médiation familiale", "Groupe de parole", "Intervention collective"),
    "thematiques": ("Accès aux droits", "Participation des enfants", "Santé physique"),
    "publics": ("Grands-parents", "Assistants familiaux", "Enseignants"),
}

COMPLEMENTS = (
    "Merci de préciser le bilan chiffré (nombre d'enfants accompagnés, résultats observés).",
    "Pouvez-vous détailler les moyens humains et financiers mobilisés ?",
    "La description ne permet pas de comprendre le déroulement concret de la pratique : merci de la compléter.",
    "Merci de confirmer l'accord du représentant du département et de vérifier son adresse électronique.",
    "Les objectifs sont très généraux : pouvez-vous les formuler de manière plus opérationnelle ?",
    "Merci d'indiquer la date exacte de mise en œuvre et le territoire concerné.",
)
IRRECEVABILITES = (
    "La pratique décrite est un projet en cours d'élaboration : elle n'a pas encore été mise en œuvre.",
    "La déclaration ne comporte ni objectifs ni bilan exploitables malgré la demande de compléments.",
    "L'action ne relève pas du champ de la prévention et de la protection de l'enfance.",
    "L'accord préalable du représentant du département n'a pas pu être confirmé.",
    "Il s'agit de la présentation générale d'un établissement et non d'une pratique identifiée.",
    "Le contenu a un caractère promotionnel (offre commerciale de formation).",
)
MOTIVATIONS = (
    "Le comité salue l'engagement de l'équipe mais estime que le bilan présenté ne permet pas encore d'apprécier les effets de la pratique.",
    "Le comité relève une inadéquation entre les objectifs annoncés et les moyens décrits.",
    "La pratique est intéressante mais trop proche du fonctionnement ordinaire du service pour être qualifiée d'inspirante.",
    "La rédaction ne permet pas d'envisager une transposition dans d'autres territoires ; le comité encourage une nouvelle déclaration après évaluation.",
    "L'antériorité de la pratique est insuffisante pour en mesurer les résultats ; une nouvelle présentation est encouragée l'an prochain.",
)
AJOURNEMENTS = (
    "le comité souhaite disposer du bilan de la dernière année avant de se prononcer.",
    "le comité demande des précisions sur le financement pérenne de l'action.",
    "le comité souhaite connaître l'avis des familles accompagnées.",
    "des précisions sont attendues sur l'articulation avec les services du Département.",
)
DEPUBLICATIONS = (
    "Dépubliée à la demande de la structure : la pratique a pris fin.",
    "Dépubliée le temps de mettre à jour les informations après la réorganisation du service.",
    "Dépubliée : une donnée personnelle figurait dans la description.",
)
RETRAITS = (
    "Retirée par le déclarant : la pratique sera présentée à nouveau après son évaluation.",
    "Retirée par le déclarant : le porteur a changé, une nouvelle déclaration sera faite.",
    "Retirée par le déclarant : déclaration envoyée avant validation par la direction.",
    "Retirée par le déclarant : la même pratique a été déclarée par l'association partenaire.",
)

# --------------------------------------------------------------------------- helpers


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", _ascii(text).lower()).strip("-")


def _lcfirst(text: str) -> str:
    if len(text) > 1 and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def _ucfirst(text: str) -> str:
    return text[:1].upper() + text[1:]


def _de_commune(name: str) -> str:
    """« de Cholet », « du Mans », « des Abymes », « d'Angers »."""
    if name.startswith("Le "):
        return "du " + name[3:]
    if name.startswith("Les "):
        return "des " + name[4:]
    if _ascii(name[:1]).lower() in "aeiouy":
        return "d'" + name
    return "de " + name


def _a_commune(name: str) -> str:
    """« à Cholet », « au Mans », « aux Abymes »."""
    if name.startswith("Le "):
        return "au " + name[3:]
    if name.startswith("Les "):
        return "aux " + name[4:]
    return "à " + name


def _fr_date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


class _Deck:
    """Draws items in a shuffled order, every item once before any is drawn again."""

    def __init__(self, items, rng):
        self.items = list(items)
        self.rng = rng
        self.pile = []

    def draw(self):
        if not self.pile:
            self.pile = list(self.items)
            self.rng.shuffle(self.pile)
        return self.pile.pop()


class _Context:
    """Reference data read once: vocabularies, régions and départements."""

    def __init__(self, dbsession, rng):
        terms = list(dbsession.scalars(
            select(VocabularyTerm).where(VocabularyTerm.active.is_(True))
            .order_by(VocabularyTerm.vocabulary, VocabularyTerm.position, VocabularyTerm.id)
        ))
        self.codes = {name: [] for name in VOCABULARIES}
        if terms:
            for term in terms:
                self.codes.setdefault(term.vocabulary, []).append(term.code)
        else:
            data = json.loads(resources.files("recueil").joinpath("data", "vocabularies.json")
                              .read_text("utf-8"))
            for name, items in data.items():
                self.codes[name] = [item["code"] for item in items]
        self.order = {name: {code: i for i, code in enumerate(codes)}
                      for name, codes in self.codes.items()}
        regions = dbsession.scalars(select(Region).order_by(Region.code))
        self.regions = {r.code: r.nom for r in regions}
        self.departements = {}
        self.region_of = {}
        for dep in dbsession.scalars(select(Departement).order_by(Departement.code)):
            self.departements[dep.code] = dep.nom
            self.region_of[dep.code] = dep.region_code
        if not self.departements:
            raise RuntimeError(
                "Les territoires ne sont pas chargés : lancez d'abord « recueil initdb »."
            )
        self.deps_of = {}
        for code, region in self.region_of.items():
            self.deps_of.setdefault(region, []).append(code)
        self.communes = {c: v for c, v in COMMUNES.items() if c in self.departements}
        # published practices and the others draw territories from their own decks, so
        # that the published ones alone cover as many territories as possible
        self.decks = {
            key: {
                "regions": _Deck(sorted(self.regions), rng),
                "departements": _Deck(sorted(self.departements), rng),
                "communes": _Deck(sorted(self.communes), rng),
                "themes": _Deck(range(len(THEMES)), rng),
            }
            for key in (True, False)
        }

    def de_dep(self, code: str) -> str:
        nom = self.departements[code]
        article = DEP_ARTICLE.get(code, "la")
        return {"l'": f"de l'{nom}", "les": f"des {nom}", "le": f"du {nom}",
                "la": f"de la {nom}", "": f"de {nom}"}[article]

    def institution(self, code: str) -> str:
        return DEP_INSTITUTION.get(code) or f"Conseil départemental {self.de_dep(code)}"

    def sort_codes(self, field: str, codes) -> list[str]:
        order = self.order.get(field, {})
        known = [c for c in dict.fromkeys(codes) if c in order]
        return sorted(known, key=order.__getitem__)


# --------------------------------------------------------------------------- statuses


def _allocate(count: int, rng: random.Random) -> list[str]:
    """The status of each practice: 45 % published, the others spread by weight."""
    published = round(count * PUBLISHED_SHARE)
    rest = count - published
    total = sum(STATUS_WEIGHTS.values())
    exact = {s: rest * w / total for s, w in STATUS_WEIGHTS.items()}
    alloc = {s: int(v) for s, v in exact.items()}
    if rest >= len(STATUS_WEIGHTS):
        for status in alloc:
            alloc[status] = max(1, alloc[status])
    by_fraction = sorted(exact, key=lambda s: (exact[s] - int(exact[s])), reverse=True)
    index = 0
    while sum(alloc.values()) < rest:
        alloc[by_fraction[index % len(by_fraction)]] += 1
        index += 1
    while sum(alloc.values()) > rest:
        alloc[max(alloc, key=alloc.get)] -= 1
    statuses = ["publiee"] * published
    for status, n in alloc.items():
        statuses += [status] * n
    rng.shuffle(statuses)
    return statuses


# --------------------------------------------------------------------------- timeline


def _at_work(day: dt.date, rng: random.Random) -> dt.datetime:
    at = dt.time(rng.randint(7, 16), rng.randint(0, 59), rng.randint(0, 59))
    return dt.datetime.combine(day, at)


def _random_day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, max(0, (end - start).days)))


_GAPS = {  # days between a transition and the one before it, by (from, to)
    ("brouillon", "soumise"): (0, 12),
    ("soumise", "en_moderation"): (1, 8),
    ("en_moderation", "complement_demande"): (1, 10),
    ("complement_demande", "en_moderation"): (3, 25),
    ("en_moderation", "recevable"): (2, 20),
    ("en_moderation", "irrecevable"): (2, 20),
    ("en_moderation", "doublon"): (1, 12),
    ("recevable", "inscrite"): (3, 30),
    ("inscrite", "selectionnee"): (6, 35),
    ("inscrite", "non_retenue"): (6, 35),
    ("inscrite", "ajournee"): (6, 35),
}


def _before(rng, when: dt.datetime, frm: str, to: str) -> dt.datetime:
    low, high = _GAPS.get((frm, to), (2, 40) if to == "retiree" else (1, 10))
    days = rng.randint(low, high)
    if days == 0:
        return when - dt.timedelta(minutes=rng.randint(15, 150))
    return _at_work(when.date() - dt.timedelta(days=days), rng)


def _times(rng, path: list[str], pins: dict[int, dt.datetime]) -> list[dt.datetime]:
    """A date for each status of the path: the pinned ones, the others around them."""
    times = [None] * len(path)
    for index, when in pins.items():
        times[index] = when
    pinned = sorted(pins)
    for index in range(pinned[0] - 1, -1, -1):
        times[index] = _before(rng, times[index + 1], path[index], path[index + 1])
    for start, end in zip(pinned, pinned[1:], strict=False):
        between = end - start - 1
        if not between:
            continue
        low = times[start].date() + dt.timedelta(days=2)
        high = times[end].date() - dt.timedelta(days=6)
        days = sorted(_random_day(rng, low, max(low, high)) for _ in range(between))
        previous = times[start]
        for offset, day in enumerate(days, start + 1):
            when = _at_work(day, rng)
            if when <= previous:
                when = previous + dt.timedelta(minutes=rng.randint(20, 240))
            times[offset] = previous = when
    return times


def _session_after(day: dt.date) -> dt.date:
    return next((s for s in SESSIONS if s > day), NEXT_SESSION)


def _session_time(rng, session: dt.date) -> dt.datetime:
    return dt.datetime.combine(session, dt.time(rng.randint(14, 16), rng.randint(0, 59)))


def _publication_time(session: dt.date) -> dt.datetime:
    return dt.datetime.combine(session + PUBLICATION_DELAY, dt.time(5, 0))


def _history(rng, status: str) -> dict:
    """The path of statuses up to ``status``, its dates and the committee session if any."""
    today = NOW.date()
    held = [s for s in SESSIONS if s < today]
    with_publication = [s for s in held if s + PUBLICATION_DELAY < today]
    head = ["brouillon", "soumise", "en_moderation"]
    loop = ["complement_demande", "en_moderation"] if rng.random() < 0.3 else []
    path, pins, session, first_session = None, {}, None, None

    def recent(days_low, days_high):
        day = today - dt.timedelta(days=rng.randint(days_low, days_high))
        return _at_work(day, rng)

    if status in ("publiee", "depubliee", "selectionnee", "non_retenue", "ajournee"):
        if status == "selectionnee":
            candidates = [s for s in held if s not in with_publication] or held[-1:]
        elif status == "publiee":
            candidates = with_publication
        elif status == "depubliee":
            candidates = [s for s in with_publication if s < today - dt.timedelta(days=60)]
        elif status == "ajournee":
            candidates = held[-2:]
        else:
            candidates = held
        weights = [i + 3 for i in range(len(candidates))]
        session = rng.choices(candidates, weights=weights)[0]
        decision = "ajournee" if status == "ajournee" else (
            "non_retenue" if status == "non_retenue" else "selectionnee")
        earlier = [s for s in held if s < session]
        if status in ("publiee", "non_retenue") and earlier and rng.random() < 0.12:
            # adjourned at a previous session, completed, then examined again
            first_session = earlier[-1]
            path = head + loop + ["recevable", "inscrite", "ajournee", "complement_demande",
                                  "en_moderation", "recevable", "inscrite", decision]
            pins[path.index("ajournee")] = _session_time(rng, first_session)
        else:
            path = head + loop + ["recevable", "inscrite", decision]
        pins[len(path) - 1] = _session_time(rng, session)
        if status in ("publiee", "depubliee"):
            path.append("publiee")
            pins[len(path) - 1] = _publication_time(session)
        if status == "depubliee":
            published = pins[len(path) - 1].date()
            path.append("depubliee")
            day = _random_day(rng, published + dt.timedelta(days=20),
                              today - dt.timedelta(days=2))
            pins[len(path) - 1] = _at_work(day, rng)
    else:
        if status == "brouillon":
            path = ["brouillon"]
            final = recent(1, 120) if rng.random() < 0.7 else recent(120, 1175)
        elif status == "soumise":
            path = head[:2]
            final = recent(1, 20)
        elif status == "en_moderation":
            path = head
            final = recent(1, 30)
        elif status == "complement_demande":
            path = head + loop + ["complement_demande"]
            final = recent(2, 70)
        elif status == "recevable":
            path = head + loop + ["recevable"]
            final = recent(1, 40)
        elif status == "inscrite":
            path = head + loop + ["recevable", "inscrite"]
            final = recent(2, 28)
        elif status in ("irrecevable", "doublon"):
            path = head + (loop if status == "irrecevable" else []) + [status]
            day = _random_day(rng, dt.date(2023, 10, 16), today - dt.timedelta(days=1))
            final = _at_work(day, rng)
        elif status == "retiree":
            before = rng.choice((["soumise"], ["soumise", "en_moderation"],
                                 ["soumise", "en_moderation", "complement_demande"],
                                 ["soumise", "en_moderation", "recevable"]))
            path = ["brouillon"] + before + ["retiree"]
            day = _random_day(rng, dt.date(2023, 10, 23), today - dt.timedelta(days=1))
            final = _at_work(day, rng)
        else:  # pragma: no cover - every status is handled above
            raise ValueError(status)
        pins[len(path) - 1] = final
    times = _times(rng, path, pins)
    for index, when in enumerate(times):  # the whole history in the life of the platform
        floor = EARLIEST if index == 0 else times[index - 1] + dt.timedelta(minutes=30)
        if when < floor:
            times[index] = floor
    if status == "inscrite":
        session = NEXT_SESSION
    return {"path": path, "times": times, "session": session, "first_session": first_session}


def _transitions(rng, plan: dict) -> list[tuple]:
    """(from, to, actor, comment, when) rows for a plan's history."""
    history = plan["history"]
    path, times = history["path"], history["times"]
    declarant = plan["declarant_courriel"]
    moderateur = rng.choice(MODERATEURS)
    secretariat = rng.choice(SECRETARIAT)
    sessions = [s for s in (history["first_session"], history["session"]) if s]
    rows = []
    for index, (to, when) in enumerate(zip(path, times, strict=True)):
        frm = path[index - 1] if index else None
        actor, comment = moderateur, None
        if to == "brouillon":
            actor, comment = declarant, "Brouillon créé par le déclarant"
        elif to == "soumise":
            actor, comment = declarant, "Déclaration envoyée"
        elif to == "en_moderation" and frm == "complement_demande":
            actor, comment = declarant, "Compléments apportés par le déclarant"
        elif to == "en_moderation":
            comment = "Prise en charge par la modération"
        elif to == "complement_demande" and frm == "ajournee":
            comment = "Suite à l'ajournement du comité : " + _lcfirst(rng.choice(COMPLEMENTS))
        elif to == "complement_demande":
            comment = rng.choice(COMPLEMENTS)
        elif to == "irrecevable":
            comment = rng.choice(IRRECEVABILITES)
        elif to == "doublon":
            comment = "DOUBLON"  # completed once references are known
        elif to == "recevable":
            comment = "Déclaration complète et recevable : transmise au comité de sélection."
        elif to == "inscrite":
            session = next((s for s in sessions if s > when.date()), None)
            session = session or _session_after(when.date())
            actor = secretariat
            comment = f"Inscrite à l'ordre du jour de la séance du {_fr_date(session)}"
        elif to in ("selectionnee", "non_retenue", "ajournee"):
            actor = secretariat
            session = when.date()
            if to == "selectionnee":
                comment = (f"Sélectionnée par le comité du {_fr_date(session)} ; "
                           f"mise en ligne le {_fr_date(session + PUBLICATION_DELAY)}.")
                if plan["coup_de_coeur"]:
                    comment += " Coup de cœur du comité."
            elif to == "non_retenue":
                comment = rng.choice(MOTIVATIONS)
            else:
                reason = rng.choice(AJOURNEMENTS)
                comment = f"Ajournée par le comité du {_fr_date(session)} : {reason}"
        elif to == "publiee":
            actor = SYSTEME
            session = history["session"]
            comment = f"Mise en ligne une semaine après le comité du {_fr_date(session)}."
        elif to == "depubliee":
            actor, comment = rng.choice(ADMINISTRATEURS), rng.choice(DEPUBLICATIONS)
        elif to == "retiree":
            actor, comment = declarant, rng.choice(RETRAITS)
        rows.append((frm, to, actor, comment, when))
    return rows


# --------------------------------------------------------------------------- content


def _territory(ctx: _Context, rng, echelle: str, published: bool) -> dict:
    deck = ctx.decks[published]
    if echelle == "nationale":
        return {"regions": [], "departements": [], "lieu": None, "home": None}
    if echelle == "regionale":
        n = rng.choices((1, 2, 3), weights=(75, 18, 7))[0]
        regions = []
        while len(regions) < n:
            code = deck["regions"].draw()
            if code not in regions:
                regions.append(code)
        home = rng.choice(ctx.deps_of[regions[0]])
        return {"regions": sorted(regions), "departements": [], "lieu": None, "home": home,
                "region": regions[0]}
    if echelle == "locale":
        dep = deck["communes"].draw()
        lieu = rng.choice(ctx.communes[dep])
        if dep == "75":
            lieu = f"Paris {rng.choice(('10e', '13e', '18e', '19e', '20e'))} arrondissement"
        return {"regions": [ctx.region_of[dep]], "departements": [dep], "lieu": lieu,
                "home": dep, "commune": ctx.communes[dep][0] if dep == "75" else lieu}
    n = rng.choices((1, 2, 3), weights=(75, 18, 7))[0]
    deps = [deck["departements"].draw()]
    neighbours = [d for d in ctx.deps_of[ctx.region_of[deps[0]]] if d != deps[0]]
    rng.shuffle(neighbours)
    deps += neighbours[: n - 1]
    return {"regions": sorted({ctx.region_of[d] for d in deps}), "departements": sorted(deps),
            "lieu": None, "home": deps[0]}


def _where(ctx: _Context, territory: dict, echelle: str) -> str:
    if echelle == "nationale":
        return "sur l'ensemble du territoire national"
    if echelle == "regionale":
        regions = territory["regions"]
        return REGION_IN[regions[0]] if len(regions) == 1 and regions[0] in REGION_IN else (
            "dans plusieurs régions")
    if echelle == "locale":
        return _a_commune(territory["lieu"])
    deps = territory["departements"]
    if len(deps) == 1:
        return f"dans le département {ctx.de_dep(deps[0])}"
    names = [ctx.de_dep(d) for d in deps]
    return "dans les départements " + ", ".join(names[:-1]) + " et " + names[-1]


def _entity(ctx: _Context, rng, relais: str, echelle: str,
            territory: dict) -> tuple[str, str | None, str]:
    """(nom_entite, relais_autre, e-mail domain) for who carries the practice."""
    home = territory.get("home")
    if echelle == "nationale":
        if relais == "autre":
            name, precision, domain = rng.choice(NATIONAL_OTHERS)
            return name, precision, f"{domain}.example.fr"
        name, domain = rng.choice(NATIONAL_ASSOCIATIONS)
        return name, None, f"{domain}.example.org"
    if echelle == "regionale" and relais != "departement":
        region = territory["region"]
        values = {"de_reg": REGION_OF.get(region, f"de {ctx.regions[region]}")}
        if relais == "autre":
            template, precision, domain = rng.choice(REGIONAL_OTHERS)
            return template.format(**values), precision, f"{domain}-{region}.example.fr"
        template, domain = rng.choice(REGIONAL_ASSOCIATIONS)
        return template.format(**values), None, f"{domain}-{region}.example.org"
    commune = territory.get("commune") or territory.get("lieu")
    if commune is None and home in ctx.communes:
        commune = ctx.communes[home][0]
    mecs = rng.choice(MECS)
    values = {
        "de_dep": ctx.de_dep(home), "code": home.lower(), "institution": ctx.institution(home),
        "mecs": mecs, "mecs_slug": _slug(mecs),
        "de_ville": _de_commune(commune) if commune else "", "ville_slug": _slug(commune or ""),
    }
    options = {"association": ASSOCIATIONS, "departement": DEPARTEMENTS_ENTITES,
               "autre": OTHER_ENTITES}[relais]
    options = [o for o in options if commune or "{de_ville}" not in o[0]]
    for _ in range(10):
        choice = rng.choice(options)
        name = choice[0].format(**values)
        if len(name) <= 100:
            break
    else:  # pragma: no cover - every template fits
        choice, name = options[0], options[0][0].format(**values)[:100]
    precision = choice[1] if relais == "autre" else None
    domain = choice[-1].format(**values)
    suffix = ".example.fr" if relais != "association" else ".example.org"
    return name, precision, domain + suffix


def _pick_codes(ctx: _Context, rng, theme: dict) -> dict:
    codes = {}
    known = {field: set(ctx.codes.get(field, ())) for field in MULTI}
    for field, (first, extra, spread) in {
        "types_intervention": (0.7, 0.35, 0.08),
        "thematiques": (0.75, 0.4, 0.06),
        "publics": (0.6, 0.6, 0.08),
    }.items():
        pool = [c for c in theme[field] if c in known[field]] or list(ctx.codes[field][:1])
        chosen = [pool[0] if rng.random() < first else rng.choice(pool)]
        if len(pool) > 1 and rng.random() < extra:
            chosen.append(rng.choice(pool))
        if field == "publics" and len(pool) > 2 and rng.random() < 0.3:
            chosen.append(rng.choice(pool))
        if rng.random() < spread:
            chosen.append(rng.choice(ctx.codes[field]))
        codes[field] = ctx.sort_codes(field, chosen)
    return codes


def _precision(rng, theme: dict | None, field: str) -> str:
    if theme and field in theme.get("autre", {}):
        return theme["autre"][field]
    return rng.choice(AUTRES[field])


def _sentences(rng, items, low: int, high: int) -> list[str]:
    """Some of the items, in their order."""
    n = min(len(items), rng.randint(low, high))
    keep = sorted(rng.sample(range(len(items)), n))
    return [items[i] for i in keep]


def _fit(parts: list[str], limit: int, sep: str = " ", minimum: int = 1) -> str:
    text = sep.join(parts)
    while len(text) > limit and len(parts) > minimum:
        parts = parts[:-1]
        text = sep.join(parts)
    return text[:limit]


def _texts(ctx: _Context, rng, theme: dict, plan: dict) -> dict:
    numbers = {
        "ou": _where(ctx, plan["territory"], plan["echelle"]),
        "annee": plan["date_mise_en_oeuvre"].year,
        "nb": plan["nombre_beneficiaires"] or rng.randint(12, 180),
        "etp": rng.choice(("1,5", "2", "2,5", "3", "3,5", "4", "5", "6", "8")),
        "n": rng.randint(2, 9),
        "pct": rng.randint(55, 92), "pct2": rng.randint(35, 80), "pct_bas": rng.randint(12, 40),
        "pct_haut": rng.randint(82, 97), "pct_dep": 0, "pct_caf": 0,
    }
    numbers["pct_dep"] = rng.choice((50, 60, 70, 80))
    numbers["pct_caf"] = 100 - numbers["pct_dep"]

    title = rng.choice(theme["titres"])
    roll = rng.random()
    if roll < 0.2:
        title = f"« {rng.choice(PROGRAMMES)} » : {_lcfirst(title)}"
    elif roll < 0.35:
        title = f"{title} « {rng.choice(PROGRAMMES)} »"
    elif roll < 0.45 and plan["echelle"] == "locale":
        title = f"{title} {_a_commune(plan['territory']['lieu'])}"
    if len(title) > 100:
        title = theme["titres"][0]

    parts = []
    if rng.random() < 0.85:
        parts.append(rng.choice(OUVERTURES).format(**numbers))
    parts += _sentences(rng, theme["description"], 2, 4)
    middle = len(parts)
    parts += _sentences(rng, METHODES, 1, 2)
    if rng.random() < 0.5:
        parts.append(rng.choice(CONCLUSIONS))
    description = _fit(parts, 1000, minimum=3)
    head = " ".join(parts[:middle]) + " "
    if rng.random() < 0.3 and len(description) < 1000 and description.startswith(head):
        # a second paragraph for the method
        description = head.rstrip() + "\n\n" + description[len(head):]

    objectifs = _sentences(rng, theme["objectifs"], 2, 3)
    if rng.random() < 0.3:
        objectifs.append(rng.choice(OBJECTIFS_GENERIQUES))
    objectifs = _ucfirst(_fit(objectifs, 499, sep=" ; ")) + "."
    moyens = _sentences(rng, theme["moyens"], 1, 2)
    moyens.append(rng.choice(FINANCEMENTS))
    moyens = _fit([m.format(**numbers) for m in moyens], 500)
    bilan = _sentences(rng, theme["bilan"], 2, 3)
    if rng.random() < 0.4:
        bilan.append(rng.choice(BILANS_GENERIQUES))
    bilan = _fit([b.format(**numbers) for b in bilan], 500)
    return {"intitule": title, "description": description, "objectifs": objectifs,
            "moyens": moyens, "bilan": _ucfirst(bilan)}


def _person(rng) -> tuple[str, str, bool]:
    feminine = rng.random() < 0.62
    prenom = rng.choice(PRENOMS_F if feminine else PRENOMS_M)
    nom = rng.choice(NOMS)
    return prenom, nom, feminine


def _email(prenom: str, nom: str, domain: str) -> str:
    return f"{_slug(prenom)}.{_slug(nom).replace('-', '')}@{domain}"


def _phone(rng, region: str | None) -> str:
    prefix = PHONE_PREFIX.get(region or "", "06 39 98")
    return f"{prefix} {rng.randint(0, 99):02d} {rng.randint(0, 99):02d}"


def _people(ctx: _Context, rng, plan: dict, domain: str) -> tuple[dict, str]:
    prenom, nom, feminine = _person(rng)
    fonction = rng.choice(FONCTIONS[plan["relais"]])[1 if feminine else 0]
    contact_courriel = _email(prenom, nom, domain)
    home = plan["territory"].get("home") or rng.choice(sorted(ctx.departements))
    a_prenom, a_nom, a_feminine = _person(rng)
    accord_domain = f"cd{home.lower()}.example.fr"
    region = ctx.region_of.get(home)
    people = {
        "contact_nom": f"{prenom} {nom}" if rng.random() < 0.92 else None,
        "contact_fonction": fonction if rng.random() < 0.9 else None,
        "contact_courriel": contact_courriel,
        "contact_telephone": _phone(rng, region) if rng.random() < 0.8 else None,
        "accord_nom": f"{a_prenom} {a_nom}" if rng.random() < 0.9 else None,
        "accord_fonction": rng.choice(FONCTIONS_ACCORD)[1 if a_feminine else 0],
        "accord_courriel": _email(a_prenom, a_nom, accord_domain),
    }
    if rng.random() < 0.7:
        declarant = contact_courriel
    else:
        d_prenom, d_nom, _ = _person(rng)
        declarant = _email(d_prenom, d_nom, domain)
    return people, declarant


def _implementation_date(rng, created: dt.datetime) -> dt.date:
    latest = min(created.date(), dt.date(2026, 10, 31))
    young_from = NOW.date() - dt.timedelta(days=350)
    if latest > young_from + dt.timedelta(days=20) and rng.random() < 0.12:
        return _random_day(rng, young_from, latest)
    if rng.random() < 0.06:
        return _random_day(rng, dt.date(2005, 1, 3), dt.date(2015, 12, 31))
    day = latest - dt.timedelta(days=365 + int(rng.expovariate(1 / (3.5 * 365))))
    day = max(day, dt.date(2005, 1, 3))
    return day.replace(day=1) if rng.random() < 0.35 else day


def _plan(ctx: _Context, rng, index: int, status: str, forced: dict) -> dict:
    published = status == "publiee"
    deck = ctx.decks[published]
    theme_index = forced["theme"] if "theme" in forced else deck["themes"].draw()
    theme = THEMES[theme_index]
    echelle = forced.get("echelle") or rng.choices(
        ("nationale", "regionale", "departementale", "locale"), weights=(10, 15, 40, 35))[0]
    if echelle not in ctx.codes["echelle"] and ctx.codes["echelle"]:
        echelle = ctx.codes["echelle"][0]
    relais = forced.get("relais")
    if relais is None:
        weights = (75, 0, 25) if echelle == "nationale" else (50, 35, 15)
        relais = rng.choices(("association", "departement", "autre"), weights=weights)[0]
    if echelle == "nationale" and relais == "departement":
        relais = "association"
    territory = _territory(ctx, rng, echelle, published)
    nom_entite, relais_autre, domain = _entity(ctx, rng, relais, echelle, territory)
    coup_de_coeur = status in ("publiee", "selectionnee", "depubliee") and rng.random() < 0.15
    plan = {
        "index": index, "status": status, "theme": theme_index, "echelle": echelle,
        "relais": relais, "relais_autre": relais_autre, "nom_entite": nom_entite,
        "territory": territory, "coup_de_coeur": coup_de_coeur,
    }
    plan["history"] = _history(rng, status)
    created = plan["history"]["times"][0]
    plan["date_mise_en_oeuvre"] = _implementation_date(rng, created)
    large = echelle in ("nationale", "regionale")
    plan["budget_annuel"] = (
        None if rng.random() < 0.25
        else int(round(rng.lognormvariate(11.6 if large else 10.8, 0.8), -2)) + 1000)
    plan["nombre_beneficiaires"] = (
        None if rng.random() < 0.2
        else int(rng.lognormvariate(6.5 if large else 4.2, 0.7)) + 5)
    plan.update(_pick_codes(ctx, rng, theme))
    for field in MULTI:
        plan[f"{field}_autre"] = (_precision(rng, theme, field) if "autre" in plan[field] else None)
    plan.update(_texts(ctx, rng, theme, plan))
    people, declarant = _people(ctx, rng, plan, domain)
    plan.update(people)
    plan["declarant_courriel"] = declarant
    plan["domain"] = domain
    if status == "brouillon":
        plan["etapes"] = list(STEPS[: rng.randint(1, len(STEPS))])
    else:
        plan["etapes"] = list(STEPS)
    return plan


# --------------------------------------------------------------------------- passes


def _link_duplicates(rng, plans: list[dict]) -> None:
    """A duplicate repeats an earlier declaration of the same entity."""
    originals = [p for p in plans if p["status"] not in ("brouillon", "doublon", "retiree")]
    copied = ("theme", "echelle", "relais", "relais_autre", "nom_entite", "territory",
              "date_mise_en_oeuvre", "intitule", "description", "objectifs", "moyens", "bilan",
              "types_intervention", "types_intervention_autre", "thematiques",
              "thematiques_autre", "publics", "publics_autre")
    for plan in plans:
        if plan["status"] != "doublon":
            continue
        submitted = plan["history"]["times"][1]
        candidates = [p for p in originals
                      if p["history"]["times"][1] < submitted - dt.timedelta(days=20)]
        if not candidates:
            plan["original"] = None
            continue
        original = rng.choice(candidates)
        plan["original"] = original
        for name in ("contact_courriel", "declarant_courriel"):
            plan[name] = plan[name].split("@")[0] + "@" + original["domain"]
        plan["domain"] = original["domain"]
        for name in copied:
            value = original[name]
            plan[name] = list(value) if isinstance(value, list) else (
                dict(value) if isinstance(value, dict) else value)


def _cover(ctx: _Context, rng, plans: list[dict]) -> None:
    """Every code of every vocabulary is used by at least one published practice."""
    published = [p for p in plans if p["status"] == "publiee"]
    if not published:
        return
    for field in MULTI:
        used = {code for p in published for code in p[field]}
        for code in ctx.codes.get(field, ()):
            if code in used:
                continue
            plan = rng.choice(published)
            plan[field] = ctx.sort_codes(field, plan[field] + [code])
            if code == "autre":
                plan[f"{field}_autre"] = _precision(rng, THEMES[plan["theme"]], field)
            used.add(code)
    if not any(p["coup_de_coeur"] for p in published):
        published[0]["coup_de_coeur"] = True


def _build(plan: dict, seed: int) -> Practice:
    status = plan["status"]
    history = plan["history"]
    path, times = history["path"], history["times"]
    steps = plan["etapes"]
    values = {}
    if "presentation" in steps:
        values.update({name: plan[name] for name in (
            "date_mise_en_oeuvre", "nom_entite", "intitule", "description", "echelle",
            "types_intervention_autre", "thematiques_autre", "publics_autre", "relais",
            "relais_autre")})
    if "resultats" in steps:
        values.update({name: plan[name] for name in (
            "objectifs", "moyens", "bilan", "budget_annuel", "nombre_beneficiaires")})
    if "contact" in steps:
        values.update({name: plan[name] for name in (
            "contact_nom", "contact_fonction", "contact_courriel", "contact_telephone",
            "accord_nom", "accord_fonction", "accord_courriel")})
    session = history["session"]
    if status in ("publiee", "depubliee", "selectionnee") and session:
        values["date_publication"] = session + PUBLICATION_DELAY
    practice = Practice(
        id=uuid.uuid5(_ID_NAMESPACE, f"{seed}:{plan['index']}"),
        reference=plan.get("reference"),
        niveau=1,
        status=status,
        coup_de_coeur=plan["coup_de_coeur"],
        source=SOURCE,
        source_id=f"demo-{plan['index'] + 1:04d}",
        declarant_courriel=plan["declarant_courriel"],
        accepte_conditions=True,
        etapes_validees=list(steps),
        saisie_en_cours={},
        created_at=times[0],
        updated_at=times[-1],
        submitted_at=times[path.index("soumise")] if "soumise" in path else None,
        **values,
    )
    if "presentation" in steps:
        for field in MULTI:
            setattr(practice, field, plan[field])
    if "localisation" in steps:
        practice.regions = plan["territory"]["regions"]
        practice.departements = plan["territory"]["departements"]
        practice.lieu = plan["territory"]["lieu"]
    for frm, to, actor, comment, when in plan["transitions"]:
        if to == "doublon":
            original = plan.get("original")
            if original and original.get("reference"):
                comment = (f"Doublon de la pratique {original['reference']} : "
                           "même intitulé, même entité.")
            else:
                comment = "Doublon d'une déclaration déjà enregistrée par la même structure."
        practice.transitions.append(Transition(
            from_status=frm, to_status=to, actor=actor, comment=comment, created_at=when))
    return practice


def _fiches(dbsession, rng, seed: int, built: list[tuple[dict, Practice]]) -> list[Practice]:
    """The ONPE's demonstration fiches, published, each linked to published practices that
    share one of its thématiques (or to any published practice when none does)."""
    region_of = {d.code: d.region_code for d in dbsession.scalars(select(Departement))}
    published = [practice for plan, practice in built if plan["status"] == "publiee"]
    fiches = []
    for index, data in enumerate(FICHES):
        day = data["published"]
        created = _at_work(day - dt.timedelta(days=rng.randint(20, 60)), rng)
        departements = data.get("departements", [])
        fiche = Practice(
            id=uuid.uuid5(_ID_NAMESPACE, f"{seed}:fiche:{index}"),
            reference=next_reference(dbsession, created.year, prefix="FD"),
            niveau=2, status="publiee", coup_de_coeur=False, source=SOURCE,
            source_id=f"demo-fiche-{index + 1:02d}", accepte_conditions=False,
            etapes_validees=[], saisie_en_cours={}, created_at=created,
            updated_at=dt.datetime.combine(day, dt.time(10, 0)), date_publication=day,
            date_revision=data["review"], lieu=None,
            **{name: data.get(name) for name in (
                "intitule", "nom_entite", "co_auteurs", "description", "date_mise_en_oeuvre",
                "echelle", "types_intervention_autre", "relais", "relais_autre", "objectifs",
                "moyens", "cles_reussite", "resultats_attendus", "difficultes",
                "evaluation_references")},
        )
        for field in MULTI:
            setattr(fiche, field, data[field])
        fiche.departements = departements
        fiche.regions = sorted(set(data.get("regions", [])) | {region_of[d] for d in departements})
        sharing = [p for p in published if set(p.thematiques) & set(data["thematiques"])]
        chosen = rng.sample(sharing or published, min(3, len(sharing or published)))
        fiche.pratiques_liees = sorted(chosen, key=lambda p: p.reference or "")
        fiche.transitions = [
            Transition(from_status=None, to_status="brouillon", actor=REDACTION_ONPE,
                       comment="Fiche créée", created_at=created),
            Transition(from_status="brouillon", to_status="publiee", actor=REDACTION_ONPE,
                       comment=f"Publiée le {_fr_date(day)}",
                       created_at=dt.datetime.combine(day, dt.time(10, 0))),
        ]
        fiches.append(fiche)
    return fiches


def delete_demo(dbsession) -> int:
    """Delete the practices and fiches of a previous demo run, with their terms, history and
    links."""
    practices = list(dbsession.scalars(
        select(Practice).where(Practice.source == SOURCE)
        .options(selectinload(Practice.transitions), selectinload(Practice.attachments))
    ))
    if not practices:
        return 0
    for practice in practices:
        dbsession.delete(practice)
    dbsession.flush()
    # give back the reference numbers above the highest one still in use
    highest = {}
    query = select(Practice.reference).where(Practice.reference.is_not(None))
    for reference in dbsession.scalars(query):
        match = re.fullmatch(r"(PI|FD)-(\d{4})-(\d+)", reference)
        if match:
            key, number = (match.group(1), int(match.group(2))), int(match.group(3))
            highest[key] = max(highest.get(key, 0), number)
    for counter in dbsession.scalars(select(ReferenceCounter)):
        counter.last = highest.get((counter.prefix, counter.year), 0)
    dbsession.flush()
    return len(practices)


def create_demo(dbsession, count: int = 320, seed: int = 2023) -> dict[str, int]:
    """Create ``count`` demonstration practices and the ONPE's published fiches (FICHES);
    returns how many practices per workflow status.

    Runs inside the caller's transaction: it flushes, never commits.
    """
    rng = random.Random(seed)
    delete_demo(dbsession)
    ctx = _Context(dbsession, rng)
    statuses = _allocate(count, rng)
    plans = []
    rank = 0
    scales = ("nationale", "regionale", "departementale", "locale")
    carriers = ("association", "departement", "autre")
    for index, status in enumerate(statuses):
        forced = {}
        if status == "publiee":
            # the first published practices take every scale, relais and theme in turn
            if rank < len(scales):
                forced["echelle"] = scales[rank]
            if rank < len(carriers):
                forced["relais"] = carriers[rank]
            if rank < len(THEMES):
                forced["theme"] = rank
            rank += 1
        plans.append(_plan(ctx, rng, index, status, forced))
    _link_duplicates(rng, plans)
    _cover(ctx, rng, plans)
    for plan in plans:
        plan["transitions"] = _transitions(rng, plan)
    sent = [p for p in plans if "soumise" in p["history"]["path"]]
    def submitted(plan):
        return plan["history"]["times"][plan["history"]["path"].index("soumise")]

    for plan in sorted(sent, key=lambda p: (submitted(p), p["index"])):
        plan["reference"] = next_reference(dbsession, submitted(plan).year)
    built = [(plan, _build(plan, seed)) for plan in plans]
    dbsession.add_all(practice for _, practice in built)
    dbsession.add_all(_fiches(dbsession, rng, seed, built))
    dbsession.flush()
    counts = Counter(p["status"] for p in plans)
    return {status: counts[status] for status in STATUSES if counts[status]}
