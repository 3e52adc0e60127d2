"""Publication on data.gouv.fr: the files replace those of existing resources of a dataset.

Through udata's API (``/api/1``): ``GET /me/`` proves the key, ``GET /datasets/{id}/`` proves
the dataset and lists its resources, then ``POST /datasets/{id}/resources/{rid}/upload/``
replaces each resource's file, which keeps the resource and its permanent link
(``/datasets/r/{rid}``). Everything is checked before the first upload, so a wrong key, dataset
or resource publishes nothing; an upload failing midway is reported file by file.
"""
import dataclasses
import hashlib
import json
import os
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from . import metadata

DEFAULT_URL = "https://www.data.gouv.fr/api/1"
API_KEY_VARIABLE = "RECUEIL_DATAGOUV_API_KEY"
TIMEOUT = 120
_LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


class PublishError(Exception):
    """Why the publication failed or stopped, in French, for the person who ran it."""


@dataclasses.dataclass(frozen=True)
class Target:
    """Where the files go: the API, the dataset and one resource per file."""

    api_url: str
    dataset_id: str
    resource_ids: dict  # FileKind.key -> resource id

    @classmethod
    def from_settings(cls, settings: dict) -> "Target":
        """From ``datagouv.url``, ``datagouv.dataset_id``, ``datagouv.resource_ids.<fichier>``."""
        missing = []
        dataset_id = (settings.get("datagouv.dataset_id") or "").strip()
        if not dataset_id:
            missing.append("datagouv.dataset_id")
        resource_ids = {}
        for kind in metadata.FILES:
            key = f"datagouv.resource_ids.{kind.key}"
            value = (settings.get(key) or "").strip()
            if value:
                resource_ids[kind.key] = value
            else:
                missing.append(key)
        if missing:
            raise PublishError(
                "Configuration incomplète pour data.gouv.fr : renseignez "
                + ", ".join(missing) + " dans le fichier .ini (section [app:main])."
            )
        api_url = (settings.get("datagouv.url") or DEFAULT_URL).strip().rstrip("/")
        return cls(api_url, dataset_id, resource_ids)


class ApiError(Exception):
    def __init__(self, status: int | None, detail: str):
        super().__init__(detail)
        self.status = status
        self.detail = detail


class DataGouv:
    """The few calls of udata's API the publication needs."""

    def __init__(self, api_url: str, api_key: str | None, timeout: float = TIMEOUT):
        self.api_url = api_url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout
        handlers = []
        if urllib.parse.urlsplit(self.api_url).hostname in _LOCAL_HOSTS:
            handlers.append(urllib.request.ProxyHandler({}))  # never a proxy for this machine
        self.opener = urllib.request.build_opener(*handlers)

    def _call(self, method: str, path: str, body: bytes | None = None,
              headers: dict[str, str] | None = None) -> dict:
        headers = {"Accept": "application/json", **(headers or {})}
        if self.api_key:
            headers["X-API-KEY"] = self.api_key
        request = urllib.request.Request(self.api_url + path, data=body, method=method,
                                         headers=headers)
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                payload = response.read()
        except urllib.error.HTTPError as error:
            detail = _detail(error)
            error.close()
            raise ApiError(error.code, detail) from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise ApiError(None, str(reason)) from None
        try:
            return json.loads(payload or b"{}")
        except ValueError:
            raise ApiError(None, "réponse illisible (pas du JSON)") from None

    def me(self) -> dict:
        return self._call("GET", "/me/")

    def dataset(self, dataset_id: str) -> dict:
        return self._call("GET", f"/datasets/{urllib.parse.quote(dataset_id)}/")

    def replace_file(self, dataset_id: str, resource_id: str, path: Path, filename: str,
                     media_type: str) -> dict:
        """Send `path` as the new file of the resource (multipart field « file »)."""
        boundary = uuid.uuid4().hex
        head = (
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            f"Content-Type: {media_type}\r\n\r\n"
        ).encode()
        tail = f"\r\n--{boundary}--\r\n".encode()
        size = path.stat().st_size
        return self._call(
            "POST",
            f"/datasets/{urllib.parse.quote(dataset_id)}/resources/"
            f"{urllib.parse.quote(resource_id)}/upload/",
            body=_multipart(head, path, tail),
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}",
                     "Content-Length": str(len(head) + size + len(tail))},
        )


def _multipart(head: bytes, path: Path, tail: bytes) -> Iterator[bytes]:
    """The request body, read from the file by pieces (a big CSV never sits in memory)."""
    yield head
    with open(path, "rb") as fh:
        while piece := fh.read(1 << 20):
            yield piece
    yield tail


def _detail(error: urllib.error.HTTPError) -> str:
    try:
        body = error.read(2000).decode("utf-8", "replace")
    except OSError:
        return error.reason or ""
    try:
        data = json.loads(body)
        return str(data.get("message") or data.get("errors") or body)
    except ValueError:
        return body.strip()[:300]


def _sha1(path: Path) -> str:
    # the checksum data.gouv.fr keeps of a resource's file, compared to skip an upload
    digest = hashlib.sha1(usedforsecurity=False)
    with open(path, "rb") as fh:
        while piece := fh.read(1 << 20):
            digest.update(piece)
    return digest.hexdigest()


