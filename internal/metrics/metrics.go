// Package metrics exposes vigia's live state in the Prometheus text format.
// It is the only package that imports client_golang. A Collector on a private
// registry turns the latest readings (vigia_*), the engine's health and what
// internal/node's collectors read at the scrape (node_exporter's series, under
// its names, help texts, labels, types and units, so dashboards and alert
// rules written for it work unchanged) into const metrics on every scrape:
// there is no second copy of state kept in gauges.
package metrics

import (
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/common/expfmt"

	"github.com/vigia-dev/vigia/internal/reading"
)

// Histogram is a cumulative histogram as the engine keeps it: Buckets maps
// each upper bound in seconds to the count of observations at or below it.
type Histogram struct {
	Count   uint64
	Sum     float64
	Buckets map[float64]uint64
}

// Options says where the Collector reads from. Every func must be safe to
// call from several goroutines at once: scrapes may overlap.
type Options struct {
	// Snapshot returns the latest reading of each sensor. Required.
	Snapshot func() []reading.Reading
	// Health returns the engine's self-watch. Optional.
	Health func() reading.Health
	// Alerts returns the active alerts (the last transition of each alert
	// that has not resolved). Optional.
	Alerts func() []reading.Transition
	// Rules names every rule in force, so each has a vigia_alert_level
	// series even while it is normal. Optional; a func because a reload
	// changes them.
	Rules func() []string
	// AnalysisLatency returns the engine's analysis latency histogram.
	// Optional: the series is left out when nil.
	AnalysisLatency func() Histogram
	// Stream returns the agent's event-stream clients. Optional: the
	// series are left out when nil.
	Stream func() StreamClients
	// TopProcesses turns on per-process series for the N busiest processes
	// (by CPU, then memory). 0 leaves them out; cardinality is bounded by N,
	// which the config bounds (config.MaxServerTopProcesses) so a scrape
	// stays cheap.
	TopProcesses int
	// Version, Revision (the commit) and Date (the commit's, RFC 3339) are
	// reported in vigia_build_info; Revision and Date may be empty.
	Version, Revision, Date string
	// Logger receives collection errors (a duplicate series); nil discards.
	Logger *slog.Logger
	// Process emits vigia's own process_* series (node.Self); without it
	// client_golang's process collector does, at several times the cost.
	Process func(emit reading.Emit)
	// Node emits node_exporter's series, read at scrape time by
	// internal/node's collectors. Optional: without it /metrics has only
	// vigia_* series.
	Node func(emit reading.Emit)
	// Textfile runs node_exporter's textfile collector over TextfileDir
	// (none when empty: only node_textfile_scrape_error 0, as
	// node_exporter without --collector.textfile.directory).
	Textfile    bool
	TextfileDir string
}

// Collector is a prometheus.Collector over the live snapshot.
type Collector struct {
	opts  Options
	descs descs
	out   outputDescs
	// families caches the descriptor of each node family by name: built
	// once, then a map read per sample.
	familiesMu sync.Mutex
	families   map[string]*prometheus.Desc
	// registry is c (with the process_* series of Options.Process) and the
	// Go runtime collector; gatherer is what /metrics serves in formats
	// other than text and remote write sends: the registry, and the textfile collector's files when
	// it runs.
	registry *prometheus.Registry
	gatherer prometheus.Gatherer
	// base is what a text scrape still gathers: client_golang's process
	// collector, when Options.Process is nil, and nil otherwise; text
	// writes every other family (text.go), goRuntime the go_* ones
	// (goruntime.go) under text's lock. tf is the textfile collector when
	// it runs.
	base      *prometheus.Registry
	text      *textWriter
	goRuntime *goRuntime
	tf        *textfile
	rw        remoteWriteDescs
	writers   []*RemoteWriter // under familiesMu
	// cgroupSeries are the cgroups sensor's series (cgroups.go).
	cgroupSeries cgroupSeries
}

