#!/usr/bin/env bash
# The whole test suite against real services: a throwaway PostgreSQL cluster
# and a MinIO server, both on free loopback ports in a temp dir, then
# `go test -race ./...` with their addresses in the environment.
#
# Usage: scripts/test.sh [go test flags/packages]   (default: ./...)
#
# Cached between runs (BUKTI_CACHE_DIR, default ~/.cache/bukti):
#   bin/minio  built once with `go install` (about 2.5 minutes)
set -euo pipefail

cd "$(dirname "$0")/.."
. scripts/services.sh

trap stop_services EXIT
install_packages
start_postgres
start_minio

export BUKTI_TEST_POSTGRES_URL BUKTI_TEST_S3_ENDPOINT BUKTI_TEST_S3_ACCESS_KEY BUKTI_TEST_S3_SECRET_KEY
echo "test.sh: postgres $BUKTI_TEST_POSTGRES_URL, minio $BUKTI_TEST_S3_ENDPOINT" >&2

whole=0
if [ $# -eq 0 ] || [ "$*" = ./... ]; then
  # The whole suite. The two slowest packages are named first so that
  # they start first (go test runs two packages at a time here): the
  # browser tests alone take about 7 minutes.
  whole=1
  set -- ./pkg/web/ ./cmd/bukti/ ./...
fi
go vet ./...
go test -race -count=1 -timeout 20m "$@"
if [ $whole = 1 ]; then bash scripts/bench.sh --short; fi # whole suite passed: the benchmarks still run (numbers not judged)
