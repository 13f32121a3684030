package metrics

import (
	"math"
	"path"
	"regexp"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strings"
	"time"

	"github.com/prometheus/common/model"

	"github.com/vigia-dev/vigia/internal/reading"
)

// goRuntime writes the go_* series of client_golang v1.25.0's
// collectors.NewGoCollector() with its default options (29 families, 35
// series) into a text scrape: the same names, help texts, types, labels
// and values, read from the same sources, summed and rounded as it does
// (prometheus/go_collector.go and go_collector_latest.go, Apache 2.0,
// whence the help texts are copied). Gathering that collector took a
// goroutine, channels, a const metric and protobuf objects per series and
// the registry's consistency hashing on every scrape: with the latency
// histogram, 9 % of serve's CPU and 27 % of what it allocated. Here one
// runtime/metrics.Read fills a reused buffer and debug.ReadGCStats reuses
// its slices, so these series allocate nothing (a scrape of them, the
// process_* and the vigia_* series: 167 → 61 µs, 468 → 36 allocations,
// BenchmarkHandlerNoNode). TestGoRuntimeMatchesClientGolang holds it to
// client_golang's output. Promhttp's formats and remote write still
// gather client_golang's own collector.
//
// A goRuntime is not safe for concurrent use: the Collector's text
// writer's lock serializes it.
type goRuntime struct {
	samples []metrics.Sample // rmMemStats's keys, then exposed's
	exposed []goExposed
	gc      debug.GCStats
	points  [5]textPoint
	// version is go_info's label value, in a slice of its own because a
	// variadic argument to a func value escapes.
	version []string
}

// goExposed is a runtime/metrics value client_golang exports under a
// name of its own: gauges and counters only (its default rules pick no
// histogram).
type goExposed struct {
	f    *reading.Family
	last float64 // a counter's, as client_golang never lets one go down
}

// goDefaultRuntimeMetrics is client_golang's
// internal.GoCollectorDefaultRuntimeMetrics: the runtime/metrics keys it
// exports by default, matched unanchored as it does.
var goDefaultRuntimeMetrics = regexp.MustCompile(`/gc/gogc:percent|/gc/gomemlimit:bytes|/sched/gomaxprocs:threads`)

// rmMemStats are the runtime/metrics keys client_golang builds its
// go_memstats_* series from (rmNamesForMemStatsMetrics), indexed by the
// rm* constants.
var rmMemStats = [...]string{
	rmTinyAllocs:    "/gc/heap/tiny/allocs:objects",
	rmAllocsObjects: "/gc/heap/allocs:objects",
	rmFreesObjects:  "/gc/heap/frees:objects",
	rmAllocsBytes:   "/gc/heap/allocs:bytes",
	rmHeapObjects:   "/gc/heap/objects:objects",
	rmHeapGoal:      "/gc/heap/goal:bytes",
	rmTotal:         "/memory/classes/total:bytes",
	rmHeapObjBytes:  "/memory/classes/heap/objects:bytes",
	rmHeapUnused:    "/memory/classes/heap/unused:bytes",
	rmHeapReleased:  "/memory/classes/heap/released:bytes",
	rmHeapFree:      "/memory/classes/heap/free:bytes",
	rmHeapStacks:    "/memory/classes/heap/stacks:bytes",
	rmOSStacks:      "/memory/classes/os-stacks:bytes",
	rmMSpanInuse:    "/memory/classes/metadata/mspan/inuse:bytes",
	rmMSpanFree:     "/memory/classes/metadata/mspan/free:bytes",
	rmMCacheInuse:   "/memory/classes/metadata/mcache/inuse:bytes",
	rmMCacheFree:    "/memory/classes/metadata/mcache/free:bytes",
	rmProfBuckets:   "/memory/classes/profiling/buckets:bytes",
	rmMetadataOther: "/memory/classes/metadata/other:bytes",
	rmOtherBytes:    "/memory/classes/other:bytes",
}

const (
	rmTinyAllocs = iota
	rmAllocsObjects
	rmFreesObjects
	rmAllocsBytes
	rmHeapObjects
	rmHeapGoal
	rmTotal
	rmHeapObjBytes
	rmHeapUnused
	rmHeapReleased
	rmHeapFree
	rmHeapStacks
	rmOSStacks
	rmMSpanInuse
	rmMSpanFree
	rmMCacheInuse
	rmMCacheFree
	rmProfBuckets
	rmMetadataOther
	rmOtherBytes
)

func goGauge(name, help string) *reading.Family {
	return &reading.Family{Name: name, Help: help, Type: reading.Gauge}
}

func goCounter(name, help string) *reading.Family {
	return &reading.Family{Name: name, Help: help, Type: reading.Counter}
}

