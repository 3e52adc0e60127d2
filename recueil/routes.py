"""Every route of the application, named "<domain>.<action>"."""


def includeme(config):
    config.add_static_view("static", "recueil:static", cache_max_age=3600)
    config.add_route("home", "/")
    # declaration (spec §2)
    config.add_route("declaration.start", "/declarer")
    config.add_route("declaration.link_sent", "/declarer/lien-envoye")
    config.add_route("declaration.access", "/acces/{token}")
    config.add_route("declaration.space", "/mon-espace")
    config.add_route("declaration.new", "/mon-espace/nouvelle")
    config.add_route("declaration.signout", "/mon-espace/deconnexion")
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
    # staff
    config.add_route("auth.signin", "/connexion")
    config.add_route("auth.signout", "/deconnexion")
    config.add_route("staff.home", "/gestion")
    # public pages
    config.add_route("pages.show", "/pages/{slug}")
    # public catalogue (spec §7)
    config.add_route("catalogue.search", "/pratiques")
    config.add_route("catalogue.api", "/api/pratiques")
    config.add_route("catalogue.show", "/pratiques/{id}")
    config.add_route("catalogue.contact", "/pratiques/{id}/contact")
    config.add_route("catalogue.map", "/carte")
    config.add_route("catalogue.stats", "/statistiques")
