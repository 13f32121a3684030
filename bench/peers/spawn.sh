#!/bin/bash
# spawn.sh N [PGID_FILE] - start N idle processes (`sleep 100000`) as children
# of one parent in a new session / process group, wait until all N are alive,
# print the process-group id (== the parent's PID) and write it to PGID_FILE.
#
# Stop them with:  kill -TERM -- -PGID     (the whole group, by its id)
# or:              spawn.sh --kill PGID
#
# Needs (Debian packages): bash, coreutils, util-linux (setsid), mawk or
# gawk: all in a base system.
set -euo pipefail

if [[ ${1:-} == --kill ]]; then
	pgid=${2:?usage: spawn.sh --kill PGID}
	[[ $pgid =~ ^[1-9][0-9]*$ ]] || { echo "spawn.sh: bad PGID '$pgid'" >&2; exit 2; }
	kill -TERM -- "-$pgid" 2>/dev/null || true
	exit 0
fi

n=${1:?usage: spawn.sh N [PGID_FILE] | spawn.sh --kill PGID}
[[ $n =~ ^[0-9]+$ ]] || { echo "spawn.sh: N must be a non-negative integer, got '$n'" >&2; exit 2; }
pgidfile=${2:-}
if (( n == 0 )); then
	[[ -n $pgidfile ]] && : >"$pgidfile"
	exit 0
fi

# setsid: new session and process group whose id is the parent's PID.
# The parent forks N sleeps and then waits for them (so none of them reparents
# to init and all stay in the group). stdin/out/err detached.
setsid bash -c 'for ((i = 0; i < $1; i++)); do sleep 100000 & done; wait' spawn-parent "$n" \
	</dev/null >/dev/null 2>&1 &
parent=$!

# wait until the parent runs in its own group and all N children exist
for _ in $(seq 600); do
	if [[ -r /proc/$parent/task/$parent/children ]]; then
		kids=$(wc -w </proc/$parent/task/$parent/children)
		pg=$(awk '{sub(/.*\) /, ""); print $3}' /proc/$parent/stat 2>/dev/null || echo 0)
		if (( kids >= n )) && [[ $pg == "$parent" ]]; then
			[[ -n $pgidfile ]] && echo "$parent" >"$pgidfile"
			echo "$parent"
			exit 0
		fi
	fi
	sleep 0.1
done
echo "spawn.sh: only ${kids:-0}/$n children after 60 s; killing group $parent" >&2
kill -TERM -- "-$parent" 2>/dev/null || true
exit 1
