#!/usr/bin/env bash
# Latency of small reads (GET /metadata, a Patient search) on the local stack, idle and while
# other clients post Synthea-sized transaction bundles without pause: with fwoa:run's parallel
# flushes a read does not wait for another request's indexing.
# Usage: bench/read-during-ingest.sh [samples] [writers]
source "$(dirname "$0")/server-stack.sh"
java -cp "$TEST_CP" io.fwoa.server.bench.ReadDuringIngestBench "${1:-200}" "${2:-2}" 2>/dev/null | grep '^read'
