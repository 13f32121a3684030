#!/usr/bin/env bash
# wakeups.sh SECONDS PID [PID...] - what each running program costs over one
# window: CPU (the nanoseconds its threads ran, summed over
# /proc/PID/task/*/schedstat, where utime+stime counts 10 ms ticks: a
# program using 0.4 % of a core is 12 ticks in 30 s, too coarse to tell 5 %
# apart) and how often its threads went to sleep (voluntary context
# switches summed over /proc/PID/task/*, a sleep per wake-up) or were taken
# off the CPU (involuntary), per second.
# Threads that end during the window are not counted, so start measuring
# after the program has settled.
#
# Needs (Debian packages): bash, coreutils, gawk or mawk; a kernel with
# schedstat (CONFIG_SCHED_INFO, as Debian's).
set -euo pipefail
secs=${1:?usage: wakeups.sh SECONDS PID [PID...]}
shift

sample() { # PID -> "ns voluntary involuntary threads"
	local t=0 v=0 n=0 k=0 f ns
	for f in /proc/"$1"/task/*; do
		read -r ns _ <"$f/schedstat" 2>/dev/null || ns=0
		read -r a b < <(awk '/^voluntary_ctxt_switches/ {v=$2} /^nonvoluntary_ctxt_switches/ {n=$2} END {print v, n}' "$f/status" 2>/dev/null || echo "0 0")
		t=$((t + ns)) v=$((v + a)) n=$((n + b)) k=$((k + 1))
	done
	echo "$t $v $n $k"
}

declare -A before
for p in "$@"; do before[$p]=$(sample "$p"); done
sleep "$secs"
printf '%-8s %10s %8s %12s %14s %8s\n' pid cpu_ms cpu_% voluntary/s involuntary/s threads
for p in "$@"; do
	read -r t0 v0 n0 _ <<<"${before[$p]}"
	read -r t1 v1 n1 k <<<"$(sample "$p")"
	awk -v p="$p" -v t="$((t1 - t0))" -v v="$((v1 - v0))" -v n="$((n1 - n0))" -v k="$k" -v s="$secs" \
		'BEGIN {printf "%-8s %10.1f %8.3f %12.1f %14.1f %8d\n", p, t/1e6, t/1e7/s, v/s, n/s, k}'
done
