package notify

import (
	"bytes"
	"encoding/json"
	"github.com/vigia-dev/vigia/internal/golden"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigia-dev/vigia/internal/config"
	"github.com/vigia-dev/vigia/internal/reading"
)

// startAlertmanager runs a real Alertmanager on a free loopback port with a
// throwaway config and storage, and returns its base URL. It skips the test
// only when the binary is not installed.
func startAlertmanager(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("prometheus-alertmanager")
	if err != nil {
		if bin, err = exec.LookPath("alertmanager"); err != nil {
			t.Skip("Alertmanager is not installed (Debian package prometheus-alertmanager)")
		}
	}
	dir := t.TempDir()
	cfg := filepath.Join(dir, "alertmanager.yml")
	if err := os.WriteFile(cfg, []byte("route:\n  receiver: sink\n  group_wait: 1s\nreceivers:\n  - name: sink\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	var out bytes.Buffer
	cmd := exec.Command(bin,
		"--config.file="+cfg,
		"--storage.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+addr,
		"--cluster.listen-address=",
		"--log.level=warn",
	)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
	})
	base := "http://" + addr
	deadline := time.Now().Add(15 * time.Second)
	for {
		resp, err := http.Get(base + "/-/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return base
			}
		}
		select {
		case <-exited:
			t.Fatalf("alertmanager exited:\n%s", out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("alertmanager not ready on %s after 15s:\n%s", addr, out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// amListed is gettableAlert of Alertmanager's API, the parts tested.
type amListed struct {
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
	StartsAt    time.Time         `json:"startsAt"`
	EndsAt      time.Time         `json:"endsAt"`
	Status      struct {
		State string `json:"state"`
	} `json:"status"`
}

func listAlerts(t *testing.T, base string) []amListed {
	t.Helper()
	resp, err := http.Get(base + "/api/v2/alerts")
	if err != nil {
		t.Fatalf("GET /api/v2/alerts: %v", err)
	}
	defer resp.Body.Close()
	var as []amListed
	if err := json.NewDecoder(resp.Body).Decode(&as); err != nil {
		t.Fatalf("GET /api/v2/alerts: %v", err)
	}
	return as
}

// waitAlerts polls until the listed alerts satisfy ok.
func waitAlerts(t *testing.T, base, what string, ok func([]amListed) bool) []amListed {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		as := listAlerts(t, base)
		if ok(as) {
			return as
		}
		if time.Now().After(deadline) {
			t.Fatalf("Alertmanager never showed %s; it lists %+v", what, as)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestAlertmanagerRaiseEscalateResolve(t *testing.T) {
	t.Parallel()
	base := startAlertmanager(t)
	n := config.Notifier{Name: "am", Type: config.NotifierAlertmanager, URL: base, Timeout: 5 * time.Second, Retries: 2, Backoff: 100 * time.Millisecond, RepeatInterval: time.Minute, MinSeverity: reading.Warning, SendResolved: true}
	d := New(Options{Notifiers: []config.Notifier{n}, Host: "web-1", FlushTimeout: time.Second})
	in := make(chan reading.Reading)
	done := make(chan error, 1)
	go func() { done <- d.Run(t.Context(), in) }()

	labels := []reading.Label{{Name: "device", Value: "/dev/sda1"}, {Name: "fstype", Value: "ext4"}, {Name: "mountpoint", Value: "/"}}
	since := time.Now().Add(-time.Minute).Truncate(time.Second)
	send := func(from, to reading.Status, value float64) {
		in <- reading.Reading{Sensor: reading.SensorDisk, Time: time.Now(), Transitions: []reading.Transition{{
			Rule: "root-full", Sensor: reading.SensorDisk, Metric: reading.FSUsedPercent, Labels: labels,
			From: from, To: to, Value: value, Threshold: map[reading.Status]float64{reading.Warning: 90, reading.Critical: 95, reading.Normal: 90}[to],
			Time: time.Now(), Since: since, Message: "The root filesystem is filling up.",
		}}}
	}
	wantLabels := func(sev string) map[string]string {
		return map[string]string{
			"alertname": "root-full", "severity": sev, "instance": "web-1", "job": "vigia",
			"sensor": "disk", "metric": "fs.used_percent", "device": "/dev/sda1", "fstype": "ext4", "mountpoint": "/",
		}
	}

	send(reading.Normal, reading.Warning, 91.5)
	as := waitAlerts(t, base, "the raised alert", func(as []amListed) bool { return len(as) == 1 })
	a := as[0]
	if diff := cmp.Diff(wantLabels("warning"), a.Labels); diff != "" {
		t.Errorf("labels mismatch (-want +got):\n%s", diff)
	}
	if a.Status.State != "active" || !a.StartsAt.Equal(since) || !a.EndsAt.After(time.Now().Add(time.Minute)) {
		t.Errorf("alert state %q, starts %v (want %v), ends %v (want minutes ahead)", a.Status.State, a.StartsAt, since, a.EndsAt)
	}
	wantSummary := `root-full warning on web-1: fs.used_percent{device="/dev/sda1",fstype="ext4",mountpoint="/"} = 91.5 (threshold 90)`
	if a.Annotations["summary"] != wantSummary || a.Annotations["value"] != "91.5" || a.Annotations["description"] == "" {
		t.Errorf("annotations = %v, want summary %q and value 91.5", a.Annotations, wantSummary)
	}

	// Escalation changes the severity label: the critical alert replaces
	// the warning one.
	send(reading.Warning, reading.Critical, 96)
	waitAlerts(t, base, "only the critical alert", func(as []amListed) bool {
		return len(as) == 1 && as[0].Labels["severity"] == "critical"
	})

	send(reading.Critical, reading.Normal, 80)
	waitAlerts(t, base, "the alert resolved", func(as []amListed) bool { return len(as) == 0 })

	close(in)
	if err := <-done; err != nil {
		t.Errorf("Run = %v", err)
	}
	h := d.Health()[1]
	if h.Name != "am" || h.Sent != 3 || h.Failed != 0 || h.Firing != 0 {
		t.Errorf("health = %+v, want 3 sent, none failed or firing", h)
	}
}

func TestAlertmanagerTestAlert(t *testing.T) {
	t.Parallel()
	base := startAlertmanager(t)
	n := config.Notifier{Name: "am", Type: config.NotifierAlertmanager, URL: base, Timeout: 5 * time.Second, RepeatInterval: time.Minute}
	d := New(Options{Notifiers: []config.Notifier{n}, Host: "web-1"})
	res := d.Test(t.Context(), "am")
	if len(res) != 1 || res[0].Err != nil {
		t.Fatalf("Test = %+v", res)
	}
	as := waitAlerts(t, base, "the test alert", func(as []amListed) bool { return len(as) == 1 })
	if as[0].Labels["alertname"] != "vigia_test" || as[0].Labels["instance"] != "web-1" {
		t.Errorf("test alert labels = %v", as[0].Labels)
	}
}

func TestAlertmanagerRejectsBadRequest(t *testing.T) {
	t.Parallel()
	base := startAlertmanager(t)
	// Alertmanager refuses an alert whose end precedes its start: a 400,
	// reported with its reason and not retried.
	s := newAlertmanager(config.Notifier{URL: base, Timeout: 5 * time.Second, Retries: 3, Backoff: time.Second, RepeatInterval: time.Minute}, http.DefaultClient)
	now := time.Now()
	a := Alert{Rule: "bad", Severity: reading.Warning, StartsAt: now, EndsAt: now.Add(-time.Hour), Time: now}
	start := time.Now()
	err := s.Send(t.Context(), Message{Host: "h", Time: now, Alerts: []Alert{a}})
	if err == nil || !bytes.Contains([]byte(err.Error()), []byte("400 Bad Request")) {
		t.Errorf("Send = %v, want 400 Bad Request", err)
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("a 400 was retried (took %v)", took)
	}
}

// TestAlertmanagerPayload pins what is posted: an escalated alert ends the
// warning alert Alertmanager holds as it starts the critical one, firing
// alerts end four repeat intervals ahead, resolved ones when they ended.
func TestAlertmanagerPayload(t *testing.T) {
	t.Parallel()
	rec := &capture{}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	s := newAlertmanager(config.Notifier{URL: srv.URL, Timeout: time.Second, RepeatInterval: time.Minute}, srv.Client())
	m := sampleMessage()
	m.Alerts[0].Labels = append(m.Alerts[0].Labels, reading.Label{Name: "severity", Value: "clash"}, reading.Label{Name: "odd-name", Value: "x"})
	if err := s.Send(t.Context(), m); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if rec.requests() != 1 {
		t.Fatalf("%d requests, want 1", rec.requests())
	}
	golden.Check(t, "testdata/alertmanager.golden", indent(t, rec.bodies[0]))
}
