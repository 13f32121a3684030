package server

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// getHost sends GET path to addr with the given Host header and returns
// the status and body.
func getHost(t *testing.T, addr, host, path string, hdr ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, "http://"+addr+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = host
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	c := &http.Client{Timeout: 5 * time.Second}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestHostCheckWithoutToken(t *testing.T) {
	t.Parallel()
	s, _ := newTestServer(t, func(o *Options) {
		o.Listen = "127.0.0.1:8519"
		o.AllowedHosts = []string{"Vigia.Internal"}
	})
	url, _ := serve(t, s)
	addr := strings.TrimPrefix(url, "http://")
	_, port, _ := net.SplitHostPort(addr)
	tests := []struct {
		host string
		want int
	}{
		{"localhost", 200},
		{"localhost:" + port, 200},
		{"LOCALHOST:" + port, 200},
		{"localhost.", 200},
		{"localhost.:" + port, 200},
		{"127.0.0.1", 200},
		{"127.0.0.1:" + port, 200},
		{"127.0.0.1.:" + port, 200},
		{"[::1]:" + port, 200},
		{"[::1]", 200},
		{"10.1.2.3:8519", 200}, // an IP literal cannot be rebound
		{"vigia.internal", 200},
		{"VIGIA.INTERNAL.:" + port, 200},
		{"evil.example", 421},
		{"attacker.test:80", 421},
		{"EVIL.example:" + port, 421},
		{"localhost.evil.example", 421},
		{"127.0.0.1.evil.example:" + port, 421},
		{"vigia.internal.evil.example", 421},
		{"[evil.example]:80", 421},
	}
	for _, path := range []string{"/api/v1/processes", "/api/v1/status", "/metrics", "/healthz", "/"} {
		for _, tt := range tests {
			code, body := getHost(t, addr, tt.host, path)
			if code != tt.want {
				t.Errorf("GET %s with Host %q = %d, want %d (%s)", path, tt.host, code, tt.want, body)
			}
			if tt.want == 421 && !strings.Contains(body, "is not a name of this agent") {
				t.Errorf("GET %s with Host %q: body %q does not say why", path, tt.host, body)
			}
		}
	}
}

// With a token the token guards the agent: a rebinding page cannot know it.
func TestHostCheckWithToken(t *testing.T) {
	t.Parallel()
	const token = "0123456789abcdef0123"
	s, _ := newTestServer(t, func(o *Options) { o.Token = token })
	url, _ := serve(t, s)
	addr := strings.TrimPrefix(url, "http://")
	if code, body := getHost(t, addr, "evil.example", "/api/v1/status", "Authorization", "Bearer "+token); code != 200 {
		t.Errorf("with the token, Host evil.example = %d, want 200 (%s)", code, body)
	}
	if code, _ := getHost(t, addr, "evil.example", "/api/v1/status"); code != 401 {
		t.Errorf("without the token, Host evil.example = %d, want 401", code)
	}
}
