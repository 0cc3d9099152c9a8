# Sourced by test.sh and dev.sh: start and stop the real services the tests
# and a local development server use. Nothing here downloads at run time
# except Debian packages and Go modules.

BUKTI_CACHE_DIR=${BUKTI_CACHE_DIR:-$HOME/.cache/bukti}
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
SERVICES_DIR=$(mktemp -d /tmp/bukti-services.XXXXXX)
chmod 755 "$SERVICES_DIR"
PIDS=()

# free_port prints a TCP port nothing listens on.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# wait_for CMD...: retry CMD for up to 60 s.
wait_for() {
  for _ in $(seq 1 120); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  echo "services: timed out waiting for: $*" >&2
  return 1
}

# install_packages installs what the suite needs from Debian when missing.
install_packages() {
  local missing=()
  [ -x "$PG_BIN/initdb" ] || missing+=(postgresql)
  command -v chromium >/dev/null || missing+=(chromium)
  command -v python3 >/dev/null || missing+=(python3)
  command -v curl >/dev/null || missing+=(curl)
  # Thumbnails (pkg/thumbs): poppler for the first page of PDFs, libheif's
  # thumbnailer for phone photos; heif-enc makes the HEIC test file.
  command -v pdftoppm >/dev/null || missing+=(poppler-utils)
  command -v heif-thumbnailer >/dev/null || missing+=(heif-thumbnailer)
  command -v heif-enc >/dev/null || missing+=(libheif-examples)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "services: installing ${missing[*]}" >&2
    if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO=sudo; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

# start_postgres runs a throwaway cluster and sets BUKTI_TEST_POSTGRES_URL.
# initdb refuses root, so as root the cluster runs as the postgres user.
start_postgres() {
  local dir="$SERVICES_DIR/pg" port as=()
  port=$(free_port)
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    chown postgres "$dir"
    as=(runuser -u postgres --)
  fi
  "${as[@]}" "$PG_BIN/initdb" -D "$dir/data" -U bukti --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; return 1; }
  "${as[@]}" "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >/dev/null \
    || { cat "$dir/server.log" >&2; return 1; }
  PG_DATA="$dir/data"
  PG_AS=("${as[@]}")
  BUKTI_TEST_POSTGRES_URL="postgres://bukti@127.0.0.1:$port/postgres?sslmode=disable"
}

# minio_binary prints the path of the cached MinIO server, building it once.
minio_binary() {
  local bin="$BUKTI_CACHE_DIR/bin/minio"
  if [ ! -x "$bin" ]; then
    echo "services: building MinIO $MINIO_VERSION once into $bin (about 2.5 minutes)" >&2
    mkdir -p "$BUKTI_CACHE_DIR/bin"
    (cd /tmp && GOBIN="$BUKTI_CACHE_DIR/bin" GOFLAGS=-mod=mod go install "github.com/minio/minio@$MINIO_VERSION")
  fi
  echo "$bin"
}

# start_minio runs MinIO on a free port and sets BUKTI_TEST_S3_*.
start_minio() {
  local bin port cport
  bin=$(minio_binary)
  port=$(free_port)
  cport=$(free_port)
  BUKTI_TEST_S3_ACCESS_KEY=bukti-test
  BUKTI_TEST_S3_SECRET_KEY=bukti-test-secret
  mkdir -p "$SERVICES_DIR/minio"
  MINIO_ROOT_USER=$BUKTI_TEST_S3_ACCESS_KEY MINIO_ROOT_PASSWORD=$BUKTI_TEST_S3_SECRET_KEY \
    MINIO_BROWSER=off MINIO_UPDATE=off \
    "$bin" server --quiet --address "127.0.0.1:$port" --console-address "127.0.0.1:$cport" "$SERVICES_DIR/minio/data" \
    >"$SERVICES_DIR/minio/server.log" 2>&1 &
  PIDS+=($!)
  BUKTI_TEST_S3_ENDPOINT="127.0.0.1:$port"
  wait_for curl -sf "http://$BUKTI_TEST_S3_ENDPOINT/minio/health/ready" \
    || { cat "$SERVICES_DIR/minio/server.log" >&2; return 1; }
}

stop_services() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -n "${PG_DATA:-}" ]; then
    "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DATA" -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$SERVICES_DIR"
}
