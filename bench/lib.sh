# Sourced by the bench scripts that run servers side by side: a private
# temporary directory, the PIDs they start (in pids, stopped by PID at
# exit), idle processes spawned as one process group (stopped by its id)
# and free loopback ports. Run from the repository's root.
tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	[[ -s $tmp/pgid ]] && bench/peers/spawn.sh --kill "$(cat "$tmp/pgid")"
	rm -rf "$tmp"
}
trap cleanup EXIT

# spawn_idle N starts N idle processes (none for 0) and waits until they exist.
spawn_idle() {
	if (($1 > 0)); then bench/peers/spawn.sh "$1" "$tmp/pgid" >/dev/null; fi
}

# port prints a free loopback TCP port.
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# measure_windows SECONDS ROUNDS measures ROUNDS windows of SECONDS with
# bench/wakeups.sh over the PIDs in the caller's measured array, each line
# labelled with the same place's name in names.
measure_windows() {
	local r
	for ((r = 1; r <= $2; r++)); do
		bench/wakeups.sh "$1" "${measured[@]}" | tail -n +2 |
			awk -v names="${names[*]}" -v r="$r" 'BEGIN {split(names, n, " ")}
				{printf "round %d  %-16s %7s %% of a core  %7s wake-ups/s\n", r, n[NR], $3, $4}'
	done
}

# sidebyside USAGE SECONDS ROUNDS SPAWN NAME=CMD... reads a side-by-side
# script's arguments into secs, rounds and specs (the NAME=CMD pairs) and
# starts SPAWN idle processes.
sidebyside() {
	local usage=$1
	secs=${2:?$usage} rounds=${3:?$usage}
	specs=("${@:5}")
	((${#specs[@]} > 0)) || { echo "$usage" >&2; exit 2; }
	spawn_idle "${4:?$usage}"
}
