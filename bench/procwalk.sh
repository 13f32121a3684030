#!/bin/bash
# procwalk.sh - what one steady-state pass over the process table costs,
# against the C floor (limit -b, from the peer harness), in the same run.
#
#   bench/procwalk.sh [-n EXTRA] [-p PASSES] [-c COUNT]
#
# Spawns EXTRA idle processes (default 1000) with the peer harness's
# spawn.sh, builds limit.c with gcc -O2, then alternates `limit -b PASSES`
# with the Go benchmarks of one pass (procfs.ProcTable.Scan, held
# descriptors and open/read/close) and of a whole sensor read (the pass plus
# the emitted table), COUNT rounds each; then repeats the held-descriptor
# pass under `ulimit -n 64` to show the fallback. Prints medians and the
# ratio to limit. The spawned group is stopped by its id on exit.
#
# Needs: go, gcc, and ../shared/bench/peers beside the repository (or
# PEERS=DIR). Only processes this script starts are stopped.
set -euo pipefail

extra=1000 passes=200 count=5
while getopts "n:p:c:h" opt; do
	case $opt in
	n) extra=$OPTARG ;;
	p) passes=$OPTARG ;;
	c) count=$OPTARG ;;
	*) sed -n '2,18p' "$0"; exit 2 ;;
	esac
done
for v in "$extra" "$passes" "$count"; do
	[[ $v =~ ^[0-9]+$ ]] || { echo "procwalk.sh: numbers only, got '$v'" >&2; exit 2; }
done

repo=$(cd "$(dirname "$0")/.." && pwd)
peers=${PEERS:-$(dirname "$repo")/shared/bench/peers}
[[ -r $peers/limit.c && -x $peers/spawn.sh ]] || { echo "procwalk.sh: no limit.c/spawn.sh in $peers (set PEERS=DIR)" >&2; exit 2; }
work=$(mktemp -d /tmp/vigia-procwalk.XXXXXX)
pgid=
cleanup() {
	[[ -n $pgid ]] && "$peers/spawn.sh" --kill "$pgid"
	rm -rf "$work"
}
trap cleanup EXIT

gcc -O2 -Wall -o "$work/limit" "$peers/limit.c"
(cd "$repo" && go test -c -o "$work/procfs.test" ./internal/procfs && go test -c -o "$work/sensor.test" ./internal/sensor)

if ((extra > 0)); then
	pgid=$("$peers/spawn.sh" "$extra")
	sleep 2
fi

limit_us=() keep_ns=() open_ns=() read_ns=() low_ns=() low_fds=
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
field() { awk -v k="$1" '{for (i = 1; i <= NF; i++) if ($i == k) print $(i-1)}'; }

for ((round = 1; round <= count; round++)); do
	l=$("$work/limit" -b "$passes" 2>&1 >/dev/null | tr ' ' '\n' | awk -F= '$1 == "mean_us" {print $2}')
	limit_us+=("$l")
	out=$(cd "$repo/internal/procfs" && "$work/procfs.test" -test.run '^$' -test.bench '^BenchmarkProcTable$' -test.benchtime "${passes}x" -test.benchmem)
	keep_ns+=("$(grep 'ProcTable/keepfd' <<<"$out" | field ns/op)")
	open_ns+=("$(grep 'ProcTable/openread' <<<"$out" | field ns/op)")
	out=$(cd "$repo/internal/sensor" && "$work/sensor.test" -test.run '^$' -test.bench '^BenchmarkProcessesRead$' -test.benchtime "${passes}x" -test.benchmem)
	read_ns+=("$(grep 'ProcessesRead' <<<"$out" | field ns/op)")
	read_allocs=$(grep 'ProcessesRead' <<<"$out" | field allocs/op)
	procs=$(grep 'ProcessesRead' <<<"$out" | field procs)
	out=$(ulimit -n 64 && cd "$repo/internal/procfs" && "$work/procfs.test" -test.run '^$' -test.bench '^BenchmarkProcTable$/keepfd' -test.benchtime "${passes}x" -test.benchmem)
	low_ns+=("$(grep 'ProcTable/keepfd' <<<"$out" | field ns/op)")
	low_fds=$(grep 'ProcTable/keepfd' <<<"$out" | field heldfds)
	echo "round $round: limit ${l} us, keepfd ${keep_ns[-1]} ns, openread ${open_ns[-1]} ns, sensor read ${read_ns[-1]} ns, keepfd under ulimit -n 64 ${low_ns[-1]} ns" >&2
done

lim=$(median "${limit_us[@]}")
row() { # name ns
	awk -v n="$1" -v ns="$2" -v lim="$lim" 'BEGIN {printf "| %s | %.2f ms | %.2f |\n", n, ns/1e6, ns/1e3/lim}'
}
echo "processes: $procs (extra: $extra); passes per measurement: $passes; rounds: $count (medians)"
echo
echo "| pass | time per pass | × limit -b |"
echo "|---|---|---|"
awk -v lim="$lim" 'BEGIN {printf "| limit -b (C: stat+statm, open/read/close) | %.2f ms | 1.00 |\n", lim/1e3}'
row "vigia ProcTable.Scan, held stat descriptors (keepfd)" "$(median "${keep_ns[@]}")"
row "vigia ProcTable.Scan, open/read/close" "$(median "${open_ns[@]}")"
row "vigia Processes.Read (pass + emitted table, $read_allocs allocs)" "$(median "${read_ns[@]}")"
row "vigia ProcTable.Scan, keepfd under ulimit -n 64 ($low_fds held)" "$(median "${low_ns[@]}")"