// New returns a Collector reading from opts.
func New(opts Options) *Collector {
	if opts.TopProcesses < 0 {
		opts.TopProcesses = 0
	}
	c := &Collector{opts: opts, descs: newDescs(), out: newOutputDescs(), families: map[string]*prometheus.Desc{},
		rw: newRemoteWriteDescs(), cgroupSeries: newCgroupSeries()}
	c.registry, c.text, c.goRuntime = prometheus.NewRegistry(), newTextWriter(), newGoRuntime()
	c.registry.MustRegister(c, collectors.NewGoCollector())
	if opts.Process == nil {
		pc := collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})
		c.registry.MustRegister(pc)
		c.base = prometheus.NewRegistry()
		c.base.MustRegister(pc)
	}
	c.gatherer = c.registry
	if opts.Textfile {
		logger := opts.Logger
		if logger == nil {
			logger = slog.New(slog.DiscardHandler)
		}
		c.tf = &textfile{dir: opts.TextfileDir, logger: logger}
		c.gatherer = textfileGatherer{inner: c.registry, tf: c.tf}
	}
	return c
}

// family returns f's descriptor, built the first time its name is seen.
func (c *Collector) family(f *reading.Family) *prometheus.Desc {
	c.familiesMu.Lock()
	defer c.familiesMu.Unlock()
	d := c.families[f.Name]
	if d == nil {
		d = prometheus.NewDesc(f.Name, f.Help, f.Labels, nil)
		c.families[f.Name] = d
	}
	return d
}

// familyEmit is the Emit that turns families' samples into const metrics
// on e.
func (c *Collector) familyEmit(e *emitter) reading.Emit {
	return func(f *reading.Family, v float64, labelValues ...string) {
		t := prometheus.GaugeValue
		switch f.Type {
		case reading.Counter:
			t = prometheus.CounterValue
		case reading.Untyped:
			t = prometheus.UntypedValue
		}
		e.send(prometheus.NewConstMetric(c.family(f), t, v, validUTF8(labelValues)...))
	}
}

// Handler returns the /metrics handler: a private registry with c, the
// process_* series (Options.Process) and the Go runtime collector. A series that fails (a
// duplicate) is logged and left out; the rest of the scrape is still served.
// A scrape that negotiates the text format, plain or gzipped, with no
// name[] filter (what Prometheus and node_exporter's users ask for) is
// written by serveText, go_* included (goRuntime); any other goes through
// promhttp and client_golang's Go collector.
func Handler(c *Collector) http.Handler {
	logger := c.opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	slow := gatherHandler(c, logger)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		format := expfmt.NegotiateAccept(r.Header, expfmt.DefaultAcceptedFormats()...)
		gz, ok := textEncoding(r)
		if !ok || format.FormatType() != expfmt.TypeTextPlain || (r.URL != nil && r.URL.RawQuery != "") {
			slow.ServeHTTP(w, r)
			return
		}
		c.serveText(w, format, gz)
	})
}

// gatherHandler serves every format through Gather and promhttp's
// encoders.
func gatherHandler(c *Collector, logger *slog.Logger) http.Handler {
	return promhttp.HandlerFor(c.gatherer, promhttp.HandlerOpts{
		ErrorLog:          slogPrinter{logger},
		ErrorHandling:     promhttp.ContinueOnError,
		EnableOpenMetrics: false,
	})
}

type slogPrinter struct{ l *slog.Logger }

func (p slogPrinter) Println(v ...any) {
	p.l.Warn("metrics collection", "error", fmt.Sprint(v...))
}

// Describe sends no descriptors: the set of node_memory_* fields depends on
// the kernel, so the Collector is unchecked, as node_exporter's is.
func (c *Collector) Describe(chan<- *prometheus.Desc) {}

// Collect emits one const metric per series of the latest readings.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	e := &emitter{ch: ch, logger: c.opts.Logger}
	c.collect(c.familyEmit(e))
	c.latency(e)
}

