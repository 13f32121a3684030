#!/usr/bin/env bash
# Measures `vigia fleet` over a Prometheus that holds HOSTS synthetic hosts
# (default 1,000): bench/fleetgen writes node_* and vigia_* series, up and
# ALERTS for them (some hosts down, some filesystems filling, some alerts
# firing; job, env and datacenter labels) over SPAN before now and AHEAD
# after it, a sample every STEP, as OpenMetrics text; `promtool tsdb
# create-blocks-from openmetrics` backfills it into a temporary data dir; a
# Prometheus on loopback serves it, scraping nothing. Samples run past now
# so the data is current (rate() finds its window) while the measurement
# runs; FLEET_NOW=UNIX-SECONDS sets the generator's clock.
#
# Then it reports:
#  1. the wall time of each refresh's queries (fleet.Snapshot.Took) over
#     ROUNDS refreshes, and Prometheus' CPU time per refresh;
#  2. `vigia fleet --refresh 5s` in a 200x50 tmux pane: its CPU over SECONDS
#     (utime+stime from /proc/PID/stat), as a share of one core;
#  3. how long the pane takes to show the answer to a key: sort by CPU (P),
#     by memory (M) and host (N), filter (/dc-east Enter), group (t); and, as
#     the floor, how long tmux takes to show cat's echo of a key.
#     BenchmarkFleetKeys1000 in internal/tui is the view's own share.
# Usage: bench/fleet-scale.sh [HOSTS] [SECONDS] [ROUNDS]   (defaults: 1000 60 30)
# DATA=DIR keeps the backfilled blocks in DIR, and a later run with the same
# DATA skips generating them (give AHEAD enough for every run: the data must
# still reach past now). VIGIA=BINARY measures that build of vigia instead
# of the tree's, for a before-and-after on the same data.
# Needs (Debian packages): golang-go, prometheus (prometheus and promtool),
# tmux, curl, python3, coreutils. The generated text is ~4 GB at 1,000 hosts
# (removed once backfilled); the data dir ~150 MB.
set -euo pipefail
cd "$(dirname "$0")/.."
hosts=${1:-1000}
secs=${2:-60}
rounds=${3:-30}
span=${SPAN:-3h}
ahead=${AHEAD:-40m}
step=${STEP:-30s}
tmp=$(mktemp -d)
session=fleet-scale-$$
ppid_=
cleanup() {
	tmux kill-session -t "$session" 2>/dev/null || true
	[[ -n $ppid_ ]] && kill "$ppid_" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT
vigia=${VIGIA:-bin/vigia}
[[ -n ${VIGIA:-} ]] || CGO_ENABLED=0 go build -o bin/vigia ./cmd/vigia
go build -o "$tmp/fleetgen" ./bench/fleetgen
hz=$(getconf CLK_TCK)

data=${DATA:-$tmp/data}
if [[ -n ${DATA:-} && -d $DATA ]]; then
	echo "reusing the blocks in $DATA"
else
	now=${FLEET_NOW:-$(date +%s)}
	t0=$(date +%s.%N)
	"$tmp/fleetgen" gen -hosts "$hosts" -now "$now" -span "$span" -ahead "$ahead" -step "$step" >"$tmp/fleet.om"
	t1=$(date +%s.%N)
	promtool tsdb create-blocks-from openmetrics "$tmp/fleet.om" "$data" >"$tmp/backfill.log"
	t2=$(date +%s.%N)
	echo "generated $(wc -l <"$tmp/fleet.om") samples in $(awk "BEGIN{printf \"%.0f\", $t1 - $t0}") s, backfilled in $(awk "BEGIN{printf \"%.0f\", $t2 - $t1}") s ($(du -sh "$data" | cut -f1))"
	rm "$tmp/fleet.om"
fi

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
prom=http://127.0.0.1:$port
printf 'global:\n  scrape_interval: 1m\nscrape_configs: []\n' >"$tmp/prometheus.yml"
prometheus --config.file="$tmp/prometheus.yml" --storage.tsdb.path="$data" \
	--web.listen-address=127.0.0.1:"$port" --log.level=warn >"$tmp/prometheus.log" 2>&1 &
ppid_=$!
for _ in $(seq 300); do curl -sf -o /dev/null "$prom/-/ready" && break; sleep 0.2; done

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
# The first refresh reads the blocks from disk and asks the whole sparkline.
"$tmp/fleetgen" query -prometheus "$prom" -rounds 1 -timeout 60s -prometheus-pid "$ppid_" | sed 's/^/first refresh: /'
"$tmp/fleetgen" query -prometheus "$prom" -rounds "$rounds" -timeout 60s -prometheus-pid "$ppid_"

tmux new-session -d -s "$session" -x 200 -y 50 \
	"exec $vigia fleet --prometheus $prom --rate-window 2m --refresh 5s --lang en"
vpid=$(tmux display-message -p -t "$session" '#{pane_pid}')
screen() { tmux capture-pane -p -t "$session"; }
waitfor() { # PATTERN: waits for it on screen, prints the milliseconds taken
	local start=$(date +%s%N)
	for _ in $(seq 3000); do
		screen | grep -q -- "$1" && { echo $((($(date +%s%N) - start) / 1000000)); return; }
		sleep 0.01
	done
	echo "timed out waiting for $1" >&2
	screen >&2
	exit 1
}
echo "first screen with every host: $(waitfor "$hosts hosts") ms"
sleep 6 # past the first refresh's sparkline
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
c0=$(ticks "$vpid")
sleep "$secs"
c1=$(ticks "$vpid")
echo "vigia fleet CPU over ${secs} s at a 5 s refresh: $(((c1 - c0) * 1000 / hz)) ms = $(awk "BEGIN{printf \"%.2f\", ($c1 - $c0) / $hz / $secs * 100}") % of one core"
echo "vigia fleet RSS: $(awk '/VmRSS/ {print $2, $3}' "/proc/$vpid/status")"

key() { # KEYS PATTERN: sends the keys, prints how long the screen took to show PATTERN
	tmux send-keys -t "$session" "$1"
	echo "  $1 → $(waitfor "$2") ms"
}
redraw() { # KEYS: sends the keys, prints how long until the table's first rows change
	local before start=$(date +%s%N)
	before=$(screen | sed -n 3,6p)
	tmux send-keys -t "$session" "$1"
	for _ in $(seq 3000); do
		[[ $(screen | sed -n 3,6p) != "$before" ]] && { echo "  $1 → $((($(date +%s%N) - start) / 1000000)) ms"; return; }
		sleep 0.01
	done
	echo "  $1 → no change"
}
# The floor: how long tmux takes to show a key to cat, on this machine now.
tmux new-window -d -t "$session" -n floor cat
sleep 0.3
fstart=$(date +%s%N)
tmux send-keys -t "$session:floor" floor-mark
for _ in $(seq 3000); do tmux capture-pane -p -t "$session:floor" | grep -q floor-mark && break; sleep 0.01; done
echo "tmux's own round trip (a key echoed by cat): $((($(date +%s%N) - fstart) / 1000000)) ms"
echo "keys, from send-keys to the answer on screen:"
redraw P
redraw M
redraw N
tmux send-keys -t "$session" /
key "dc-east" "dc-east"
key Enter "of $hosts hosts"
tmux send-keys -t "$session" Escape
# A key sent right after Escape can reach the view with it as one sequence
# (Alt+t): give the Escape a moment of its own.
sleep 0.3
key t "grouped by job"
tmux send-keys -t "$session" q
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
