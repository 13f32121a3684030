#!/usr/bin/env bash
# CPU and thread wake-ups of several `vigia serve` configurations run at the
# same moment, each recording its own history and scraped once a second, so
# all see the same machine (a shared machine's load and process count drift
# between the peer harness's one-after-another windows). After 10 s to
# settle it measures ROUNDS windows of SECONDS with bench/wakeups.sh.
# Usage: bench/serve-sidebyside.sh SECONDS ROUNDS SPAWN NAME=CMD [NAME=CMD...]
# CMD is a command line; {port} and {home} in it become a free loopback port
# and a private directory. SPAWN idle processes are started first.
# Example (main and this tree, the first on two processors):
#   bench/serve-sidebyside.sh 30 3 1000 \
#     'two=env GOMAXPROCS=2 /tmp/vigia serve --listen 127.0.0.1:{port} --db {home}/v.db' \
#     'one=/tmp/vigia serve --listen 127.0.0.1:{port} --db {home}/v.db'
# Needs: bash, curl, python3, coreutils, gawk or mawk.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
sidebyside "usage: bench/serve-sidebyside.sh SECONDS ROUNDS SPAWN NAME=CMD..." "$@"

names=() urls=() measured=()
for spec in "${specs[@]}"; do
	name=${spec%%=*} cmd=${spec#*=}
	p=$(port) home=$tmp/${#names[@]}
	mkdir -p "$home"
	cmd=${cmd//\{port\}/$p} cmd=${cmd//\{home\}/$home}
	# exec: the PID measured is the server's, not a shell's.
	bash -c "exec $cmd" >"$home/log" 2>&1 &
	pids+=($!) measured+=($!) names+=("$name") urls+=("http://127.0.0.1:$p/metrics")
done
(while sleep 1; do
	for u in "${urls[@]}"; do curl -s -o /dev/null "$u" & done
	wait
done) &
pids+=($!)
sleep 10
measure_windows "$secs" "$rounds"
