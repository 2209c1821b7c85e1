#!/usr/bin/env bash
# Warm read latency of the handler (API Gateway event → response), storage calls taken out: JWT
# verification, RBAC, routing and JSON as in production. Prints p50/p90/p99 in microseconds.
# Usage: bench/warm-read.sh [iterations]
source "$(dirname "$0")/server-stack.sh"
taskset -c 0 java -cp "$TEST_CP" io.fwoa.server.bench.WarmReadBench "${1:-20000}" 2>/dev/null | grep warm_read
