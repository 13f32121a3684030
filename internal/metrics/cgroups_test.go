package metrics

import (
	"path/filepath"
	"testing"

	"github.com/vigia-dev/vigia/internal/golden"
	"github.com/vigia-dev/vigia/internal/reading"
)

// TestCgroupSeries checks the cgroups reading's series under cAdvisor's
// names: a systemd unit named by its unit, a container by its ID, the root
// by its path; the CPU rate, which cAdvisor leaves to the scraper, is not
// exported.
func TestCgroupSeries(t *testing.T) {
	t.Parallel()
	nginx := []string{"cgroup", "/system.slice/nginx.service", "unit", "nginx.service"}
	docker := []string{"cgroup", "/system.slice/docker-4b2c8a1e9f0d.scope", "container", "4b2c8a1e9f0d", "runtime", "docker", "unit", "docker-4b2c8a1e9f0d.scope"}
	with := func(base []string, kv ...string) []string { return append(append([]string(nil), base...), kv...) }
	snap := func() []reading.Reading {
		return []reading.Reading{{Sensor: reading.SensorCgroups, Time: t0, Metrics: []reading.Metric{
			gauge(reading.CgroupsCount, 3, reading.None),
			counter(reading.CgroupsCPUSecondsTotal, 900, "cgroup", "/"),
			gauge(reading.CgroupsCPUUsage, 75, reading.Percent, nginx...),
			counter(reading.CgroupsCPUSecondsTotal, 121.5, nginx...),
			counter(reading.CgroupsThrottledTotal, 10, nginx...),
			counter(reading.CgroupsThrottledSecondsTotal, 2.5, nginx...),
			gauge(reading.CgroupsMemCurrent, 104857600, reading.Bytes, nginx...),
			gauge(reading.CgroupsMemWorkingSet, 103809024, reading.Bytes, nginx...),
			gauge(reading.CgroupsMemMax, 134217728, reading.Bytes, nginx...),
			gauge(reading.CgroupsMemUsedPercent, 77.3, reading.Percent, nginx...),
			counter(reading.CgroupsMemEventsTotal, 2, with(nginx, "event", "high")...),
			counter(reading.CgroupsOOMKillsTotal, 3, nginx...),
			gauge(reading.CgroupsPids, 12, reading.None, nginx...),
			counter(reading.CgroupsIOReadBytesTotal, 6000, docker...),
			counter(reading.CgroupsIOWrittenBytesTotal, 6024, docker...),
			gauge(reading.CgroupsPressure, 1.5, reading.Percent, with(docker, "kind", "some", "resource", "memory", "window", "avg10")...),
			counter(reading.CgroupsPressureStalledSecondsTotal, 0.12, with(docker, "kind", "some", "resource", "memory")...),
			counter(reading.CgroupsPressureStalledSecondsTotal, 0.02, with(docker, "kind", "full", "resource", "memory")...),
		}}}
	}
	got, err := collectText(New(Options{Snapshot: snap}))
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, filepath.Join("testdata", "cgroups.golden"), got)
}
