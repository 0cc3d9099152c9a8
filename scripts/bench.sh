#!/usr/bin/env bash
# Performance benchmarks: one table, every row measured against its baseline
# in the same run on this machine. The script reports; it never fails on a
# slow number, only when a command errors (a broken script or server).
#
#   upload → filesystem  curl -F of a 512 MiB PDF to POST /api/v1/facilities/:id/evidence
#                        on a server with the filesystem store, vs `cp` of the same file
#                        into the server's data directory (same disk)
#   upload → MinIO       the same upload to a server on MinIO, vs a raw signed PUT
#                        (curl --aws-sigv4 "aws:amz:us-east-1:s3" -T file) to the same MinIO;
#                        the same PUT also through bareserve relaying it as it comes (a
#                        reverse proxy), plain and SHA-256-hashing every byte: the floor
#                        of any server between the client and S3 that hashes what it stores
#   download ← MinIO     GET /api/v1/evidence/:id/content of that upload, vs a raw signed
#                        GET of the object the server stored; that GET also through the
#                        same two relays
#   server RSS           peak RSS (VmHWM, reset through /proc/PID/clear_refs) of a freshly
#                        started server during 16 concurrent 64 MiB uploads, vs its idle
#                        RSS just before; filesystem and MinIO
#   readiness JSON       GET /api/v1/facilities/:id/readiness of the seeded facility with
#                        the most evidence (bukti demo seed -facilities 40 -full-standard,
#                        328 EP): p50 of 200 sequential requests on one connection; then
#                        wrk -c64 for 8 s (req/s, p99) vs wrk -c64 on /healthz, once as wrk
#                        asks (no Accept-Encoding: the whole uncompressed body) and once
#                        with the Accept-Encoding a browser sends (br, gzip); the
#                        uncompressed answer also vs the same bytes from bareserve, a bare
#                        net/http server (scripts/bareserve): what moving that body costs
#                        on this machine at all
#   dashboard page       GET /f/:id with the session cookie, wrk -c64, vs /healthz
#   gap reports          go test -bench BenchmarkGaps ./pkg/report/ on N seeded facilities
#                        (SQLite, then PostgreSQL): district and national cold (empty score
#                        cache) vs warm, warm vs one facility's readiness; and the national
#                        XLSX export (bukti report gaps) under /usr/bin/time, warm and cold
#
# Each row is the median of BENCH_RUNS runs (default 3) with min–max. Every
# timed write starts after `sync`, so that no earlier write's dirty pages are
# flushed during it (the store fsyncs each file; the `cp` row also shows
# `cp` followed by an fsync of the copy). After each upload the script
# waits until the server is idle again (settle): the thumbnail an upload
# queues is made in the background after the answer, and is not timed.
#
# Usage: scripts/bench.sh [--short] [facilities]   (default 10000 facilities)
#   --short  every measurement once at small sizes (8 MiB files, 2 concurrent
#            uploads, 1 s of wrk, the gap reports on 40 facilities, SQLite
#            only): keeps the script working; scripts/test.sh runs it.
# BENCH_ROWS=uploads,readiness,dashboard,gaps (any of them, comma-separated)
# measures only those rows (default: all); "uploads" is every upload,
# download and server RSS row.
# Seeded report databases are cached in BUKTI_CACHE_DIR (~/.cache/bukti) by
# size. The full run needs about 11 GB free in /tmp for its files, plus the
# seeded databases (4.4 GB SQLite cached, ~5 GB PostgreSQL while it runs).
set -euo pipefail
export LC_ALL=C # numbers with a decimal point, whatever the locale

cmdline=$(printf '%q ' "$0" "$@")
[ -z "${BENCH_ROWS:-}" ] || cmdline="BENCH_ROWS=$BENCH_ROWS $cmdline"
short=0
if [ "${1:-}" = --short ]; then short=1; shift; fi
BENCH_ROWS=${BENCH_ROWS:-uploads,readiness,dashboard,gaps}
# bench_row ROW: whether BENCH_ROWS asks for ROW.
bench_row() { [[ ",$BENCH_ROWS," == *",$1,"* ]]; }
for row in ${BENCH_ROWS//,/ }; do
  case $row in uploads | readiness | dashboard | gaps) ;; *) echo "bench: unknown row $row in BENCH_ROWS" >&2; exit 2 ;; esac
done

cd "$(dirname "$0")/.."
. scripts/services.sh

if [ $short = 1 ]; then
  N=${1:-40}; RUNS=1; BIG_MIB=8; CONC=2; CONC_MIB=8; DUR=1s; LAT_N=20; DBS=(sqlite)
else
  N=${1:-10000}; RUNS=${BENCH_RUNS:-3}; BIG_MIB=512; CONC=16; CONC_MIB=64; DUR=8s; LAT_N=200; DBS=(sqlite postgres)
fi
HTTP_FACILITIES=40 # the server measurements run on this many seeded facilities
CONNS=64
WRK_THREADS=$(($(nproc) < CONNS ? $(nproc) : CONNS))
REQ=2.1.2/a/R1 # a requirement of the synthetic full standard
PASSWORD=bench-password-1
RESULTS=$SERVICES_DIR/results # "key value" lines; the table is built from them at the end
NOTES=$SERVICES_DIR/notes
: >"$RESULTS"
: >"$NOTES"

SRV_PID=
stop_server() {
  if [ -n "$SRV_PID" ]; then
    kill "$SRV_PID" 2>/dev/null || true
    wait "$SRV_PID" 2>/dev/null || true
    SRV_PID=
  fi
}
BARE_PID=
RELAY_PIDS=()
trap 'stop_server; [ -z "$BARE_PID" ] || kill "$BARE_PID" 2>/dev/null; [ ${#RELAY_PIDS[@]} = 0 ] || kill "${RELAY_PIDS[@]}" 2>/dev/null; stop_services' EXIT

say() { echo "== [$(printf '%4d' $SECONDS) s] $*"; }
die() { echo "bench: $*" >&2; exit 1; }
sample() { echo "$1 $2" >>"$RESULTS"; }
note() { echo "$*" | tee -a "$NOTES"; }
# since NS prints the seconds elapsed since NS (date +%s%N).
since() { awk -v a="$1" -v b="$(date +%s%N)" 'BEGIN { printf "%.4f", (b - a) / 1e9 }'; }

