package deploy

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// release is one scripts/release.sh run in a fresh clone of HEAD.
type release struct {
	dir  string // the clone
	dist string
	// sums maps a file in dist to its SHA256SUMS line's hash.
	sums map[string]string
}

// buildRelease clones the repository from into dir and runs the release
// script there for targets. Committed work only: the clone has no edits.
func buildRelease(t *testing.T, from, dir, targets string) release {
	t.Helper()
	run(t, ".", "git", "clone", "--quiet", "--no-hardlinks", from, dir)
	r := release{dir: dir, dist: filepath.Join(dir, "dist"), sums: map[string]string{}}
	run(t, dir, "scripts/release.sh", "-t", targets)
	sums, err := os.ReadFile(filepath.Join(r.dist, "SHA256SUMS"))
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(string(sums)) {
		hash, name, ok := strings.Cut(strings.TrimSpace(line), "  ")
		if !ok {
			t.Fatalf("SHA256SUMS line %q", line)
		}
		r.sums[name] = hash
	}
	return r
}

// run runs a command in dir and returns its standard output, failing the
// test with its standard error.
func run(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String()
}

// only returns the names in sums that contain part.
func only(sums map[string]string, part string) []string {
	var names []string
	for n := range sums {
		if strings.Contains(n, part) {
			names = append(names, n)
		}
	}
	return names
}

// binaryOf is the name of the binary among the files of a target (its
// SBOM and image carry the same name and a suffix).
func binaryOf(t *testing.T, sums map[string]string, target string) string {
	t.Helper()
	for _, n := range only(sums, target) {
		if strings.HasSuffix(n, target) {
			return n
		}
	}
	t.Fatalf("no binary for %s among %v", target, sums)
	return ""
}

// TestRelease builds a release twice, from clones at two different paths:
// linux/amd64 and linux/arm/7 (to prove cross-compiling) in the first,
// linux/amd64 in the second. The full set of targets is left to the
// script itself: each one costs a full compile.
func TestRelease(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two releases: minutes")
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not found")
	}
	base := t.TempDir()
	top := strings.TrimSpace(run(t, "..", "git", "rev-parse", "--show-toplevel"))
	a := buildRelease(t, top, filepath.Join(base, "a", "vigia"), "linux/amd64 linux/arm/7")
	// The second clone is of the first, so a commit made meanwhile does
	// not change what is compared.
	b := buildRelease(t, a.dir, filepath.Join(base, "elsewhere", "deeper", "src"), "linux/amd64")
	commit := strings.TrimSpace(run(t, a.dir, "git", "rev-parse", "HEAD"))
	commitTime := strings.TrimSpace(run(t, a.dir, "git", "log", "-1", "--format=%cI"))
	when, err := time.Parse(time.RFC3339, commitTime)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("reproducible", func(t *testing.T) {
		amd64 := append(only(b.sums, "linux-amd64"), only(b.sums, "amd64.deb")...)
		amd64 = append(amd64, only(b.sums, "x86_64.rpm")...)
		if len(amd64) != 5 {
			t.Fatalf("want binary, SBOM, image, .deb and .rpm for linux/amd64, got %v", amd64)
		}
		for _, name := range amd64 {
			if a.sums[name] != b.sums[name] {
				t.Errorf("%s differs between the two builds: %s and %s", name, a.sums[name], b.sums[name])
			}
		}
	})

	bin := filepath.Join(a.dist, binaryOf(t, a.sums, "linux-amd64"))
	t.Run("stamped", func(t *testing.T) {
		out := run(t, a.dir, bin, "version")
		want := "commit " + commit[:12] + " of " + when.UTC().Format(time.RFC3339)
		if !strings.Contains(out, want) {
			t.Errorf("vigia version: %q, want %q", out, want)
		}
		m := run(t, a.dir, "go", "version", "-m", bin)
		for _, s := range []string{"-trimpath=true", "CGO_ENABLED=0", "vcs.revision=" + commit, "vcs.modified=false"} {
			if !strings.Contains(m, s) {
				t.Errorf("go version -m lacks %s:\n%s", s, m)
			}
		}
	})

	t.Run("cross-compiled", func(t *testing.T) {
		arm := only(a.sums, "linux-armv7")
		debs := only(a.sums, "_armhf.deb")
		rpms := only(a.sums, ".armv7hl.rpm")
		if len(arm) != 3 || len(debs) != 1 || len(rpms) != 1 {
			t.Fatalf("armv7: binary, SBOM and image %v, deb %v, rpm %v", arm, debs, rpms)
		}
		m := run(t, a.dir, "go", "version", "-m", filepath.Join(a.dist, binaryOf(t, a.sums, "linux-armv7")))
		if !strings.Contains(m, "GOARCH=arm") || !strings.Contains(m, "GOARM=7") {
			t.Errorf("armv7 binary built for:\n%s", m)
		}
	})

	t.Run("sbom", func(t *testing.T) {
		body, err := os.ReadFile(bin + ".cdx.json")
		if err != nil {
			t.Fatal(err)
		}
		var bom struct {
			BOMFormat string
			Metadata  struct {
				Timestamp string
				Component struct{ Name string }
			}
			Components []struct{ Name, Version, PURL string }
		}
		if err := json.Unmarshal(body, &bom); err != nil {
			t.Fatal(err)
		}
		if bom.BOMFormat != "CycloneDX" || bom.Metadata.Component.Name != "github.com/vigia-dev/vigia" || bom.Metadata.Timestamp != when.UTC().Format(time.RFC3339) {
			t.Errorf("SBOM head: %+v %+v", bom.BOMFormat, bom.Metadata)
		}
		m := run(t, a.dir, "go", "version", "-m", bin)
		deps := strings.Count(m, "\tdep\t")
		if len(bom.Components) != deps+1 { // and the standard library
			t.Errorf("SBOM has %d components, go version -m %d modules and the standard library", len(bom.Components), deps)
		}
		for _, c := range bom.Components {
			if !strings.Contains(m, c.Name+"\t"+c.Version) && c.Name != "stdlib" {
				t.Errorf("SBOM component %s %s is not in go version -m", c.Name, c.Version)
			}
		}
	})

	deb := filepath.Join(a.dist, only(a.sums, "amd64.deb")[0])
	t.Run("lintian", func(t *testing.T) { lintian(t, deb) })
	t.Run("dpkg", func(t *testing.T) { installDeb(t, a, deb) })
}
