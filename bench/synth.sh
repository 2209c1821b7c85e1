#!/usr/bin/env bash
# Wall time and peak resident memory (JVM and jsii's node together) of `fwoa:synth` for each example.
#
#   bench/synth.sh [runs]        # default 3 runs per example; prints one line per run and a median
#
# Needs the plugin installed in the local repository first: ./mvnw -q install -DskipTests
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20

# Sum of RSS (kB) over a process and all its descendants, from /proc. Bash builtins only: forking
# cat/awk for every process every sample cost the measured build a third of a core.
tree_rss() {
  local pids=($1) rss=0 p f line key value kids
  while ((${#pids[@]})); do
    p=${pids[0]}; pids=("${pids[@]:1}")
    for f in /proc/"$p"/task/*/children; do
      kids=()
      # The file has no trailing newline, so read reports EOF even when it filled kids.
      [[ -r $f ]] && { read -r -a kids < "$f" 2>/dev/null || true; }
      pids+=("${kids[@]}")
    done
    if [[ -r /proc/$p/status ]]; then
      while read -r key value _; do
        [[ $key == VmRSS: ]] && { rss=$((rss + value)); break; }
      done < /proc/"$p"/status 2>/dev/null
    fi
  done
  echo "$rss"
}

printf '%-12s %4s %9s %9s %11s\n' example run wall_s synth_s peak_rss_mb
for example in basic smart production; do
  walls=()
  for run in $(seq 1 "$runs"); do
    log=$(mktemp)
    start=$(date +%s.%N)
    ./mvnw -B -o -f "examples/$example/pom.xml" fwoa:synth >"$log" 2>&1 &
    pid=$!
    peak=0
    while kill -0 "$pid" 2>/dev/null; do
      rss=$(tree_rss "$pid")
      ((rss > peak)) && peak=$rss
      sleep 0.2
    done
    wait "$pid" || { cat "$log"; exit 1; }
    end=$(date +%s.%N)
    wall=$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')
    synth=$(grep -o 'in [0-9.]* s to' "$log" | awk '{print $2}')
    printf '%-12s %4d %9.1f %9s %11d\n' "$example" "$run" "$wall" "$synth" $((peak / 1024))
    walls+=("$wall")
    rm -f "$log"
  done
  median=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  printf '%-12s %4s %9.1f  (median wall)\n' "$example" "-" "$median"
done