# install_bench_packages installs what the benchmarks need from Debian when
# missing (as install_packages does for the test suite).
install_bench_packages() {
  local missing=()
  command -v wrk >/dev/null || missing+=(wrk)
  [ -x /usr/bin/time ] || missing+=(time)
  command -v curl >/dev/null || missing+=(curl)
  command -v python3 >/dev/null || missing+=(python3)
  if [ $short = 0 ] && [ ! -x "$PG_BIN/initdb" ]; then missing+=(postgresql); fi
  if [ ${#missing[@]} -gt 0 ]; then
    echo "bench: installing ${missing[*]}" >&2
    if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO=sudo; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

install_bench_packages
mkdir -p "$BUKTI_CACHE_DIR"
bin="$SERVICES_DIR/bukti"
say "go build ./cmd/bukti ./scripts/bareserve"
go build -o "$bin" ./cmd/bukti
go build -o "$SERVICES_DIR/bareserve" ./scripts/bareserve

disk=$(df -hT "$SERVICES_DIR" | awk 'NR == 2 { print $1 " (" $2 "), " $3 ", " $5 " free" }')
machine="$(nproc) cores ($(lscpu | sed -n 's/^Model name: *//p' | head -1)), $(free -g | awk '/Mem:/{print $2}') GiB RAM, disk $disk, $(go version | cut -d' ' -f3), $(uname -sr)"
load0=$(cut -d' ' -f1-3 /proc/loadavg)
echo "== command: $cmdline"
echo "== machine: $machine; load average $load0"
say "sizes: uploads $BIG_MIB MiB, $CONC concurrent × $CONC_MIB MiB, wrk $DUR at $CONNS connections, $RUNS run(s) each; server on $HTTP_FACILITIES facilities, gap reports on $N"

need_mib=$(((BIG_MIB + CONC * CONC_MIB) * (1 + 2 * RUNS) + 512))
avail_mib=$(df -Pm "$SERVICES_DIR" | awk 'NR == 2 { print $4 }')
[ "$avail_mib" -ge "$need_mib" ] || die "needs about $need_mib MiB free in $SERVICES_DIR, has $avail_mib MiB"

if bench_row uploads; then
  start_minio
  MINIO_PID=${PIDS[-1]}
  S3URL=http://$BUKTI_TEST_S3_ENDPOINT
  S3SIG=(--aws-sigv4 "aws:amz:us-east-1:s3" --user "$BUKTI_TEST_S3_ACCESS_KEY:$BUKTI_TEST_S3_SECRET_KEY")
  # The raw baseline's bucket (MinIO may answer 503 for a moment after it starts).
  wait_for curl -sS -f "${S3SIG[@]}" -X PUT "$S3URL/bench-raw" -o /dev/null || die "cannot create the bucket bench-raw on MinIO"
fi

# The server's database: 40 facilities on the full standard and an admin.
seeded=$SERVICES_DIR/http.db
"$bin" demo seed -facilities $HTTP_FACILITIES -full-standard -database-url "$seeded" >/dev/null
"$bin" user add -email bench@bukti.local -name Bench -role admin -password $PASSWORD -database-url "$seeded" >/dev/null
# Today's score snapshot, which a server takes at start when it is missing:
# taken here, every server start finds the same warm score cache.
"$bin" report snapshot -database-url "$seeded" >/dev/null
# The facility with the most evidence is read; uploads go to another one.
read -r FID NEV UPF < <(python3 -c 'import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
f, n = c.execute("SELECT facility_id, count(*) FROM evidences GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1").fetchone()
print(f, n, c.execute("SELECT min(id) FROM facilities WHERE id <> ?", (f,)).fetchone()[0])' "$seeded")
say "readiness and dashboard of facility $FID ($NEV evidence records); uploads to facility $UPF"

# Test files: PDFs (the upload sniffs the content) of random bytes. mark
# gives a file new bytes before each use, so no upload finds its blob
# already stored.
files=$SERVICES_DIR/files
mkdir -p "$files"
make_pdf() { { printf '%%PDF-1.4\n'; head -c $(($2 << 20)) /dev/urandom; } >"$1"; }
mark() { printf '%s' "bench $(date +%s%N) $RANDOM" | dd of="$1" bs=1 seek=16 conv=notrunc status=none; }
BIG=$files/big.pdf
make_pdf "$BIG" $BIG_MIB
BIG_SIZE=$(stat -c %s "$BIG")
if bench_row uploads; then for i in $(seq 1 $CONC); do make_pdf "$files/conc-$i.pdf" $CONC_MIB; done; fi

# start_server NAME [VAR=value…] starts `bukti serve` on a copy-once data
# dir $SERVICES_DIR/NAME with the environment given, and signs in (TOKEN).
# The background scrub is off (BUKTI_SCRUB_PERIOD=0): the demo's evidence
# points at files the store does not hold, which the scrub would report
# damaged — every evidence record of the facility read would then be listed
# on its dashboard to upload again (1,280 items, 300 KB) — and its reads
# would compete with the measurements.
start_server() {
  local name=$1 port
  shift
  DIR=$SERVICES_DIR/$name
  if [ ! -d "$DIR" ]; then
    mkdir -p "$DIR"
    cp "$seeded" "$DIR/bukti.db"
  fi
  port=$(free_port)
  env BUKTI_SCRUB_PERIOD=0 "$@" "$bin" serve -addr "127.0.0.1:$port" -data-dir "$DIR" \
    -max-upload-bytes $(((BIG_MIB > CONC_MIB ? BIG_MIB : CONC_MIB) * 2 << 20)) >>"$DIR/server.log" 2>&1 &
  SRV_PID=$!
  BASE=http://127.0.0.1:$port
  API=$BASE/api/v1
  wait_for curl -sf "$BASE/healthz" || { tail -20 "$DIR/server.log" >&2; die "server $name did not start"; }
  TOKEN=$(curl -sS -f "$API/auth/login" -H 'Content-Type: application/json' \
    -d "{\"email\":\"bench@bukti.local\",\"password\":\"$PASSWORD\"}" | python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')
  AUTH="Authorization: Bearer $TOKEN"
}

# upload FILE OUT: uploads FILE as evidence, saves the JSON answer in OUT
# and prints the seconds it took.
upload() {
  curl -sS -f -H "$AUTH" -F requirement=$REQ -F title=bench -F "file=@$1" \
    "$API/facilities/$UPF/evidence" -o "$2" -w '%{time_total}'
}
# stored FILE prints the id, sha256 and size of an upload's JSON answer.
stored() { python3 -c 'import json, sys; a = json.load(open(sys.argv[1])); print(a["id"], a["sha256"], a["size"])' "$1"; }
rss() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }
# cpu PID prints the CPU seconds (user + system) process PID has used.
cpu() { awk -v t="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / t }' "/proc/$1/stat"; }
# timed_cpu OP CMD…: runs CMD (a curl that prints its time), prints what
# it printed, and samples the CPU seconds that CMD (curl), the server
# (SRV_PID, or TIMED_SERVER) and MinIO (when running) used meanwhile as
# cpu_OP_curl, cpu_OP_bukti, cpu_OP_minio: where an upload's or
# download's time goes, process by process.
timed_cpu() {
  local op=$1 b0 m0 out srv=${TIMED_SERVER:-$SRV_PID}
  shift
  b0=$([ -z "$srv" ] || cpu "$srv")
  m0=$([ -z "${MINIO_PID:-}" ] || cpu "$MINIO_PID")
  # (bash's times, in the command substitution's subshell: the CPU of
  # its children, which is CMD's curl; CMD may be a function)
  out=$("$@"; times >"$SERVICES_DIR/curl-cpu.txt")
  [ -z "$srv" ] || sample "cpu_${op}_bukti" "$(awk -v a="$b0" -v b="$(cpu "$srv")" 'BEGIN { print b - a }')"
  [ -z "${MINIO_PID:-}" ] || sample "cpu_${op}_minio" "$(awk -v a="$m0" -v b="$(cpu "$MINIO_PID")" 'BEGIN { print b - a }')"
  sample "cpu_${op}_curl" "$(awk 'function s(v) { split(v, a, /[ms]/); return a[1] * 60 + a[2] } NR == 2 { print s($1) + s($2) }' "$SERVICES_DIR/curl-cpu.txt")"
  echo "$out"
}
# settle waits (at most 120 s) until the server is idle: no child process
# (pdftoppm) and under 20 ms of CPU in each of two half seconds. Each
# upload queues the making of its thumbnail, which reads the whole file
# back and renders it after the upload has been answered: without this,
# that work would run during the next timed step.
settle() {
  local i idle=0 a b
  for i in $(seq 1 240); do
    a=$(awk '{ print $14 + $15 }' "/proc/$SRV_PID/stat")
    sleep 0.5
    b=$(awk '{ print $14 + $15 }' "/proc/$SRV_PID/stat")
    if [ -z "$(pgrep -P "$SRV_PID" || true)" ] && [ $((b - a)) -le 2 ]; then
      idle=$((idle + 1))
      [ $idle -lt 2 ] || return 0
    else
      idle=0
    fi
  done
  note "note: the server was still busy 120 s after an upload"
}
# s3_object KEY prints the object in bucket bukti that holds the blob KEY:
# data/<id> named by the pointer KEY/<id>, or KEY itself (how blobs were
# stored before pointers).
s3_object() {
  # (curl signs the query as it is: sorted, with "/" encoded)
  curl -sS -f "${S3SIG[@]}" "$S3URL/bukti?list-type=2&prefix=${1//\//%2F}" | python3 -c 'import re, sys
keys = re.findall(r"<Key>([^<]+)</Key>", sys.stdin.read())
k = sys.argv[1]
print(k if k in keys else "data/" + keys[0][len(k) + 1:])' "$1"
}

# rss_run NAME: the idle RSS of the server just started, then its peak RSS
# during CONC concurrent uploads (KiB).
rss_run() {
  local name=$1 idle peak i pids=() fail=0
  curl -sS -f -o /dev/null -H "$AUTH" "$API/facilities/$FID/readiness"
  sleep 1 # the start-up warm-up of the score cache (a facility or two) ends
  idle=$(rss "$SRV_PID" VmRSS)
  if ! echo 5 >"/proc/$SRV_PID/clear_refs" 2>/dev/null; then
    note "note: /proc/PID/clear_refs not writable: the peak RSS includes the server's start-up"
  fi
  for i in $(seq 1 $CONC); do mark "$files/conc-$i.pdf"; done
  sync
  for i in $(seq 1 $CONC); do
    upload "$files/conc-$i.pdf" "$DIR/conc-$i.json" >/dev/null &
    pids+=($!)
  done
  for i in "${pids[@]}"; do wait "$i" || fail=1; done
  [ $fail = 0 ] || die "a concurrent upload to $name failed (see $DIR/server.log)"
  peak=$(rss "$SRV_PID" VmHWM)
  sample "rss_${name}_idle" "$idle"
  sample "rss_${name}_peak" "$peak"
  echo "   $name: idle $((idle >> 10)) MiB, peak $((peak >> 10)) MiB during $CONC × $CONC_MIB MiB uploads"
}

# p50_ms URL HEADER: p50 of LAT_N sequential GETs on one connection (ms).
p50_ms() {
  local out=$SERVICES_DIR/lat.txt
  curl -sS -H "$2" "$1?n=[1-$LAT_N]" -w '%{stderr}LAT %{http_code} %{time_total}\n' >/dev/null 2>"$out"
  awk '$1 == "LAT" && $2 != 200 { bad++ } END { exit (bad > 0) }' "$out" || die "GET $1 failed: $(grep -v '^LAT 200' "$out" | head -3)"
  awk '$1 == "LAT" { print $3 * 1000 }' "$out" | sort -n | awk -v n=$LAT_N '{ t[++c] = $1 }
    END { if (c != n) { print "bench: " c " of " n " requests answered" > "/dev/stderr"; exit 1 }
          print (c % 2) ? t[(c + 1) / 2] : (t[c / 2] + t[c / 2 + 1]) / 2 }'
}

# wrk_run KEY URL [wrk args…]: req/s and p99 (ms) at CONNS connections.
# Any answer but 2xx/3xx means the script or server is broken: it fails.
wrk_run() {
  local key=$1 url=$2 out=$SERVICES_DIR/wrk.txt rps p99 errs
  shift 2
  wrk -t$WRK_THREADS -c$CONNS -d$DUR --timeout 30s --latency "$@" "$url" >"$out"
  if grep -q 'Non-2xx' "$out"; then cat "$out" >&2; die "wrk $url: error answers"; fi
  read -r rps p99 errs < <(awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /m$/) return v * 60000; if (v ~ /s$/) return v * 1000; return v + 0 }
    /^Requests\/sec:/ { rps = $2 } $1 == "99%" { p99 = ms($2) }
    /Socket errors/ { gsub(/,/, ""); errs = $4 + $6 + $8 + $10 }
    END { print rps + 0, p99 + 0, errs + 0 }' "$out")
  [ "$errs" = 0 ] || note "note: wrk $key: $errs socket errors (timeouts over 30 s count here, not in p99)"
  sample "${key}_rps" "$rps"
  if awk -v r="$rps" 'BEGIN { exit !(r > 0) }'; then
    sample "${key}_p99" "$p99"
    echo "   $key: $rps req/s, p99 $p99 ms"
  else
    note "note: wrk $key: no request completed within $DUR"
  fi
}

start_server fs
if bench_row uploads; then
  say "filesystem store: server RSS, run 1 (a fresh server)"
  rss_run fs
  settle
fi
if bench_row readiness || bench_row dashboard; then
  say "filesystem store: readiness, dashboard, /healthz"
  page=$(curl -sS -o /dev/null -w '%{http_code} %{content_type}' -H "Cookie: bukti_session=$TOKEN" "$BASE/f/$FID" 2>&1 || true)
  case "$page" in "200 text/html"*) ;; *) die "GET /f/$FID with the session cookie answered $page, not the dashboard" ;; esac
  # The answers measured: what each row moves per request.
  ready_bytes=$(curl -sS -f -H "$AUTH" "$API/facilities/$FID/readiness" | wc -c)
  etag=$(curl -sS -f -o /dev/null -D - -H "$AUTH" "$API/facilities/$FID/readiness" | awk -F': ' 'tolower($1) == "etag" { sub(/\r$/, "", $2); print $2 }')
  not_modified=$(curl -sS -o /dev/null -w '%{http_code}' -H "$AUTH" -H "If-None-Match: $etag" "$API/facilities/$FID/readiness")
  [ "$not_modified" = 304 ] || die "GET readiness with If-None-Match of its ETag answered $not_modified, not 304"
  dash_bytes=$(curl -sS -f -H "Cookie: bukti_session=$TOKEN" "$BASE/f/$FID" | wc -c)
  note "note: readiness JSON $ready_bytes bytes (304 with If-None-Match of its ETag), dashboard page $dash_bytes bytes, uncompressed"
  if bench_row readiness; then
    BROWSER_AE="Accept-Encoding: br, gzip, deflate" # what Chromium and Firefox send
    br_bytes=$(curl -sS -f -o /dev/null -D "$SERVICES_DIR/headers.txt" -w '%{size_download}' -H "$AUTH" -H "$BROWSER_AE" "$API/facilities/$FID/readiness")
    enc=$(awk -F': ' 'tolower($1) == "content-encoding" { sub(/\r$/, "", $2); print $2 }' "$SERVICES_DIR/headers.txt")
    [ "$enc" = br ] || die "GET readiness with '$BROWSER_AE' answered Content-Encoding '$enc', not br"
    note "note: readiness JSON as a browser asks for it: $br_bytes bytes ($enc)"
    # The ceiling: the same bytes from a server that does nothing else.
    curl -sS -f -H "$AUTH" "$API/facilities/$FID/readiness" -o "$SERVICES_DIR/readiness.json"
    bare_port=$(free_port)
    "$SERVICES_DIR/bareserve" -addr "127.0.0.1:$bare_port" -file "$SERVICES_DIR/readiness.json" 2>>"$SERVICES_DIR/bareserve.log" &
    BARE_PID=$!
    wait_for curl -sf -o /dev/null "http://127.0.0.1:$bare_port/" || die "bareserve did not start"
  fi
  for r in $(seq 1 $RUNS); do
    if bench_row readiness; then
      p=$(p50_ms "$API/facilities/$FID/readiness" "$AUTH")
      sample ready_p50 "$p"
      echo "   readiness, one connection: p50 $p ms"
    fi
    wrk_run healthz "$BASE/healthz"
    if bench_row readiness; then
      wrk_run ready "$API/facilities/$FID/readiness" -H "$AUTH"
      wrk_run bare "http://127.0.0.1:$bare_port/"
      wrk_run ready_br "$API/facilities/$FID/readiness" -H "$AUTH" -H "$BROWSER_AE"
    fi
    if bench_row dashboard; then wrk_run dash "$BASE/f/$FID" -H "Cookie: bukti_session=$TOKEN"; fi
  done
  if bench_row readiness; then kill "$BARE_PID" 2>/dev/null || true; wait "$BARE_PID" 2>/dev/null || true; BARE_PID=; fi
fi

if bench_row uploads; then
say "filesystem store: $BIG_MIB MiB upload vs cp, and vs bareserve storing the same upload"
# The floor of a durable upload over HTTP here: bareserve writes the
# multipart file part to a file and fsyncs it (no hash, no database).
mkdir -p "$DIR/bare"
bare_port=$(free_port)
"$SERVICES_DIR/bareserve" -addr "127.0.0.1:$bare_port" -file /dev/null -dir "$DIR/bare" 2>>"$SERVICES_DIR/bareserve.log" &
BARE_PID=$!
wait_for curl -sf -o /dev/null "http://127.0.0.1:$bare_port/" || die "bareserve did not start"
for r in $(seq 1 $RUNS); do
  mark "$BIG"
  sync # every timed write starts with no dirty pages pending, ours or others'
  t0=$(date +%s%N)
  cp "$BIG" "$DIR/cp.pdf"
  t=$(since "$t0")
  rm "$DIR/cp.pdf"
  sync
  t0=$(date +%s%N)
  cp "$BIG" "$DIR/cp.pdf"
  sync "$DIR/cp.pdf" # fsync, as the store does before it commits
  ts=$(since "$t0")
  rm "$DIR/cp.pdf"
  sync
  u=$(timed_cpu up_fs upload "$BIG" "$DIR/up.json")
  settle
  read -r _ _ size < <(stored "$DIR/up.json")
  [ "$size" = "$BIG_SIZE" ] || die "upload stored $size bytes, not $BIG_SIZE"
  sync
  b=$(TIMED_SERVER=$BARE_PID timed_cpu bare_fs curl -sS -f -F requirement=$REQ -F title=bench -F "file=@$BIG" \
    "http://127.0.0.1:$bare_port/" -o "$DIR/bare.txt" -w '%{time_total}')
  [ "$(cat "$DIR/bare.txt")" = "$BIG_SIZE" ] || die "bareserve stored $(cat "$DIR/bare.txt") bytes, not $BIG_SIZE"
  rm -f "$DIR"/bare/upload-*
  sample cp_fs "$t"
  sample cpsync_fs "$ts"
  sample up_fs "$u"
  sample bare_fs "$b"
  echo "   cp $t s, cp + fsync $ts s, upload $u s, bareserve $b s"
done
kill "$BARE_PID" 2>/dev/null || true; wait "$BARE_PID" 2>/dev/null || true; BARE_PID=
fi # uploads
stop_server

if bench_row uploads; then
if [ "$RUNS" -gt 1 ]; then
  say "filesystem store: server RSS, runs 2–$RUNS (a fresh server each)"
  for r in $(seq 2 "$RUNS"); do start_server fs; rss_run fs; stop_server; done
fi
rm -rf "$SERVICES_DIR/fs/blobs"
fi # uploads

if bench_row uploads; then
S3ENV=(BUKTI_S3_ENDPOINT="$BUKTI_TEST_S3_ENDPOINT" BUKTI_S3_ACCESS_KEY="$BUKTI_TEST_S3_ACCESS_KEY"
  BUKTI_S3_SECRET_KEY="$BUKTI_TEST_S3_SECRET_KEY" BUKTI_S3_BUCKET=bukti)
say "MinIO: server RSS, run 1 (a fresh server)"
start_server s3 "${S3ENV[@]}"
rss_run s3
settle
say "MinIO: $BIG_MIB MiB upload vs signed PUT and vs bareserve spooling it for one PUT, download vs signed GET"
# The other way to store an upload of unknown length on S3: bareserve
# spools it whole, then sends one PUT (no hash, no database).
bare_port=$(free_port)
BARESERVE_S3_ACCESS_KEY=$BUKTI_TEST_S3_ACCESS_KEY BARESERVE_S3_SECRET_KEY=$BUKTI_TEST_S3_SECRET_KEY "$SERVICES_DIR/bareserve" \
  -addr "127.0.0.1:$bare_port" -file /dev/null -dir "$DIR" -s3-endpoint "$BUKTI_TEST_S3_ENDPOINT" -s3-bucket bench-raw \
  2>>"$SERVICES_DIR/bareserve.log" &
BARE_PID=$!
wait_for curl -sf -o /dev/null "http://127.0.0.1:$bare_port/" || die "bareserve did not start"
# The floor of any server between a client and S3: bareserve relaying the
# signed PUT, and below the GET, as they come (a reverse proxy, the length
# known, nothing held), and the same hashing each byte with SHA-256 as
# Bukti must.
relay_port=$(free_port)
relayh_port=$(free_port)
"$SERVICES_DIR/bareserve" -addr "127.0.0.1:$relay_port" -proxy "$BUKTI_TEST_S3_ENDPOINT" 2>>"$SERVICES_DIR/bareserve.log" &
RELAY_PIDS+=($!)
"$SERVICES_DIR/bareserve" -addr "127.0.0.1:$relayh_port" -proxy "$BUKTI_TEST_S3_ENDPOINT" -hash 2>>"$SERVICES_DIR/bareserve.log" &
RELAY_PIDS+=($!)
for port in $relay_port $relayh_port; do
  wait_for curl -sS -f "${S3SIG[@]}" -o /dev/null "http://127.0.0.1:$port/bench-raw" || die "bareserve -proxy did not start"
done
for r in $(seq 1 $RUNS); do
  mark "$BIG"
  sync
  t=$(timed_cpu put_s3 curl -sS -f "${S3SIG[@]}" -T "$BIG" "$S3URL/bench-raw/big" -o /dev/null -w '%{time_total}')
  curl -sS -f "${S3SIG[@]}" -X DELETE "$S3URL/bench-raw/big" -o /dev/null
  for relay in "relay_s3 $relay_port ${RELAY_PIDS[0]}" "relayhash_s3 $relayh_port ${RELAY_PIDS[1]}"; do
    read -r key port pid <<<"$relay"
    sync
    x=$(TIMED_SERVER=$pid timed_cpu "$key" curl -sS -f "${S3SIG[@]}" -T "$BIG" "http://127.0.0.1:$port/bench-raw/big" -o /dev/null -w '%{time_total}')
    [ "$(curl -sS -f "${S3SIG[@]}" -I "$S3URL/bench-raw/big" | awk -F': ' 'tolower($1) == "content-length" { print $2 + 0 }')" = "$BIG_SIZE" ] \
      || die "the PUT through bareserve -proxy did not store $BIG_SIZE bytes"
    curl -sS -f "${S3SIG[@]}" -X DELETE "$S3URL/bench-raw/big" -o /dev/null
    sample "$key" "$x"
  done
  sync
  b=$(TIMED_SERVER=$BARE_PID timed_cpu bare_s3 curl -sS -f -F requirement=$REQ -F title=bench -F "file=@$BIG" \
    "http://127.0.0.1:$bare_port/" -o "$DIR/bare.txt" -w '%{time_total}')
  [ "$(cat "$DIR/bare.txt")" = "$BIG_SIZE" ] || die "bareserve stored $(cat "$DIR/bare.txt") bytes on MinIO, not $BIG_SIZE"
  curl -sS -f "${S3SIG[@]}" -X DELETE "$S3URL/bench-raw/bareserve-$BIG_SIZE" -o /dev/null
  sample bare_s3 "$b"
  sync
  u=$(timed_cpu up_s3 upload "$BIG" "$DIR/up.json")
  settle
  read -r id sum size < <(stored "$DIR/up.json")
  [ "$size" = "$BIG_SIZE" ] || die "upload stored $size bytes, not $BIG_SIZE"
  obj=$(s3_object "sha256/${sum:0:2}/${sum:2:2}/$sum")
  read -r g gsize < <(timed_cpu get_s3 curl -sS -f "${S3SIG[@]}" -o /dev/null -w '%{time_total} %{size_download}\n' "$S3URL/bukti/$obj")
  read -r d dsize < <(timed_cpu down_s3 curl -sS -f -H "$AUTH" -o /dev/null -w '%{time_total} %{size_download}\n' "$API/evidence/$id/content")
  for relay in "relayget_s3 $relay_port ${RELAY_PIDS[0]}" "relayhashget_s3 $relayh_port ${RELAY_PIDS[1]}"; do
    read -r key port pid <<<"$relay"
    read -r x xsize < <(TIMED_SERVER=$pid timed_cpu "$key" curl -sS -f "${S3SIG[@]}" -o /dev/null -w '%{time_total} %{size_download}\n' "http://127.0.0.1:$port/bukti/$obj")
    [ "$xsize" = "$BIG_SIZE" ] || die "the GET through bareserve -proxy returned $xsize bytes, not $BIG_SIZE"
    sample "$key" "$x"
  done
  [ "$gsize" = "$BIG_SIZE" ] && [ "$dsize" = "$BIG_SIZE" ] || die "downloads returned $gsize and $dsize bytes, not $BIG_SIZE"
  sample put_s3 "$t"
  sample up_s3 "$u"
  sample get_s3 "$g"
  sample down_s3 "$d"
  echo "   PUT $t s, upload $u s, bareserve $b s; GET $g s, download $d s"
done
kill "$BARE_PID" "${RELAY_PIDS[@]}" 2>/dev/null || true; wait "$BARE_PID" "${RELAY_PIDS[@]}" 2>/dev/null || true; BARE_PID=; RELAY_PIDS=()
stop_server

if [ "$RUNS" -gt 1 ]; then
  say "MinIO: server RSS, runs 2–$RUNS (a fresh server each)"
  for r in $(seq 2 "$RUNS"); do start_server s3 "${S3ENV[@]}"; rss_run s3; stop_server; done
fi
# MinIO is done: stop it (its data goes with it) before seeding PostgreSQL.
kill "$MINIO_PID"
wait "$MINIO_PID" 2>/dev/null || true
kept=()
for pid in "${PIDS[@]}"; do [ "$pid" = "$MINIO_PID" ] || kept+=("$pid"); done
PIDS=("${kept[@]}")
fi # uploads
rm -rf "$SERVICES_DIR/minio" "$SERVICES_DIR/s3" "$files"

if bench_row gaps; then
  say "gap reports on $N facilities"
  sqlite="$BUKTI_CACHE_DIR/bench-$N.db"
  if [ ! -f "$sqlite" ]; then
    say "seeding $N facilities into SQLite"
    rm -f "$sqlite.tmp"
    /usr/bin/time -f "seed: %e s, max RSS %M KB" "$bin" demo seed -facilities "$N" -full-standard -database-url "$sqlite.tmp" >/dev/null
    mv "$sqlite.tmp" "$sqlite"
  fi
  urls=("$sqlite")
  if [[ " ${DBS[*]} " == *" postgres "* ]]; then
    start_postgres
    say "seeding $N facilities into PostgreSQL"
    /usr/bin/time -f "seed: %e s, max RSS %M KB" "$bin" demo seed -facilities "$N" -full-standard -database-url "$BUKTI_TEST_POSTGRES_URL" >/dev/null
    # What autovacuum has done by the time a live database serves reports:
    # the visibility map (index-only scans) and the planner's statistics.
    "$PG_BIN/psql" -q "$BUKTI_TEST_POSTGRES_URL" -c "VACUUM ANALYZE"
    urls+=("$BUKTI_TEST_POSTGRES_URL")
  fi

  # clear_score_cache URL empties the facility score cache (bukti.FacilityScore).
  clear_score_cache() {
    case "$1" in
      postgres*) "$PG_BIN/psql" -q "$1" -c "DELETE FROM facility_scores" ;;
      *) python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("DELETE FROM facility_scores"); c.commit()' "$1" ;;
    esac
  }

  if [ $short = 1 ]; then benchtime=1x; else benchtime=3x; fi
  for url in "${urls[@]}"; do
    case "$url" in postgres*) db=postgres ;; *) db=sqlite ;; esac
    out=$SERVICES_DIR/gaps-$db.txt
    say "$db: go test -run '^\$' -bench BenchmarkGaps -benchtime $benchtime -count $RUNS ./pkg/report/"
    BUKTI_BENCH_DATABASE_URL="$url" go test -run '^$' -bench BenchmarkGaps -benchtime $benchtime -count "$RUNS" ./pkg/report/ >"$out" \
      || { cat "$out" >&2; die "BenchmarkGaps failed on $db"; }
    grep -E '^Benchmark' "$out"
    # "BenchmarkGaps/national-2  3  310 ns/op  41000 cold-ms …" → gaps_sqlite_national_cold-ms 41000
    awk -v db=$db '/^BenchmarkGaps\// { name = $1; sub(/^BenchmarkGaps\//, "", name); sub(/-[0-9]+$/, "", name)
      for (i = 3; i < NF; i += 2) print "gaps_" db "_" name "_" $(i + 1), $i }' "$out" >>"$RESULTS"
    # The benchmark leaves every facility's score cached: export warm, then
    # cold (which warms the cache again for the next run).
    for r in $(seq 1 "$RUNS"); do
      for temp in warm cold; do
        [ $temp = warm ] || clear_score_cache "$url"
        # (its log, slow-query warnings included, goes to a file)
        /usr/bin/time -o "$SERVICES_DIR/time.txt" -f '%e %M' "$bin" report gaps -format xlsx -o "$SERVICES_DIR/national.xlsx" \
          -database-url "$url" 2>"$SERVICES_DIR/export.log" || { tail -5 "$SERVICES_DIR/export.log" >&2; die "national export failed on $db"; }
        read -r s kb <"$SERVICES_DIR/time.txt"
        sample "xlsx_${db}_${temp}_s" "$s"
        sample "xlsx_${db}_${temp}_kb" "$kb"
        echo "   national xlsx, $temp score cache: $s s, max RSS $((kb >> 10)) MiB"
      done
    done
  done
