#!/usr/bin/env bash
# Transaction-bundle ingest throughput against the local stack (dynalite, s3rver, cognito-local)
# over HTTP: Synthea-sized bundles (301 resources each) from concurrent clients.
# Usage: bench/ingest.sh [bundles] [entries per bundle] [clients]
source "$(dirname "$0")/server-stack.sh"
java -cp "$TEST_CP" io.fwoa.server.bench.IngestBench "${1:-20}" "${2:-300}" "${3:-2}" 2>/dev/null | grep ingest
