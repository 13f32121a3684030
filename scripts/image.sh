#!/usr/bin/env bash
# Builds vigia's container image from a static binary, with no container
# daemon: an OCI image layout in one tar, loadable with `podman load -i` (and
# `docker load -i` from Docker 25). The version, commit and creation time come
# from git (the commit's time, so two builds of one commit are identical);
# VERSION, REVISION and CREATED in the environment override them.
#
#   CGO_ENABLED=0 GOOS=linux GOARCH=arm64 go build -trimpath -o bin/vigia-linux-arm64 ./cmd/vigia
#   scripts/image.sh bin/vigia-linux-arm64 dist/vigia-linux-arm64.oci.tar
set -euo pipefail
if (($# != 2)); then
	echo "usage: $0 BINARY OUT.tar" >&2
	exit 2
fi
root=$(cd "$(dirname "$0")/.." && pwd)
binary=$(realpath "$1")
out=$(realpath -m "$2")
version=${VERSION:-$(sed -n 's/^const version = "\(.*\)"$/\1/p' "$root/cmd/vigia/main.go")}
revision=${REVISION:-$(git -C "$root" rev-parse HEAD)}
created=${CREATED:-$(git -C "$root" log -1 --format=%cI HEAD)}
mkdir -p "$(dirname "$out")"
go -C "$root/tools/image" run . -binary "$binary" -out "$out" \
	-version "$version" -revision "$revision" -created "$created"
