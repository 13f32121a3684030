package node

import (
	"fmt"
	"slices"
	"strings"
)

// Registry is every collector, by name, the order a scrape reports them in. Adding
// a collector is one row here, its file, its fixture test and its lines in
// docs/metrics.md.
var Registry = []Registration{
	{Name: "arp", Default: true, New: newARP},
	{Name: "conntrack", Default: true, New: newConntrack},
	{Name: "cpu", Default: true, New: newCPU},
	{Name: "cpufreq", Default: true, New: newCPUFreq},
	{Name: "diskstats", Default: true, New: newDiskstats},
	{Name: "entropy", Default: true, New: newEntropy},
	{Name: "filefd", Default: true, New: newFilefd},
	{Name: "filesystem", Default: true, New: newFilesystem},
	{Name: "hwmon", Default: true, New: newHwmon},
	{Name: "loadavg", Default: true, New: newLoadavg},
	{Name: "meminfo", Default: true, New: newMeminfo},
	{Name: "netclass", Default: true, New: newNetclass},
	{Name: "netdev", Default: true, New: newNetdev},
	{Name: "netstat", Default: true, New: newNetstat},
	{Name: "os", Default: true, New: newOS},
	{Name: "pressure", Default: true, New: newPressure},
	{Name: "schedstat", Default: true, New: newSchedstat},
	{Name: "sockstat", Default: true, New: newSockstat},
	{Name: "softnet", Default: true, New: newSoftnet},
	{Name: "stat", Default: true, New: newStat},
	// The textfile collector keeps its files' histograms and summaries,
	// which a reading.Family cannot carry: internal/metrics runs it.
	{Name: "textfile", Default: true},
	{Name: "thermal_zone", Default: true, New: newThermalZone},
	{Name: "time", Default: true, New: newTime},
	{Name: "timex", Default: true, New: newTimex},
	{Name: "udp_queues", Default: true, New: newUDPQueues},
	{Name: "uname", Default: true, New: newUname},
	{Name: "vmstat", Default: true, New: newVMStat},
}

// Names lists every collector's name, in registry order.
func Names() []string {
	names := make([]string, len(Registry))
	for i, r := range Registry {
		names[i] = r.Name
	}
	return names
}

// Select turns the default set plus on, minus off, into the names to run,
// in registry order. A name that is no collector is an error that lists
// the known ones; a name both on and off is an error too.
func Select(on, off []string) ([]string, error) {
	known := Names()
	for _, list := range [][]string{on, off} {
		for _, n := range list {
			if !slices.Contains(known, n) {
				return nil, fmt.Errorf("unknown collector %q (known: %s)", n, strings.Join(known, ", "))
			}
		}
	}
	for _, n := range on {
		if slices.Contains(off, n) {
			return nil, fmt.Errorf("collector %q is both turned on and off", n)
		}
	}
	var names []string
	for _, r := range Registry {
		if (r.Default || slices.Contains(on, r.Name)) && !slices.Contains(off, r.Name) {
			names = append(names, r.Name)
		}
	}
	return names, nil
}
