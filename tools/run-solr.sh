#!/usr/bin/env bash
# The application on a local Solr instead of the embedded search: starts Solr (index kept
# in var/solr), rebuilds the index from the database, then serves on http://127.0.0.1:6543.
set -euo pipefail
cd "$(dirname "$0")/.."

mkdir -p var
.venv/bin/python tools/solr/solr_server.py fetch
fifo=$(mktemp -u /tmp/recueil-solr.XXXXXX)
mkfifo "$fifo"
.venv/bin/python tools/solr/solr_server.py serve --home var/solr > "$fifo" 2> var/solr.log &
solr_pid=$!
trap 'kill $solr_pid 2>/dev/null; wait $solr_pid 2>/dev/null; rm -f "$fifo"' EXIT
exec 3< "$fifo"
if ! read -r url <&3; then
  echo "Solr n'a pas démarré :" >&2; cat var/solr.log >&2; exit 1
fi
echo "Solr prêt : $url" >&2
export RECUEIL_SEARCH_BACKEND=solr RECUEIL_SOLR_URL=$url
.venv/bin/recueil --config development.ini reindex
.venv/bin/pserve development.ini
