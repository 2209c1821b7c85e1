#!/usr/bin/env bash
# Concurrency soak against the local stack over HTTP: clients mixing transactions over shared
# resources, If-Match updates, conditional creates and searches for a bounded time, then the
# invariant checks (no hang, no 5xx, no lost acknowledged write, contiguous histories, search
# matching the table). Prints requests/s and latency percentiles; exits 1 if an invariant fails.
# Usage: bench/soak.sh [seconds (default 300)] [clients (default 8)]
source "$(dirname "$0")/server-stack.sh"
java -cp "$TEST_CP" io.fwoa.server.bench.SoakBench "${1:-300}" "${2:-8}" 2>/dev/null | grep -E '^(soak|  )'
