package metrics

import (
	"bytes"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/vigia-dev/vigia/internal/golden"
	"github.com/vigia-dev/vigia/internal/reading"
)

// copyTextfiles copies testdata/textfile/name to a temporary directory
// and sets every file's mtime to t0, so node_textfile_mtime_seconds is
// fixed.
func copyTextfiles(t *testing.T, name string) string {
	t.Helper()
	src := filepath.Join("testdata", "textfile", name)
	dst := t.TempDir()
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dst, e.Name())
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, t0, t0); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

var nodeLoad1 = &reading.Family{Name: "node_load1", Help: "1m load average.", Type: reading.Gauge}

// textfileScrape serves /metrics with the textfile collector over dir
// and a node set that emits node_load1 and its own health, and returns
// the scrape without the Go and process families, dir written as DIR
// and the textfile collector's duration as D.
func textfileScrape(t *testing.T, dir string, log io.Writer) string {
	t.Helper()
	h := Handler(New(Options{
		Snapshot: func() []reading.Reading { return nil },
		Node: func(emit reading.Emit) {
			emit(nodeLoad1, 0.5)
			emit(reading.ScrapeCollectorDuration, 0.001, "loadavg")
			emit(reading.ScrapeCollectorSuccess, 1, "loadavg")
		},
		Textfile: true, TextfileDir: dir,
		Logger: slog.New(slog.NewTextHandler(log, nil)),
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != 200 {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var keep []string
	skip := false
	for _, l := range strings.SplitAfter(rec.Body.String(), "\n") {
		if f := strings.Fields(l); len(f) > 2 && f[0] == "#" && f[1] == "HELP" {
			skip = strings.HasPrefix(f[2], "go_") || strings.HasPrefix(f[2], "process_") || strings.HasPrefix(f[2], "promhttp_")
		}
		if !skip {
			keep = append(keep, l)
		}
	}
	out := strings.Join(keep, "")
	if dir != "" {
		out = strings.ReplaceAll(out, dir, "DIR")
	}
	return regexp.MustCompile(`(collector_duration_seconds\{collector="textfile"\}) .*`).ReplaceAllString(out, "$1 D")
}

// TestTextfile: families of two files merged with their types (counter,
// gauge, histogram, summary, untyped), a family without HELP named after
// its files, files not named *.prom ignored, mtimes and the collector's
// health served.
func TestTextfile(t *testing.T) {
	t.Parallel()
	var log bytes.Buffer
	got := textfileScrape(t, copyTextfiles(t, "good"), &log)
	golden.Check(t, filepath.Join("testdata", "textfile-good.golden"), []byte(got))
	if log.Len() > 0 {
		t.Errorf("good files logged:\n%s", log.String())
	}
}

// TestTextfileBadFiles: a file with bad syntax, a repeated series, a
// timestamp, a family vigia exposes, or one an earlier file gave another
// type, help or the same series is left out whole and reported; the good
// file and the rest of the scrape are served.
func TestTextfileBadFiles(t *testing.T) {
	t.Parallel()
	var log bytes.Buffer
	dir := copyTextfiles(t, "bad")
	got := textfileScrape(t, dir, &log)
	golden.Check(t, filepath.Join("testdata", "textfile-bad.golden"), []byte(got))
	l := log.String()
	for _, f := range []string{"clash", "dup", "help", "repeat", "syntax", "timestamp", "type"} {
		if strings.Count(l, filepath.Join(dir, f+".prom")) != 1 {
			t.Errorf("%s.prom not logged once:\n%s", f, l)
		}
	}
}

// TestTextfileLogsChangesOnly: a bad file is logged when it turns bad and
// when it is fixed, not at every scrape.
func TestTextfileLogsChangesOnly(t *testing.T) {
	t.Parallel()
	var log bytes.Buffer
	dir := t.TempDir()
	p := filepath.Join(dir, "x.prom")
	if err := os.WriteFile(p, []byte("x{\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tf := &textfile{dir: dir, logger: slog.New(slog.NewTextHandler(&log, nil))}
	scrapeErr := func() float64 {
		for _, mf := range tf.gather(nil) {
			if mf.GetName() == textfileError {
				return mf.Metric[0].GetGauge().GetValue()
			}
		}
		t.Fatal("no node_textfile_scrape_error")
		return 0
	}
	for range 3 {
		if scrapeErr() != 1 {
			t.Error("a bad file is not an error")
		}
	}
	if n := strings.Count(log.String(), "textfile skipped"); n != 1 {
		t.Errorf("logged %d times in three scrapes, want once:\n%s", n, log.String())
	}
	if err := os.WriteFile(p, []byte("x 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if scrapeErr() != 0 {
		t.Error("the fixed file is still an error")
	}
	if !strings.Contains(log.String(), "textfile read again") {
		t.Errorf("the fix was not logged:\n%s", log.String())
	}
}

// TestTextfileNoDir: enabled without a directory, as node_exporter's
// default, only the error gauge (0) and the health are served; a missing
// directory is an error.
func TestTextfileNoDir(t *testing.T) {
	t.Parallel()
	got := textfileScrape(t, "", io.Discard)
	for _, want := range []string{"node_textfile_scrape_error 0\n", `node_scrape_collector_success{collector="textfile"} 1`, `node_scrape_collector_success{collector="loadavg"} 1`} {
		if !strings.Contains(got, want) {
			t.Errorf("no %q in:\n%s", want, got)
		}
	}
	got = textfileScrape(t, filepath.Join(t.TempDir(), "missing"), io.Discard)
	if !strings.Contains(got, "node_textfile_scrape_error 1\n") {
		t.Errorf("a missing directory is no error:\n%s", got)
	}
}

func BenchmarkCollectorTextfile(b *testing.B) {
	tf := &textfile{dir: filepath.Join("testdata", "textfile", "good"), logger: slog.New(slog.DiscardHandler)}
	b.ReportAllocs()
	for b.Loop() {
		tf.gather(nil)
	}
}

// TestTextfileReservedNames: a file may not give the families the
// textfile collector reports itself, even with no node collector running.
func TestTextfileReservedNames(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"node_scrape_collector_success", "node_scrape_collector_duration_seconds", "node_textfile_scrape_error", "node_textfile_mtime_seconds"} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "x.prom"), []byte(name+"{collector=\"x\"} 0\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		h := Handler(New(Options{Snapshot: func() []reading.Reading { return nil }, Textfile: true, TextfileDir: dir}))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
		if got := rec.Body.String(); !strings.Contains(got, "node_textfile_scrape_error 1\n") || strings.Contains(got, `collector="x"`) {
			t.Errorf("a file giving %s was served:\n%s", name, got)
		}
	}
}
