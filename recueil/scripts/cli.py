"""The command-line tool: ``recueil --config INI <command>``."""
import argparse
import getpass
import os
import sys
from pathlib import Path

from pyramid.paster import bootstrap, setup_logging

from .. import formatting
from ..settings import COMMAND


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
        f"{added['departements']} départements ; libellés de vocabulaire mis à jour : "
        f"{added['libelles']} ; pages d'information ajoutées ou mises à jour : "
        f"{added['pages']}."
    )


def _demo(env, args):
    from ..migrations import analyze
    from .demo import FICHES, create_demo

    with env["request"].tm:
        counts = create_demo(env["request"].dbsession, count=args.nombre, seed=args.graine)
    analyze(env["registry"]["db_engine"])
    print("Jeu de démonstration : " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
          + f" ; {len(FICHES)} fiches dispositifs de l'ONPE publiées")


def _progress(done: int, total: int, label: str = "") -> None:
    width = 40
    filled = width * done // total if total else width
    percent = 100 * done / total if total else 100
    end = "\n" if done >= total else ""
    prefix = f"{label} : " if label else ""
    print(f"\r{prefix}[{'#' * filled}{'.' * (width - filled)}] {done}/{total} ({percent:.0f} %)",
          end=end, file=sys.stderr, flush=True)


def _reindex(env, args):
    from ..search.service import reindex

    registry = env["registry"]
    settings = registry.settings
    uses_solr = settings["search.backend"] == "solr"
    total = reindex(registry["dbsession_factory"], settings, registry["solr_factory"],
                    progress=None if args.silencieux else _progress,
                    embedded=args.embarque or not uses_solr)
    counted = f"{total} pratique{'s' if total > 1 else ''} publiée{'s' if total > 1 else ''}"
    if not uses_solr:
        print(f"Index de la base reconstruit : {counted}.")
    elif args.embarque:
        print(f"Index Solr et index de la base reconstruits : {counted}.")
    else:
        print(f"Index Solr reconstruit : {counted} (l'index de la base, tenu à jour à chaque "
              "modification, est inchangé ; --embarque le reconstruit aussi).")


def _drain(env, args):
    from ..search.service import drain_queue

    registry = env["registry"]
    if registry.settings["search.backend"] != "solr":
        print("Recherche embarquée : aucune file d'indexation à vider.")
        return
    done = drain_queue(registry["dbsession_factory"], registry["solr_factory"]())
    print(f"{done} mise(s) à jour envoyée(s) à Solr.")


def _solr_setup(env, args):
    from ..search.interfaces import SearchUnavailable

    settings = env["registry"].settings
    if not settings.get("solr.zk_hosts"):
        raise SystemExit("solr.zk_hosts (ou RECUEIL_SOLR_ZK_HOSTS) n'est pas défini : "
                         "solr-setup prépare une collection SolrCloud.")
    try:
        done = env["registry"]["solr_factory"]().setup_collection(
            settings["solr.shards"], settings["solr.replication_factor"])
    except SearchUnavailable as error:
        raise SystemExit(f"SolrCloud n'a pas pu être préparé : {error}") from error
    for line in done:
        print(line)


def _publish_due(env, args):
    from ..services.committee import publish_due, waiting

    request = env["request"]
    clock = request.clock
    with request.tm:
        published = publish_due(request.dbsession, clock, request)
        lines = [f"  {p.practice.reference or p.practice.id} – {p.practice.titre} : {p.url}"
                 for p in published]
        remaining = waiting(request.dbsession)
    today = formatting.date(clock.today())
    if published:
        print(f"{len(published)} pratique(s) publiée(s) le {today} ; "
              "leurs déclarants sont prévenus par courriel :")
        print("\n".join(lines))
    else:
        print(f"Aucune pratique à publier le {today}.")
    if remaining:
        print(f"{remaining} pratique(s) sélectionnée(s) attendent leur date de publication.")


