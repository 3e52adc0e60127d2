"""The command ``opendata --config INI export DIR | publish [--dry-run]``."""
import argparse
import json
import sys
import tempfile
from pathlib import Path

from pyramid.paster import bootstrap, setup_logging

from recueil.settings import COMMAND, SettingsError

from . import datagouv, metadata
from .export import Export, write_files
from .links import Links
from .schema import datapackage
from .vocabularies import Vocabularies


def _say(text: str) -> None:
    print(text, flush=True)


def size_label(n: int) -> str:
    """12 Ko, 3,4 Mo (French)."""
    if n >= 1024 * 1024:
        return f"{n / 1024 / 1024:.1f}".replace(".", ",") + " Mo"
    return f"{max(1, round(n / 1024))} Ko"


def _export(env: dict, folder: Path) -> Export:
    registry = env["registry"]
    links = Links.from_request(env["request"])
    with registry["dbsession_factory"]() as dbsession:
        vocabularies = Vocabularies.load(dbsession)
    return write_files(registry["db_engine"], folder, links, vocabularies, registry["clock"].now())


def _summary(export: Export, folder: Path) -> str:
    lines = [f"{export.count} pratique(s) publiée(s) exportée(s) dans {folder} :"]
    width = max(len(w.kind.filename) for w in export.files)
    for written in export.files:
        lines.append(f"  {written.kind.filename:<{width}}  {size_label(written.size):>9}  "
                     f"({written.kind.label})")
    return "\n".join(lines)


def _cmd_export(env: dict, args: argparse.Namespace) -> int:
    folder = Path(args.dossier)
    export = _export(env, folder)
    _say(_summary(export, folder))
    _say("Fichiers remplacés d'un seul coup (écriture dans un fichier temporaire puis renommage).")
    return 0


def _cmd_publish(env: dict, args: argparse.Namespace) -> int:
    settings = env["registry"].settings
    try:
        target = datagouv.Target.from_settings(settings)
    except datagouv.PublishError as error:
        raise SystemExit(str(error)) from None
    key = datagouv.api_key()
    if key is None and not args.dry_run:
        raise SystemExit(
            "Clé d'API absente : définissez la variable d'environnement "
            f"{datagouv.API_KEY_VARIABLE} (votre clé se trouve dans votre profil data.gouv.fr). "
            "Rien n'a été publié."
        )
    client = datagouv.DataGouv(target.api_url, key)
    with tempfile.TemporaryDirectory(prefix="opendata-") as folder:
        try:
            plan = datagouv.check(client, target, _say)
        except datagouv.PublishError as error:
            raise SystemExit(str(error)) from None
        export = _export(env, folder)
        _say(_summary(export, "un dossier temporaire"))
        # on data.gouv.fr each file has its own permanent link: the package points to them
        files = {w.kind.key: (w.size, w.sha256) for w in export.files
                 if w.kind.key in ("csv", "json")}
        paths = {kind.key: plan.permalink(kind.key, target.api_url) for kind in metadata.FILES}
        package = export.by_key()["datapackage"].path
        package.write_text(
            _json(datapackage(Links.from_request(env["request"]), files=files, paths=paths)),
            encoding="utf-8")
        if args.dry_run:
            _say("Simulation (--dry-run) : rien n'est envoyé. Seraient remplacés :")
            for kind in metadata.FILES:
                resource = plan.resources[kind.key]
                _say(f"  {kind.filename} → ressource {resource['id']} "
                     f"(« {resource.get('title', '')} »)")
            return 0
        try:
            datagouv.upload(client, target, plan, {w.kind.key: w.path for w in export.files}, _say)
        except datagouv.PublishError as error:
            raise SystemExit(str(error)) from None
    _say(f"Publication terminée : les 4 fichiers du jeu de données « "
         f"{plan.dataset.get('title', target.dataset_id)} » sont remplacés ; leurs liens "
         "permanents ne changent pas.")
    return 0


def _json(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="opendata", description="Données ouvertes du recueil : export et publication.")
    parser.add_argument("--config", "-c", required=True, help="fichier de configuration .ini")
    commands = parser.add_subparsers(dest="command", required=True)
    export = commands.add_parser(
        "export", help="écrire le CSV, le JSON, schema.json et datapackage.json dans un dossier")
    export.add_argument("dossier", metavar="DIR", help="dossier de destination (créé au besoin)")
    export.set_defaults(func=_cmd_export)
    publish = commands.add_parser(
        "publish", help="remplacer les fichiers des ressources du jeu de données sur data.gouv.fr")
    publish.add_argument("--dry-run", action="store_true",
                         help="tout vérifier et produire les fichiers, sans rien envoyer")
    publish.set_defaults(func=_cmd_publish)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    setup_logging(args.config)
    try:
        env = bootstrap(args.config, options=COMMAND)
    except SettingsError as error:  # e.g. no public address: the files would point nowhere
        raise SystemExit(str(error)) from None
    with env:
        return args.func(env, args)


if __name__ == "__main__":
    sys.exit(main())