// collect emits every family but the Go runtime's and the latency
// histogram to emit: straight into the text writer for a text scrape, as
// const metrics for any other (Collect).
func (c *Collector) collect(emit reading.Emit) {
	if c.opts.Process != nil {
		c.opts.Process(emit)
	}
	if c.opts.Node != nil {
		c.opts.Node(emit)
	}
	d := &c.descs
	if c.opts.Version != "" {
		emit(d.buildInfo, 1, c.opts.Version, c.opts.Revision, c.opts.Date)
	}
	for _, r := range c.opts.Snapshot() {
		if r.Err != "" {
			continue
		}
		if c.opts.TopProcesses > 0 && len(r.Processes) > 0 {
			c.processes(emit, r.Processes)
		}
		if r.Sensor == reading.SensorCgroups {
			c.cgroups(emit, &r)
		}
		if ex := r.Exits; ex != nil {
			emit(d.exitsWatching, bool01(ex.Watching))
			if ex.Watching {
				emit(d.exitsTaskstats, bool01(ex.Taskstats))
				emit(d.exitsTaskstatsLost, float64(ex.TaskstatsLostTotal))
			}
		}
		if r.Sensor != "" {
			emit(d.readingStatus, float64(r.Status), r.Sensor)
			if !r.Time.IsZero() {
				emit(d.readingTime, float64(r.Time.UnixNano())/1e9, r.Sensor)
			}
		}
	}
	c.alerts(emit)
	if c.opts.Health != nil {
		h := c.opts.Health()
		c.health(emit, h)
		c.outputs(emit, &h)
	}
	c.remoteWrites(emit)
}

func (c *Collector) latency(e *emitter) {
	if c.opts.AnalysisLatency != nil {
		h := c.opts.AnalysisLatency()
		e.send(prometheus.NewConstHistogram(c.family(c.descs.analysisLatency), h.Count, h.Sum, h.Buckets))
	}
}

// processes emits per-process series for the busiest TopProcesses processes.
func (c *Collector) processes(emit reading.Emit, procs []reading.Process) {
	n := min(c.opts.TopProcesses, len(procs))
	top := make([]*reading.Process, len(procs))
	for i := range procs {
		top[i] = &procs[i]
	}
	slices.SortFunc(top, func(a, b *reading.Process) int {
		switch {
		case a.CPUPercent != b.CPUPercent:
			if a.CPUPercent > b.CPUPercent {
				return -1
			}
			return 1
		case a.RSS != b.RSS:
			if a.RSS > b.RSS {
				return -1
			}
			return 1
		}
		return int(a.PID) - int(b.PID)
	})
	d := &c.descs
	var buf [12]byte
	for _, p := range top[:n] {
		pid := string(appendInt(buf[:0], int64(p.PID)))
		emit(d.procCPUPercent, p.CPUPercent, pid, p.Comm, p.User)
		emit(d.procCPUSeconds, p.CPUTime, pid, p.Comm, p.User)
		emit(d.procRSS, float64(p.RSS), pid, p.Comm, p.User)
		emit(d.procThreads, float64(p.Threads), pid, p.Comm, p.User)
	}
}

