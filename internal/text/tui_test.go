package text

import (
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
)

// named are the arguments of the methods that look a word up by a name:
// each name is tried.
var named = map[string][]any{
	"Panel":      {"cpu", "memory", "load", "temperature", "disk", "network", "alerts", "procs"},
	"PanelShort": {"cpu", "memory", "load", "temperature", "disk", "network", "alerts"},
	"Column":     {"PID", "USER", "S", "CPU%", "MEM%", "RSS", "THR", "TIME", "COMMAND"},
	"Field": {"Command", "Executable", "Directory", "User", "State", "Parent", "Started", "Threads", "CPU",
		"Memory", "Nice", "Open files", "I/O", "Not readable", "Children CPU"},
	"State":      {"R", "S", "D", "Z", "T", "t", "X", "I"},
	"SignalHelp": {"TERM", "KILL", "INT", "HUP", "STOP", "CONT"},
	"Level":      {reading.Unknown, reading.Normal, reading.Warning, reading.Critical},
	"Status":     {reading.Unknown, reading.Normal, reading.Warning, reading.Critical},
	"KeyHelp": {"up", "down", "page_up", "page_down", "home", "end", "detail", "signal", "filter", "tree", "exited",
		"sort_next", "sort_prev", "sort_cpu", "sort_mem", "sort_pid", "sort_time", "sort_user", "reverse",
		"interval_up", "interval_down", "irix", "events", "explain", "help", "quit", "replay_play", "replay_step",
		"replay_step_back", "replay_jump", "replay_jump_back", "replay_jump_far", "replay_jump_far_back",
		"replay_faster", "replay_slower", "replay_start", "replay_end", "replay_mark", "cgroups"},
	"CgroupColumn": {"CPU%", "THROT", "THR-S", "MEM", "LIMIT", "LIM%", "HIGH", "MAX", "OOM", "READ/s", "WRITE/s", "PIDS", "PSI%", "CGROUP"},
	"FleetKeyHelp": {"up", "home", "end", "detail", "filter", "tree", "sort_pid", "sort_time", "sort_user", "help", "quit"},
	"KeyHint":      {"help", "replay_play", "replay_step", "replay_jump", "replay_faster", "back", "cgroups", "procs_of", "cgroup_filter"},
	"Heading": {"SENSOR", "METRIC", "PEAK", "AT", "MEAN", "RULE", "WARNING", "CRITICAL", "RAISED", "AT END",
		"PID", "COMMAND", "USER", "CPU TIME", "PEAK RSS", "COMMAND LINE", "STARTED", "LIFETIME", "MOUNT",
		"DEVICE", "USED BEFORE", "USED AFTER", "GROWTH", "SIZE", "TIME", "MIN", "MAX"},
	"ReportLevel": {reading.Unknown, reading.Normal, reading.Warning, reading.Critical},
	"Per":         {time.Second, time.Minute, time.Hour, 24 * time.Hour},
	"EventKind": {reading.EventOOMKill, reading.EventThrottled, reading.EventPressure, reading.EventProcessStart,
		reading.EventProcessExit, reading.EventAlert},
	"EventLine": {
		reading.Event{Kind: reading.EventOOMKill, PID: 7, Comm: "x", Unit: "x.service"},
		reading.Event{Kind: reading.EventOOMKill, Count: 2, Cgroup: "/a"},
		reading.Event{Kind: reading.EventThrottled, Unit: "x.service", Count: 20, Value: 1},
		reading.Event{Kind: reading.EventPressure, Resource: "memory", Value: 12.5},
		reading.Event{Kind: reading.EventProcessStart, PID: 7, Comm: "x"},
		reading.Event{Kind: reading.EventProcessStart, Count: 8},
		reading.Event{Kind: reading.EventProcessExit, PID: 7, Comm: "x", Value: 64},
		reading.Event{Kind: reading.EventProcessExit, Count: 8},
		reading.Event{Kind: reading.EventProcessExit, PID: 7, Comm: "x", Value: 1, Resource: "SIGSEGV", Detail: "core"},
	},
	"ManSection": {"NAME", "SYNOPSIS", "DESCRIPTION", "COMMANDS", "FILES", "ENVIRONMENT", "EXIT STATUS", "SEE ALSO",
		"Usage:", "Flags:", "Examples:"},
}

