#!/bin/bash
# run.sh - measure the overhead of terminal system monitors side by side.
# Builds ./limit (the C floor) if needed, then runs bench.py; see README.md
# and `bench/peers/run.sh --help`.
#
# Needs (Debian packages): python3, gcc, tmux, curl; and the monitors it
# measures: procps (top), htop, btop, glances, prometheus-node-exporter
# (atop too for --with atop).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
work=${PEERS_WORK:-$here}
[[ -w $work ]] || work=/tmp/vigia-peers
mkdir -p "$work"
export PEERS_WORK=$work
if [[ ! -x $work/limit || $here/limit.c -nt $work/limit ]]; then
	gcc -O2 -Wall -o "$work/limit" "$here/limit.c"
fi
exec /usr/bin/python3 "$here/bench.py" "$@"
