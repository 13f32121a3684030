package remote

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
	"github.com/vigia-dev/vigia/internal/server"
)

// TestClientTrustsCAFile: an https agent with its own certificate is
// followed with --ca-file and refused without it.
func TestClientTrustsCAFile(t *testing.T) {
	t.Parallel()
	s, err := server.New(server.Options{
		Listen: "127.0.0.1:0", Token: testToken, State: agentState{}, Stream: make(chan reading.Reading),
		Health: func() reading.Health {
			return reading.Health{Sensors: []reading.SensorHealth{{Name: "cpu", Interval: time.Second}}}
		},
		Version: "test", Hostname: "far-away",
	})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewTLSServer(s.Handler())
	t.Cleanup(ts.Close)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ts.Certificate().Raw}), 0o600)

	trusting, err := New(Options{URL: ts.URL, Token: testToken, CAFile: ca})
	if err != nil {
		t.Fatal(err)
	}
	if st, err := trusting.status(t.Context()); err != nil || st.Hostname != "far-away" {
		t.Errorf("with the CA file: status = %+v, %v", st, err)
	}
	plain, _ := New(Options{URL: ts.URL, Token: testToken})
	var unknown x509.UnknownAuthorityError
	if _, err := plain.status(t.Context()); !errors.As(err, &unknown) {
		t.Errorf("without the CA file: %v, want an unknown authority", err)
	}
}