// client_golang's families, help texts verbatim (typos included: they
// are what dashboards and `promtool check metrics` see).
// go_gc_duration_seconds is a summary: textWriter.summary types it.
var (
	goGoroutines  = goGauge("go_goroutines", "Number of goroutines that currently exist.")
	goThreads     = goGauge("go_threads", "Number of OS threads created.")
	goGCDuration  = goGauge("go_gc_duration_seconds", "A summary of the wall-time pause (stop-the-world) duration in garbage collection cycles.")
	goLastGC      = goGauge("go_memstats_last_gc_time_seconds", "Number of seconds since 1970 of last garbage collection.")
	goInfo        = &reading.Family{Name: "go_info", Help: "Information about the Go environment.", Type: reading.Gauge, Labels: []string{"version"}}
	goAlloc       = goGauge("go_memstats_alloc_bytes", "Number of bytes allocated in heap and currently in use. Equals to /memory/classes/heap/objects:bytes.")
	goAllocTotal  = goCounter("go_memstats_alloc_bytes_total", "Total number of bytes allocated in heap until now, even if released already. Equals to /gc/heap/allocs:bytes.")
	goSys         = goGauge("go_memstats_sys_bytes", "Number of bytes obtained from system. Equals to /memory/classes/total:byte.")
	goMallocs     = goCounter("go_memstats_mallocs_total", "Total number of heap objects allocated, both live and gc-ed. Semantically a counter version for go_memstats_heap_objects gauge. Equals to /gc/heap/allocs:objects + /gc/heap/tiny/allocs:objects.")
	goFrees       = goCounter("go_memstats_frees_total", "Total number of heap objects frees. Equals to /gc/heap/frees:objects + /gc/heap/tiny/allocs:objects.")
	goHeapAlloc   = goGauge("go_memstats_heap_alloc_bytes", "Number of heap bytes allocated and currently in use, same as go_memstats_alloc_bytes. Equals to /memory/classes/heap/objects:bytes.")
	goHeapSys     = goGauge("go_memstats_heap_sys_bytes", "Number of heap bytes obtained from system. Equals to /memory/classes/heap/objects:bytes + /memory/classes/heap/unused:bytes + /memory/classes/heap/released:bytes + /memory/classes/heap/free:bytes.")
	goHeapIdle    = goGauge("go_memstats_heap_idle_bytes", "Number of heap bytes waiting to be used. Equals to /memory/classes/heap/released:bytes + /memory/classes/heap/free:bytes.")
	goHeapInuse   = goGauge("go_memstats_heap_inuse_bytes", "Number of heap bytes that are in use. Equals to /memory/classes/heap/objects:bytes + /memory/classes/heap/unused:bytes")
	goHeapRelease = goGauge("go_memstats_heap_released_bytes", "Number of heap bytes released to OS. Equals to /memory/classes/heap/released:bytes.")
	goHeapObjects = goGauge("go_memstats_heap_objects", "Number of currently allocated objects. Equals to /gc/heap/objects:objects.")
	goStackInuse  = goGauge("go_memstats_stack_inuse_bytes", "Number of bytes obtained from system for stack allocator in non-CGO environments. Equals to /memory/classes/heap/stacks:bytes.")
	goStackSys    = goGauge("go_memstats_stack_sys_bytes", "Number of bytes obtained from system for stack allocator. Equals to /memory/classes/heap/stacks:bytes + /memory/classes/os-stacks:bytes.")
	goMSpanInuse  = goGauge("go_memstats_mspan_inuse_bytes", "Number of bytes in use by mspan structures. Equals to /memory/classes/metadata/mspan/inuse:bytes.")
	goMSpanSys    = goGauge("go_memstats_mspan_sys_bytes", "Number of bytes used for mspan structures obtained from system. Equals to /memory/classes/metadata/mspan/inuse:bytes + /memory/classes/metadata/mspan/free:bytes.")
	goMCacheInuse = goGauge("go_memstats_mcache_inuse_bytes", "Number of bytes in use by mcache structures. Equals to /memory/classes/metadata/mcache/inuse:bytes.")
	goMCacheSys   = goGauge("go_memstats_mcache_sys_bytes", "Number of bytes used for mcache structures obtained from system. Equals to /memory/classes/metadata/mcache/inuse:bytes + /memory/classes/metadata/mcache/free:bytes.")
	goBuckHashSys = goGauge("go_memstats_buck_hash_sys_bytes", "Number of bytes used by the profiling bucket hash table. Equals to /memory/classes/profiling/buckets:bytes.")
	goGCSys       = goGauge("go_memstats_gc_sys_bytes", "Number of bytes used for garbage collection system metadata. Equals to /memory/classes/metadata/other:bytes.")
	goOtherSys    = goGauge("go_memstats_other_sys_bytes", "Number of bytes used for other system allocations. Equals to /memory/classes/other:bytes.")
	goNextGC      = goGauge("go_memstats_next_gc_bytes", "Number of heap bytes when next garbage collection will take place. Equals to /gc/heap/goal:bytes.")
)

