"""The four files written into a folder, atomically: a reader sees the old file or the new one.

Each file is written to a hidden temporary file of the same folder, flushed to disk, and
only when all four are complete are they renamed over the old ones (``os.replace``, atomic
on one file system). On any failure the temporary files are removed and nothing changes.
"""
import dataclasses
import datetime as dt
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import Engine

from . import metadata
from .formats import CsvEncoder, JsonEncoder
from .links import Links
from .records import Batch, batches
from .schema import datapackage, table_schema
from .vocabularies import Vocabularies


@dataclasses.dataclass
class Written:
    """One file of an export: where it is, its size and SHA-256."""

    kind: metadata.FileKind
    path: Path
    size: int
    sha256: str


@dataclasses.dataclass
class Export:
    count: int
    files: list[Written]

    def by_key(self) -> dict[str, Written]:
        return {w.kind.key: w for w in self.files}


class _HashingFile:
    """A temporary file of `folder` that counts and hashes what is written to it."""

    def __init__(self, folder: Path, kind: metadata.FileKind):
        self.kind = kind
        handle, name = tempfile.mkstemp(dir=folder, prefix=f".{kind.filename}.", suffix=".tmp")
        self.path = Path(name)
        self.file = os.fdopen(handle, "wb")
        self.size = 0
        self.hash = hashlib.sha256()

    def write(self, text: str) -> None:
        data = text.encode("utf-8")
        self.file.write(data)
        self.size += len(data)
        self.hash.update(data)

    def finish(self) -> None:
        self.file.flush()
        os.fsync(self.file.fileno())
        self.file.close()
        os.chmod(self.path, 0o644)  # mkstemp makes it private; the files are public

    def discard(self) -> None:
        if not self.file.closed:
            self.file.close()
        self.path.unlink(missing_ok=True)


def _both(source: Iterable[Batch], csv_file: _HashingFile, json_file: _HashingFile, links: Links,
          vocabularies: Vocabularies, generated_at: dt.datetime) -> int:
    """One pass over the database writes the CSV and the JSON (the same snapshot in both)."""
    encoders = ((CsvEncoder(links), csv_file),
                (JsonEncoder(links, vocabularies, generated_at), json_file))
    for encoder, target in encoders:
        target.write(encoder.head())
    for batch in source:
        for encoder, target in encoders:
            target.write(encoder.batch(batch))
    for encoder, target in encoders:
        target.write(encoder.tail())
    return encoders[0][0].count


def write_files(engine: Engine, folder: str | os.PathLike, links: Links,
                vocabularies: Vocabularies, generated_at: dt.datetime,
                batch_size: int | None = None) -> Export:
    """Write the CSV, the JSON, schema.json and datapackage.json into `folder`, atomically."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    temporary: list[_HashingFile] = []
    try:
        csv_file = _HashingFile(folder, metadata.CSV)
        temporary.append(csv_file)
        json_file = _HashingFile(folder, metadata.JSON)
        temporary.append(json_file)
        with engine.connect() as connection:
            count = _both(batches(connection, batch_size), csv_file, json_file, links,
                          vocabularies, generated_at)
        schema_file = _HashingFile(folder, metadata.SCHEMA)
        temporary.append(schema_file)
        schema_file.write(_pretty(table_schema(vocabularies, links)))
        for done in (csv_file, json_file, schema_file):
            done.finish()
        package_file = _HashingFile(folder, metadata.DATAPACKAGE)
        temporary.append(package_file)
        sizes = {f.kind.key: (f.size, f.hash.hexdigest()) for f in (csv_file, json_file)}
        package_file.write(_pretty(datapackage(links, files=sizes)))
        package_file.finish()
    except BaseException:
        for item in temporary:
            item.discard()
        raise
    written = []
    for item in temporary:
        final = folder / item.kind.filename
        os.replace(item.path, final)
        written.append(Written(item.kind, final, item.size, item.hash.hexdigest()))
    _fsync_folder(folder)
    return Export(count, written)


def _pretty(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _fsync_folder(folder: Path) -> None:
    """Make the renames durable (the folder's entries) where the system allows it."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - not on every system
        return
    try:
        os.fsync(handle)
    finally:
        os.close(handle)
