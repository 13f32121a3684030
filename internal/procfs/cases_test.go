package procfs

import "testing"

// scalarCase is one table row for a parser that turns a whole file into one
// value: the file, and the value or that it must be rejected.
type scalarCase[T comparable] struct {
	name    string
	in      string
	want    T
	wantErr bool
}

// testScalarParser runs each case through parse, named fn in messages, as a
// parallel subtest. A rejected input must also yield the zero value.
func testScalarParser[T comparable](t *testing.T, fn string, parse func([]byte) (T, error), tests []scalarCase[T]) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := parse([]byte(tt.in))
			if (err != nil) != tt.wantErr {
				t.Fatalf("%s(%q) error = %v, wantErr %v", fn, tt.in, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("%s(%q) = %v, want %v", fn, tt.in, got, tt.want)
			}
		})
	}
}