func newGoRuntime() *goRuntime {
	g := &goRuntime{version: []string{runtime.Version()}}
	for _, name := range rmMemStats {
		g.samples = append(g.samples, metrics.Sample{Name: name})
	}
	for _, d := range metrics.All() {
		if !goDefaultRuntimeMetrics.MatchString(d.Name) || (d.Kind != metrics.KindUint64 && d.Kind != metrics.KindFloat64) {
			continue
		}
		f := goRuntimeFamily(&d)
		if f == nil {
			continue
		}
		g.samples = append(g.samples, metrics.Sample{Name: d.Name})
		g.exposed = append(g.exposed, goExposed{f: f})
	}
	// ReadGCStats fills PauseQuantiles only as long as it is: client_golang
	// asks for five, the minimum, quartiles and maximum.
	g.gc.PauseQuantiles = make([]time.Duration, len(g.points))
	return g
}

// goRuntimeFamily names d's series as client_golang's
// internal.RuntimeMetricsToProm does, "/sched/gomaxprocs:threads" becoming
// go_sched_gomaxprocs_threads, with d's description and its key for help;
// nil if the name would not be a valid metric name.
func goRuntimeFamily(d *metrics.Description) *reading.Family {
	key, unit, _ := strings.Cut(d.Name, ":")
	subsystem := path.Dir(key[1:])
	subsystem = strings.NewReplacer("/", "_", "-", "_").Replace(subsystem)
	unit = strings.NewReplacer("-", "_", "*", "_", "/", "_per_").Replace(unit)
	name := strings.ReplaceAll(path.Base(key), "-", "_") + "_" + unit
	f := goGauge("go_"+subsystem+"_"+name, d.Description+" Sourced from "+d.Name+".")
	if d.Cumulative {
		f.Name += "_total"
		f.Type = reading.Counter
	}
	if !model.LegacyValidation.IsValidMetricName(f.Name) {
		return nil
	}
	return f
}

// write emits every series into t: plain ones through emit, the GC pause
// summary through t.summary.
func (g *goRuntime) write(t *textWriter, emit reading.Emit, logger func(error)) {
	emit(goGoroutines, float64(runtime.NumGoroutine()))
	// client_golang counts the threads the runtime has made (its M
	// list), not /proc/self/status's Threads.
	n, _ := runtime.ThreadCreateProfile(nil)
	emit(goThreads, float64(n))

	debug.ReadGCStats(&g.gc)
	q := g.gc.PauseQuantiles
	for i := range g.points {
		g.points[i] = textPoint{float64(i) / float64(len(q)-1), q[i].Seconds()}
	}
	t.summary(goGCDuration, uint64(g.gc.NumGC), g.gc.PauseTotal.Seconds(), g.points[:], logger)
	emit(goLastGC, float64(g.gc.LastGC.UnixNano())/1e9)
	emit(goInfo, 1, g.version...)

	metrics.Read(g.samples)
	for i := range g.exposed {
		e := &g.exposed[i]
		var v float64
		switch s := g.samples[len(rmMemStats)+i].Value; s.Kind() {
		case metrics.KindUint64:
			v = float64(s.Uint64())
		case metrics.KindFloat64:
			v = s.Float64()
		}
		if e.f.Type == reading.Counter {
			v = math.Max(v, e.last)
			e.last = v
		}
		emit(e.f, v)
	}

	// The sums are client_golang's memStatsFromRM, in uint64 as there;
	// a key this Go lacks counts 0, as its lookupOrZero does.
	u := func(i int) uint64 {
		if v := g.samples[i].Value; v.Kind() == metrics.KindUint64 {
			return v.Uint64()
		}
		return 0
	}
	tiny := u(rmTinyAllocs)
	heapAlloc := u(rmHeapObjBytes)
	heapInuse := heapAlloc + u(rmHeapUnused)
	heapReleased := u(rmHeapReleased)
	heapIdle := heapReleased + u(rmHeapFree)
	stackInuse := u(rmHeapStacks)
	mspanInuse := u(rmMSpanInuse)
	mcacheInuse := u(rmMCacheInuse)
	emit(goAlloc, float64(heapAlloc))
	emit(goAllocTotal, float64(u(rmAllocsBytes)))
	emit(goSys, float64(u(rmTotal)))
	emit(goMallocs, float64(u(rmAllocsObjects)+tiny))
	emit(goFrees, float64(u(rmFreesObjects)+tiny))
	emit(goHeapAlloc, float64(heapAlloc))
	emit(goHeapSys, float64(heapInuse+heapIdle))
	emit(goHeapIdle, float64(heapIdle))
	emit(goHeapInuse, float64(heapInuse))
	emit(goHeapRelease, float64(heapReleased))
	emit(goHeapObjects, float64(u(rmHeapObjects)))
	emit(goStackInuse, float64(stackInuse))
	emit(goStackSys, float64(stackInuse+u(rmOSStacks)))
	emit(goMSpanInuse, float64(mspanInuse))
	emit(goMSpanSys, float64(mspanInuse+u(rmMSpanFree)))
	emit(goMCacheInuse, float64(mcacheInuse))
	emit(goMCacheSys, float64(mcacheInuse+u(rmMCacheFree)))
	emit(goBuckHashSys, float64(u(rmProfBuckets)))
	emit(goGCSys, float64(u(rmMetadataOther)))
	emit(goOtherSys, float64(u(rmOtherBytes)))
	emit(goNextGC, float64(u(rmHeapGoal)))
}
