package notify

import (
	"encoding/json"
	"regexp"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/vigia-dev/vigia/internal/reading"
)

var validLabel = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)

// FuzzAlertEncoding checks that any rule, label or message vigia may carry
// becomes labels Alertmanager accepts and a webhook body that is valid JSON
// and decodes back to the same labels.
func FuzzAlertEncoding(f *testing.F) {
	f.Add("root-full", "mountpoint", "/", "disk is full", 96.5)
	f.Add("", "", "", "", 0.0)
	f.Add("ünïcode", "9lives", "\xff\xfe", "line\nbreak \"quoted\"", -1.5)
	f.Add("alertname", "severity", "x", "", 1e300)
	f.Fuzz(func(t *testing.T, rule, lname, lvalue, msg string, value float64) {
		now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		a := Alert{Rule: rule, Sensor: reading.SensorDisk, Metric: reading.FSUsedPercent, Labels: []reading.Label{{Name: lname, Value: lvalue}},
			Severity: reading.Critical, Value: value, Threshold: 90, Message: msg, StartsAt: now, Time: now}
		a.Fingerprint = fingerprint(a.Rule, a.Sensor, a.Metric, a.Labels)
		ls := amLabels("host", a, a.Severity)
		for k, v := range ls {
			if !validLabel.MatchString(k) {
				t.Errorf("label name %q is not valid for Alertmanager", k)
			}
			if !utf8.ValidString(v) {
				t.Errorf("label %s value %q is not UTF-8", k, v)
			}
		}
		if ls["alertname"] == "" || ls["severity"] != "critical" || ls["instance"] != "host" {
			t.Errorf("reserved labels overwritten: %v", ls)
		}
		b, err := encodeBody(Message{Host: "host", Time: now}, []Alert{a})
		if err != nil {
			t.Fatalf("encodeBody: %v", err)
		}
		var back Body
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("body is not JSON: %v\n%s", err, b)
		}
		if utf8.ValidString(lvalue) && utf8.ValidString(lname) && back.Alerts[0].Labels[lname] != lvalue {
			t.Errorf("label %q=%q came back as %q", lname, lvalue, back.Alerts[0].Labels[lname])
		}
	})
}
