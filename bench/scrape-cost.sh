#!/usr/bin/env bash
# Measures what one /metrics scrape costs `vigia serve` against the real
# node_exporter, side by side in the same run: both run on loopback, are
# scraped alternately in rounds of BATCH scrapes (one keep-alive connection per
# round), and the CPU of each round is the utime+stime delta of the server's
# /proc/PID/stat divided by BATCH. Reports median and p90 of CPU ms per scrape,
# the ratio vigia/node_exporter, VmRSS and VmHWM of both, and the process count.
# Ratios, not absolute numbers, are what to compare on a shared machine.
# Usage: bench/scrape-cost.sh [ROUNDS] [BATCH] [SPAWN]   (defaults: 30 20 0)
# SPAWN idle processes are started first (bench/peers/spawn.sh) so the process
# count can be set, e.g. 900 for ~1,000 processes.
# Needs (Debian packages): golang-go, prometheus-node-exporter, curl, mawk or
# gawk, libc-bin (getconf), util-linux, coreutils.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-30}
batch=${2:-20}
spawn=${3:-0}
ne=${NODE_EXPORTER:-/usr/bin/prometheus-node-exporter}
CGO_ENABLED=0 go build -o bin/vigia ./cmd/vigia
hz=$(getconf CLK_TCK)
source bench/lib.sh
spawn_idle "$spawn"
neport=$(port)
vport=$(port)
mkdir "$tmp/textfile"
: >"$tmp/vigia.yaml"
# node_exporter with the current node_exporter's default exclusions, as
# cmd/vigia/nodeparity_test.go runs it.
"$ne" --web.listen-address=127.0.0.1:"$neport" --collector.textfile.directory="$tmp/textfile" \
	--no-collector.systemd --collector.netdev.device-exclude= \
	'--collector.diskstats.device-exclude=^(z?ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\d+n\d+p)\d+$' \
	'--collector.filesystem.mount-points-exclude=^/(dev|proc|run/credentials/.+|sys|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)' \
	'--collector.filesystem.fs-types-exclude=^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|erofs|sysfs|tracefs)$' \
	>"$tmp/ne.log" 2>&1 &
pids+=($!)
nepid=$!
./bin/vigia serve --listen 127.0.0.1:"$vport" --no-record --config "$tmp/vigia.yaml" >"$tmp/vigia.log" 2>&1 &
pids+=($!)
vpid=$!
for url in "http://127.0.0.1:$neport/metrics" "http://127.0.0.1:$vport/metrics"; do
	for _ in $(seq 100); do curl -sf -o /dev/null "$url" && break; sleep 0.1; done
done
sleep 2 # vigia's sensors take their first readings

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
round() { # PID PORT: prints the CPU ms per scrape of one round
	local urls=() t0 t1
	for _ in $(seq "$batch"); do urls+=(-o /dev/null "http://127.0.0.1:$2/metrics"); done
	t0=$(ticks "$1")
	curl -sf "${urls[@]}"
	t1=$(ticks "$1")
	awk -v d=$((t1 - t0)) -v hz="$hz" -v b="$batch" 'BEGIN { printf "%.3f\n", d * 1000 / hz / b }'
}
for _ in 1 2; do round "$nepid" "$neport" >/dev/null; round "$vpid" "$vport" >/dev/null; done # warm-up
for i in $(seq "$rounds"); do
	if ((i % 2)); then
		round "$nepid" "$neport" >>"$tmp/ne"
		round "$vpid" "$vport" >>"$tmp/v"
	else
		round "$vpid" "$vport" >>"$tmp/v"
		round "$nepid" "$neport" >>"$tmp/ne"
	fi
done
kib() { awk -v k="$2" '$1 == k":" {print $2}' "/proc/$1/status"; }
stats() { sort -n "$1" | awk '{a[NR] = $1} END { printf "%.2f %.2f", a[int((NR + 1) / 2)], a[int(NR * 0.9 + 0.999)] }'; }
read -r nem nep <<<"$(stats "$tmp/ne")"
read -r vm vp <<<"$(stats "$tmp/v")"
# A process that exits mid-listing makes find complain; the count stays right.
nproc=$( (find /proc -maxdepth 1 -name '[0-9]*' 2>/dev/null || true) | wc -l)
nes=$(curl -sf "http://127.0.0.1:$neport/metrics" | grep -vc '^#')
vs=$(curl -sf "http://127.0.0.1:$vport/metrics" | grep -vc '^#')
printf '%d rounds of %d scrapes each, alternating; %d processes; CLK_TCK %d\n' "$rounds" "$batch" "$nproc" "$hz"
printf '%-14s %10s %10s %10s %10s %8s\n' "" "CPU ms med" "CPU ms p90" "RSS MiB" "HWM MiB" "series"
awk -v nem="$nem" -v nep="$nep" -v vm="$vm" -v vp="$vp" -v ner="$(kib "$nepid" VmRSS)" -v neh="$(kib "$nepid" VmHWM)" \
	-v vr="$(kib "$vpid" VmRSS)" -v vh="$(kib "$vpid" VmHWM)" -v nes="$nes" -v vs="$vs" 'BEGIN {
	printf "%-14s %10.2f %10.2f %10.1f %10.1f %8d\n", "node_exporter", nem, nep, ner / 1024, neh / 1024, nes
	printf "%-14s %10.2f %10.2f %10.1f %10.1f %8d\n", "vigia serve", vm, vp, vr / 1024, vh / 1024, vs
	printf "ratio vigia/node_exporter: CPU median %.2f, p90 %.2f; RSS %.2f, HWM %.2f\n", (nem ? vm / nem : 0), (nep ? vp / nep : 0), vr / ner, vh / neh
}'
