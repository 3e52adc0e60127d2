#!/usr/bin/env bash
# Runs the test suite against real services: SQLite, a throwaway PostgreSQL cluster, a Solr
# and a SolrCloud (assembled from Maven Central),
# a local SMTP server (started by the tests) and Debian's Chromium.
#   tools/run-tests.sh [sqlite|postgresql|all] [pytest arguments…]
set -euo pipefail
cd "$(dirname "$0")/.."

which=${1:-all}
[ $# -gt 0 ] && shift
work=$(mktemp -d /tmp/recueil-tests.XXXXXX)
chmod 755 "$work"

solr_pid=""
cloud_pid=""
cleanup() {
  [ -n "$solr_pid" ] && kill "$solr_pid" 2>/dev/null && wait "$solr_pid" 2>/dev/null
  [ -n "$cloud_pid" ] && kill "$cloud_pid" 2>/dev/null && wait "$cloud_pid" 2>/dev/null
  tools/pg.sh stop "$work/pg" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# Debian's Chromium (browser tests), openssl (the Solr client's TLS test certificate) and
# pango (WeasyPrint's text layout, for the committee's PDF)
missing=""
[ -x /usr/bin/chromium ] || missing="$missing chromium"
command -v openssl >/dev/null || missing="$missing openssl"
ldconfig -p | grep -q "libpango-1.0.so.0" || missing="$missing libpango-1.0-0"
ldconfig -p | grep -q "libpangoft2-1.0.so.0" || missing="$missing libpangoft2-1.0-0"
if [ -n "$missing" ]; then
  echo "Paquets Debian absents :$missing ; installation…" >&2
  as_root apt-get update -qq
  # shellcheck disable=SC2086
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi
export RECUEIL_CHROMIUM=/usr/bin/chromium

# Solr 9 assembled from Maven Central (jars cached in ~/.cache/recueil-solr), on a free port.
.venv/bin/python tools/solr/solr_server.py fetch
mkfifo "$work/solr.fifo"
.venv/bin/python tools/solr/solr_server.py serve > "$work/solr.fifo" 2> "$work/solr.log" &
solr_pid=$!
exec 3< "$work/solr.fifo"   # kept open: Solr's stdout never meets a closed pipe

# At the same time, a SolrCloud (a ZooKeeper, 2 nodes, the collection on 1 shard and 2
# replicas; 256 MB of heap each) for the contract tests. It stops at the end of its standard
# input: fd 6 is its writer, closed when this script ends, however it ends.
mkfifo "$work/cloud.in" "$work/cloud.fifo"
exec 4<>"$work/cloud.in"    # a writer, so that neither open below waits for the other
.venv/bin/python tools/solr/solr_server.py cloud --nodes 2 --shards 1 --replicas 2 \
  < "$work/cloud.in" > "$work/cloud.fifo" 2> "$work/cloud.log" 4<&- &
cloud_pid=$!
exec 6> "$work/cloud.in" 4<&-
exec 5< "$work/cloud.fifo"

if ! read -r RECUEIL_TEST_SOLR_URL <&3; then
  echo "Solr n'a pas démarré :" >&2; cat "$work/solr.log" >&2; exit 1
fi
export RECUEIL_TEST_SOLR_URL
echo "Solr prêt : $RECUEIL_TEST_SOLR_URL" >&2
if ! read -r cloud <&5 || [ "${cloud%% *}" != SOLRCLOUD_READY ]; then
  echo "SolrCloud n'a pas démarré :" >&2; cat "$work/cloud.log" >&2; exit 1
fi
RECUEIL_TEST_SOLR_ZK_HOSTS=${cloud#*zk=}
export RECUEIL_TEST_SOLR_ZK_HOSTS=${RECUEIL_TEST_SOLR_ZK_HOSTS%% *}
echo "SolrCloud prêt : $cloud" >&2

status=0
if [ "$which" = sqlite ] || [ "$which" = all ]; then
  echo "== Suite complète sur SQLite" >&2
  # the browser tests keep screenshots of the main pages, at 1280 and 320 px, for people
  # to look at (var/ is not in git); once is enough, on this first pass
  mkdir -p var/captures
  env -u RECUEIL_TEST_DATABASE_URL RECUEIL_SCREENSHOTS="${RECUEIL_SCREENSHOTS:-$PWD/var/captures}" \
    .venv/bin/pytest "$@" || status=$?
fi
if [ "$which" = postgresql ] || [ "$which" = all ]; then
  tools/pg.sh start "$work/pg"
  echo "== Suite complète sur PostgreSQL" >&2
  # once is enough for what the database does not change: axe-core on every page (the
  # pages' markup) and the SolrCloud drills (Solr's nodes and ZooKeeper); both ran on the
  # SQLite pass when `all` is asked
  once=()
  if [ "$which" = all ]; then
    once=(--deselect tests/browser/test_accessibility.py
          --deselect tests/contract/test_solrcloud_drills.py)
  fi
  RECUEIL_TEST_DATABASE_URL=$(cat "$work/pg/url") .venv/bin/pytest "${once[@]}" "$@" \
    || status=$?
fi
exit $status
