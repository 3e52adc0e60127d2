"""Every route of the application, named "<domain>.<action>"."""


def includeme(config):
    from .assets import VersionPrefix

    # a page kept from an earlier release names an earlier version: sent to today's file
    config.add_route("static.earlier", "/static/v-{version}/*subpath")
    config.add_static_view("static", "recueil:static", cache_max_age=3600)
    config.add_cache_buster(
        "recueil:static/", VersionPrefix(config.registry.settings["recueil.static_version"]))
    config.add_route("home", "/")
    # public catalogue (spec §7), the most requested: routes are tried in this order
    config.add_route("catalogue.api", "/api/pratiques")
    config.add_route("api.description", "/api/openapi.json")
    config.add_route("api.documentation", "/api")
    config.add_route("catalogue.search", "/pratiques")
    config.add_route("catalogue.feed", "/pratiques.atom")
    config.add_route("catalogue.show", "/pratiques/{id}")
    config.add_route("catalogue.contact", "/pratiques/{id}/contact")
    config.add_route("catalogue.essaimage", "/pratiques/{id}/essaimage")
    config.add_route("catalogue.map", "/carte")
    config.add_route("catalogue.stats", "/statistiques")
    # alerts on a search: the links of their e-mails carry a signed token
    config.add_route("alerts.new", "/alertes/nouvelle")
    config.add_route("alerts.requested", "/alertes/demande-envoyee")
    config.add_route("alerts.confirm", "/alertes/confirmer/{token}")
    config.add_route("alerts.manage", "/alertes/gerer/{token}")
    config.add_route("alerts.unsubscribe", "/alertes/desabonnement/{token}")
    # the département representative confirms the prior agreement from a signed link
    config.add_route("agreements.confirm", "/accord/{token}")
    # declaration (spec §2)
    config.add_route("declaration.start", "/declarer")
    config.add_route("declaration.link_sent", "/declarer/lien-envoye")
    config.add_route("declaration.access", "/acces/{token}")
    config.add_route("declaration.space", "/mon-espace")
    config.add_route("declaration.new", "/mon-espace/nouvelle")
    config.add_route("declaration.signout", "/mon-espace/deconnexion")
    config.add_route("declaration.my_data", "/mon-espace/mes-donnees")
    config.add_route("declaration.export_data", "/mon-espace/mes-donnees/export")
    config.add_route("declaration.erase_data", "/mon-espace/mes-donnees/effacement")
    config.add_route(
        "declaration.step", "/mon-espace/pratiques/{id}/etape/{step}",
        factory="recueil.security.DeclarantPractice",
    )
    config.add_route(
        "declaration.attachment", "/mon-espace/pratiques/{id}/pieces/{attachment_id}",
        factory="recueil.security.DeclarantPractice",
    )
    config.add_route(
        "declaration.submitted", "/mon-espace/pratiques/{id}/envoyee",
        factory="recueil.security.DeclarantPractice",
    )
    config.add_route(
        "declaration.view", "/mon-espace/pratiques/{id}",
        factory="recueil.security.DeclarantPractice",
    )
    config.add_route(
        "declaration.complements", "/mon-espace/pratiques/{id}/complements",
        factory="recueil.security.DeclarantPractice",
    )
    config.add_route(
        "declaration.withdraw", "/mon-espace/pratiques/{id}/retirer",
        factory="recueil.security.DeclarantPractice",
    )
    # staff
    config.add_route("auth.signin", "/connexion")
    config.add_route("auth.signout", "/deconnexion")
    config.add_route("staff.home", "/gestion")
    config.add_route("auth.password", "/gestion/mot-de-passe")
    config.add_route("staff.digest", "/gestion/resume-quotidien")
    # moderation (spec §3)
    config.add_route("moderation.queue", "/gestion/moderation")
    config.add_route("moderation.review", "/gestion/moderation/{id}",
                     factory="recueil.security.StaffPractice")
    config.add_route("moderation.agreement", "/gestion/moderation/{id}/accord",
                     factory="recueil.security.StaffPractice")
    config.add_route("moderation.attachment", "/gestion/moderation/{id}/pieces/{attachment_id}",
                     factory="recueil.security.StaffPractice")
    # essaimage: the accounts of teams that took up a practice, before they are published
    config.add_route("essaimages.queue", "/gestion/essaimages")
    config.add_route("essaimages.decide", "/gestion/essaimages/{essaimage_id}")
    # selection committee
    config.add_route("committee.sessions", "/gestion/comite")
    config.add_route("committee.session_new", "/gestion/comite/seances/nouvelle")
    config.add_route("committee.session_held", "/gestion/comite/seances/tenue")
    config.add_route("committee.favourites", "/gestion/comite/coups-de-coeur")
    config.add_route("committee.favourites_csv", "/gestion/comite/coups-de-coeur.csv")
    config.add_route("committee.session", "/gestion/comite/seances/{session_id}",
                     factory="recueil.security.CommitteeSessionContext")
    config.add_route("committee.agenda", "/gestion/comite/seances/{session_id}/ordre-du-jour",
                     factory="recueil.security.CommitteeSessionContext")
    config.add_route("committee.review", "/gestion/comite/seances/{session_id}/pratiques/{id}",
                     factory="recueil.security.CommitteeSessionContext")
    config.add_route("committee.attachment",
                     "/gestion/comite/seances/{session_id}/pratiques/{id}/pieces/{attachment_id}",
                     factory="recueil.security.CommitteeSessionContext")
    config.add_route("committee.synthesis", "/gestion/comite/seances/{session_id}/synthese",
                     factory="recueil.security.CommitteeSessionContext")
    config.add_route("committee.decide",
                     "/gestion/comite/seances/{session_id}/pratiques/{id}/decision",
                     factory="recueil.security.CommitteeSessionContext")
    config.add_route("committee.send_decisions", "/gestion/comite/seances/{session_id}/envoi",
                     factory="recueil.security.CommitteeSessionContext")
    config.add_route("committee.attendance", "/gestion/comite/seances/{session_id}/presences",
                     factory="recueil.security.CommitteeSessionContext")
    config.add_route("committee.correct",
                     "/gestion/comite/seances/{session_id}/pratiques/{id}/correction",
                     factory="recueil.security.CommitteeSessionContext")
    config.add_route("committee.dossier", "/gestion/comite/seances/{session_id}/dossier.pdf",
                     factory="recueil.security.CommitteeSessionContext")
    config.add_route("committee.minutes", "/gestion/comite/seances/{session_id}/releve.pdf",
                     factory="recueil.security.CommitteeSessionContext")
    # ONPE fiches dispositifs (spec §4)
    config.add_route("fiches.list", "/gestion/fiches")
    config.add_route("fiches.new", "/gestion/fiches/nouvelle")
    config.add_route("fiches.edit", "/gestion/fiches/{id}",
                     factory="recueil.security.StaffPractice")
    config.add_route("fiches.transition", "/gestion/fiches/{id}/publication",
                     factory="recueil.security.StaffPractice")
    # administration
    config.add_route("admin.home", "/gestion/admin")
    config.add_route("admin.users", "/gestion/admin/comptes")
    config.add_route("admin.user_sessions", r"/gestion/admin/comptes/{user_id:\d{1,9}}/sessions")
    config.add_route("admin.practice", "/gestion/admin/pratiques/{id}",
                     factory="recueil.security.StaffPractice")
    config.add_route("admin.imports", "/gestion/admin/imports")
    config.add_route("admin.import", "/gestion/admin/imports/{batch_id}",
                     factory="recueil.security.ImportBatchContext")
    config.add_route("admin.pages", "/gestion/admin/pages")
    config.add_route("admin.page", "/gestion/admin/pages/{slug}")
    config.add_route("admin.personal_data", "/gestion/admin/donnees-personnelles")
    config.add_route("admin.vocabularies", "/gestion/admin/vocabulaires")
    config.add_route("admin.vocabulary_add", "/gestion/admin/vocabulaires/{vocabulary}/ajouter")
    config.add_route("admin.vocabulary_term",
                     "/gestion/admin/vocabulaires/{vocabulary}/termes/{code}")
    config.add_route("admin.vocabulary_move",
                     "/gestion/admin/vocabulaires/{vocabulary}/termes/{code}/deplacer")
    # public pages
    config.add_route("pages.about", "/a-propos")
    config.add_route("pages.show", "/pages/{slug}")
    # open data (spec §8): the files stay at these addresses
    config.add_route("opendata.page", "/opendata")
    config.add_route("opendata.csv", "/opendata/pratiques-inspirantes.csv")
    config.add_route("opendata.json", "/opendata/pratiques-inspirantes.json")
    config.add_route("opendata.schema", "/opendata/schema.json")
    config.add_route("opendata.datapackage", "/opendata/datapackage.json")
    config.add_route("opendata.catalogue", "/opendata/catalogue.jsonld")
    config.add_route("opendata.atom", "/opendata/nouveautes.atom")
    # operations: the load balancer's health check, Prometheus's metrics
    config.add_route("operations.health", "/sante")
    config.add_route("operations.metrics", "/metriques")
