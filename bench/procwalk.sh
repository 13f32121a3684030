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
# Needs (Debian packages): golang-go (or the Go of go.mod), gcc, mawk or
# gawk, coreutils, util-linux; limit.c and spawn.sh come from bench/peers
# (PEERS=DIR for another copy). Only processes this script starts are
# stopped.
set -euo pipefail

extra=1000 passes=200 count=5
while getopts "n:p:c:h" opt; do
	case $opt in
	n) extra=$OPTARG ;;
	p) passes=$OPTARG ;;
	c) count=$OPTARG ;;
	*) sed -n '2,19p' "$0"; exit 2 ;;
	esac
done
for v in "$extra" "$passes" "$count"; do
	[[ $v =~ ^[0-9]+$ ]] || { echo "procwalk.sh: numbers only, got '$v'" >&2; exit 2; }
done

repo=$(cd "$(dirname "$0")/.." && pwd)
peers=${PEERS:-$repo/bench/peers}
[[ -r $peers/limit.c && -x $peers/spawn.sh ]] || { echo "procwalk.sh: no limit.c/spawn.sh in $peers (set PEERS=DIR)" >&2; exit 2; }
. "$repo/bench/idle.sh" procwalk

gcc -O2 -Wall -o "$work/limit" "$peers/limit.c"
(cd "$repo" && go test -c -o "$work/procfs.test" ./internal/procfs && go test -c -o "$work/sensor.test" ./internal/sensor)

spawn_idle "$extra"

# Wall time per pass, and CPU time (user+system, from getrusage) per pass:
# on a shared machine the CPU time is the steadier of the two.
limit_us=() limit_cpu=() keep_ns=() keep_cpu=() all_ns=() all_cpu=() open_ns=() open_cpu=() read_ns=() read_cpu=() low_ns=() low_cpu=() low_fds=
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
field() { awk -v k="$1" '{for (i = 1; i <= NF; i++) if ($i == k) print $(i-1)}'; }

for ((round = 1; round <= count; round++)); do
	lout=$("$work/limit" -b "$passes" 2>&1 >/dev/null | tr ' ' '\n')
	l=$(awk -F= '$1 == "mean_us" {print $2}' <<<"$lout")
	limit_us+=("$l")
	limit_cpu+=("$(awk -F= '$1 == "cpu_us_per_pass" {print $2}' <<<"$lout")")
	out=$(cd "$repo/internal/procfs" && "$work/procfs.test" -test.run '^$' -test.bench '^BenchmarkProcTable$' -test.benchtime "${passes}x" -test.benchmem)
	keep_ns+=("$(grep -E 'ProcTable/keepfd(-[0-9]+)?[[:space:]]' <<<"$out" | field ns/op)")
	keep_cpu+=("$(grep -E 'ProcTable/keepfd(-[0-9]+)?[[:space:]]' <<<"$out" | field cpu-ns/op)")
	all_ns+=("$(grep 'ProcTable/keepfd-nowatch' <<<"$out" | field ns/op)")
	all_cpu+=("$(grep 'ProcTable/keepfd-nowatch' <<<"$out" | field cpu-ns/op)")
	open_ns+=("$(grep 'ProcTable/openread' <<<"$out" | field ns/op)")
	open_cpu+=("$(grep 'ProcTable/openread' <<<"$out" | field cpu-ns/op)")
	out=$(cd "$repo/internal/sensor" && "$work/sensor.test" -test.run '^$' -test.bench '^BenchmarkProcessesRead$' -test.benchtime "${passes}x" -test.benchmem)
	read_ns+=("$(grep 'ProcessesRead' <<<"$out" | field ns/op)")
	read_cpu+=("$(grep 'ProcessesRead' <<<"$out" | field cpu-ns/op)")
	read_allocs=$(grep 'ProcessesRead' <<<"$out" | field allocs/op)
	procs=$(grep 'ProcessesRead' <<<"$out" | field procs)
	out=$(ulimit -n 64 && cd "$repo/internal/procfs" && "$work/procfs.test" -test.run '^$' -test.bench '^BenchmarkProcTable$/^keepfd$' -test.benchtime "${passes}x" -test.benchmem)
	low_ns+=("$(grep 'ProcTable/keepfd' <<<"$out" | field ns/op)")
	low_cpu+=("$(grep 'ProcTable/keepfd' <<<"$out" | field cpu-ns/op)")
	low_fds=$(grep 'ProcTable/keepfd' <<<"$out" | field heldfds)
	echo "round $round (wall/cpu): limit ${l}/${limit_cpu[-1]} us, keepfd ${keep_ns[-1]}/${keep_cpu[-1]} ns," \
		"keepfd reading every stat ${all_ns[-1]}/${all_cpu[-1]} ns," \
		"openread ${open_ns[-1]}/${open_cpu[-1]} ns, sensor read ${read_ns[-1]}/${read_cpu[-1]} ns," \
		"keepfd under ulimit -n 64 ${low_ns[-1]}/${low_cpu[-1]} ns" >&2
done

lim=$(median "${limit_us[@]}")
limc=$(median "${limit_cpu[@]}")
row() { # name wall-ns cpu-ns
	awk -v n="$1" -v ns="$2" -v cpu="$3" -v lim="$lim" -v limc="$limc" \
		'BEGIN {printf "| %s | %.2f ms | %.2f | %.2f ms | %.2f |\n", n, ns/1e6, ns/1e3/lim, cpu/1e6, cpu/1e3/limc}'
}
echo "processes: $procs (extra: $extra); passes per measurement: $passes; rounds: $count (medians); load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| pass | wall per pass | × limit | CPU per pass | × limit |"
echo "|---|---|---|---|---|"
row "limit -b (C: stat+statm, open/read/close)" "$(awk -v v="$lim" 'BEGIN {print v*1e3}')" "$(awk -v v="$limc" 'BEGIN {print v*1e3}')"
row "vigia ProcTable.Scan, default (held descriptors, idle processes watched)" "$(median "${keep_ns[@]}")" "$(median "${keep_cpu[@]}")"
row "vigia ProcTable.Scan, held stat descriptors, every stat read (NoWatch)" "$(median "${all_ns[@]}")" "$(median "${all_cpu[@]}")"
row "vigia ProcTable.Scan, open/read/close" "$(median "${open_ns[@]}")" "$(median "${open_cpu[@]}")"
row "vigia Processes.Read (pass + emitted table, $read_allocs allocs)" "$(median "${read_ns[@]}")" "$(median "${read_cpu[@]}")"
row "vigia ProcTable.Scan, keepfd under ulimit -n 64 ($low_fds held)" "$(median "${low_ns[@]}")" "$(median "${low_cpu[@]}")"
