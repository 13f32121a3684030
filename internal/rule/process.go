package rule

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/text"
)

// commLen is how much of a command name the kernel keeps in comm.
const commLen = 15

// leakCover is the share of its window a leak fit must span: growth over a
// few minutes of an hour is a program warming up, not a leak.
const leakCover = 0.5

func checkProcess(r *Rule, p *problems) {
	if r.Comm == "" && r.Cmdline == "" {
		p.add("kind", "a process rule needs comm (the command name), cmdline (a regular expression) or both")
	}
	if r.Cmdline != "" {
		if _, err := regexp.Compile(r.Cmdline); err != nil {
			p.add("cmdline", "cmdline %q is not a valid regular expression: %v", r.Cmdline, err)
		}
	}
	switch r.Check {
	case CheckCPU, CheckRSS, CheckLeak:
		if r.Check == CheckLeak && r.Below {
			p.add("below", "a leak rule fires on growth: below does not apply")
		}
		r.checkBounds(p, "check", fmt.Sprintf("check %s needs warning, critical or both", r.Check))
		if r.Severity != reading.Unknown {
			p.add("severity", "severity applies to check: missing; check %s takes warning and critical", r.Check)
		}
		if r.Check != CheckLeak && (r.Window != 0 || r.Per != 0) {
			p.add("window", "window and per apply to check: leak only")
		}
	case CheckMissing:
		for _, k := range []string{"warning", "critical", "window", "per"} {
			if keySet[k](r) {
				p.add(k, "%s does not apply to check: missing (set severity: warning or critical)", k)
			}
		}
		r.checkSeverity(p)
	case "":
		p.add("kind", "a process rule needs check: cpu, rss, leak or missing")
	default:
		p.add("check", "unknown check %q (cpu, rss, leak, missing)", r.Check)
	}
}

// severity is the level an absent or missing-process rule raises.
func (r *Rule) severity() reading.Status {
	if r.Severity == reading.Warning {
		return reading.Warning
	}
	return reading.Critical
}

// leakWindow is the rule's window, or the kind's default.
func (r *Rule) leakWindow() time.Duration {
	if r.Window > 0 {
		return r.Window
	}
	return DefaultLeakWindow
}

// procRule is a process rule ready to match.
type procRule struct {
	idx     int // in Evaluator.rules
	rule    *Rule
	comm    string
	re      *regexp.Regexp
	bit     int     // the rule's bit in procEntry's match cache; -1 without re
	missing *series // a missing-process rule's one series
	found   int32   // matching processes in the reading
	first   int32   // the lowest PID among them
}

// procEntry is what the evaluator keeps of one process between readings:
// which command-line patterns it matches, and its series under each rule,
// so that a process table costs one map look-up per process.
type procEntry struct {
	gen     uint64
	start   time.Time
	comm    string
	cmdline string
	known   []uint64  // bit i set: pattern i was tried on this command line
	matched []uint64  // bit i set: and it matched
	series  []*series // by index in procRules.rules; nil until a rule matches
}

// procRules indexes process rules by comm, so a process costs one map
// look-up for every rule that names a command.
type procRules struct {
	rules   []procRule
	byComm  map[string][]int // comm → indexes into rules
	anyComm []int            // rules that match on cmdline only
	nre     int              // rules with a pattern
	table   map[int32]*procEntry
	gen     uint64
	gone    []int32 // scratch: PIDs of exited processes
}

func (p *procRules) add(r *Rule, idx int) {
	pr := procRule{idx: idx, rule: r, comm: r.Comm, bit: -1}
	if len(pr.comm) > commLen {
		pr.comm = pr.comm[:commLen]
	}
	if r.Cmdline != "" {
		pr.re = regexp.MustCompile(r.Cmdline) // Validate compiled it
		pr.bit = p.nre
		p.nre++
	}
	if r.Check == CheckMissing {
		var ls []reading.Label
		if r.Comm != "" {
			ls = append(ls, reading.Label{Name: "comm", Value: r.Comm})
		}
		if r.Cmdline != "" {
			ls = append(ls, reading.Label{Name: "cmdline", Value: r.Cmdline})
		}
		pr.missing = &series{metric: reading.Metric{Labels: reading.Labels(ls).Sorted()}, level: reading.Normal}
	}
	i := len(p.rules)
	p.rules = append(p.rules, pr)
	if pr.comm == "" {
		p.anyComm = append(p.anyComm, i)
		return
	}
	if p.byComm == nil {
		p.byComm = map[string][]int{}
	}
	p.byComm[pr.comm] = append(p.byComm[pr.comm], i)
}

