#!/usr/bin/env bash
# Measures what listening to taskstats costs `vigia watch` under a fork
# storm: CPU % of one core of vigia with the taskstats listener (root)
# against vigia without CAP_NET_ADMIN (the process-events connector alone,
# CPU and I/O of each exit from /proc), alternating the two, the same storm
# running throughout. Each window also reports the exits per second the
# storm reached (the `processes` line of /proc/stat).
# Usage: sudo bench/exits-cost.sh [SECONDS] [EXITS_PER_SECOND] [ROUNDS]
#        (defaults: 30 500 2)
# Needs (Debian packages): golang-go (or the Go of go.mod), python3,
# util-linux (setpriv), mawk or gawk, libc-bin (getconf).
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-30}
rate=${2:-500}
rounds=${3:-2}
[ "$(id -u)" = 0 ] || { echo "run as root: the taskstats listener needs CAP_NET_ADMIN" >&2; exit 2; }
CGO_ENABLED=0 go build -o bin/vigia ./cmd/vigia
hz=$(getconf CLK_TCK)
# The storm: /bin/true started RATE times a second and reaped as it ends, at a
# higher priority so that a busy machine still lets it reach the rate.
nice -n -10 python3 -c '
import os, sys, time
rate = float(sys.argv[1]); step = 1.0 / rate; nxt = time.monotonic()
while True:
    os.posix_spawn("/bin/true", ["/bin/true"], {})
    try:
        while os.waitpid(-1, os.WNOHANG)[0] > 0:
            pass
    except ChildProcessError:
        pass
    nxt += step
    d = nxt - time.monotonic()
    if d > 0:
        time.sleep(d)
    elif d < -1:
        nxt = time.monotonic()
' "$rate" &
storm=$!
vpid=
trap 'kill "$storm" ${vpid:+"$vpid"} 2>/dev/null || true' EXIT
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
forks() { awk '$1 == "processes" {print $2}' /proc/stat; }
run() { # $1: label; the rest: the command
	local label=$1; shift
	"$@" watch --interval 1s >/dev/null &
	vpid=$!
	sleep 3 # warm-up: the first reads take baselines
	local genl # generic netlink sockets (protocol 16): 1 with taskstats
	genl=$( (ls -l "/proc/$vpid/fd" 2>/dev/null || true) | awk -F'[][]' '/socket:/ {print $2}' |
		awk 'NR == FNR {s[$1]; next} $2 == 16 && ($10 in s) {n++} END {print n + 0}' - /proc/net/netlink)
	local t0 f0 s0 t1 f1 s1
	t0=$(ticks "$vpid"); f0=$(forks); s0=$(date +%s.%N)
	sleep "$secs"
	t1=$(ticks "$vpid"); f1=$(forks); s1=$(date +%s.%N)
	kill -INT "$vpid"; wait "$vpid" || true; vpid=
	awk -v l="$label" -v t0="$t0" -v t1="$t1" -v f0="$f0" -v f1="$f1" -v s0="$s0" -v s1="$s1" -v hz="$hz" -v g="$genl" 'BEGIN {
		printf "%-22s %d taskstats socket  forks %6.0f/s  vigia CPU %5.2f %% of one core (%d ticks), %.0f us a fork\n", l, g, (f1 - f0) / (s1 - s0), (t1 - t0) / hz / (s1 - s0) * 100, t1 - t0, (t1 - t0) / hz / (f1 - f0) * 1e6
	}'
}
for _ in $(seq "$rounds"); do
	run "with taskstats" ./bin/vigia
	run "without (no NET_ADMIN)" setpriv --inh-caps=-net_admin --bounding-set=-net_admin ./bin/vigia
done
