package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestServeCollectorChoice: server.collectors and server.textfile_dir
// from the file, with --collector winning over the file's disable list.
func TestServeCollectorChoice(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tf := filepath.Join(dir, "textfile")
	if err := os.Mkdir(tf, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(tf, "backup.prom"), []byte("# TYPE backup_ok gauge\nbackup_ok 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "vigia.yaml")
	if err := os.WriteFile(cfg, []byte("server:\n  collectors:\n    disable: [timex, uname]\n  textfile_dir: "+tf+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	base, _ := startServe(t, "--config", cfg, "--no-record", "--collector", "uname")
	_, body := fetch(t, base+"/metrics")
	m := string(body)
	for _, want := range []string{"\nbackup_ok 1\n", "\nnode_textfile_scrape_error 0\n", "\nnode_uname_info{", `node_scrape_collector_success{collector="textfile"} 1`} {
		if !strings.Contains(m, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if strings.Contains(m, "node_timex_") || strings.Contains(m, `collector="timex"`) {
		t.Error("timex disabled in the file but served")
	}
}
