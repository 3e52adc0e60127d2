#!/usr/bin/env bash
# The benchmarks of bench/ against real services: a local Solr 9 and a throwaway PostgreSQL
# cluster (started and stopped here), SQLite files in a temporary folder.
#   tools/run-bench.sh            (make bench)
# Environment:
#   BENCH_N=100000        practices of the large databases (API latency, reindex)
#   BENCH_SMALL_N=10000   practices of the embedded backend's databases (at most BENCH_N)
#   BENCH_BUDGET=1740     seconds for everything; a step still running at the end is stopped
#   BENCH_SAMPLES=60      samples per query and side (API vs raw Solr)
#   BENCH_SQL_SAMPLES=12  samples per query of the embedded backend (12 queries)
#   BENCH_REINDEX_LIMIT=240  seconds after which the application's reindex is stopped (its
#                         rate so far is the measure; 0: never)
#   BENCH_LOAD_REQUESTS=300  requests per level of concurrency and side of the load run
#   BENCH_LOAD_CLIENTS=8,32,128  its levels of concurrency
#   BENCH_LOAD_CLOUD=0    1: the load run also measures two processes on a 2-node SolrCloud
#                         (make bench-load: BENCH_LOAD_REQUESTS=3000 BENCH_LOAD_CLOUD=1)
#   BENCH_RESULTS=bench/RESULTS.md   where the run is written (newest run first)
set -euo pipefail
cd "$(dirname "$0")/.."

N=${BENCH_N:-100000}
SMALL=${BENCH_SMALL_N:-10000}
[ "$SMALL" -gt "$N" ] && SMALL=$N
BUDGET=${BENCH_BUDGET:-1740}
SAMPLES=${BENCH_SAMPLES:-60}
SQL_SAMPLES=${BENCH_SQL_SAMPLES:-12}
REINDEX_LIMIT=${BENCH_REINDEX_LIMIT:-240}
RESULTS=${BENCH_RESULTS:-bench/RESULTS.md}
LOAD_REQUESTS=${BENCH_LOAD_REQUESTS:-300}
LOAD_CLIENTS=${BENCH_LOAD_CLIENTS:-8,32,128}
LOAD_CLOUD=${BENCH_LOAD_CLOUD:-0}
PY=.venv/bin/python
export PYTHONWARNINGS=ignore

deadline=$(( $(date +%s) + BUDGET ))
work=$(mktemp -d /tmp/recueil-bench.XXXXXX)
chmod 755 "$work"
mkdir -p "$work/db"

