// Package archtest holds the rules of docs/ARCHITECTURE.md about who may
// import whom, and checks a module's import graph against them. Its test
// runs the check over every package of vigia; nothing else imports it.
package archtest

import (
	"fmt"
	"slices"
	"strings"
)

// Module is vigia's module path.
const Module = "github.com/vigia-dev/vigia"

// Package is what the check needs of one package, as go list -json gives
// it: its path and its direct imports, without and with its tests'.
type Package struct {
	ImportPath   string
	Imports      []string
	TestImports  []string
	XTestImports []string
}

// rank places each package between the core and the edges: a package may
// import only packages of a lower rank, so imports point toward reading,
// and packages of one rank never import each other. The outputs share the
// engine's rank, so no output imports the engine or another output; only
// cmd/vigia is above them all and knows the whole graph. A package missing
// here fails the check until it is given a place (and one in the doc).
var rank = map[string]int{
	"internal/reading": 0,

	"internal/text":      1,
	"internal/queue":     1,
	"internal/supervise": 1,
	"internal/procfs":    1,
	"internal/golden":    1,
	"internal/archtest":  1,
	// What the toolchain recorded about the binary; stdlib only.
	"internal/buildinfo": 1,
	// What changed in a window against the span before it: arithmetic
	// over recorded values, for the store to feed and outputs to word.
	"internal/explain": 1,

	// Rules word their transitions through text.
	"internal/rule": 2,
	"internal/node": 2,

	"internal/config": 3,
	// Rules as Prometheus alerting rules, for the fleet.
	"internal/promrules": 3,
	// The fleet read from a Prometheus query API, for tui and server.
	"internal/fleet":  3,
	"internal/sensor": 3,

	"internal/engine": 4,
	// A remote agent's event stream, the engine's stand-in for top --remote.
	"internal/remote": 4,
	// The outputs.
	"internal/live":    4,
	"internal/stream":  4,
	"internal/tui":     4,
	"internal/server":  4,
	"internal/metrics": 4,
	"internal/store":   4,
	"internal/notify":  4,

	// The text tables of what the store recorded.
	"internal/tables": 5,

	"cmd/vigia": 6,
	// Tests of the unit and the packages only; imports nothing of vigia.
	"deploy": 6,
	// A benchmark tool: writes a synthetic fleet's series and times the
	// fleet's queries against them (bench/fleet-scale.sh).
	"bench/fleetgen": 6,
}

// outputs may import neither a sensor nor procfs, though those rank lower.
var outputs = []string{"internal/live", "internal/stream", "internal/tui", "internal/server", "internal/metrics", "internal/store", "internal/notify"}

var sensing = []string{"internal/sensor", "internal/procfs", "internal/node"}

// owners says which package alone may import each third-party library, by
// the path the library's packages are under. go-cmp is for tests (and golden, which only tests
// import).
var owners = []struct {
	prefix string
	owners []string
}{
	{"github.com/prometheus", []string{"internal/metrics"}},
	// snappy, for remote write.
	{"github.com/klauspost/compress", []string{"internal/metrics"}},
	{"charm.land", []string{"internal/tui"}},
	{"github.com/charmbracelet", []string{"internal/tui"}},
	{"modernc.org", []string{"internal/store"}},
	{"go.yaml.in", []string{"internal/config"}},
	// cmd/vigia sends the signals the dashboard asks for, through a pidfd.
	{"golang.org/x/sys", []string{"internal/procfs", "internal/sensor", "internal/node", "cmd/vigia"}},
	{"github.com/mattn/go-isatty", []string{"cmd/vigia"}},
	{"github.com/google/go-cmp", []string{"internal/golden"}},
}

// testOnly are libraries any package's tests may import: go-cmp, and YAML
// for tests that read or edit the example files under deploy/.
var testOnly = []string{"github.com/google/go-cmp", "go.yaml.in"}

// Check returns every import of pkgs that breaks the rules, one sentence
// each; none means the graph is as the architecture says.
func Check(pkgs []Package) []string {
	var bad []string
	for _, p := range pkgs {
		name, ok := strings.CutPrefix(p.ImportPath, Module+"/")
		if !ok {
			continue
		}
		r, ok := rank[name]
		if !ok {
			bad = append(bad, fmt.Sprintf("%s has no place in the architecture: give it a rank in internal/archtest and docs/ARCHITECTURE.md", name))
			continue
		}
		for _, imp := range p.Imports {
			bad = append(bad, checkImport(name, r, imp, false)...)
		}
		for _, imp := range slices.Concat(p.TestImports, p.XTestImports) {
			bad = append(bad, checkImport(name, r, imp, true)...)
		}
	}
	return bad
}

func checkImport(from string, fromRank int, imp string, test bool) []string {
	if to, ok := strings.CutPrefix(imp, Module+"/"); ok {
		if test {
			// Tests may drive a package with any other (tui's replay tests
			// read a real store): what ships keeps the direction.
			return nil
		}
		toRank, known := rank[to]
		switch {
		case !known:
			return nil // reported as a package of its own
		case slices.Contains(outputs, from) && slices.Contains(sensing, to):
			return []string{fmt.Sprintf("%s imports %s: outputs never import sensors or procfs", from, to)}
		case toRank >= fromRank:
			return []string{fmt.Sprintf("%s imports %s: imports point toward internal/reading, and only cmd/vigia knows the whole graph", from, to)}
		}
		return nil
	}
	if !strings.Contains(strings.SplitN(imp, "/", 2)[0], ".") {
		return nil // the standard library
	}
	if test && slices.ContainsFunc(testOnly, func(p string) bool { return under(imp, p) }) {
		return nil
	}
	for _, o := range owners {
		if under(imp, o.prefix) {
			if slices.Contains(o.owners, from) {
				return nil
			}
			return []string{fmt.Sprintf("%s imports %s: that library lives in %s alone", from, imp, strings.Join(o.owners, ", "))}
		}
	}
	return []string{fmt.Sprintf("%s imports %s, a library with no owner: name the one package that may import it in internal/archtest", from, imp)}
}

// under reports whether the import path imp is path or below it.
func under(imp, path string) bool { return imp == path || strings.HasPrefix(imp, path+"/") }
