package fleet

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The PromQL the fleet view asks, each over every host at once and
// reduced to one series per instance. sel is a list of extra matchers
// (`instance="a:9100"` for one host's history, empty for the fleet); each
// selector gets it.

// sels joins a selector's own matchers with sel.
func sels(own, sel string) string {
	switch {
	case own == "":
		return "{" + sel + "}"
	case sel == "":
		return "{" + own + "}"
	}
	return "{" + own + "," + sel + "}"
}

// promDuration writes d as PromQL does, in whole seconds at least.
func promDuration(d time.Duration) string {
	return strconv.FormatInt(max(int64(d/time.Second), 1), 10) + "s"
}

// qCPU is busy time as vigia's cpu.usage counts it: iowait is idle (a CPU
// waiting on a disk could run anything else), steal is busy. Every CPU's
// modes add up to one second a second, so the whole is the count of CPUs
// rather than the rate of every mode's counter: that would read all eight
// modes' series where this reads two, and at 1,000 hosts it was most of a
// refresh's query time. clamp keeps the counters' jitter inside 0–100.
func qCPU(sel string, w time.Duration) string {
	return fmt.Sprintf(`clamp(100 * (1 - sum by (instance) (rate(node_cpu_seconds_total%s[%s])) / %s), 0, 100)`,
		sels(`mode=~"idle|iowait"`, sel), promDuration(w), qCores(sel))
}

// qIdle is the seconds a second each host's CPUs spent idle or waiting on
// a disk: the refresh's CPU % is 100 * (1 - qIdle / qCores), computed
// here rather than in Prometheus, which would count the CPUs a second
// time in the same refresh.
func qIdle(sel string, w time.Duration) string {
	return fmt.Sprintf(`sum by (instance) (rate(node_cpu_seconds_total%s[%s]))`, sels(`mode=~"idle|iowait"`, sel), promDuration(w))
}

// qCores counts the CPUs: one idle counter each.
func qCores(sel string) string {
	return fmt.Sprintf(`count by (instance) (node_cpu_seconds_total%s)`, sels(`mode="idle"`, sel))
}

// qMem is memory in use as vigia's mem.usage counts it: what MemAvailable
// says could not be had without swapping.
func qMem(sel string) string {
	return fmt.Sprintf(`100 * (1 - max by (instance) (node_memory_MemAvailable_bytes%s) / max by (instance) (node_memory_MemTotal_bytes%s))`,
		sels("", sel), sels("", sel))
}

func qLoad(sel string) string {
	return fmt.Sprintf(`max by (instance) (node_load1%s)`, sels("", sel))
}

// fsMatchers leave out the filesystems that never fill a disk: tmpfs and
// its kin live in memory and are emptied by a reboot, squashfs and overlay
// lower layers are read-only images.
const fsMatchers = `fstype!~"tmpfs|ramfs|devtmpfs|squashfs|overlay|nsfs|autofs|fuse\\..*"`

// qFSUsed is the fullest filesystem of each host, with its mountpoint.
func qFSUsed(sel string) string {
	s := sels(fsMatchers, sel)
	// max by keeps the labels the view reads: the answer of every host's
	// device, fstype and target labels was a third of a refresh's bytes.
	return fmt.Sprintf(`max by (instance, mountpoint) (topk by (instance) (1, 100 * (1 - node_filesystem_avail_bytes%s / (node_filesystem_size_bytes%s > 0))))`, s, s)
}

// qFSFull is, for each filesystem whose free space falls, the seconds
// until it is gone: predict_linear(…, 0) is the fitted free space now, and
// deriv the fitted slope of the same least-squares line, so the quotient is
// where the line crosses zero. A filesystem whose free space grows or holds
// is not in the answer.
func qFSFull(sel string, w time.Duration) string {
	s, r := sels(fsMatchers, sel), promDuration(w)
	return fmt.Sprintf(`max by (instance, mountpoint) (predict_linear(node_filesystem_avail_bytes%s[%s], 0) / -(deriv(node_filesystem_avail_bytes%s[%s]) < 0))`, s, r, s, r)
}

// netDevices leave out loopback and the virtual devices bridges and
// containers add, whose bytes are counted again on the real interface.
const netDevices = `device!~"lo|veth.*|docker.*|br-.*|virbr.*|cni.*|flannel.*"`

func qNet(dir, sel string, w time.Duration) string {
	return fmt.Sprintf(`sum by (instance) (rate(node_network_%s_bytes_total%s[%s]))`, dir, sels(netDevices, sel), promDuration(w))
}

// qChanged names the hosts whose since must be looked for: up changed
// inside the lookback, or the host has no sample from before it (it is
// younger). The rest held through the lookback, which is all qSince would
// say of them, and asking it of every host costs Prometheus lookback/step
// evaluations of up per host: seconds at 1,000 hosts, where this is a
// single pass over the raw samples.
func qChanged(lookback time.Duration) string {
	l := promDuration(lookback)
	return `max by (instance) (changes(up[` + l + `])) > 0 or max by (instance) (up unless on (instance) (up offset ` + l + `))`
}

// instanceIn is a matcher of exactly the instances given.
func instanceIn(instances []string) string {
	res := make([]string, len(instances))
	for i, in := range instances {
		res[i] = regexp.QuoteMeta(in)
	}
	return "instance=~" + strconv.Quote(strings.Join(res, "|"))
}

// qSince finds when each host of sel's up last changed, in one query of
// three parts told apart by a label q: the newest time up was 0 ("down", for a
// host that is up now, came up after it), the newest time it was 1 ("up",
// for a host that is down now, went down after it), and the first time up
// was seen at all ("first"), for a host that never changed inside the
// lookback. A subquery samples up every step, so the answer is as exact as
// step, and its cost grows with lookback/step per host, not with the
// scrape interval.
func qSince(sel string, lookback, step time.Duration) string {
	sub := "[" + promDuration(lookback) + ":" + promDuration(step) + "]"
	up := "up" + sels("", sel)
	return strings.Join([]string{
		`label_replace(max by (instance) (max_over_time(timestamp(` + up + ` == 0)` + sub + `)), "q", "down", "", "")`,
		`label_replace(max by (instance) (max_over_time(timestamp(` + up + ` == 1)` + sub + `)), "q", "up", "", "")`,
		`label_replace(min by (instance) (min_over_time(timestamp(` + up + `)` + sub + `)), "q", "first", "", "")`,
	}, " or ")
}

const qAlerts = `ALERTS{alertstate="firing"}`

const qVersion = `max by (instance, version) (vigia_build_info)`
