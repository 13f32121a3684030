package config

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestServerSection(t *testing.T) {
	t.Parallel()
	tests := []sectionCase[Server]{
		{name: "empty", in: "server: {}\n", want: Server{}},
		{name: "all", in: "server:\n  listen: 0.0.0.0:9000\n  token_file: /etc/vigia/token\n  open_metrics: true\n  tls_cert: c.pem\n  tls_key: k.pem\n  top_processes: 10\n  max_stream_clients: 32\n  timeouts: {read_header: 2s, read: 5s, write: 20s, idle: 1m}\n",
			want: Server{Listen: "0.0.0.0:9000", TokenFile: "/etc/vigia/token", OpenMetrics: true, TLSCert: "c.pem", TLSKey: "k.pem", TopProcesses: 10, MaxStreamClients: 32,
				Timeouts: ServerTimeouts{ReadHeader: 2 * time.Second, Read: 5 * time.Second, Write: 20 * time.Second, Idle: time.Minute}}},
		{name: "insecure off loopback", in: "server:\n  listen: ':8519'\n  insecure_no_auth: true\n", want: Server{Listen: ":8519", InsecureNoAuth: true}},
		// --token-file may supply the token: serve checks auth after merging.
		{name: "off loopback without token", in: "server:\n  listen: 192.0.2.1:8519\n", want: Server{Listen: "192.0.2.1:8519"}},
		{name: "no port", in: "server:\n  listen: 127.0.0.1\n", wantErr: "t.yaml:2: listen address \"127.0.0.1\" is not host:port"},
		{name: "bad port", in: "server:\n  listen: 127.0.0.1:http99\n", wantErr: "t.yaml:2: listen address \"127.0.0.1:http99\": port"},
		{name: "cert without key", in: "server:\n  tls_cert: c.pem\n", wantErr: "t.yaml:1: tls_cert and tls_key go together: tls_key is missing"},
		{name: "key without cert", in: "server:\n  tls_key: k.pem\n", wantErr: "tls_cert is missing"},
		{name: "both auth modes", in: "server:\n  token_file: t\n  insecure_no_auth: true\n", wantErr: "t.yaml:3: insecure_no_auth and token_file exclude each other"},
		{name: "top too high", in: "server:\n  top_processes: 100000\n", wantErr: "t.yaml:2: top_processes 100000 out of range"},
		{name: "stream clients negative", in: "server:\n  max_stream_clients: -1\n", wantErr: "t.yaml:2: max_stream_clients -1 out of range"},
		{name: "timeout too short", in: "server:\n  timeouts:\n    idle: 1ms\n", wantErr: "t.yaml:3: timeouts: idle: 1ms is too short (at least 100ms)"},
		{name: "timeout not a duration", in: "server:\n  timeouts:\n    read: soon\n", wantErr: "t.yaml:3: "},
		{name: "allowed hosts", in: "server:\n  allowed_hosts: [vigia.lan, Box.Example.]\n", want: Server{AllowedHosts: []string{"vigia.lan", "Box.Example."}}},
		{name: "allowed host with port", in: "server:\n  allowed_hosts:\n    - vigia.lan\n    - 'vigia.lan:8519'\n", wantErr: `t.yaml:4: allowed host "vigia.lan:8519" is not a bare host name`},
		{name: "unknown key", in: "server:\n  listn: x\n", wantErr: `t.yaml:2: unknown key "listn"`},
		{name: "collectors and textfile", in: "server:\n  collectors:\n    enable: []\n    disable: [timex, textfile]\n  textfile_dir: /var/lib/vigia/textfile\n",
			want: Server{Collectors: ServerCollectors{Enable: []string{}, Disable: []string{"timex", "textfile"}}, TextfileDir: "/var/lib/vigia/textfile"}},
		{name: "unknown collector", in: "server:\n  collectors:\n    disable:\n      - timex\n      - tiemx\n", wantErr: `t.yaml:5: unknown collector "tiemx" (known: arp, conntrack,`},
		{name: "collector on and off", in: "server:\n  collectors:\n    enable: [uname]\n    disable: [uname]\n", wantErr: `t.yaml:4: collector "uname" is both enabled and disabled`},
		{name: "collector exclusions", in: "server:\n  collector_options:\n    disk_exclude: '^loop\\d+$'\n    mount_exclude: ''\n",
			want: Server{CollectorOptions: CollectorOptions{DiskExclude: ptr(`^loop\d+$`), MountExclude: ptr("")}}},
		{name: "bad exclusion", in: "server:\n  collector_options:\n    disk_exclude: x\n    fs_type_exclude: '^(proc'\n",
			wantErr: "t.yaml:4: fs_type_exclude: error parsing regexp: missing closing ): `^(proc`"},
	}
	testSection(t, "server", tests, func(c *Config) Server { return c.Server })
}

// TestCollectorsWith: flags win over the file, in either direction.
func TestCollectorsWith(t *testing.T) {
	t.Parallel()
	file := ServerCollectors{Enable: []string{"a", "b"}, Disable: []string{"c", "d"}}
	on, off := file.With([]string{"c"}, []string{"a"})
	if diff := cmp.Diff([]string{"b", "c"}, on); diff != "" {
		t.Errorf("enable (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"d", "a"}, off); diff != "" {
		t.Errorf("disable (-want +got):\n%s", diff)
	}
}
func ptr[T any](v T) *T { return &v }