fi

say "done"
echo
echo "== command: $cmdline"
echo "== machine: $machine; load average $load0 at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end"
echo
DUR=$DUR BIG_MIB=$BIG_MIB CONC=$CONC CONC_MIB=$CONC_MIB CONNS=$CONNS HTTP_FACILITIES=$HTTP_FACILITIES RUNS=$RUNS \
  python3 - "$RESULTS" <<'EOF'
# Builds the table from the "key value" samples: median (min–max) of the
# runs, the ratio to the baseline, the issue's target and whether it is met.
import os, statistics, sys
from collections import defaultdict

S = defaultdict(list)
for line in open(sys.argv[1]):
    k, v = line.split()
    S[k].append(float(v))
E = os.environ
runs = int(E["RUNS"])

def num(x):
    a = abs(x)
    return f"{x:.0f}" if a >= 100 else f"{x:.1f}" if a >= 10 else f"{x:.2f}" if a >= 1 or a == 0 else f"{x:.2g}"

def secs(x):  # a duration in seconds → value and unit chosen by size
    return (x, "s") if x >= 1 else (x * 1e3, "ms") if x >= 1e-3 else (x * 1e6, "µs")

def cell(xs, unit=None, scale=1.0, sign=""):
    """median (min–max), in one unit chosen from the median"""
    xs = [x * scale for x in xs]
    m = statistics.median(xs)
    if unit is None:
        _, unit = secs(m)
        f = {"s": 1, "ms": 1e3, "µs": 1e6}[unit]
    else:
        f = 1
    s = f"{sign}{num(m * f)} {unit}"
    if len(xs) > 1:
        s += f" ({sign}{num(min(xs) * f)}–{sign}{num(max(xs) * f)})"
    return s

