#!/bin/bash
# preadcost.sh - what a pread of a held /proc/PID/schedstat costs against one
# of /proc/PID/stat, and the kernel memory a held descriptor takes, with
# EXTRA idle processes in /proc (the figures "Process walk" in
# docs/PERFORMANCE.md cites).
#
#   bench/preadcost.sh [-n EXTRA] [-r ROUNDS]
#
# Builds preadcost.c with gcc -O2 into a temporary directory, spawns EXTRA
# idle processes (default 1000) with bench/peers/spawn.sh, runs preadcost
# with ROUNDS passes (default 50) and prints its key=value line. The
# spawned group is stopped by its id on exit.
#
# Needs (Debian packages): gcc (with libc6-dev), coreutils, util-linux.
set -euo pipefail

extra=1000 rounds=50
while getopts "n:r:h" opt; do
	case $opt in
	n) extra=$OPTARG ;;
	r) rounds=$OPTARG ;;
	*) sed -n '2,14p' "$0"; exit 2 ;;
	esac
done
for v in "$extra" "$rounds"; do
	[[ $v =~ ^[0-9]+$ ]] || { echo "preadcost.sh: numbers only, got '$v'" >&2; exit 2; }
done

here=$(cd "$(dirname "$0")" && pwd)
peers=$here/peers
. "$here/idle.sh" preadcost

gcc -O2 -Wall -o "$work/preadcost" "$here/preadcost.c"
spawn_idle "$extra"
"$work/preadcost" -r "$rounds"
