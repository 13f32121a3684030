#!/bin/bash
# store-record-ab.sh - the history store's recording cost at an earlier
# revision and in the work tree, alternated in one run.
#
#   bench/store-record-ab.sh [-r REV] [-c COUNT] [-n MINUTES]
#
# Builds internal/store's test binary at REV (default HEAD~1, from git
# archive) and from the work tree, then runs BenchmarkRecord (MINUTES
# simulated minutes after a warm-up hour, default 60) COUNT times each
# (default 3), alternating, and prints each run's CPU (% of one core) and
# file growth (MiB/day) and their medians. Other load on the machine moves
# both alike; say what it was (uptime is printed) when quoting the numbers.
#
# Needs: the Go of go.mod, git, awk, coreutils.
set -euo pipefail

rev=HEAD~1 count=3 minutes=60
while getopts "r:c:n:h" opt; do
	case $opt in
	r) rev=$OPTARG ;;
	c) count=$OPTARG ;;
	n) minutes=$OPTARG ;;
	*) sed -n '2,13p' "$0"; exit 2 ;;
	esac
done
for v in "$count" "$minutes"; do
	[[ $v =~ ^[0-9]+$ ]] || { echo "store-record-ab.sh: numbers only, got '$v'" >&2; exit 2; }
done

repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git -C "$repo" rev-parse --verify --quiet "$rev^{commit}" >/dev/null || { echo "store-record-ab.sh: no revision '$rev'" >&2; exit 2; }
mkdir "$work/old"
git -C "$repo" archive "$rev" | tar -x -C "$work/old"
(cd "$work/old" && go test -c -o "$work/old.test" ./internal/store)
(cd "$repo" && go test -c -o "$work/new.test" ./internal/store)

uptime
for i in $(seq "$count"); do
	for which in old new; do
		"$work/$which.test" -test.run XXX -test.bench 'BenchmarkRecord$' -test.benchtime "${minutes}x" |
			awk -v w="$which" '/^BenchmarkRecord/ { for (i = 1; i <= NF; i++) { if ($(i+1) == "%core") c = $i; if ($(i+1) == "MiB/day") d = $i }; print w, c, d }'
	done
done | tee "$work/runs" | awk '{ print $1 ": " $2 " %core, " $3 " MiB/day" }'
uptime
for which in old new; do
	awk -v w="$which" '$1 == w { print $2 }' "$work/runs" | sort -g | awk -v w="$which" '{ a[NR] = $1 } END { printf "%s median: %s %%core\n", w, a[int((NR + 1) / 2)] }'
	awk -v w="$which" '$1 == w { print $3 }' "$work/runs" | sort -g | awk -v w="$which" '{ a[NR] = $1 } END { printf "%s median: %s MiB/day\n", w, a[int((NR + 1) / 2)] }'
done