@dataclasses.dataclass
class Plan:
    """The checked publication: the dataset and, per file, its resource."""

    dataset: dict
    resources: dict  # FileKind.key -> resource (as the API describes it)

    def permalink(self, key: str, api_url: str) -> str:
        resource = self.resources[key]
        return resource.get("latest") or f"{api_url}/datasets/r/{resource['id']}"


def check(client: DataGouv, target: Target, say: Callable[[str], None]) -> Plan:
    """The key, the dataset and every resource exist: nothing is sent before this passes."""
    where = f"data.gouv.fr ({target.api_url})"
    if client.api_key:
        try:
            user = client.me()
        except ApiError as error:
            raise _refused(error, where, "la vérification de la clé d'API") from None
        names = (user.get("first_name"), user.get("last_name"))
        who = " ".join(filter(None, names)) or user.get("id")
        say(f"Clé d'API acceptée ({who}).")
    try:
        dataset = client.dataset(target.dataset_id)
    except ApiError as error:
        if error.status == 404:
            raise PublishError(
                f"Le jeu de données « {target.dataset_id} » est introuvable sur {where} "
                "(HTTP 404) : vérifiez datagouv.dataset_id. Rien n'a été publié."
            ) from None
        raise _refused(error, where, "la lecture du jeu de données") from None
    by_id = {r.get("id"): r for r in dataset.get("resources") or []}
    missing = [(key, rid) for key, rid in target.resource_ids.items() if rid not in by_id]
    if missing:
        listed = ", ".join(f"{rid} (datagouv.resource_ids.{key})" for key, rid in missing)
        raise PublishError(
            "Ressource(s) absente(s) du jeu de données "
            f"« {dataset.get('title', target.dataset_id)} » : {listed}. Créez-les sur "
            "data.gouv.fr ou corrigez leur identifiant. Rien n'a été publié."
        )
    say(f"Jeu de données trouvé : « {dataset.get('title', target.dataset_id)} » "
        f"({len(by_id)} ressources).")
    return Plan(dataset, {key: by_id[rid] for key, rid in target.resource_ids.items()})


def _refused(error: ApiError, where: str, during: str) -> PublishError:
    if error.status in (401, 403):
        return PublishError(
            f"La clé d'API est refusée par {where} (HTTP {error.status}) pendant {during} : "
            f"vérifiez la variable d'environnement {API_KEY_VARIABLE} et les droits de son compte "
            "sur le jeu de données. Rien n'a été publié."
        )
    if error.status is None:
        return PublishError(
            f"{where} est injoignable pendant {during} : {error.detail}. Rien n'a été publié."
        )
    return PublishError(
        f"{where} a répondu HTTP {error.status} pendant {during} : {error.detail}. "
        "Rien n'a été publié."
    )


def upload(client: DataGouv, target: Target, plan: Plan, files: dict,
           say: Callable[[str], None]) -> list[str]:
    """Replace each resource's file, in metadata.FILES order; files: FileKind.key -> Path.

    On a failure, the message names the files already replaced and those that are not.
    """
    replaced: list[metadata.FileKind] = []
    for kind in metadata.FILES:
        path = files[kind.key]
        resource = plan.resources[kind.key]
        try:
            answer = client.replace_file(target.dataset_id, resource["id"], path,
                                         kind.filename, kind.media_type)
            checksum = answer.get("checksum") or {}
            if checksum.get("type") == "sha1" and checksum.get("value") != _sha1(path):
                raise ApiError(None, "l'empreinte SHA-1 du fichier reçu diffère de celle envoyée")
        except ApiError as error:
            raise PublishError(_midway(kind, error, replaced, target)) from None
        replaced.append(kind)
        say(f"Remplacé : {kind.filename} → ressource {resource['id']} "
            f"(« {resource.get('title', '')} »).")
    return [kind.filename for kind in replaced]


def _midway(failed: metadata.FileKind, error: ApiError, replaced: list, target: Target) -> str:
    if error.status in (401, 403):
        why = f"clé d'API refusée (HTTP {error.status}) ; vérifiez {API_KEY_VARIABLE}"
    elif error.status is None:
        why = f"data.gouv.fr injoignable ou réponse incorrecte : {error.detail}"
    else:
        why = f"HTTP {error.status} : {error.detail}"
    not_replaced = [k.filename for k in metadata.FILES if k not in replaced]
    lines = [f"Échec de l'envoi de {failed.filename} ({why})."]
    if replaced:
        done = ", ".join(k.filename for k in replaced)
        lines.append(f"Déjà remplacés sur data.gouv.fr : {done}.")
    else:
        lines.append("Aucun fichier n'a été remplacé sur data.gouv.fr.")
    lines.append("Non remplacés (l'ancienne version reste en ligne) : "
                 + ", ".join(not_replaced) + ".")
    if replaced:
        lines.append("Relancez la publication une fois le problème réglé : "
                     "elle remplace les quatre fichiers.")
    return "\n".join(lines)


def api_key(environ: Mapping[str, str] | None = None) -> str | None:
    environ = os.environ if environ is None else environ
    return (environ.get(API_KEY_VARIABLE) or "").strip() or None