rows = []
def have(*keys): return all(S.get(k) for k in keys)
def med(k, scale=1.0): return statistics.median(S[k]) * scale
def verdict(ok): return "met" if ok else "**not met**"

big, conc, cmib, conns = E["BIG_MIB"], E["CONC"], E["CONC_MIB"], E["CONNS"]
for key, base, bname, measure, limit in [
    ("up_fs", "cp_fs", "`cp`", f"upload {big} MiB → filesystem (curl -F, loopback)", 1.5),
    ("up_s3", "put_s3", "signed PUT", f"upload {big} MiB → MinIO", 1.2),
    ("down_s3", "get_s3", "signed GET", f"download {big} MiB ← MinIO", 1.2),
]:
    if have(key, base):
        r = med(key) / med(base)
        b = f"{bname} {cell(S[base])}"
        if key == "up_fs" and have("cpsync_fs"):  # context: the store fsyncs, cp does not
            b += f"; `cp` + fsync {cell(S['cpsync_fs'])}: {num(med(key) / med('cpsync_fs'))}×"
        rows.append((measure, b, cell(S[key]), f"{num(r)}×", f"≤ {limit}× {bname}", verdict(r <= limit)))
        # The floor of any server between a client and S3: the same request relayed, plain and hashed.
        plain, hashed, verb, what = {"up_s3": ("relay_s3", "relayhash_s3", "PUT", "upload → MinIO"),
                                     "down_s3": ("relayget_s3", "relayhashget_s3", "GET", "download ← MinIO")}.get(key, (None,) * 4)
        if plain and have(plain, hashed):
            rows.append((f"the same {verb} through bareserve relaying it as it comes (reverse proxy; no hash)", b,
                         cell(S[plain]), f"{num(med(plain) / med(base))}×", "—", ""))
            rows.append((f"the same {verb} through bareserve relaying it and hashing it (SHA-256)", b,
                         cell(S[hashed]), f"{num(med(hashed) / med(base))}×", "— (floor of the row above)", ""))
            rows.append((f"{what} against that floor", f"bareserve {cell(S[hashed])}", cell(S[key]),
                         f"{num(med(key) / med(hashed))}×", "—", ""))
        if key == "up_s3" and have("bare_s3"):  # the other design: spool, then one PUT
            rows.append((f"the same upload to bareserve, spooled whole then one PUT (no hash, no database)", f"signed PUT {cell(S['put_s3'])}",
                         cell(S["bare_s3"]), f"{num(med('bare_s3') / med('put_s3'))}×", "—", ""))
        if key == "up_fs" and have("bare_fs"):  # the floor of any durable upload over HTTP here
            rows.append((f"the same upload to bareserve (multipart → file + fsync; no hash, no database)", f"`cp` {cell(S['cp_fs'])}",
                         cell(S["bare_fs"]), f"{num(med('bare_fs') / med('cp_fs'))}×", "— (floor of the row above)", ""))
            rows.append((f"upload → filesystem against that floor", f"bareserve {cell(S['bare_fs'])}", cell(S["up_fs"]),
                         f"{num(med('up_fs') / med('bare_fs'))}×", "—", ""))