// same are the words Spanish shares with English, as Method(argument).
var same = map[string]bool{
	"Total()": true, "Panel(cpu)": true, "PanelShort(cpu)": true, "PanelShort(memory)": true,
	"PanelShort(temperature)": true, "Column(PID)": true, "Column(CPU%)": true, "Column(MEM%)": true,
	"Column(RSS)": true, "Field(CPU)": true, "Field(Nice)": true, "Level(normal)": true, "Status(normal)": true,
	"KeyHint(replay_jump)": true, "Sensor(x)": true, "Note(x)": true,
	"Per(1s)": true, "Per(1m0s)": true, "Per(1h0m0s)": true,
	"FleetVersion()":     true,
	"CgroupColumn(CPU%)": true, "CgroupColumn(MEM)": true, "CgroupColumn(OOM)": true, "CgroupColumn(PIDS)": true,
	"CgroupColumn(PSI%)": true,
	"Heading(SENSOR)":    true, "Heading(PID)": true, "ReportLevel(normal)": true,
	"ExplainSubject(x)": true, "ExplainAmount(x)": true,
}

// arg makes an argument of type t for a method that takes anything.
func arg(t reflect.Type) reflect.Value {
	switch t {
	case reflect.TypeFor[string]():
		return reflect.ValueOf("x")
	case reflect.TypeFor[error]():
		return reflect.ValueOf(errors.New("boom"))
	case reflect.TypeFor[[]string]():
		return reflect.ValueOf([]string{reading.SensorCPU})
	case reflect.TypeFor[map[string]int]():
		return reflect.ValueOf(map[string]int{reading.SensorCPU: 1})
	case reflect.TypeFor[*reading.Transition]():
		return reflect.ValueOf(&reading.Transition{Metric: reading.CPUUsage, From: reading.Normal, To: reading.Warning,
			Value: 75, Threshold: 70, Fact: &reading.Fact{Unit: reading.Percent}})
	}
	v := reflect.New(t).Elem()
	switch {
	case v.CanInt():
		v.SetInt(3)
	case v.CanUint():
		v.SetUint(3)
	}
	return v
}

// words calls the method on tx and flattens what it returns.
func words(t *testing.T, tx *Text, m reflect.Method, name any) string {
	t.Helper()
	in := []reflect.Value{reflect.ValueOf(tx)}
	for i := 1; i < m.Type.NumIn(); i++ {
		if i == 1 && name != nil {
			in = append(in, reflect.ValueOf(name).Convert(m.Type.In(1)))
			continue
		}
		in = append(in, arg(m.Type.In(i)))
	}
	out := m.Func.Call(in)[0].Interface()
	switch v := out.(type) {
	case string:
		return v
	case []string:
		return strings.Join(v, "")
	case [4][2]string:
		var b strings.Builder
		for _, p := range v {
			if p[0] == "" || p[1] == "" {
				t.Errorf("%s: an empty note %q", m.Name, p)
			}
			b.WriteString(p[0] + p[1])
		}
		return b.String()
	case map[string]string:
		var b strings.Builder
		for _, k := range slices.Sorted(maps.Keys(v)) {
			b.WriteString(v[k])
		}
		return b.String()
	case Lang:
		return ""
	case []ManEntry:
		var b strings.Builder
		for _, e := range v {
			b.WriteString(e.Term + e.What)
		}
		return b.String()
	}
	t.Fatalf("%s returns %T: teach this test its words", m.Name, out)
	return ""
}

// TestEveryWord calls every method of the catalogue in both languages:
// none may be empty, and Spanish must differ from English but for the
// words both share.
func TestEveryWord(t *testing.T) {
	t.Parallel()
	en, es := For(English), For(Spanish)
	typ := reflect.TypeOf(en)
	for i := range typ.NumMethod() {
		m := typ.Method(i)
		if m.Name == "Lang" {
			continue
		}
		names := named[m.Name]
		if names == nil {
			names = []any{nil}
		}
		for _, n := range names {
			call := m.Name + "()"
			if n != nil {
				call = fmt.Sprintf("%s(%v)", m.Name, n)
			} else if m.Type.NumIn() > 1 && m.Type.In(1).Kind() == reflect.String {
				call = m.Name + "(x)"
			}
			e, s := words(t, en, m, n), words(t, es, m, n)
			if e == "" || s == "" {
				t.Errorf("%s: English %q, Spanish %q; want both non-empty", call, e, s)
			}
			if e == s && !same[call] {
				t.Errorf("%s = %q in both languages", call, e)
			}
			if e != s && same[call] {
				t.Errorf("%s: English %q, Spanish %q; the list says they are the same word", call, e, s)
			}
		}
	}
}
