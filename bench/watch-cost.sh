#!/usr/bin/env bash
# Measures what `vigia watch` costs the machine it watches: CPU % of one core
# and peak RSS over a window, every sensor at the given interval.
# Usage: bench/watch-cost.sh [SECONDS] [INTERVAL]   (defaults: 60 1s)
# Needs (Debian packages): golang-go (or the Go of go.mod), mawk or gawk,
# libc-bin (getconf), coreutils.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
interval=${2:-1s}
CGO_ENABLED=0 go build -o bin/vigia ./cmd/vigia
hz=$(getconf CLK_TCK)
./bin/vigia watch --interval "$interval" >/dev/null &
pid=$!
trap 'kill "$pid" 2>/dev/null || true' EXIT
sleep 3 # warm-up: the first reads take baselines
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
t0=$(ticks "$pid")
s0=$(date +%s.%N)
sleep "$secs"
t1=$(ticks "$pid")
s1=$(date +%s.%N)
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
kill -INT "$pid"
wait "$pid" || true
trap - EXIT
awk -v t0="$t0" -v t1="$t1" -v s0="$s0" -v s1="$s1" -v hz="$hz" -v hwm="$hwm" -v rss="$rss" -v n="$secs" -v iv="$interval" 'BEGIN {
	cpu = (t1 - t0) / hz / (s1 - s0) * 100
	printf "vigia watch, all sensors at %s, %d s: CPU %.2f %% of one core (%d ticks), RSS %.1f MiB, peak RSS %.1f MiB\n", iv, n, cpu, t1 - t0, rss / 1024, hwm / 1024
}'