func bool01(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func appendInt(b []byte, v int64) []byte {
	if v < 0 {
		b = append(b, '-')
		v = -v
	}
	var tmp [20]byte
	i := len(tmp)
	for {
		i--
		tmp[i] = byte('0' + v%10)
		v /= 10
		if v == 0 {
			break
		}
	}
	return append(b, tmp[i:]...)
}

// alerts emits the level of every rule (0 normal, 1 warning, 2 critical)
// and one series per active alert.
func (c *Collector) alerts(emit reading.Emit) {
	var rules []string
	if c.opts.Rules != nil {
		rules = c.opts.Rules()
	}
	levels := make(map[string]reading.Status, len(rules))
	for _, r := range rules {
		levels[r] = reading.Normal
	}
	if c.opts.Alerts != nil {
		for _, t := range c.opts.Alerts() {
			if t.To <= reading.Normal {
				continue
			}
			levels[t.Rule] = max(levels[t.Rule], t.To)
			// One label value names the series: its labels as name="value",…
			// with quotes escaped, so a value cannot end its quote early.
			series := reading.Labels(t.Labels).Key()
			emit(c.descs.alertActive, 1, t.Rule, t.Sensor, t.Metric, series, t.To.String())
			if !t.Since.IsZero() {
				emit(c.descs.alertSince, float64(t.Since.UnixNano())/1e9, t.Rule, t.Sensor, t.Metric, series)
			}
		}
	}
	for rule, s := range levels {
		emit(c.descs.alertLevel, alertLevel(s), rule)
	}
}

func alertLevel(s reading.Status) float64 {
	switch s {
	case reading.Warning:
		return 1
	case reading.Critical:
		return 2
	}
	return 0
}

func (c *Collector) health(emit reading.Emit, h reading.Health) {
	d := &c.descs
	emit(d.readings, float64(h.Readings))
	emit(d.queueLen, float64(h.QueueLen))
	emit(d.queueCap, float64(h.QueueCap))
	emit(d.queueDropped, float64(h.QueueDropped))
	emit(d.analysisOverruns, float64(h.AnalysisOverruns))
	if !h.Started.IsZero() {
		emit(d.startTime, float64(h.Started.UnixNano())/1e9)
	}
	stale := 0
	for _, s := range h.Sensors {
		up := 1.0
		if s.Stale || s.LastError != "" || s.LastRead.IsZero() {
			up = 0
		}
		if s.Stale {
			stale++
		}
		emit(d.sensorUp, up, s.Name)
		emit(d.sensorStale, b2f(s.Stale), s.Name)
		emit(d.sensorRestarts, float64(s.Restarts), s.Name)
		emit(d.sensorFailures, float64(s.Failures), s.Name)
		emit(d.sensorInterval, s.Interval.Seconds(), s.Name)
		emit(d.sensorReadSeconds, s.LastDuration.Seconds(), s.Name)
		if !s.LastRead.IsZero() {
			emit(d.sensorLastRead, float64(s.LastRead.UnixNano())/1e9, s.Name)
		}
	}
	emit(d.staleSensors, float64(stale))
	for _, o := range h.Outputs {
		emit(d.outputBuffered, float64(o.Buffered), o.Name)
		emit(d.outputDropped, float64(o.Dropped), o.Name)
	}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// emitter sends const metrics, logging instead of panicking on a bad one
// (label values that are not UTF-8 are repaired first).
type emitter struct {
	ch     chan<- prometheus.Metric
	logger *slog.Logger
}

func (e *emitter) send(m prometheus.Metric, err error) {
	if err != nil {
		if e.logger != nil {
			e.logger.Warn("metrics: bad series", "error", err)
		}
		return
	}
	e.ch <- m
}

func validUTF8(ls []string) []string {
	for i, l := range ls {
		if !utf8Valid(l) {
			ls[i] = strings.ToValidUTF8(l, "\uFFFD")
		}
	}
	return ls
}

func utf8Valid(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return strings.ToValidUTF8(s, "\uFFFD") == s
		}
	}
	return true
}

// descs holds vigia's own families, built once per Collector.
type descs struct {
	buildInfo, readingStatus, readingTime                 *reading.Family
	alertLevel, alertActive, alertSince                   *reading.Family
	readings, queueLen, queueCap, queueDropped            *reading.Family
	analysisOverruns, startTime, staleSensors             *reading.Family
	sensorUp, sensorStale, sensorRestarts, sensorFailures *reading.Family
	sensorInterval, sensorReadSeconds, sensorLastRead     *reading.Family
	outputBuffered, outputDropped                         *reading.Family
	procCPUPercent, procCPUSeconds, procRSS, procThreads  *reading.Family
	exitsWatching, exitsTaskstats, exitsTaskstatsLost     *reading.Family
	// analysisLatency is a histogram: its Type is not read.
	analysisLatency *reading.Family
}

// newGauge and newCounter make one of vigia's own families.
func newGauge(name, help string, labels ...string) *reading.Family {
	return &reading.Family{Name: name, Help: help, Type: reading.Gauge, Labels: labels}
}

func newCounter(name, help string, labels ...string) *reading.Family {
	return &reading.Family{Name: name, Help: help, Type: reading.Counter, Labels: labels}
}

