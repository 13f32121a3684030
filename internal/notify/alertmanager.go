package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/vigia-dev/vigia/internal/config"
	"github.com/vigia-dev/vigia/internal/reading"
)

// alertmanager posts alerts to Alertmanager's v2 API. Like Prometheus, it
// sets endsAt on firing alerts a few repeat intervals ahead, so alerts
// expire in Alertmanager if vigia stops re-sending them.
type alertmanager struct {
	p      *poster
	repeat time.Duration
}

func newAlertmanager(n config.Notifier, client *http.Client) *alertmanager {
	return &alertmanager{p: newPoster(n, n.URL+"/api/v2/alerts", client), repeat: n.RepeatInterval}
}

// amAlert is postableAlert of Alertmanager's OpenAPI spec.
type amAlert struct {
	Labels       map[string]string `json:"labels"`
	Annotations  map[string]string `json:"annotations"`
	StartsAt     time.Time         `json:"startsAt"`
	EndsAt       time.Time         `json:"endsAt"`
	GeneratorURL string            `json:"generatorURL,omitempty"`
}

// Labels that vigia sets itself; series labels of the same name are renamed
// with a label_ prefix.
var reservedLabels = map[string]bool{"alertname": true, "severity": true, "instance": true, "sensor": true, "metric": true, "job": true}

func (s *alertmanager) validity() time.Duration {
	return 4 * max(s.repeat, time.Minute)
}

func (s *alertmanager) Send(ctx context.Context, m Message) error {
	var out []amAlert
	for _, a := range m.Alerts {
		firing := a.Firing()
		sev := a.Severity
		if !firing && a.Delivered >= reading.Warning {
			sev = a.Delivered // end the alert Alertmanager holds
		}
		x := amAlert{
			Labels:      amLabels(m.Host, a, sev),
			Annotations: map[string]string{"summary": summary(m.Host, a), "description": description(a), "value": number(finite(a.Value)), "threshold": number(finite(a.Threshold))},
			StartsAt:    a.StartsAt.UTC(),
			EndsAt:      a.EndsAt.UTC(),
		}
		if firing {
			x.EndsAt = m.Time.Add(s.validity()).UTC()
			if a.Event == Test {
				x.EndsAt = m.Time.Add(5 * time.Minute).UTC()
			}
		}
		out = append(out, x)
		if firing && a.Delivered >= reading.Warning && a.Delivered != a.Severity {
			// The severity label changed, which makes a new alert for
			// Alertmanager: end the one it holds.
			old := x
			old.Labels = amLabels(m.Host, a, a.Delivered)
			old.EndsAt = a.Time.UTC()
			out = append(out, old)
		}
	}
	b, err := json.Marshal(out)
	if err != nil {
		return fmt.Errorf("encode alerts: %w", err)
	}
	return s.p.post(ctx, b)
}

func amLabels(host string, a Alert, sev reading.Status) map[string]string {
	ls := map[string]string{
		"alertname": labelValue(a.Rule),
		"severity":  sev.String(),
		"instance":  labelValue(host),
		"job":       "vigia",
	}
	if a.Sensor != "" {
		ls["sensor"] = a.Sensor
	}
	if a.Metric != "" {
		ls["metric"] = a.Metric
	}
	for _, l := range a.Labels {
		name := labelName(l.Name)
		if reservedLabels[name] {
			name = "label_" + name
		}
		if l.Value != "" {
			ls[name] = strings.ToValidUTF8(l.Value, "\uFFFD")
		}
	}
	return ls
}

func labelValue(s string) string {
	if s == "" {
		return "vigia"
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

// labelName makes a name Alertmanager accepts: [a-zA-Z_][a-zA-Z0-9_]*.
func labelName(s string) string {
	b := []byte(s)
	for i, c := range b {
		ok := c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9'
		if !ok {
			b[i] = '_'
		}
	}
	if len(b) == 0 {
		return "_"
	}
	return string(b)
}
