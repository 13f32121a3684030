package config

import (
	"net"
	"strconv"
	"strings"
	"time"
)

// Server is the `server:` section: the agent's listener, auth, TLS and
// timeouts. Zero fields mean the server package's defaults; flags of
// `vigia serve` override the file.
//
//	server:
//	  listen: 127.0.0.1:8519
//	  token_file: /etc/vigia/token   # needed off loopback, unless insecure_no_auth
//	  open_metrics: true             # leave /metrics and /healthz open for scrapers
//	  allowed_hosts: [vigia.lan]     # Host names answered without a token, besides localhost and IPs
//	  tls_cert: /etc/vigia/cert.pem
//	  tls_key: /etc/vigia/key.pem
//	  top_processes: 10              # vigia_process_* series for the 10 busiest
//	  max_stream_clients: 256        # event-stream clients at once; the next gets 503
//	  timeouts: {read_header: 5s, read: 10s, write: 30s, idle: 120s}
//	  collectors: {enable: [], disable: [timex]}  # node_exporter's collectors (docs/metrics.md)
//	  textfile_dir: /var/lib/vigia/textfile        # *.prom files merged into /metrics
//	  remote_write: [{url: http://prometheus:9090/api/v1/write}]   # push, see remotewrite.go
type Server struct {
	Listen         string   `yaml:"listen"`
	TokenFile      string   `yaml:"token_file"`
	InsecureNoAuth bool     `yaml:"insecure_no_auth"`
	OpenMetrics    bool     `yaml:"open_metrics"`
	AllowedHosts   []string `yaml:"allowed_hosts"`
	TLSCert        string   `yaml:"tls_cert"`
	TLSKey         string   `yaml:"tls_key"`
	TopProcesses   int      `yaml:"top_processes"`
	// MaxStreamClients bounds the event stream's clients; 0 is the
	// server's default.
	MaxStreamClients int              `yaml:"max_stream_clients"`
	Timeouts         ServerTimeouts   `yaml:"timeouts"`
	Collectors       ServerCollectors `yaml:"collectors"`
	// TextfileDir is the textfile collector's directory of *.prom files.
	TextfileDir string `yaml:"textfile_dir"`
	// CollectorOptions tune the node_exporter collectors (collectors.go).
	CollectorOptions CollectorOptions `yaml:"collector_options"`
	// RemoteWrite lists the receivers the agent pushes its series to.
	RemoteWrite []RemoteWrite `yaml:"remote_write"`
}

// ServerTimeouts bound each phase of a request. Write does not apply to the
// event stream, which lifts it per connection.
type ServerTimeouts struct {
	ReadHeader time.Duration `yaml:"read_header"`
	Read       time.Duration `yaml:"read"`
	Write      time.Duration `yaml:"write"`
	Idle       time.Duration `yaml:"idle"`
}

// MaxServerTopProcesses bounds top_processes, in the file and in
// --top-processes: each process adds series to every scrape.
const MaxServerTopProcesses = 500

// MaxServerStreamClients bounds max_stream_clients: each stalled client may
// hold its byte budget.
const MaxServerStreamClients = 65536

// CheckListen says what is wrong with a listen address, or returns "".
func CheckListen(listen string) string {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return "listen address " + strconv.Quote(listen) + " is not host:port (e.g. 127.0.0.1:8519)"
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return "listen address " + strconv.Quote(listen) + ": port " + strconv.Quote(port) + " is not a number from 0 to 65535"
	}
	if strings.ContainsAny(host, " /\t") {
		return "listen address " + strconv.Quote(listen) + ": bad host " + strconv.Quote(host)
	}
	return ""
}

func (s *Server) validate(v *Validator) {
	if s.Listen != "" {
		// Whether an address off loopback has auth is checked by `vigia
		// serve` once flags are merged: --token-file may supply it.
		if msg := CheckListen(s.Listen); msg != "" {
			v.Errorf(Path("server", "listen"), "%s", msg)
		}
	}
	if s.TokenFile != "" && s.InsecureNoAuth {
		v.Errorf(Path("server", "insecure_no_auth"), "insecure_no_auth and token_file exclude each other")
	}
	for i, h := range s.AllowedHosts {
		if msg := CheckHostName(h); msg != "" {
			v.Errorf(Path("server", "allowed_hosts", i), "%s", msg)
		}
	}
	if (s.TLSCert == "") != (s.TLSKey == "") {
		key := "tls_key"
		if s.TLSCert == "" {
			key = "tls_cert"
		}
		v.Errorf(Path("server", key), "tls_cert and tls_key go together: %s is missing", key)
	}
	if s.TopProcesses < 0 || s.TopProcesses > MaxServerTopProcesses {
		v.Errorf(Path("server", "top_processes"), "top_processes %d out of range (0 to %d)", s.TopProcesses, MaxServerTopProcesses)
	}
	if s.MaxStreamClients < 0 || s.MaxStreamClients > MaxServerStreamClients {
		v.Errorf(Path("server", "max_stream_clients"), "max_stream_clients %d out of range (1 to %d)", s.MaxStreamClients, MaxServerStreamClients)
	}
	s.Collectors.validate(v)
	s.CollectorOptions.validate(v)
	for _, t := range []struct {
		key string
		d   time.Duration
	}{
		{"read_header", s.Timeouts.ReadHeader}, {"read", s.Timeouts.Read},
		{"write", s.Timeouts.Write}, {"idle", s.Timeouts.Idle},
	} {
		v.duration(Path("server", "timeouts", t.key), "timeouts: "+t.key, t.d, LimitsServerTimeout)
	}
	seen := map[string]int{}
	for i := range s.RemoteWrite {
		s.RemoteWrite[i].validate(v, i, seen)
	}
}

// CheckHostName says what is wrong with a name given as an allowed Host, or
// returns "": a bare DNS name, without port or scheme.
func CheckHostName(h string) string {
	if h == "" || strings.ContainsAny(h, ":/ \t[]@") {
		return "allowed host " + strconv.Quote(h) + " is not a bare host name (no port, scheme or path: e.g. vigia.lan)"
	}
	return ""
}