// matches reports whether process p's command line matches the rule's
// pattern, tried once per command line.
func (pr *procRule) matches(pe *procEntry, p *reading.Process) bool {
	if pr.re == nil {
		return true
	}
	w, m := pr.bit/64, uint64(1)<<(pr.bit%64)
	if pe.known[w]&m == 0 {
		pe.known[w] |= m
		if pr.re.MatchString(p.Cmdline) {
			pe.matched[w] |= m
		}
	}
	return pe.matched[w]&m != 0
}

// evalProcesses judges the reading's process table with the process rules.
// A process is a series of its own under each rule it matches (by PID and
// start time, so a reused PID is a new series); a missing-process rule is
// one series. Alerts of processes that exit are resolved after those of
// the table, in PID order.
func (e *Evaluator) evalProcesses(r *reading.Reading, now time.Time, status reading.Status, trs []reading.Transition) (reading.Status, []reading.Transition) {
	pr := &e.procs
	pr.gen++
	if pr.table == nil {
		pr.table = map[int32]*procEntry{}
	}
	for i := range pr.rules {
		pr.rules[i].found, pr.rules[i].first = 0, 0
	}
	for pi := range r.Processes {
		p := &r.Processes[pi]
		byComm := pr.byComm[p.Comm]
		if len(byComm) == 0 && len(pr.anyComm) == 0 {
			continue
		}
		pe := pr.table[p.PID]
		if pe != nil && !pe.start.Equal(p.Start) {
			// Another process under a reused PID.
			trs = pr.end(pe, r.Sensor, now, trs, exited)
			pe = nil
		}
		if pe != nil && (pe.comm != p.Comm || pe.cmdline != p.Cmdline) {
			// The process ran exec: what was judged of the old command
			// ends here.
			trs = pr.end(pe, r.Sensor, now, trs, execd)
			pe = nil
		}
		if pe == nil {
			words := (pr.nre + 63) / 64
			pe = &procEntry{start: p.Start, comm: p.Comm, cmdline: p.Cmdline,
				known: make([]uint64, words), matched: make([]uint64, words)}
			pr.table[p.PID] = pe
		}
		pe.gen = pr.gen
		for _, ri := range byComm {
			status, trs = e.judgeProcess(ri, pe, p, now, r.Sensor, status, trs)
		}
		for _, ri := range pr.anyComm {
			status, trs = e.judgeProcess(ri, pe, p, now, r.Sensor, status, trs)
		}
	}
	for i := range pr.rules {
		rl := &pr.rules[i]
		if rl.missing == nil {
			continue
		}
		s := rl.missing
		s.metric.Value = float64(rl.found)
		s.judged = float64(rl.first)
		lvl := rl.rule.severity()
		var met [2]bool
		met[lvl-reading.Warning] = rl.found == 0
		from := s.level
		to := advance(s, met, met, rl.rule.For, now)
		if to != from {
			trs = append(trs, processTransition(rl.rule, r.Sensor, s, from, to, now, running))
		}
		status = max(status, to)
	}
	pr.gone = pr.gone[:0]
	for pid, pe := range pr.table {
		if pe.gen != pr.gen {
			pr.gone = append(pr.gone, pid)
		}
	}
	slices.Sort(pr.gone)
	for _, pid := range pr.gone {
		trs = pr.end(pr.table[pid], r.Sensor, now, trs, exited)
		delete(pr.table, pid)
	}
	return status, trs
}

// end resolves the alerts of a process that is gone.
func (pr *procRules) end(pe *procEntry, sensor string, now time.Time, trs []reading.Transition, why processEnd) []reading.Transition {
	for i, s := range pe.series {
		if s != nil && s.level > reading.Normal {
			trs = append(trs, processTransition(pr.rules[i].rule, sensor, s, s.level, reading.Normal, now, why))
		}
	}
	return trs
}

// judgeProcess steps the series of process p under process rule ri, when p
// matches it.
func (e *Evaluator) judgeProcess(ri int, pe *procEntry, p *reading.Process, now time.Time, sensor string, status reading.Status, trs []reading.Transition) (reading.Status, []reading.Transition) {
	rl := &e.procs.rules[ri]
	if !rl.matches(pe, p) {
		return status, trs
	}
	if rl.found == 0 || p.PID < rl.first {
		rl.first = p.PID
	}
	rl.found++
	rule := rl.rule
	if rule.Check == CheckMissing {
		return status, trs
	}
	if pe.series == nil {
		pe.series = make([]*series, len(e.procs.rules))
	}
	s := pe.series[ri]
	if s == nil {
		unit := reading.Bytes
		if rule.Check == CheckCPU {
			unit = reading.Percent
		}
		s = &series{level: reading.Normal, metric: reading.Metric{Unit: unit, Labels: []reading.Label{
			{Name: "comm", Value: p.Comm}, {Name: "pid", Value: strconv.Itoa(int(p.PID))}}}}
		pe.series[ri] = s
	}
	from := s.level
	var to reading.Status
	switch rule.Check {
	case CheckCPU:
		s.metric.Value = p.CPUPercent
		to = step(rule, s, p.CPUPercent, now)
	case CheckRSS:
		s.metric.Value = float64(p.RSS)
		to = step(rule, s, float64(p.RSS), now)
	case CheckLeak:
		s.metric.Value = float64(p.RSS)
		to = stepLeak(rule, s, float64(p.RSS), now)
	}
	if to != from {
		trs = append(trs, processTransition(rule, sensor, s, from, to, now, running))
	}
	return max(status, to), trs
}

