"""The command-line tool: ``recueil --config INI <command>``."""
import argparse
import getpass
import os
import sys

from pyramid.paster import bootstrap, setup_logging
from sqlalchemy import select


def _initdb(env, args):
    from ..migrations import analyze, upgrade
    from ..services.references import load_reference_data

    engine = env["registry"]["db_engine"]
    upgrade(engine)
    with env["request"].tm:
        added = load_reference_data(env["request"].dbsession)
    analyze(engine)
    print(
        f"Base à jour ({engine.url.render_as_string(hide_password=True)}) ; "
        f"ajoutés : {added['termes']} termes de vocabulaire, {added['regions']} régions, "
        f"{added['departements']} départements."
    )


def _demo(env, args):
    from ..demo import create_demo
    from ..migrations import analyze

    with env["request"].tm:
        counts = create_demo(env["request"].dbsession, count=args.nombre, seed=args.graine)
    analyze(env["registry"]["db_engine"])
    print("Jeu de démonstration : " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items())))


def _progress(done: int, total: int) -> None:
    width = 40
    filled = width * done // total if total else width
    percent = 100 * done / total if total else 100
    end = "\n" if done >= total else ""
    print(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} ({percent:.0f} %)",
          end=end, file=sys.stderr, flush=True)


def _reindex(env, args):
    from ..search.service import reindex

    registry = env["registry"]
    settings = registry.settings
    total = reindex(registry["dbsession_factory"], settings, registry["solr_factory"],
                    progress=None if args.silencieux else _progress)
    where = "la base et Solr" if settings["search.backend"] == "solr" else "la base"
    print(f"Index reconstruit ({where}) à partir de {total} pratiques.")


def _drain(env, args):
    from ..search.service import drain_queue

    registry = env["registry"]
    if registry.settings["search.backend"] != "solr":
        print("Recherche embarquée : aucune file d'indexation à vider.")
        return
    done = drain_queue(registry["dbsession_factory"], registry["solr_factory"]())
    print(f"{done} mise(s) à jour envoyée(s) à Solr.")


def _publish_due(env, args):
    from ..services.committee import publish_due, waiting

    request = env["request"]
    clock = request.clock
    with request.tm:
        published = publish_due(request.dbsession, clock, request)
        lines = [f"  {p.practice.reference or p.practice.id} – {p.practice.titre} : {p.url}"
                 for p in published]
        remaining = waiting(request.dbsession)
    today = f"{clock.today():%d/%m/%Y}"
    if published:
        print(f"{len(published)} pratique(s) publiée(s) le {today} ; "
              "leurs déclarants sont prévenus par courriel :")
        print("\n".join(lines))
    else:
        print(f"Aucune pratique à publier le {today}.")
    if remaining:
        print(f"{remaining} pratique(s) sélectionnée(s) attendent leur date de publication.")


def _read_password() -> str:
    password = os.environ.get("RECUEIL_PASSWORD")
    if password:
        return password
    if sys.stdin.isatty():
        first = getpass.getpass("Mot de passe : ")
        if getpass.getpass("Confirmez le mot de passe : ") != first:
            raise SystemExit("Les deux mots de passe diffèrent.")
        return first
    return sys.stdin.readline().rstrip("\n")


def _user_add(env, args):
    from ..models import STAFF_ROLES, User
    from ..services.passwords import hash_password

    roles = args.role or []
    unknown = [r for r in roles if r not in STAFF_ROLES]
    if unknown or not roles:
        raise SystemExit(
            f"Rôle inconnu ou absent : {', '.join(unknown) or '—'}. "
            f"Rôles possibles : {', '.join(STAFF_ROLES)}."
        )
    try:
        password_hash = hash_password(_read_password())
    except ValueError as error:
        raise SystemExit(str(error))
    email = args.email.strip().lower()
    with env["request"].tm:
        dbsession = env["request"].dbsession
        user = dbsession.scalars(select(User).where(User.email == email)).one_or_none()
        created = user is None
        if created:
            user = User(email=email, nom=args.nom or "", password_hash=password_hash)
            dbsession.add(user)
        else:
            user.password_hash = password_hash
        for role in roles:
            user.add_role(role)
        dbsession.flush()
        print(f"Compte {'créé' if created else 'mis à jour'} : {email} ({', '.join(user.roles)})")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="recueil", description="Administration du recueil.")
    parser.add_argument("--config", "-c", required=True, help="fichier de configuration .ini")
    commands = parser.add_subparsers(dest="command", required=True)

    commands.add_parser("initdb", help="migrations et données de référence").set_defaults(func=_initdb)

    demo = commands.add_parser("demo", help="jeu de démonstration réaliste")
    demo.add_argument("--nombre", type=int, default=320, help="nombre de pratiques (320)")
    demo.add_argument("--graine", type=int, default=2023, help="graine du hasard (2023)")
    demo.set_defaults(func=_demo)

    again = commands.add_parser("reindex", help="reconstruire l'index de recherche")
    again.add_argument("--silencieux", action="store_true", help="sans barre de progression")
    again.set_defaults(func=_reindex)
    commands.add_parser(
        "index-queue", help="envoyer à Solr les mises à jour en attente (à lancer par cron)"
    ).set_defaults(func=_drain)

    commands.add_parser(
        "publish-due",
        help="publier les pratiques sélectionnées une semaine après leur séance "
        "(à lancer par cron)",
    ).set_defaults(func=_publish_due)

    user = commands.add_parser("user", help="comptes de l'équipe")
    user_commands = user.add_subparsers(dest="user_command", required=True)
    add = user_commands.add_parser("add", help="créer un compte ou lui ajouter des rôles")
    add.add_argument("email")
    add.add_argument("--role", action="append", help="rôle (répétable)")
    add.add_argument("--nom", default="")
    add.set_defaults(func=_user_add)
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    setup_logging(args.config)
    with bootstrap(args.config) as env:
        args.func(env, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
