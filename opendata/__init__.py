"""Open data: the published practices as CSV, JSON, Table Schema and datapackage.

- ``columns``: the one allowlist of exported columns (spec §9's public fields) and their
  documentation; the CSV-injection rule.
- ``records``: the published practices read by batches through a server-side cursor, and the
  state of the data that makes the HTTP validators.
- ``formats``: the CSV and JSON encodings, batch by batch; ``schema``: Table Schema and
  datapackage; ``feeds``: DCAT catalogue and Atom feed.
- ``export``: the four files written atomically into a folder; ``datagouv``: their upload to
  data.gouv.fr; ``cli``: the ``opendata`` command.

The application serves the same files (recueil/views/opendata.py).
"""
