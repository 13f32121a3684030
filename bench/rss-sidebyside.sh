#!/usr/bin/env bash
# Peak RSS of `vigia serve --no-record` against node_exporter, started at the
# same moment and scraped once a second side by side, so both see the same
# process table and load (bench/peers runs programs one after another: on a
# shared machine whose process count drifts, vigia's table, which grows with
# it, and node_exporter's do not see the same machine). After SECONDS of
# scrapes (25: the peer harness's 5 s warm-up and 20 s window) it prints, for
# each, VmHWM, the anonymous and file-backed parts of VmRSS, and the binary's
# own pages (text, read-only data and pclntab, data). Each extra argument is
# another vigia binary to run beside the first (e.g. one built from main).
# Usage: bench/rss-sidebyside.sh [SECONDS] [SPAWN] [VIGIA_BINARY...]
# SPAWN idle processes are started first (bench/peers/spawn.sh).
# Needs: golang-go, prometheus-node-exporter, curl, python3, coreutils.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-25}
spawn=${2:-0}
shift 2 || shift $#
ne=${NODE_EXPORTER:-/usr/bin/prometheus-node-exporter}
CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o bin/vigia ./cmd/vigia
bins=(bin/vigia "$@")
source bench/lib.sh
spawn_idle "$spawn"

names=() urls=()
p=$(port)
"$ne" --web.listen-address=127.0.0.1:"$p" >"$tmp/ne.log" 2>&1 &
pids+=($!) names+=("node_exporter") urls+=("http://127.0.0.1:$p/metrics")
for b in "${bins[@]}"; do
	p=$(port)
	HOME=$tmp "$b" serve --no-record --listen 127.0.0.1:"$p" >"$tmp/v$p.log" 2>&1 &
	pids+=($!) names+=("$b serve --no-record") urls+=("http://127.0.0.1:$p/metrics")
done
for ((i = 0; i < secs; i++)); do
	sleep 1
	for u in "${urls[@]}"; do curl -s -o /dev/null "$u" || true; done
done
echo "processes: $(ls -d /proc/[0-9]* 2>/dev/null | wc -l), load: $(cut -d' ' -f1-3 /proc/loadavg), after $secs s of 1/s scrapes"
echo "| program | peak RSS MiB | anon MiB | file MiB | its binary: text / rodata+pclntab / data, MiB |"
echo "|---|---:|---:|---:|---:|"
for i in "${!pids[@]}"; do
	pid=${pids[$i]}
	exe=$(readlink "/proc/$pid/exe")
	read -r hwm anon file < <(awk '/^VmHWM/{h=$2} /^RssAnon/{a=$2} /^RssFile/{f=$2} END{print h, a, f}' "/proc/$pid/status")
	bin=$(awk -v exe="$exe" '/^[0-9a-f]+-[0-9a-f]+ /{perm=$2; own=($6==exe)} own && /^Rss:/{s[perm]+=$2}
		END{printf "%.1f / %.1f / %.1f", s["r-xp"]/1024, s["r--p"]/1024, s["rw-p"]/1024}' "/proc/$pid/smaps")
	awk -v n="${names[$i]}" -v h="$hwm" -v a="$anon" -v f="$file" -v b="$bin" \
		'BEGIN{printf "| %s | %.1f | %.1f | %.1f | %s |\n", n, h/1024, a/1024, f/1024, b}'
done
