package notify

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
)

// BodyVersion is the version of the webhook body; it changes only when a
// field changes meaning or goes away (docs/alerts.md).
const BodyVersion = "1"

// Body is the JSON a webhook receives and an exec command reads on stdin.
type Body struct {
	Version string `json:"version"`
	Source  string `json:"source"`
	Host    string `json:"host"`
	// Status is firing when any alert in the body fires, else resolved.
	Status string      `json:"status"`
	Test   bool        `json:"test"`
	SentAt time.Time   `json:"sent_at"`
	Alerts []BodyAlert `json:"alerts"`
}

// BodyAlert is one alert in a Body.
type BodyAlert struct {
	Fingerprint string            `json:"fingerprint"`
	Status      string            `json:"status"` // firing or resolved
	Event       Event             `json:"event"`
	Severity    string            `json:"severity"` // warning or critical
	Rule        string            `json:"rule"`
	Sensor      string            `json:"sensor"`
	Metric      string            `json:"metric"`
	Labels      map[string]string `json:"labels"`
	Value       float64           `json:"value"`
	Threshold   float64           `json:"threshold"`
	Summary     string            `json:"summary"`
	Message     string            `json:"message,omitempty"`
	StartsAt    time.Time         `json:"starts_at"`
	EndsAt      *time.Time        `json:"ends_at,omitempty"`
	ChangedAt   time.Time         `json:"changed_at"`
}

func bodyOf(m Message, alerts []Alert) Body {
	b := Body{Version: BodyVersion, Source: "vigia", Host: m.Host, Status: "resolved", Test: m.Test, SentAt: m.Time.UTC(), Alerts: make([]BodyAlert, len(alerts))}
	for i, a := range alerts {
		if a.Firing() {
			b.Status = "firing"
		}
		b.Alerts[i] = bodyAlert(m.Host, a)
	}
	return b
}

func bodyAlert(host string, a Alert) BodyAlert {
	ba := BodyAlert{
		Fingerprint: a.Fingerprint,
		Status:      status(a),
		Event:       a.Event,
		Severity:    a.Severity.String(),
		Rule:        a.Rule,
		Sensor:      a.Sensor,
		Metric:      a.Metric,
		Labels:      map[string]string{},
		Value:       finite(a.Value),
		Threshold:   finite(a.Threshold),
		Summary:     summary(host, a),
		Message:     a.Message,
		StartsAt:    a.StartsAt.UTC(),
		ChangedAt:   a.Time.UTC(),
	}
	for _, l := range a.Labels {
		ba.Labels[l.Name] = l.Value
	}
	if !a.Firing() {
		e := a.EndsAt.UTC()
		ba.EndsAt = &e
	}
	return ba
}

// finite keeps NaN and infinities, which JSON cannot carry, out of bodies.
func finite(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return v
}

func status(a Alert) string {
	if a.Firing() {
		return "firing"
	}
	return "resolved"
}

func encodeBody(m Message, alerts []Alert) ([]byte, error) {
	b, err := json.Marshal(bodyOf(m, alerts))
	if err != nil {
		return nil, fmt.Errorf("encode alert: %w", err)
	}
	return b, nil
}

// series writes a metric with its labels as Prometheus does:
// fs.used_percent{mountpoint="/"}.
func series(metric string, labels []reading.Label) string {
	return metric + reading.Labels(labels).String()
}

// number writes a value with at most two decimals.
func number(v float64) string {
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
}

// summary is the one line a person reads first.
func summary(host string, a Alert) string {
	if a.Event == Test {
		return fmt.Sprintf("vigia test alert from %s", host)
	}
	what := series(a.Metric, a.Labels)
	if !a.Firing() {
		return fmt.Sprintf("%s resolved on %s: %s = %s", a.Rule, host, what, number(a.Value))
	}
	return fmt.Sprintf("%s %s on %s: %s = %s (threshold %s)", a.Rule, a.Severity, host, what, number(a.Value), number(a.Threshold))
}

// description adds the rule's message and how long the alert has lasted.
func description(a Alert) string {
	var parts []string
	if a.Message != "" {
		parts = append(parts, a.Message)
	}
	if a.Event == Test {
		return strings.Join(parts, " ")
	}
	if a.Firing() {
		parts = append(parts, fmt.Sprintf("Value %s, %s threshold %s, since %s.", number(a.Value), a.Severity, number(a.Threshold), a.StartsAt.UTC().Format(time.RFC3339)))
	} else {
		parts = append(parts, fmt.Sprintf("Back to normal at %s (value %s) after %s.", a.EndsAt.UTC().Format(time.RFC3339), number(a.Value), a.EndsAt.Sub(a.StartsAt).Round(time.Second)))
	}
	return strings.Join(parts, " ")
}
