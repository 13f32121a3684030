package config

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// sectionCase is one table row for a config section: the YAML in, and either
// the section Parse should produce or a substring of its error.
type sectionCase[T any] struct {
	name    string
	in      string
	want    T
	wantErr string
}

// testSection parses each case's input as t.yaml and compares the section
// pick takes out of the result, or the error, with the case.
func testSection[T any](t *testing.T, section string, tests []sectionCase[T], pick func(*Config) T) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Parse("t.yaml", []byte(tt.in))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Parse(%q) error = %v, want one containing %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, pick(got)); diff != "" {
				t.Errorf("Parse(%q) %s mismatch (-want +got):\n%s", tt.in, section, diff)
			}
		})
	}
}

// parseErrorCase is a file Parse must reject, with a substring of the error.
type parseErrorCase struct {
	name, in string
	want     string
}

// testParseErrors parses each case's input as bad.yaml and wants an error
// containing the case's text.
func testParseErrors(t *testing.T, tests []parseErrorCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse("bad.yaml", []byte(tt.in))
			if err == nil {
				t.Fatalf("Parse(%q) = nil error, want %q", tt.in, tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse(%q) error\n%v\nwant it to contain %q", tt.in, err, tt.want)
			}
		})
	}
}