func newDescs() descs {
	const sensor = "sensor"
	proc := []string{"pid", "comm", "user"}
	alert := []string{"rule", "sensor", "metric", "series"}
	return descs{
		buildInfo:     newGauge("vigia_build_info", "A metric with a constant '1' value labelled by the version, commit and commit date vigia was built from.", "version", "revision", "date"),
		readingStatus: newGauge("vigia_reading_status", "Status rules gave the sensor's latest reading (0 unknown, 1 normal, 2 warning, 3 critical).", sensor),
		readingTime:   newGauge("vigia_reading_timestamp_seconds", "Time of the sensor's latest reading, in seconds since the epoch.", sensor),

		alertLevel:  newGauge("vigia_alert_level", "Worst level of the rule's alerts now (0 normal, 1 warning, 2 critical).", "rule"),
		alertActive: newGauge("vigia_alert_active", "An active alert: 1 for each series a rule is warning or critical on.", append(alert, "severity")...),
		alertSince:  newGauge("vigia_alert_since_timestamp_seconds", "When the active alert first left normal, in seconds since the epoch.", alert...),

		readings:         newCounter("vigia_readings_total", "Readings the engine has analysed."),
		queueLen:         newGauge("vigia_queue_length", "Readings waiting in the engine's queue."),
		queueCap:         newGauge("vigia_queue_capacity", "Capacity of the engine's queue."),
		queueDropped:     newCounter("vigia_queue_dropped_total", "Readings the engine's queue dropped because it was full."),
		analysisOverruns: newCounter("vigia_analysis_overruns_total", "Analyses that overran their deadline."),
		analysisLatency:  newGauge("vigia_analysis_duration_seconds", "Time the analyser pool took to judge a reading against the rules."),
		startTime:        newGauge("vigia_start_time_seconds", "When the engine started, in seconds since the epoch."),
		staleSensors:     newGauge("vigia_stale_sensors", "Sensors whose last reading is older than their deadline."),

		sensorUp:          newGauge("vigia_sensor_up", "Whether the sensor's last read succeeded and is fresh.", sensor),
		sensorStale:       newGauge("vigia_sensor_stale", "Whether the sensor's last reading is older than its deadline.", sensor),
		sensorRestarts:    newCounter("vigia_sensor_restarts_total", "Times the supervisor restarted the sensor.", sensor),
		sensorFailures:    newCounter("vigia_sensor_failures_total", "Reads of the sensor that failed.", sensor),
		sensorInterval:    newGauge("vigia_sensor_interval_seconds", "The sensor's cadence.", sensor),
		sensorReadSeconds: newGauge("vigia_sensor_read_duration_seconds", "Duration of the sensor's last read.", sensor),
		sensorLastRead:    newGauge("vigia_sensor_last_read_timestamp_seconds", "Time of the sensor's last successful read, in seconds since the epoch.", sensor),

		outputBuffered: newGauge("vigia_output_buffered", "Readings waiting in an output's buffer.", "output"),
		outputDropped:  newCounter("vigia_output_dropped_total", "Readings an output's full buffer dropped.", "output"),

		procCPUPercent: newGauge("vigia_process_cpu_percent", "CPU use of one of the busiest processes (100 = one core).", proc...),
		procCPUSeconds: newCounter("vigia_process_cpu_seconds_total", "User and system CPU time of one of the busiest processes.", proc...),
		procRSS:        newGauge("vigia_process_resident_memory_bytes", "Resident memory of one of the busiest processes.", proc...),
		procThreads:    newGauge("vigia_process_threads", "Threads of one of the busiest processes.", proc...),

		exitsWatching:      newGauge("vigia_exits_watching", "Whether vigia hears the kernel's process events, so the list of exited processes is whole (root or CAP_NET_ADMIN on older kernels)."),
		exitsTaskstats:     newGauge("vigia_exits_taskstats", "Whether exited processes get their CPU and I/O from the kernel's taskstats records (CAP_NET_ADMIN) rather than /proc."),
		exitsTaskstatsLost: newCounter("vigia_exits_taskstats_overflows_total", "Times the taskstats socket's buffer overflowed, dropping records; those exits have /proc's CPU and I/O."),
	}
}
