#!/usr/bin/env bash
# The application on a local SolrCloud (a ZooKeeper and 2 Solr nodes, the collection on 1
# shard and 2 replicas, index in temporary directories): rebuilds the index from the
# database, then serves on http://127.0.0.1:6543 as a SolrCloud client.
set -euo pipefail
cd "$(dirname "$0")/.."

mkdir -p var
.venv/bin/python tools/solr/solr_server.py fetch
work=$(mktemp -d /tmp/recueil-solrcloud-run.XXXXXX)
mkfifo "$work/in" "$work/out"
cloud_pid=""
trap '[ -n "$cloud_pid" ] && kill $cloud_pid 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
# the cloud stops at the end of its standard input: fd 6, closed when this script ends
exec 4<>"$work/in"
.venv/bin/python tools/solr/solr_server.py cloud --nodes 2 --shards 1 --replicas 2 \
  < "$work/in" > "$work/out" 2> var/solrcloud.log 4<&- &
cloud_pid=$!
exec 6> "$work/in" 4<&-
exec 5< "$work/out"
if ! read -r ready <&5 || [ "${ready%% *}" != SOLRCLOUD_READY ]; then
  echo "SolrCloud n'a pas démarré :" >&2; cat var/solrcloud.log >&2; exit 1
fi
echo "SolrCloud prêt : $ready" >&2
zk=${ready#*zk=}
export RECUEIL_SEARCH_BACKEND=solr RECUEIL_SOLR_ZK_HOSTS=${zk%% *} RECUEIL_SOLR_COLLECTION=pratiques
.venv/bin/recueil --config development.ini reindex
.venv/bin/pserve development.ini
