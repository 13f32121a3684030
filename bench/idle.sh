# idle.sh NAME - sourced by the bench scripts, with peers set to the peer
# harness: makes a scratch directory $work (/tmp/vigia-NAME.XXXXXX) and
# defines spawn_idle N, which starts N idle processes with spawn.sh and lets
# them settle. On exit the scratch directory is removed and the spawned
# group, and only it, is stopped by its id.
#
# Needs (Debian packages): bash, coreutils, util-linux.
work=$(mktemp -d "/tmp/vigia-$1.XXXXXX")
pgid=
cleanup() {
	[[ -n $pgid ]] && "$peers/spawn.sh" --kill "$pgid"
	rm -rf "$work"
}
trap cleanup EXIT

spawn_idle() {
	if (($1 > 0)); then
		pgid=$("$peers/spawn.sh" "$1")
		sleep 2
	fi
}
