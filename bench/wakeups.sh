#!/usr/bin/env bash
# wakeups.sh SECONDS PID [PID...] - what each running program costs over one
# window: CPU (utime+stime of the whole process, ms) and how often its threads
# went to sleep (voluntary context switches summed over /proc/PID/task/*,
# a sleep per wake-up) or were taken off the CPU (involuntary), per second.
# Threads that end during the window are not counted, so start measuring
# after the program has settled.
#
# Needs (Debian packages): bash, coreutils, gawk or mawk, libc-bin (getconf).
set -euo pipefail
secs=${1:?usage: wakeups.sh SECONDS PID [PID...]}
shift
hz=$(getconf CLK_TCK)

sample() { # PID -> "ticks voluntary involuntary threads"
	local t=0 v=0 n=0 k=0 f
	read -r t < <(awk '{sub(/.*\) /, ""); print $12 + $13}' "/proc/$1/stat")
	for f in /proc/"$1"/task/*/status; do
		read -r a b < <(awk '/^voluntary_ctxt_switches/ {v=$2} /^nonvoluntary_ctxt_switches/ {n=$2} END {print v, n}' "$f" 2>/dev/null || echo "0 0")
		v=$((v + a)) n=$((n + b)) k=$((k + 1))
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
	awk -v p="$p" -v t="$((t1 - t0))" -v v="$((v1 - v0))" -v n="$((n1 - n0))" -v k="$k" -v s="$secs" -v hz="$hz" \
		'BEGIN {printf "%-8s %10.0f %8.2f %12.1f %14.1f %8d\n", p, t*1000/hz, t*100/hz/s, v/s, n/s, k}'
done