solr_pid=""
cleanup() {
  if [ -n "$solr_pid" ]; then kill "$solr_pid" 2>/dev/null && wait "$solr_pid" 2>/dev/null; fi
  tools/pg.sh stop "$work/pg" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

started=$(date +%s)
run="$work/run.md"

# Solr 9 assembled from Maven Central (jars cached in ~/.cache/recueil-solr), on a free port.
$PY tools/solr/solr_server.py fetch
mkfifo "$work/solr.fifo"
$PY tools/solr/solr_server.py serve > "$work/solr.fifo" 2> "$work/solr.log" &
solr_pid=$!
exec 3< "$work/solr.fifo"   # kept open: Solr's stdout never meets a closed pipe
if ! read -r SOLR <&3; then
  echo "Solr n'a pas démarré :" >&2; cat "$work/solr.log" >&2; exit 1
fi
echo "Solr prêt : $SOLR" >&2

tools/pg.sh start "$work/pg"
PG=$(cat "$work/pg/url")
PG_SERVER=${PG%/*}

SQLITE_N="sqlite:///$work/db/pratiques-$N.sqlite"
SQLITE_SMALL="sqlite:///$work/db/pratiques-$SMALL.sqlite"
PG_N="$PG_SERVER/bench_$N"
PG_SMALL="$PG_SERVER/bench_small_$SMALL"

$PY bench/common.py --solr "$SOLR" --pg "$PG" --n "$N" --small "$SMALL" > "$run"
echo >> "$run"

# Runs one step within what is left of the budget; a step stopped or failed is written down.
step() {
  local name=$1; shift
  local left=$(( deadline - $(date +%s) ))
  local t0=$(date +%s)
  if [ "$left" -le 10 ]; then
    printf '### %s\n\n**Non lancé** : budget de %s s épuisé.\n\n' "$name" "$BUDGET" >> "$run"
    return 0
  fi
  echo "== $name (reste $left s)" >&2
  local status=0
  timeout --signal=TERM --kill-after=20 "$left" "$@" --results "$run" || status=$?
  if [ "$status" = 124 ] || [ "$status" = 137 ]; then
    printf '### %s\n\n**Interrompu** après %s s : budget de %s s atteint.\n\n' \
      "$name" "$(( $(date +%s) - t0 ))" "$BUDGET" >> "$run"
  elif [ "$status" != 0 ]; then
    printf '### %s\n\n**Échec** (code %s) après %s s ; voir la sortie de make bench.\n\n' \
      "$name" "$status" "$(( $(date +%s) - t0 ))" >> "$run"
  fi
  echo "   $name : $(( $(date +%s) - t0 )) s" >&2
}

# The large databases (SQLite, PostgreSQL) and the small ones are filled in one pass:
# the small ones hold the first practices of the large ones.
step "Génération" $PY bench/generate.py \
  --target "$N=$SQLITE_N" --target "$N=$PG_N" \
  --target "$SMALL=$SQLITE_SMALL" --target "$SMALL=$PG_SMALL"
step "Réindexation" $PY bench/reindex.py --db "$PG_N" --solr "$SOLR" \
  --limit "$REINDEX_LIMIT" --what-if
step "API et Solr brut" $PY bench/search_latency.py api \
  --db "$PG_N" --db "$SQLITE_N" --solr "$SOLR" --samples "$SAMPLES"
step "Moteur SQL embarqué" $PY bench/search_latency.py sql \
  --db "$SQLITE_SMALL" --db "$PG_SMALL" --db "$SQLITE_N" --samples "$SQL_SAMPLES" --warmup 1
cloud_flag=()
[ "$LOAD_CLOUD" = 1 ] && cloud_flag=(--cloud)
step "Débit sous charge" $PY bench/load.py run --db "$PG_N" --solr "$SOLR" \
  --clients "$LOAD_CLIENTS" --requests "$LOAD_REQUESTS" "${cloud_flag[@]}"

step "Pages à froid et à chaud" $PY bench/pages.py --db "$SQLITE_SMALL"
# Lighthouse 12.2.3 beside the project (never in its package.json: make test does not need it)
if [ ! -x var/bench-node/node_modules/.bin/lighthouse ]; then
  npm install --prefix var/bench-node -E --no-audit --no-fund --ignore-scripts lighthouse@12.2.3 >&2
fi
step "Lighthouse" $PY bench/lighthouse.py --db "$SQLITE_SMALL" \
  --lighthouse var/bench-node/node_modules/.bin/lighthouse

printf -- '- Durée totale de `make bench` : %s s (budget %s s) ; charge à la fin : %s\n' \
  "$(( $(date +%s) - started ))" "$BUDGET" "$(cut -d' ' -f1-3 /proc/loadavg | sed 's# # / #g')" >> "$run"

# bench/RESULTS.md: the title, this run, then the previous runs
$PY - "$RESULTS" "$run" <<'EOF'
import pathlib, sys
results, run = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]).read_text("utf-8")
title = ("# Résultats des bancs d'essai\n\n"
         "Produit par `make bench` (`tools/run-bench.sh`) ; le passage le plus récent en premier. "
         "Lecture : voir `bench/README.md`.\n\n")
previous = results.read_text("utf-8") if results.exists() else ""
if previous.startswith("# "):
    cut = previous.find("\n## ")
    previous = previous[cut + 1:] if cut >= 0 else ""
results.write_text(title + run.rstrip() + "\n\n" + previous.lstrip(), "utf-8")
EOF
echo "Résultats : $RESULTS" >&2
