package config

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestFleetSection(t *testing.T) {
	t.Parallel()
	cfg, err := Parse("vigia.yaml", []byte("fleet:\n  prometheus: http://prometheus:9090\n  alertmanager: https://am:9093\n  token_file: /t\n  ca_file: /ca.pem\n  refresh: 10s\n  group: env\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := Fleet{Prometheus: "http://prometheus:9090", Alertmanager: "https://am:9093", TokenFile: "/t", CAFile: "/ca.pem", Refresh: 10 * time.Second, Group: "env"}
	if diff := cmp.Diff(want, cfg.Fleet); diff != "" {
		t.Errorf("fleet section mismatch (-want +got):\n%s", diff)
	}
	for _, tt := range []struct{ in, want string }{
		{"fleet:\n  refresh: 10ms\n", "vigia.yaml:2: fleet refresh: "},
	} {
		_, err := Parse("vigia.yaml", []byte(tt.in))
		if err == nil || len(err.Error()) < len(tt.want) || err.Error()[:len(tt.want)] != tt.want {
			t.Errorf("Parse(%q) = %v, want an error starting %q", tt.in, err, tt.want)
		}
	}
}
