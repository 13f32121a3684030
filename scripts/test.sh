#!/usr/bin/env bash
# Runs every test of vigia on a fresh Debian machine: installs what the tests
# need (real Prometheus, VictoriaMetrics, Alertmanager, node_exporter, Chromium,
# tmux, ip and unshare for the fleet of namespaces, the time zone database, lintian and systemd-analyze for the packages and
# the unit, podman for the image), then checks go.mod is tidy, vets (go vet,
# staticcheck) and runs the whole suite under the race detector, and runs what shows local time
# once more in a far time zone.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(prometheus victoria-metrics prometheus-alertmanager prometheus-node-exporter chromium tmux iproute2 util-linux procps tzdata zsh fish groff-base podman runc lintian systemd adduser)
missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
	sudo=""
	[[ $(id -u) == 0 ]] || sudo="sudo"
	echo "installing test dependencies: ${missing[*]}" >&2
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

export CGO_ENABLED=0 # the binary is static; the race detector below needs cgo
go mod download
go mod tidy -diff # go.mod and go.sum say exactly what the code imports
go vet ./...
# The packager is a module of its own (nfpm stays out of vigia's go.mod).
go -C tools/package mod download
go -C tools/package mod tidy -diff
go -C tools/package vet ./...
# staticcheck, pinned and built once into bin/ (ignored by git) from the module proxy
staticcheck=bin/staticcheck-v0.7.0
[[ -x $staticcheck ]] || { GOBIN=$PWD/bin go install honnef.co/go/tools/cmd/staticcheck@v0.7.0 && mv bin/staticcheck "$staticcheck"; }
"$staticcheck" ./...
unformatted=$(gofmt -l cmd internal deploy tools)
if [[ -n $unformatted ]]; then
	echo "gofmt would change: $unformatted" >&2
	exit 1
fi
CGO_ENABLED=0 go build -o bin/vigia ./cmd/vigia
GOOS=darwin go build ./... # other platforms compile, with sensors unsupported
# deploy/'s tests install the .deb on this machine (as root) and purge it.
VIGIA_SYSTEM_TESTS=1 CGO_ENABLED=1 go test -race -count=1 -timeout 30m "$@" ./...
# The end-to-end tests of the binary once more as an unprivileged user: vigia
# promises to work without root (docs/install.md). The script says which tests
# and why those (about a minute and a half).
scripts/nonroot-e2e.sh
# Times are shown in local time. Run what formats or buckets it once more at
# UTC+14, where the day starts first, so a test that takes the machine's zone
# or hour for granted fails here whatever the hour and zone of the machine.
TZ=Pacific/Kiritimati CGO_ENABLED=1 go test -count=1 ./internal/stream/ ./internal/store/ ./internal/tui/
TZ=Pacific/Kiritimati CGO_ENABLED=1 go test -count=1 -run 'History|Report|Replay|Watch' ./cmd/vigia/
# The container image builder is a module of its own (its test libraries stay
# out of vigia's go.mod); its system test builds the image and runs it in podman.
(cd tools/image && go mod tidy -diff && go vet ./... && test -z "$(gofmt -l .)" && VIGIA_SYSTEM_TESTS=1 go test -count=1 ./...)
