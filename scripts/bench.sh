#!/usr/bin/env bash
# Report benchmarks at national scale: seeds 10,000 Puskesmas on a synthetic
# 328-EP standard into SQLite and into a throwaway PostgreSQL, then measures
# the district (~40 facilities), province (~500) and national gap reports
# against one facility's readiness as the baseline, and the peak memory of a
# national export.
#
# Usage: scripts/bench.sh [facilities]   (default 10000)
# Seeded databases are cached in BUKTI_CACHE_DIR (~/.cache/bukti) by size.
set -euo pipefail

cd "$(dirname "$0")/.."
. scripts/services.sh
trap stop_services EXIT

N=${1:-10000}
mkdir -p "$BUKTI_CACHE_DIR"
bin="$SERVICES_DIR/bukti"
go build -o "$bin" ./cmd/bukti

echo "== machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(go version | cut -d' ' -f3)"

sqlite="$BUKTI_CACHE_DIR/bench-$N.db"
if [ ! -f "$sqlite" ]; then
  echo "== seeding $N facilities into SQLite"
  /usr/bin/time -f "seed: %e s, max RSS %M KB" "$bin" demo seed -facilities "$N" -full-standard -database-url "$sqlite.tmp"
  mv "$sqlite.tmp" "$sqlite"
fi

install_packages
start_postgres
echo "== seeding $N facilities into PostgreSQL"
/usr/bin/time -f "seed: %e s, max RSS %M KB" "$bin" demo seed -facilities "$N" -full-standard -database-url "$BUKTI_TEST_POSTGRES_URL"

# clear_score_cache URL empties the facility score cache (bukti.FacilityScore).
clear_score_cache() {
  case "$1" in
    postgres*) "$PG_BIN/psql" -q "$1" -c "DELETE FROM facility_scores" ;;
    *) python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("DELETE FROM facility_scores"); c.commit()' "$1" ;;
  esac
}

for url in "$sqlite" "$BUKTI_TEST_POSTGRES_URL"; do
  case "$url" in postgres*) name=postgres ;; *) name=sqlite ;; esac
  echo "== $name: go test -bench BenchmarkGaps ./pkg/report/"
  BUKTI_BENCH_DATABASE_URL="$url" go test -run '^$' -bench BenchmarkGaps -benchtime 3x -count 1 ./pkg/report/ | grep -E 'Benchmark|ok'
  # The benchmark leaves every facility's score cached for today.
  echo "== $name: national export (bukti report gaps -format xlsx), time and peak memory"
  /usr/bin/time -f "national xlsx, warm score cache: %e s, max RSS %M KB" "$bin" report gaps -format xlsx -o "$SERVICES_DIR/national.xlsx" -database-url "$url"
  clear_score_cache "$url"
  /usr/bin/time -f "national xlsx, cold score cache: %e s, max RSS %M KB" "$bin" report gaps -format xlsx -o "$SERVICES_DIR/national.xlsx" -database-url "$url"
done
