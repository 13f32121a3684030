#!/usr/bin/env bash
# Builds a vigia release into dist/: a static binary for each target, a
# .deb, an .rpm and a container image (OCI tar) for each Linux one, a
# CycloneDX SBOM for each binary,
# and SHA256SUMS over them all.
#
#   scripts/release.sh [-o DIR] [-t "linux/amd64 linux/arm/7 ..."]
#
# The version, commit and date are not passed in: the toolchain records
# them from git (-buildvcs): the version is the tag on the commit (vX.Y.Z)
# or a pseudo-version after the nearest tag, the date is the commit's.
# Nothing depends on the clock or the checkout's path, so two runs on one
# commit give the same bytes (deploy/release_test.go checks it).
# The script builds what is committed, not the working tree.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=dist
# os/arch[/GOARM]
targets="linux/amd64 linux/arm64 linux/arm/7 linux/riscv64 darwin/amd64 darwin/arm64"
while getopts o:t: opt; do
	case $opt in
	o) out=$OPTARG ;;
	t) targets=$OPTARG ;;
	*) exit 2 ;;
	esac
done
mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -f "$out"/vigia[-_]* "$out"/SHA256SUMS

if [[ -n $(git status --porcelain --untracked-files=no) ]]; then
	echo "release: uncommitted edits are left out: the release is of the commit" >&2
fi

# Built in a clone of HEAD: only committed work goes in, and the toolchain
# finds the repository there (it records nothing in a git worktree, whose
# .git is a file).
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git clone --quiet --no-hardlinks "$root" "$tmp/src"
root=$tmp/src
cd "$root"
export CGO_ENABLED=0
# The packager is its own module, so nfpm stays out of vigia's go.mod.
go -C tools/package build -trimpath -o "$tmp/package" .

build() { # os arch goarm output
	GOOS=$1 GOARCH=$2 GOARM=$3 go build -trimpath -buildvcs=true -ldflags='-s -w' -o "$4" ./cmd/vigia
}

host=""
linux=()
for t in $targets; do
	IFS=/ read -r os arch arm <<<"$t"
	build "$os" "$arch" "$arm" "$tmp/vigia"
	version=$(go version -m "$tmp/vigia" | awk '$1 == "mod" { sub(/^v/, "", $3); print $3 }')
	name=vigia-$version-$os-$arch${arm:+v$arm}
	mv "$tmp/vigia" "$out/$name"
	"$tmp/package" sbom -binary "$out/$name" >"$out/$name.cdx.json"
	[[ $os == linux ]] && linux+=("$out/$name")
	[[ $os/$arch == $(go env GOHOSTOS)/$(go env GOHOSTARCH) ]] && host=$out/$name
done

# The man page and completions come from a binary that runs here, when it
# has the commands that write them.
if [[ -z $host ]]; then
	host=$tmp/vigia-host
	build "$(go env GOHOSTOS)" "$(go env GOHOSTARCH)" "" "$host"
fi
share=$tmp/share
mkdir -p "$share/man" "$share/completions"
"$host" man >"$share/man/vigia.1" 2>/dev/null || rm -f "$share/man/vigia.1"
for shell in bash zsh fish; do
	file=vigia.$shell
	[[ $shell == zsh ]] && file=_vigia
	"$host" completion "$shell" >"$share/completions/$file" 2>/dev/null || rm -f "$share/completions/$file"
done

for bin in "${linux[@]}"; do
	for format in deb rpm; do
		"$tmp/package" "$format" -binary "$bin" -root "$root" -share "$share" -o "$out" >/dev/null
	done
	# The container image of the binary, no base and no daemon
	# (docs/container.md), versioned as the binary is.
	VERSION=$version "$root/scripts/image.sh" "$bin" "$bin.oci.tar"
done

(cd "$out" && find . -maxdepth 1 -type f -name 'vigia[-_]*' -printf '%P\n' | LC_ALL=C sort | xargs sha256sum >SHA256SUMS)
echo "release: $(wc -l <"$out/SHA256SUMS") files in $out" >&2
