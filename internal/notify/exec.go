package notify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/vigia-dev/vigia/internal/reading"
)

// execSender runs a command once per alert, with the alert in VIGIA_*
// environment variables and, as a Body with that one alert, on stdin. A
// run that outlives its timeout is killed with its whole process group, so
// a script's children do not linger either.
type execSender struct {
	argv    []string
	timeout time.Duration
	// environ is vigia's own environment (os.Environ when nil), of which
	// the command gets only what commandEnv keeps.
	environ func() []string
}

// tail keeps the last bytes written to it: the end of a failing command's
// output is what explains the failure.
type tail struct {
	buf []byte
	max int
}

func (t *tail) Write(p []byte) (int, error) {
	t.buf = append(t.buf, p...)
	if len(t.buf) > t.max {
		t.buf = t.buf[len(t.buf)-t.max:]
	}
	return len(p), nil
}

func (s *execSender) Send(ctx context.Context, m Message) error {
	var errs []error
	for _, a := range m.Alerts {
		if err := s.run(ctx, m, a); err != nil {
			errs = append(errs, err)
		}
		if ctx.Err() != nil {
			break
		}
	}
	return errors.Join(errs...)
}

func (s *execSender) run(ctx context.Context, m Message, a Alert) error {
	body, err := encodeBody(m, []Alert{a})
	if err != nil {
		return err
	}
	if s.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.timeout)
		defer cancel()
	}
	cmd := exec.CommandContext(ctx, s.argv[0], s.argv[1:]...)
	environ := os.Environ
	if s.environ != nil {
		environ = s.environ
	}
	cmd.Env = append(commandEnv(environ()), alertEnv(m, a)...)
	cmd.Stdin = bytes.NewReader(body)
	out := &tail{max: 512}
	cmd.Stdout, cmd.Stderr = out, out
	ownGroup(cmd)
	// Output pipes held open by a killed command's stray children must not
	// hold up Wait.
	cmd.WaitDelay = time.Second
	start := time.Now()
	err = cmd.Run()
	if err == nil {
		return nil
	}
	name := s.argv[0]
	if ctx.Err() != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) && time.Since(start) >= s.timeout {
			return fmt.Errorf("command %s: killed after its %s timeout%s", name, s.timeout, quoteBody(out.buf))
		}
		return fmt.Errorf("command %s: stopped: %w", name, ctx.Err())
	}
	return fmt.Errorf("command %s: %w%s", name, err, quoteBody(out.buf))
}

// commandEnv keeps of vigia's environment what a command needs to find
// programs and speak the user's language (docs/alerts.md), and no more:
// vigia's environment holds its secrets (VIGIA_WEBHOOK_TOKEN and the like),
// which a script must not see, let alone log.
func commandEnv(environ []string) []string {
	var env []string
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		switch {
		case name == "PATH", name == "HOME", name == "LANG", name == "LANGUAGE", name == "TZ", name == "TMPDIR",
			strings.HasPrefix(name, "LC_"):
			env = append(env, kv)
		}
	}
	return env
}

// alertEnv describes an alert in VIGIA_* variables (docs/alerts.md).
func alertEnv(m Message, a Alert) []string {
	env := []string{
		"VIGIA_HOST=" + m.Host,
		"VIGIA_EVENT=" + string(a.Event),
		"VIGIA_STATUS=" + status(a),
		"VIGIA_SEVERITY=" + a.Severity.String(),
		"VIGIA_RULE=" + a.Rule,
		"VIGIA_SENSOR=" + a.Sensor,
		"VIGIA_METRIC=" + a.Metric,
		"VIGIA_VALUE=" + strconv.FormatFloat(finite(a.Value), 'g', -1, 64),
		"VIGIA_THRESHOLD=" + strconv.FormatFloat(finite(a.Threshold), 'g', -1, 64),
		"VIGIA_SUMMARY=" + summary(m.Host, a),
		"VIGIA_MESSAGE=" + a.Message,
		"VIGIA_FINGERPRINT=" + a.Fingerprint,
		"VIGIA_STARTS_AT=" + a.StartsAt.UTC().Format(time.RFC3339),
		"VIGIA_TEST=" + strconv.FormatBool(m.Test),
	}
	if !a.Firing() {
		env = append(env, "VIGIA_ENDS_AT="+a.EndsAt.UTC().Format(time.RFC3339))
	}
	for _, l := range a.Labels {
		env = append(env, "VIGIA_LABEL_"+strings.ToUpper(labelName(l.Name))+"="+l.Value)
	}
	return append(env, "VIGIA_LABELS="+reading.Labels(a.Labels).Text())
}
