#!/usr/bin/env bash
# Runs cmd/vigia's end-to-end tests once more as an unprivileged user, so
# what vigia promises without root (docs/install.md, "Running without root")
# is tested where the rest of the suite runs as root.
#
# Only the tests that run the built binary against this machine: watch,
# snapshot, top in tmux (signals included), serve and its API, history,
# record, replay and report, and the cgroups e2e test. They are where being
# unprivileged changes what vigia can read or do; the rest of the package
# (completion, man, fleet against Prometheus, Chromium) reads fixtures or
# talks to servers it starts itself, runs the same as any user, and would
# only add minutes. The test binary and vigia are built as the calling user,
# so the unprivileged one needs no Go toolchain or module cache; the sources
# are copied where it may read them (a checkout under /root is not).
# Arguments go to the test binary: scripts/nonroot-e2e.sh -test.v
set -euo pipefail
cd "$(dirname "$0")/.."

tests='^Test(Watch|Snapshot|Top|Serve|History|Report|Replay|Cgroups|Signal|Held|Hold|NoPidfd|Interrupt|Hangup|Unprivileged)'

if [[ $(id -u) != 0 ]]; then
	echo "nonroot-e2e: not root, so the suite already ran unprivileged" >&2
	exit 0
fi
user=vigia-e2e
id -u "$user" >/dev/null 2>&1 ||
	useradd --system --no-create-home --user-group --home-dir /nonexistent --shell /usr/sbin/nologin "$user"

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
chmod 755 "$dir"
CGO_ENABLED=0 go build -o "$dir/vigia" ./cmd/vigia
CGO_ENABLED=1 go test -c -race -o "$dir/vigia.test" ./cmd/vigia
# The tests read their fixtures by paths relative to cmd/vigia.
mkdir "$dir/src"
tar -c --exclude=.git --exclude=./bin cmd internal examples docs deploy | tar -x -C "$dir/src"
install -d -o "$user" -g "$user" -m 700 "$dir/home"

cd "$dir/src/cmd/vigia"
setpriv --reuid="$user" --regid="$user" --init-groups \
	env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$dir/home" TMPDIR="$dir/home" LANG=C.UTF-8 ${TZ:+TZ="$TZ"} \
	VIGIA_E2E_BIN="$dir/vigia" \
	"$dir/vigia.test" -test.count=1 -test.timeout=10m -test.run "$tests" "$@"
