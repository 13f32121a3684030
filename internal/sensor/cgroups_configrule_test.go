package sensor

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/vigia-dev/vigia/internal/config"
	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/rule"
)

// cgroupRulesYAML are docs/rules.md's cgroup examples, as a config file
// has them.
const cgroupRulesYAML = `rules:
  - name: nginx_memory
    metric: cgroups.memory.used_percent
    labels: {unit: nginx.service}
    warning: 80
    critical: 90
  - name: oom_kill
    kind: rate
    metric: cgroups.memory.oom_kills_total
    window: 10m
    per: 10m
    critical: 0.5
`

// cgroupRulesFromConfig parses cgroupRulesYAML into the engine's rules.
func cgroupRulesFromConfig(t *testing.T) *rule.Evaluator {
	t.Helper()
	cfg, err := config.Parse("vigia.yaml", []byte(cgroupRulesYAML))
	if err != nil {
		t.Fatal(err)
	}
	var rs []rule.Rule
	for i := range cfg.Rules {
		rs = append(rs, cfg.Rules[i].Rule(i))
	}
	return rule.NewEvaluator(rs)
}

// firing is one transition seen: rule, group and level.
type firing struct {
	rule, cgroup string
	to           reading.Status
	at           time.Duration
}

// TestCgroupConfigRules runs the fixture host's walk every 2 s for 18
// minutes under the config rules of docs/rules.md: nginx.service's
// working set goes to 97 % of its memory.max (the unit rule turns
// critical for nginx alone), and at 6 minutes the OOM killer ends one of
// its processes (the OOM rule turns critical for nginx within a minute
// and resolves once the kill has left its window).
func TestCgroupConfigRules(t *testing.T) {
	root, pfs := copyMachine(t, "cgroups")
	nginx := filepath.Join(root, fixtureNginx)
	// 125 MiB of memory.max's 128 MiB, 1 MiB of it inactive page cache.
	writeFile(t, filepath.Join(nginx, "memory.current"), "131072000\n")
	ev := cgroupRulesFromConfig(t)
	c := NewCgroups(pfs)
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	if _, err := c.Read(context.Background(), t0); !errors.Is(err, ErrWarmup) {
		t.Fatalf("first read: %v, want ErrWarmup", err)
	}
	const kill = 6 * time.Minute // after the rate rule's first judgment, at half its window
	var seen []firing
	for d := 2 * time.Second; d <= 18*time.Minute; d += 2 * time.Second {
		if d == kill {
			writeFile(t, filepath.Join(nginx, "memory.events"), "low 0\nhigh 2\nmax 6\noom 2\noom_kill 4\n")
		}
		r, err := c.Read(context.Background(), t0.Add(d))
		if err != nil {
			t.Fatal(err)
		}
		_, trs := ev.Eval(r, r.Time)
		for _, tr := range trs {
			seen = append(seen, firing{tr.Rule, reading.Labels(tr.Labels).Value("cgroup"), tr.To, d})
		}
	}
	var mem, oomUp, oomDown []firing
	for _, f := range seen {
		switch {
		case f.rule == "nginx_memory":
			mem = append(mem, f)
		case f.rule == "oom_kill" && f.to == reading.Critical:
			oomUp = append(oomUp, f)
		case f.rule == "oom_kill":
			oomDown = append(oomDown, f)
		}
	}
	if len(mem) != 1 || mem[0].cgroup != "/system.slice/nginx.service" || mem[0].to != reading.Critical || mem[0].at != 2*time.Second {
		t.Errorf("memory rule transitions %+v, want nginx critical at the first judged walk", mem)
	}
	if len(oomUp) != 1 || oomUp[0].cgroup != "/system.slice/nginx.service" || oomUp[0].at < kill || oomUp[0].at > kill+time.Minute+10*time.Second {
		t.Errorf("OOM rule raised %+v, want nginx once, within a minute of the kill at %v (io.stat and memory.events are read every 10 s)", oomUp, kill)
	}
	if len(oomDown) != 1 || oomDown[0].at <= oomUp[0].at || oomDown[0].at > kill+10*time.Minute {
		t.Errorf("OOM rule resolved %+v, want once before the kill leaves its 10m window", oomDown)
	}
	if t.Failed() {
		for _, f := range seen {
			t.Logf("%+v", f)
		}
	}
}
