package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigia-dev/vigia/internal/golden"
)

func manPage(t *testing.T, lang string) string { return output(t, "man", "--lang", lang) }

func TestManGolden(t *testing.T) {
	t.Parallel()
	golden.Check(t, filepath.Join("testdata", "vigia.1.golden"), []byte(manPage(t, "en")))
}

// Every command has its section, with every flag and its examples.
func TestManHasEveryFlag(t *testing.T) {
	t.Parallel()
	page := manPage(t, "en")
	for _, c := range specs() {
		part := between(page, "\n.SS \"vigia "+c.name+"\"\n", "\n.SS ")
		if part == "" {
			t.Errorf("no section for vigia %s", c.name)
			continue
		}
		for _, f := range c.flags {
			if !strings.Contains(part, "\n.B \\-\\-"+strings.ReplaceAll(f.Name, "-", `\-`)+"\n") &&
				!strings.Contains(part, "\n.BI \"\\-\\-"+strings.ReplaceAll(f.Name, "-", `\-`)+" \" ") {
				t.Errorf("vigia %s: no --%s", c.name, f.Name)
			}
		}
		if len(c.help.examples) == 0 {
			t.Errorf("vigia %s --help has no examples", c.name)
		}
		for _, ex := range c.help.examples {
			if !strings.Contains(part, (roff{}).escape(ex)) {
				t.Errorf("vigia %s: example %q missing", c.name, ex)
			}
		}
	}
}

// The page renders without a warning, in both languages, with groff (as
// man does) and with mandoc's linter when they are installed.
func TestManRenders(t *testing.T) {
	t.Parallel()
	groff, groffErr := exec.LookPath("groff")
	mandoc, mandocErr := exec.LookPath("mandoc")
	if groffErr != nil && mandocErr != nil {
		t.Skip("neither groff nor mandoc (Debian packages groff-base, mandoc)")
	}
	for _, lang := range []string{"en", "es"} {
		file := filepath.Join(t.TempDir(), "vigia.1")
		os.WriteFile(file, []byte(manPage(t, lang)), 0o644)
		if groffErr == nil {
			cmd := exec.Command(groff, "-man", "-Tutf8", "-ww", "-z", file)
			if out, err := cmd.CombinedOutput(); err != nil || len(out) > 0 {
				t.Errorf("groff -ww on the %s page: %v\n%s", lang, err, out)
			}
		}
		if mandocErr == nil {
			cmd := exec.Command(mandoc, "-Tlint", "-Wwarning", file)
			if out, err := cmd.CombinedOutput(); err != nil || len(out) > 0 {
				t.Errorf("mandoc -Tlint on the %s page: %v\n%s", lang, err, out)
			}
		}
	}
}