for be, name in [("fs", "filesystem"), ("s3", "MinIO")]:
    i, p = f"rss_{be}_idle", f"rss_{be}_peak"
    if have(i, p):
        d = [(b - a) / 1024 for a, b in zip(S[i], S[p])]
        rows.append((f"server peak RSS, {conc} concurrent {cmib} MiB uploads, {name}", f"idle {cell(S[i], 'MiB', 1 / 1024)}",
                     f"{cell(S[p], 'MiB', 1 / 1024)}", cell(d, "MiB", sign="+"), "< +64 MiB", verdict(statistics.median(d) < 64)))
nf = E["HTTP_FACILITIES"]
if have("ready_p50"):
    m = med("ready_p50")
    rows.append((f"readiness JSON, one of {nf} facilities, 328 EP: one request at a time, p50", "—", cell(S["ready_p50"], scale=1e-3), "—", "< 5 ms", verdict(m < 5)))
for key, what, share, p99max in [("ready", "readiness JSON", 0.25, 50),
                                  ("ready_br", "readiness JSON as browsers ask (Accept-Encoding: br, gzip)", 0.25, 50),
                                  ("dash", "dashboard page /f/:id", 0.10, 100)]:
    if have(f"{key}_rps", "healthz_rps"):
        r = med(f"{key}_rps") / med("healthz_rps")
        rows.append((f"{what}, {conns} connections (wrk): req/s", f"/healthz {cell(S['healthz_rps'], 'req/s')}", cell(S[f"{key}_rps"], "req/s"),
                     f"{num(r * 100)} %", f"≥ {share * 100:.0f} % of /healthz", verdict(r >= share)))
        p99 = S[f"{key}_p99"]  # none when no request completed
        rows.append((f"{what}, {conns} connections (wrk): p99", f"/healthz {cell(S['healthz_p99'], scale=1e-3)}",
                     cell(p99, scale=1e-3) if p99 else f"none completed in {E['DUR']}", "—", f"< {p99max} ms",
                     verdict(p99 and statistics.median(p99) < p99max)))
    if key == "ready" and have("ready_rps", "bare_rps", "healthz_rps"):
        # The ceiling of the uncompressed row: the same bytes from a server doing nothing else.
        r = med("bare_rps") / med("healthz_rps")
        rows.append((f"the same uncompressed JSON from bareserve (bare net/http, no work), {conns} connections (wrk): req/s",
                     f"/healthz {cell(S['healthz_rps'], 'req/s')}", cell(S["bare_rps"], "req/s"), f"{num(r * 100)} %",
                     "— (ceiling of the row above)", ""))
        rows.append((f"readiness JSON uncompressed, share of that ceiling", f"bareserve {cell(S['bare_rps'], 'req/s')}",
                     cell(S["ready_rps"], "req/s"), f"{num(med('ready_rps') / med('bare_rps') * 100)} %", "—", ""))
        if have("bare_p99"):
            rows.append((f"the same from bareserve: p99", "—", cell(S["bare_p99"], scale=1e-3), "—", "—", ""))

