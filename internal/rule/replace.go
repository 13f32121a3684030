package rule

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/text"
)

// identity tells whether two rules are the same rule across a reload: the
// same name watching the same series. Bounds, for, hysteresis, horizons and
// severity may change; the series and their alerts carry on.
func identity(r *Rule) string {
	kind := r.Kind
	if kind == "" {
		kind = Threshold
	}
	return strings.Join([]string{r.Name, string(kind), r.Metric, reading.Labels(reading.Labels(r.Match).Sorted()).Key(),
		string(r.Check), r.Comm, r.Cmdline, r.Sensor}, "\x00")
}

// Replace returns an Evaluator for rules that carries on from e, for a
// config reloaded while alerts are raised. A rule of the same name and
// series keeps its state — an alert raised stays raised, with its since —
// and the new bounds judge the next reading, lowering or raising it then.
// A window that changed starts over (its fit was over the old span). A
// rule that is gone, or now watches other series, resolves its raised
// alerts: those transitions are returned, with Fact.Retired set.
func (e *Evaluator) Replace(rules []Rule, now time.Time) (*Evaluator, []reading.Transition) {
	n := NewEvaluator(rules)
	newIndex := map[string]int{}
	for j := range n.rules {
		newIndex[identity(&n.rules[j])] = j
	}
	remap := make([]int, len(e.rules))
	for i := range e.rules {
		j, ok := newIndex[identity(&e.rules[i])]
		if !ok {
			j = -1
		} else if e.rules[i].WindowOrDefault() != n.rules[j].WindowOrDefault() {
			remap[i] = -2 - j // kept, window reset
			continue
		}
		remap[i] = j
	}
	keep := func(i int, s *series) int {
		switch j := remap[i]; {
		case j >= 0:
			return j
		case j <= -2:
			s.win = nil
			return -2 - j
		}
		return -1
	}
	var trs []reading.Transition
	retire := func(i int, sensor string, s *series) {
		if s.level <= reading.Normal {
			return
		}
		r := &e.rules[i]
		t := reading.Transition{Rule: r.Name, Sensor: sensor, Metric: s.metric.Name, Labels: s.metric.Labels,
			From: s.level, To: reading.Normal, Value: s.metric.Value, Time: now, Since: s.since,
			Fact: &reading.Fact{Unit: s.metric.Unit, Retired: true}}
		t.Message = text.InEnglish.Alert(&t)
		trs = append(trs, t)
	}

	for _, sensor := range sortedKeys(e.sensors) {
		st := e.sensors[sensor]
		nst := &sensorState{series: map[seriesKey]*series{}, gen: st.gen}
		keys := make([]seriesKey, 0, len(st.series))
		for k := range st.series {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, func(a, b seriesKey) int {
			return cmp.Or(cmp.Compare(a.rule, b.rule), strings.Compare(a.labels, b.labels))
		})
		for _, k := range keys {
			s := st.series[k]
			if j := keep(k.rule, s); j >= 0 {
				nst.series[seriesKey{j, k.labels}] = s
				continue
			}
			retire(k.rule, sensor, s)
		}
		if len(nst.series) > 0 {
			n.sensors[sensor] = nst
		}
	}

	for i := range e.absent {
		a := &e.absent[i]
		j := keep(a.idx, &a.s)
		if j < 0 {
			retire(a.idx, a.sensor, &a.s)
			continue
		}
		for k := range n.absent {
			if n.absent[k].idx == j {
				n.absent[k].s, n.absent[k].err = a.s, a.err
			}
		}
	}

	e.replaceProcesses(n, keep, retire)
	return n, trs
}

// replaceProcesses carries the process rules' state into n: each process
// keeps its series under the rules that stay, the command-line matches are
// tried again (the patterns may have moved), missing-process series carry
// over.
func (e *Evaluator) replaceProcesses(n *Evaluator, keep func(int, *series) int, retire func(int, string, *series)) {
	old, pr := &e.procs, &n.procs
	// Rule index (in Evaluator.rules) → index in procRules.rules.
	slot := map[int]int{}
	for k := range pr.rules {
		slot[pr.rules[k].idx] = k
	}
	for k := range old.rules {
		rl := &old.rules[k]
		if rl.missing == nil {
			continue
		}
		if j := keep(rl.idx, rl.missing); j >= 0 {
			*pr.rules[slot[j]].missing = *rl.missing
		} else {
			retire(rl.idx, reading.SensorProcesses, rl.missing)
		}
	}
	if old.table == nil {
		return
	}
	pr.table = make(map[int32]*procEntry, len(old.table))
	pr.gen = old.gen
	words := (pr.nre + 63) / 64
	pids := make([]int32, 0, len(old.table))
	for pid := range old.table {
		pids = append(pids, pid)
	}
	slices.Sort(pids)
	for _, pid := range pids {
		pe := old.table[pid]
		ne := &procEntry{gen: pe.gen, start: pe.start, comm: pe.comm, cmdline: pe.cmdline,
			known: make([]uint64, words), matched: make([]uint64, words)}
		for k, s := range pe.series {
			if s == nil {
				continue
			}
			idx := old.rules[k].idx
			if j := keep(idx, s); j >= 0 {
				if ne.series == nil {
					ne.series = make([]*series, len(pr.rules))
				}
				ne.series[slot[j]] = s
				continue
			}
			retire(idx, reading.SensorProcesses, s)
		}
		pr.table[pid] = ne
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
