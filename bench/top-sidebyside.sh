#!/usr/bin/env bash
# CPU, thread wake-ups and peak RSS of several `vigia top` configurations
# run at the same moment, each in its own 200×50 tmux, so all see the same
# machine (the peer harness runs programs one after another, and a shared
# machine's load drifts between windows). After 8 s to settle it measures
# ROUNDS windows of SECONDS with bench/wakeups.sh, then prints each one's
# VmHWM and its anonymous and file-backed resident memory.
# Usage: bench/top-sidebyside.sh SECONDS ROUNDS SPAWN NAME=CMD [NAME=CMD...]
# SPAWN idle processes are started first (bench/peers/spawn.sh).
# Example (Go's default GOGC against the dashboard's):
#   bench/top-sidebyside.sh 30 3 1000 \
#     'gc100=env GOGC=100 /tmp/vigia top --interval 1s' 'default=/tmp/vigia top --interval 1s'
# Needs: bash, tmux, python3, coreutils, gawk or mawk.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
socks=()
stop_tmux() {
	for s in "${socks[@]}"; do tmux -S "$s" kill-server 2>/dev/null || true; done
	cleanup
}
trap stop_tmux EXIT
sidebyside "usage: bench/top-sidebyside.sh SECONDS ROUNDS SPAWN NAME=CMD..." "$@"

names=() measured=()
for spec in "${specs[@]}"; do
	name=${spec%%=*} cmd=${spec#*=}
	sock=$tmp/tmux-${#names[@]}
	# exec: the pane's PID is the program's, not a shell's.
	tmux -S "$sock" -f /dev/null new-session -d -x 200 -y 50 "exec $cmd"
	socks+=("$sock") names+=("$name")
done
sleep 8
for s in "${socks[@]}"; do measured+=("$(tmux -S "$s" display -p '#{pane_pid}')"); done
measure_windows "$secs" "$rounds"
for i in "${!measured[@]}"; do
	awk -v n="${names[$i]}" '/^(VmHWM|RssAnon|RssFile):/ {v[$1] = $2 / 1024}
		END {printf "%-16s peak RSS %.1f MiB  anon %.1f  file %.1f\n", n, v["VmHWM:"], v["RssAnon:"], v["RssFile:"]}' "/proc/${measured[$i]}/status"
done
