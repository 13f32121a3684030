#!/usr/bin/env bash
# Runs the real agent with every sensor at 1 s, opens N event-stream clients
# that ask for the process table and never read, probes /healthz while they
# hang on, and reports the agent's resident memory before and after.
# Usage: bench/stream-stalled.sh [CLIENTS] [SECONDS]   (defaults: 1000 30)
set -euo pipefail
cd "$(dirname "$0")/.."
clients=${1:-1000}
secs=${2:-30}
port=18519
ulimit -n 8192
CGO_ENABLED=0 go build -o bin/vigia ./cmd/vigia
go test -c -o bin/server.test ./internal/server
./bin/vigia serve --listen 127.0.0.1:$port --no-record --interval 1s 2>/dev/null &
pid=$!
trap 'kill "$pid" 2>/dev/null || true' EXIT
sleep 5 # warm-up: the first reads take baselines
rss() { awk '/VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$pid/status"; }
echo "agent idle: RSS $(rss) MiB"
./bin/server.test -test.run 'TestLoadStalled$' -load "http://127.0.0.1:$port/api/v1/stream?processes=true" \
	-load-stall "$clients" -load-duration "${secs}s" -load-pid "$pid" | grep -v '^PASS$'
echo "agent after the clients left: RSS $(rss) MiB, peak $(awk '/VmHWM/ {printf "%.1f", $2 / 1024}' "/proc/$pid/status") MiB"
kill -INT "$pid"
wait "$pid" || true
trap - EXIT