NS = 1e-9
for db, dname in [("sqlite", "SQLite"), ("postgres", "PostgreSQL")]:
    g = lambda name, unit: f"gaps_{db}_{name}_{unit}"
    if not have(g("baseline-one-facility", "ns/op")):
        continue
    one = g("baseline-one-facility", "ns/op")
    nfac = lambda name: f"{int(med(g(name, 'facilities'))):,}" if have(g(name, "facilities")) else "?"
    rows.append((f"one facility's readiness, in process ({dname})", "—", cell(S[one], scale=NS), "—", "—", ""))
    def gap(measure, key, scale, base, bname, target=None, limit=None):
        if not have(key, base):
            return
        bscale = NS if base.endswith("ns/op") else 1e-3
        r = med(key, scale) / med(base, bscale)
        ok = "" if limit is None else verdict(med(key, scale) < limit)
        rows.append((f"{measure} ({dname})", f"{bname} {cell(S[base], scale=bscale)}", cell(S[key], scale=scale),
                     f"{num(r)}×", target or "—", ok))
    for name in ["district", "province", "national"]:
        n = nfac(name)
        gap(f"gap report {name}, warm, {n} facilities", g(name, "ns/op"), NS, one, "one facility",
            *({"district": ("< 100 ms", 0.1), "national": ("< 3 s", 3)}.get(name, (None, None))))
        if name == "district":
            gap(f"gap report district, cold (empty cache), {n} facilities", g("district-cold", "ns/op"), NS, g(name, "ns/op"), "warm", "< 50 ms", 0.05)
        else:
            gap(f"gap report {name}, cold (empty cache), {n} facilities", g(name, "cold-ms"), 1e-3, g(name, "ns/op"), "warm",
                *({"national": ("< 5 s", 5)}.get(name, (None, None))))
    if have(g("national", "cold-cpu-ms"), g("national", "cold-ms")):
        # CPU time of the benchmark's process (Go and SQLite; not PostgreSQL's own): the work, whatever the load.
        cpu = med(g("national", "cold-cpu-ms")) / med(g("national", "cold-ms"))
        rows.append((f"gap report national, cold: CPU time of the report's process ({dname})", "—",
                     cell(S[g("national", "cold-cpu-ms")], scale=1e-3), f"{num(cpu)}× its wall time", "—", ""))
    resc = f", {int(med(g('national', 'rescored'))):,} rescored" if have(g("national", "rescored")) else ""
    gap(f"gap report national, next day{resc}", g("national", "next-day-ms"), 1e-3, g("national", "ns/op"), "warm")
    for temp in ["warm", "cold"]:
        s, kb = f"xlsx_{db}_{temp}_s", f"xlsx_{db}_{temp}_kb"
        if have(s, kb):
            base = f"xlsx_{db}_warm_s"
            r = med(s) / med(base)
            rows.append((f"national XLSX export, {temp}: time ({dname})", "—" if temp == "warm" else f"warm {cell(S[base])}",
                         cell(S[s]), "—" if temp == "warm" else f"{num(r)}×", "—", ""))
            rows.append((f"national XLSX export, {temp}: peak RSS ({dname})", "—", cell(S[kb], "MiB", 1 / 1024), "—", "< 1 GiB",
                         verdict(med(kb) < 1 << 20)))

