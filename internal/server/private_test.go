package server

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vigia-dev/vigia/internal/reading"
)

// rootInspector stands for an agent running as root: it reads every field
// of every process.
type rootInspector struct{}

func (rootInspector) Inspect(_ context.Context, pid int32) (reading.ProcessDetail, error) {
	return reading.ProcessDetail{
		Process: reading.Process{PID: pid, User: "root", State: "S", Comm: "sshd", Cmdline: "sshd: /usr/sbin/sshd"},
		Exe:     "/usr/sbin/sshd", Cwd: "/root/secret-project", Nice: -5, OpenFiles: 12,
		ReadBytes: 4096, WriteBytes: 8192, VMSize: 1 << 20, Unreadable: []string{"io_read_bytes"},
	}, nil
}

func TestProcessDetailNeedsToken(t *testing.T) {
	t.Parallel()
	const token = "0123456789abcdef0123"
	type answer struct {
		Comm       string   `json:"comm"`
		Cmdline    string   `json:"cmdline"`
		State      string   `json:"state"`
		Nice       int32    `json:"nice"`
		VMSize     uint64   `json:"vm_size_bytes"`
		Exe        string   `json:"exe"`
		Cwd        string   `json:"cwd"`
		OpenFiles  int      `json:"open_files"`
		ReadBytes  uint64   `json:"io_read_bytes"`
		WriteBytes uint64   `json:"io_write_bytes"`
		Unreadable []string `json:"unreadable"`
		NeedsToken []string `json:"needs_token"`
	}
	tests := []struct {
		name  string
		token string
		want  answer
	}{
		{"no token: what /proc gives every user", "", answer{
			Comm: "sshd", Cmdline: "sshd: /usr/sbin/sshd", State: "S", Nice: -5, VMSize: 1 << 20,
			Unreadable: []string{"io_read_bytes", "exe", "cwd", "open_files", "io_write_bytes"},
			NeedsToken: []string{"exe", "cwd", "open_files", "io_read_bytes", "io_write_bytes"},
		}},
		{"valid token: everything", token, answer{
			Comm: "sshd", Cmdline: "sshd: /usr/sbin/sshd", State: "S", Nice: -5, VMSize: 1 << 20,
			Exe: "/usr/sbin/sshd", Cwd: "/root/secret-project", OpenFiles: 12, ReadBytes: 4096, WriteBytes: 8192,
			Unreadable: []string{"io_read_bytes"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, _ := newTestServer(t, func(o *Options) { o.Token, o.Inspector = tt.token, rootInspector{} })
			url, _ := serve(t, s)
			addr := strings.TrimPrefix(url, "http://")
			var hdr []string
			if tt.token != "" {
				hdr = []string{"Authorization", "Bearer " + tt.token}
			}
			code, body := getHost(t, addr, "localhost", "/api/v1/processes/1", hdr...)
			if code != 200 {
				t.Fatalf("GET /api/v1/processes/1 = %d %s", code, body)
			}
			var got answer
			if err := json.Unmarshal([]byte(body), &got); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("GET /api/v1/processes/1 mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