// stepLeak moves a process's series to the level its RSS growth per Per
// calls for. Growth counts only when it is steady: the fit spans half the
// window and the lowest RSS of each quarter of it is above the last
// quarter's — a garbage collector's saw-tooth over a flat line is not a
// leak, a leak under a saw-tooth is, and so is a program still growing at
// the end of its warm-up.
func stepLeak(r *Rule, s *series, rss float64, now time.Time) reading.Status {
	span := r.leakWindow()
	if s.win == nil {
		s.win = newWindow(span, now)
	}
	s.win.add(now, rss, false)
	f := s.win.fit(now)
	if f.ok {
		s.judged = f.slope * r.per().Seconds()
	}
	var met, hold [2]bool
	steady := -1 // unknown: rising is only worth its cost when a bound is met
	for i, level := range [2]reading.Status{reading.Warning, reading.Critical} {
		b := r.bound(level)
		if math.IsNaN(b) || !f.ok {
			continue
		}
		hold[i] = r.holds(s.judged, b)
		if !r.meets(s.judged, b) {
			continue
		}
		if steady < 0 {
			steady = 0
			if f.covers(span, leakCover) && s.win.rising(now, &f) {
				steady = 1
			}
		}
		met[i] = steady == 1
	}
	return advance(s, met, hold, r.For, now)
}

// The series process rules watch. The processes sensor carries them as
// columns of its table, not as metrics (a threshold rule cannot name
// them); the names say what a process rule's alert is about wherever it
// goes: an alert body, the history, a fingerprint.
const (
	// MetricProcessCPU is a process's CPU use, 100 = one core [comm, pid].
	MetricProcessCPU = "procs.cpu_percent"
	// MetricProcessRSS is a process's resident memory in bytes [comm, pid];
	// a leak rule judges its growth.
	MetricProcessRSS = "procs.rss"
	// MetricProcessMatching is how many processes match a missing rule's
	// comm and cmdline [comm, cmdline].
	MetricProcessMatching = "procs.matching"
)

// processMetric is the series a process rule of that check watches.
func processMetric(check ProcessCheck) string {
	switch check {
	case CheckCPU:
		return MetricProcessCPU
	case CheckMissing:
		return MetricProcessMatching
	}
	return MetricProcessRSS
}

// processTransition describes a process rule's series changing level;
// end says why a process's series ends early, if it does.
func processTransition(r *Rule, sensor string, s *series, from, to reading.Status, now time.Time, end processEnd) reading.Transition {
	t := reading.Transition{Rule: r.Name, Sensor: sensor, Metric: processMetric(r.Check), Labels: s.metric.Labels,
		From: from, To: to, Value: s.metric.Value, Time: now, Since: s.since,
		Fact: &reading.Fact{Unit: s.metric.Unit, Below: r.Below, Gone: end != running, Exec: end == execd}}
	switch r.Check {
	case CheckMissing:
		t.Fact.Shape = reading.ShapeMissing
		t.Fact.PID = int32(s.judged)
		if to > from {
			t.Fact.For = r.For
		}
		t.Message = text.InEnglish.Alert(&t)
		return t
	case CheckCPU:
		t.Fact.Shape = reading.ShapeProcessCPU
	case CheckRSS:
		t.Fact.Shape = reading.ShapeProcessRSS
	case CheckLeak:
		t.Fact.Shape = reading.ShapeLeak
	}
	if end == running {
		if r.Check == CheckLeak {
			t.Value = s.judged
			t.Fact.Per, t.Fact.Last = r.per(), s.metric.Value
			if s.win != nil {
				f := s.win.fit(now)
				t.Fact.First, t.Fact.Last = f.vFirst, f.vLast
				t.Fact.Span = time.Duration(f.span() * float64(time.Second))
			}
		}
		r.crossed(&t)
	}
	t.Message = text.InEnglish.Alert(&t)
	return t
}

// processEnd is why a process's series ends before its rule resolves it.
type processEnd uint8

const (
	running processEnd = iota // it has not ended
	exited
	execd // it ran another command
)