head = ("measure", "baseline", f"now: median (min–max) of {runs}" if runs > 1 else "now (one run)", "ratio", "target", "met")
print("| " + " | ".join(head) + " |")
print("|" + "---|" * len(head))
for r in rows:
    print("| " + " | ".join(r) + " |")

# Where the upload and download rows' time goes: CPU seconds per process
# during the timed step (medians), next to its wall time.
cpurows = []
for op, what, wall in [("up_fs", f"upload {big} MiB → filesystem", "up_fs"), ("bare_fs", "the same to bareserve (floor)", "bare_fs"),
                       ("put_s3", "signed PUT → MinIO (baseline)", "put_s3"),
                       ("relay_s3", "the same PUT through bareserve relaying it", "relay_s3"),
                       ("relayhash_s3", "the same PUT through bareserve relaying and hashing it (floor)", "relayhash_s3"),
                       ("up_s3", f"upload {big} MiB → MinIO", "up_s3"), ("bare_s3", "the same to bareserve, spooled then one PUT", "bare_s3"), ("get_s3", "signed GET ← MinIO (baseline)", "get_s3"),
                       ("relayget_s3", "the same GET through bareserve relaying it", "relayget_s3"),
                       ("relayhashget_s3", "the same GET through bareserve relaying and hashing it (floor)", "relayhashget_s3"),
                       ("down_s3", f"download {big} MiB ← MinIO", "down_s3")]:
    if have(f"cpu_{op}_curl", wall):
        c = lambda p: f"{med(f'cpu_{op}_{p}'):.2f} s" if have(f"cpu_{op}_{p}") else "—"
        cpurows.append((what, cell(S[wall]), c("bukti"), c("minio"), c("curl")))
if cpurows:
    print()
    print("| CPU during the step (median) | wall | server (Bukti or bareserve) | MinIO | curl |")
    print("|---|---|---|---|---|")
    for r in cpurows:
        print("| " + " | ".join(r) + " |")
EOF
if [ -s "$NOTES" ]; then echo; sort -u "$NOTES"; fi
