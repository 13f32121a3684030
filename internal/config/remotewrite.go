package config

import (
	"encoding/base64"
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"time"

	"go.yaml.in/yaml/v3"
)

// RemoteWrite is one entry of `server.remote_write:`: a Prometheus
// remote-write receiver the agent pushes its /metrics series to, for
// machines no Prometheus can scrape (docs/remote-write.md).
//
//	server:
//	  remote_write:
//	    - url: https://metrics.example/api/v1/write
//	      bearer_token_file: /etc/vigia/rw-token     # or basic_auth: {username: u, password_file: f}
//	      tls_ca: /etc/vigia/ca.pem                  # trust this CA besides the system's
//	      interval: 15s
//	      timeout: 10s
//	      max_pending_samples: 250000                # held while the receiver is away; oldest dropped past it
//	      labels: {env: prod}                        # added to every series (job and instance by default)
type RemoteWrite struct {
	URL               string            `yaml:"url"`
	BearerTokenFile   string            `yaml:"bearer_token_file"`
	BasicAuth         *BasicAuth        `yaml:"basic_auth"`
	TLSCA             string            `yaml:"tls_ca"`
	Interval          time.Duration     `yaml:"interval"`
	Timeout           time.Duration     `yaml:"timeout"`
	MaxPendingSamples int               `yaml:"max_pending_samples"`
	Labels            map[string]string `yaml:"labels"`
}

// BasicAuth is a user name and a file holding the password.
type BasicAuth struct {
	Username     string `yaml:"username"`
	PasswordFile string `yaml:"password_file"`
}

// LimitsRemoteWrite bounds how often the agent pushes.
var LimitsRemoteWrite = Limits{Min: time.Second, Max: time.Hour}

// MaxRemoteWritePending bounds max_pending_samples: each sample held costs
// a few bytes compressed, so ten million is some tens of megabytes.
const MaxRemoteWritePending = 10_000_000

var labelNameRe = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)

// CheckRemoteWriteURL says what is wrong with a remote-write URL, or
// returns "".
func CheckRemoteWriteURL(s string) string {
	u, err := url.Parse(s)
	switch {
	case s == "":
		return "remote_write needs a url (e.g. http://prometheus:9090/api/v1/write)"
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return "remote_write url is not an http:// or https:// address"
	}
	if _, ok := u.User.Password(); ok {
		return "remote_write url holds a password: put it in basic_auth's password_file"
	}
	return ""
}

func (r *RemoteWrite) validate(v *Validator, i int, seen map[string]int) {
	at := func(keys ...any) []any { return append(Path("server", "remote_write", i), keys...) }
	if msg := CheckRemoteWriteURL(r.URL); msg != "" {
		v.Errorf(at("url"), "%s", msg)
	} else if j, dup := seen[r.URL]; dup {
		v.Errorf(at("url"), "remote_write url already used by entry %d", j+1)
	}
	seen[r.URL] = i
	if r.BasicAuth != nil {
		if r.BearerTokenFile != "" {
			v.Errorf(at("basic_auth"), "remote_write: bearer_token_file and basic_auth exclude each other")
		}
		if r.BasicAuth.Username == "" || r.BasicAuth.PasswordFile == "" {
			v.Errorf(at("basic_auth"), "remote_write: basic_auth needs username and password_file")
		}
	}
	v.duration(at("interval"), "remote_write: interval", r.Interval, LimitsRemoteWrite)
	v.duration(at("timeout"), "remote_write: timeout", r.Timeout, LimitsTimeout)
	if r.MaxPendingSamples < 0 || r.MaxPendingSamples > MaxRemoteWritePending {
		v.Errorf(at("max_pending_samples"), "remote_write: max_pending_samples %d out of range (0 for the default, up to %d)", r.MaxPendingSamples, MaxRemoteWritePending)
	}
	for _, k := range slices.Sorted(maps.Keys(r.Labels)) {
		if !labelNameRe.MatchString(k) || len(k) > 1 && k[:2] == "__" {
			v.Errorf(at("labels", k), "remote_write: label name %q is not a Prometheus label name", k)
		}
	}
}

// Secrets returns the entry's credentials as secrets, for a Redactor and
// for Authorization.
func (r RemoteWrite) Secrets() []Secret {
	switch {
	case r.BearerTokenFile != "":
		return []Secret{{File: r.BearerTokenFile}}
	case r.BasicAuth != nil:
		return []Secret{{File: r.BasicAuth.PasswordFile}}
	}
	return nil
}

// Authorization returns the Authorization header's value, reading the
// credential file now (so a rotated one is taken up), or "" without
// credentials.
func (r RemoteWrite) Authorization() (string, error) {
	switch {
	case r.BearerTokenFile != "":
		v, err := Secret{File: r.BearerTokenFile}.value(nil)
		if err != nil {
			return "", fmt.Errorf("bearer_token_file: %w", err)
		}
		return "Bearer " + v, nil
	case r.BasicAuth != nil:
		pw, err := Secret{File: r.BasicAuth.PasswordFile}.value(nil)
		if err != nil {
			return "", fmt.Errorf("basic_auth password_file: %w", err)
		}
		return "Basic " + base64.StdEncoding.EncodeToString([]byte(r.BasicAuth.Username+":"+pw)), nil
	}
	return "", nil
}

// checkRemoteWrites checks on this machine what the remote_write entries
// name (credential files, the CA), each error at its key's line in b.
func checkRemoteWrites(name string, b []byte, rws []RemoteWrite) Errors {
	if len(rws) == 0 {
		return nil
	}
	var root yaml.Node
	if yaml.Unmarshal(b, &root) != nil || len(root.Content) == 0 {
		return nil
	}
	v := &Validator{file: name, root: root.Content[0]}
	for i, rw := range rws {
		key := "bearer_token_file"
		if rw.BasicAuth != nil {
			key = "basic_auth"
		}
		if _, err := rw.Authorization(); err != nil {
			v.Errorf(Path("server", "remote_write", i, key), "remote_write: %v", err)
		}
		if rw.TLSCA != "" {
			if _, err := readCapped(rw.TLSCA, maxSecretFile); err != nil {
				v.Errorf(Path("server", "remote_write", i, "tls_ca"), "remote_write: tls_ca: %v", err)
			}
		}
	}
	return v.errs
}