def _purge(env, args):
    from ..services.retention import purge

    request = env["request"]
    retention = request.registry["retention"]
    with request.tm:
        done = purge(request.dbsession, request.clock, retention)
    today = formatting.date(request.clock.today())
    rules = (f"brouillons abandonnés depuis {retention.drafts_months} mois, coordonnées des "
             f"pratiques closes depuis {retention.personal_months} mois")
    if done.nothing:
        print(f"Rien à effacer le {today} ({rules}).")
        return
    print(f"Effacé le {today} ({rules}) :")
    print(f"  {done.links} lien(s) personnel(s) expiré(s)")
    print(f"  {done.rate_events} événement(s) de limitation de fréquence périmé(s)")
    print(f"  {len(done.drafts)} brouillon(s) abandonné(s), supprimé(s)")
    anonymised = f" : {', '.join(done.anonymised)}" if done.anonymised else ""
    print(f"  les données personnelles de {len(done.anonymised)} pratique(s) close(s)"
          f"{anonymised}")
    if done.essaimages:
        print(f"  l'adresse de {done.essaimages} récit(s) d'essaimage décidé(s)")
    if done.import_files:
        abandoned = (f", dont {done.imports_abandoned} jamais confirmé(s), abandonné(s)"
                     if done.imports_abandoned else "")
        print(f"  le fichier de {done.import_files} import(s){abandoned} (leur rapport reste)")


def _alerts(env, args):
    from ..services.alerts import send_due

    request = env["request"]
    run = send_due(request)
    today = formatting.date(request.clock.today())
    print(f"Alertes le {today} : {run.active} active(s) ; {run.sent} courriel(s) envoyé(s), "
          f"{run.listed} pratique(s) signalée(s).")
    if run.expired:
        print(f"{run.expired} alerte(s) jamais confirmée(s) effacée(s), avec leur adresse.")
    if run.failed:
        raise SystemExit(f"{run.failed} alerte(s) non envoyée(s) (voir le journal) : elles le "
                         "seront à la prochaine exécution.")


def _digest(env, args):
    from ..services.moderation.digest import send_digest

    request = env["request"]
    with request.tm:  # the e-mails leave when it commits
        digest = send_digest(request)
    print(f"Résumé de la modération le {formatting.date(request.clock.today())} : "
          f"{len(digest.declarations)} déclaration(s), {len(digest.complements)} pratique(s) "
          f"complétée(s) ; envoyé à {len(digest.recipients)} personne(s).")


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
    from ..services import accounts

    try:
        # the roles are checked before the password is asked for
        accounts.checked_roles(args.role or [])
        password = _read_password()
        with env["request"].tm:
            user, created = accounts.add_user(env["request"].dbsession, args.email, password,
                                              args.role, nom=args.nom or "", update=True)
            print(f"Compte {'créé' if created else 'mis à jour'} : {user.email} "
                  f"({', '.join(user.roles)})")
    except accounts.AccountError as error:
        raise SystemExit(str(error)) from error


def _import(env, args):
    from ..services import imports
    from ..services.references import References

    path = Path(args.fichier)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SystemExit(f"Impossible de lire « {path} » : {error.strerror}.") from None
    request = env["request"]
    clock = request.clock
    options = imports.Options(source=(args.source or "").strip() or None, publier=args.publier)
    progress = None if args.silencieux else _progress
    failure = None
    with request.tm:
        dbsession = request.dbsession
        if progress:
            print("Vérification des lignes :", file=sys.stderr, flush=True)
        report = imports.analyse(dbsession, data, options, References(dbsession), clock.today(),
                                 progress=progress)
        print(f"Fichier « {path.name} » : " + "\n".join(imports.summary(report)))
        if args.dry_run:
            failure = _import_failure(report, args.valides_seulement)
            if failure is None:
                print("Simulation (--dry-run) : rien n'est importé.")
        else:
            actor = imports.importer("ligne de commande")
            batch = imports.record(dbsession, clock, path.name, data, options, report, actor)
            failure = _import_failure(report, args.valides_seulement)
            if failure is not None:
                imports.finish(batch, clock, report)
            else:
                if progress:
                    print("Import :", file=sys.stderr, flush=True)
                outcome = imports.run(dbsession, clock, report, actor, path.name,
                                      valid_only=args.valides_seulement, progress=progress)
                imports.finish(batch, clock, report, outcome, args.valides_seulement)
    if failure is not None:
        raise SystemExit(failure)
    if not args.dry_run:
        print(imports.outcome_text(outcome, options))


