package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// logLines parses stderr written with --log-format json: every line one
// JSON object carrying the keys docs/logging.md promises on every line.
func logLines(t *testing.T, stderr string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for i, line := range strings.Split(strings.TrimSuffix(stderr, "\n"), "\n") {
		var obj map[string]any
		if err := json.Unmarshal([]byte(line), &obj); err != nil {
			t.Fatalf("stderr line %d is not a JSON object: %v\n%s", i+1, err, line)
		}
		for _, k := range []string{"time", "level", "msg"} {
			if _, ok := obj[k]; !ok {
				t.Errorf("stderr line %d has no %q: %s", i+1, k, line)
			}
		}
		out = append(out, obj)
	}
	return out
}

// A sensor that fails logs, in JSON, which sensor, the error with the file
// it could not read, and when it is tried again, as a duration a person
// reads.
func TestLogFormatJSONSensorFailure(t *testing.T) {
	t.Parallel()
	root := "../../internal/sensor/testdata/procs-odd" // has no loadavg
	_, errOut, code := vigia(t, nil, "watch", "--count", "1", "--interval", "200ms", "--sensors", "memory,load",
		"--procfs", root+"/proc", "--sysfs", root+"/sys", "--log-format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var failing []map[string]any
	for _, l := range logLines(t, errOut) {
		if l["msg"] == "failing" {
			delete(l, "time")
			failing = append(failing, l)
		}
	}
	want := []map[string]any{{
		"level": "WARN", "msg": "failing", "sensor": "load",
		"error": "open " + root + "/proc/loadavg: no such file or directory", "retry_in": "200ms",
	}}
	if diff := cmp.Diff(want, failing); diff != "" {
		t.Errorf("failing sensor's log lines mismatch (-want +got):\n%s", diff)
	}
}

// With --log-format json the error that ends the command is a JSON line
// too, so a log shipper never meets a line it cannot parse.
func TestLogFormatJSONFailure(t *testing.T) {
	t.Parallel()
	_, errOut, code := vigia(t, nil, "watch", "--log-format", "json", "--procfs", "/nonexistent")
	if code != exitUsage {
		t.Errorf("exit %d, want %d", code, exitUsage)
	}
	lines := logLines(t, errOut)
	if len(lines) != 1 || lines[0]["level"] != "ERROR" || !strings.Contains(lines[0]["error"].(string), `procfs root "/nonexistent"`) {
		t.Errorf("want one ERROR line naming the procfs root, got:\n%s", errOut)
	}
}

func TestLogFormatUnknown(t *testing.T) {
	t.Parallel()
	_, errOut, code := vigia(t, nil, "watch", "--log-format", "xml")
	if code != exitUsage || !strings.Contains(errOut, `vigia: --log-format "xml": want text or json`) {
		t.Errorf("exit %d, stderr %q; want 2 and the formats", code, errOut)
	}
}
