package config

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Redacted stands in for a secret in messages.
const Redacted = "[redacted]"

// minInlineSecret is the length from which an inline header value is
// hidden too: values read from env or file are secrets whatever their
// length, while a short inline one (X-Team: ops) is not, and hiding it
// would garble every message that contains the word.
const minInlineSecret = 8

// Redactor hides the configured secrets in text bound for a log line, an
// error or a status field: header values, URL passwords, tokens. Secrets
// read from env or file are resolved at each use, so a rotated one is
// hidden too. A Redactor is safe for concurrent use.
type Redactor struct {
	fixed   []string
	secrets []Secret
}

// NewRedactor builds the redactor of the notifiers' secrets and of the
// extra values given (the agent's token).
func NewRedactor(ns []Notifier, extra ...string) *Redactor {
	r := &Redactor{}
	for _, s := range extra {
		r.addFixed(s, 1)
	}
	for _, n := range ns {
		if u, err := url.Parse(n.URL); err == nil {
			if pw, ok := u.User.Password(); ok {
				r.addFixed(pw, 1)
			}
		}
		for _, h := range n.Headers {
			if h.Value.Env == "" && h.Value.File == "" {
				r.addFixed(h.Value.Value, minInlineSecret)
				continue
			}
			r.secrets = append(r.secrets, h.Value)
		}
	}
	return r
}

// With returns a redactor that hides ss too (remote write's credentials).
func (r *Redactor) With(ss ...Secret) *Redactor {
	return &Redactor{fixed: slices.Clone(r.fixed), secrets: slices.Concat(r.secrets, ss)}
}

func (r *Redactor) addFixed(s string, min int) {
	if len(strings.TrimSpace(s)) >= min {
		r.fixed = append(r.fixed, s)
	}
}

// String returns s with every secret replaced by Redacted.
func (r *Redactor) String(s string) string {
	if r == nil {
		return s
	}
	for _, v := range r.fixed {
		s = hide(s, v)
	}
	for _, sec := range r.secrets {
		v, err := sec.Resolve()
		if err != nil {
			continue // an unreadable secret cannot be in the text either
		}
		// The value without its prefix is the secret: a receiver may echo
		// it alone.
		if v = strings.TrimPrefix(v, sec.Prefix); v != "" {
			s = hide(s, v)
		}
	}
	return s
}

// hide replaces secret in s, also as it appears inside a quoted string
// (error bodies are quoted).
func hide(s, secret string) string {
	s = strings.ReplaceAll(s, secret, Redacted)
	if q := strconv.Quote(secret); q[1:len(q)-1] != secret {
		s = strings.ReplaceAll(s, q[1:len(q)-1], Redacted)
	}
	return s
}

// Error returns err with its message redacted; errors.Is and errors.As
// still see the original chain.
func (r *Redactor) Error(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if red := r.String(msg); red != msg {
		return redactedError{msg: red, err: err}
	}
	return err
}

type redactedError struct {
	msg string
	err error
}

func (e redactedError) Error() string { return e.msg }
func (e redactedError) Unwrap() error { return e.err }