def _import_failure(report, valid_only: bool) -> str | None:
    """Why nothing is (or would be) imported, or None."""
    if not report.blocks(valid_only):
        return None
    if report.refusal:
        return "Rien n'a été importé : le fichier est refusé."
    return (f"Rien n'a été importé : le fichier contient {len(report.problems)} erreur(s). "
            "Corrigez-le et relancez, ou relancez avec --valides-seulement pour n'importer "
            f"que les {report.valid} ligne(s) valide(s).")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="recueil", description="Administration du recueil.")
    parser.add_argument("--config", "-c", required=True, help="fichier de configuration .ini")
    commands = parser.add_subparsers(dest="command", required=True)

    commands.add_parser(
        "initdb", help="migrations et données de référence"
    ).set_defaults(func=_initdb)

    demo = commands.add_parser("demo", help="jeu de démonstration réaliste")
    demo.add_argument("--nombre", type=int, default=320, help="nombre de pratiques (320)")
    demo.add_argument("--graine", type=int, default=2023, help="graine du hasard (2023)")
    demo.set_defaults(func=_demo)

    again = commands.add_parser(
        "reindex", help="reconstruire l'index de recherche (Solr avec search.backend = solr, "
        "sinon l'index de la base)")
    again.add_argument("--silencieux", action="store_true", help="sans barre de progression")
    again.add_argument(
        "--embarque", action="store_true",
        help="avec search.backend = solr, reconstruire aussi l'index de la base (search_terms), "
        "déjà tenu à jour à chaque modification ; bien plus long que celui de Solr")
    again.set_defaults(func=_reindex)
    commands.add_parser(
        "index-queue", help="envoyer à Solr les mises à jour en attente (à lancer par cron)"
    ).set_defaults(func=_drain)

    commands.add_parser(
        "solr-setup", help="préparer SolrCloud : envoyer le configset, créer la collection "
        "(solr.shards, solr.replication_factor) ou la recharger si elle existe"
    ).set_defaults(func=_solr_setup)

    commands.add_parser(
        "publish-due",
        help="publier les pratiques sélectionnées une semaine après leur séance "
        "(à lancer par cron)",
    ).set_defaults(func=_publish_due)

    commands.add_parser(
        "purge", help="effacer ce qui a dépassé sa durée de conservation : liens expirés, "
        "limites de fréquence, brouillons abandonnés, coordonnées des pratiques closes "
        "(à lancer par cron, chaque nuit)",
    ).set_defaults(func=_purge)

    commands.add_parser(
        "alertes", help="envoyer à chaque alerte les pratiques publiées depuis son dernier "
        "courriel qui répondent à sa recherche (à lancer par cron, chaque jour)",
    ).set_defaults(func=_alerts)

    commands.add_parser(
        "resume", help="envoyer aux modérateurs le résumé des déclarations et compléments "
        "arrivés depuis la veille (à lancer par cron, chaque matin)",
    ).set_defaults(func=_digest)

    imported = commands.add_parser(
        "import", help="importer un fichier CSV de pratiques (initiatives des départements, "
        "reprise de l'existant)")
    imported.add_argument("fichier", metavar="FICHIER.csv",
                          help="CSV aux colonnes des données ouvertes, plus source_id et les "
                          "champs personnels (UTF-8 ou Windows-1252, virgule ou point-virgule)")
    imported.add_argument("--source", metavar="NOM",
                          help="d'où viennent les pratiques (pour les lignes sans colonne source)")
    imported.add_argument("--publier", action="store_true",
                          help="publier directement, en gardant id, référence et date de "
                          "publication du fichier (reprise de ce qui est déjà en ligne)")
    imported.add_argument("--valides-seulement", action="store_true",
                          help="importer les lignes valides même si d'autres sont en erreur")
    imported.add_argument("--dry-run", action="store_true",
                          help="tout vérifier et dire ce qui serait fait, sans rien importer")
    imported.add_argument("--silencieux", action="store_true", help="sans barre de progression")
    imported.set_defaults(func=_import)

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
    with bootstrap(args.config, options=COMMAND) as env:
        args.func(env, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
