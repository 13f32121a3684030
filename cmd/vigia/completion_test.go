package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vigia-dev/vigia/internal/golden"
)

// output runs vigia in-process with args and returns its stdout.
func output(t *testing.T, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	e := &env{stdout: &out, stderr: &errOut, getenv: func(string) string { return "" }}
	if code := run(t.Context(), e, args); code != exitOK {
		t.Fatalf("vigia %v: exit %d: %s", args, code, errOut.String())
	}
	return out.String()
}

func completionScript(t *testing.T, shell string) string { return output(t, "completion", shell) }

func TestCompletionGolden(t *testing.T) {
	t.Parallel()
	for _, shell := range []string{"bash", "zsh", "fish"} {
		golden.Check(t, filepath.Join("testdata", "completion."+shell+".golden"), []byte(completionScript(t, shell)))
	}
}

// Every flag of every command is in every script, under its command: the
// scripts are made from the flag sets, so a new flag cannot be left out.
func TestCompletionHasEveryFlag(t *testing.T) {
	t.Parallel()
	scripts := map[string]string{}
	for _, shell := range []string{"bash", "zsh", "fish"} {
		scripts[shell] = completionScript(t, shell)
	}
	cs := specs()
	if len(cs) != len(commands()) {
		t.Fatalf("specs() has %d commands, commands() %d", len(cs), len(commands()))
	}
	for _, c := range cs {
		// Each shell's part for the command: bash's case branch, zsh's
		// function, fish's lines under the command's condition.
		bashPart := between(scripts["bash"], "\n\t"+c.name+")\n", "\n\t\t;;\n")
		zshPart := between(scripts["zsh"], "\n_vigia_"+c.name+"() {\n", "\n}\n")
		for _, f := range c.flags {
			if !regexp.MustCompile(`_vigia_reply .*--` + regexp.QuoteMeta(f.Name) + `( |$)`).MatchString(bashPart) {
				t.Errorf("bash: vigia %s --%s not offered", c.name, f.Name)
			}
			if !strings.Contains(zshPart, "'--"+f.Name+"[") && !strings.Contains(zshPart, "'--"+f.Name+"=[") &&
				!strings.Contains(zshPart, "'*--"+f.Name+"=[") {
				t.Errorf("zsh: vigia %s --%s not offered", c.name, f.Name)
			}
			if !strings.Contains(scripts["fish"], "-n '__fish_seen_subcommand_from "+c.name+"' -l "+f.Name+" ") {
				t.Errorf("fish: vigia %s --%s not offered", c.name, f.Name)
			}
		}
	}
}

func between(s, from, to string) string {
	_, after, ok := strings.Cut(s, from)
	if !ok {
		return ""
	}
	part, _, _ := strings.Cut(after, to)
	return part
}

// Every flag whose values completion knows is a flag of some command, and
// the verbs it offers are the ones the commands take.
func TestCompletionValuesNameFlags(t *testing.T) {
	t.Parallel()
	flags := map[string]bool{}
	verbs := map[string][]string{}
	for _, c := range specs() {
		for _, f := range c.flags {
			flags[f.Name] = true
		}
		if c.verbs != nil {
			verbs[c.name] = c.verbs
		}
	}
	for name := range flagValues() {
		if !flags[name] {
			t.Errorf("flagValues has %q, which is no command's flag", name)
		}
	}
	want := map[string][]string{"alert": {"test"}, "config": {"check"}, "completion": {"bash", "zsh", "fish"}, "rules": {"export"}}
	if diff := cmp.Diff(want, verbs); diff != "" {
		t.Errorf("verbs from the usage lines mismatch (-want +got):\n%s", diff)
	}
}

// completionCases are command lines, cut where the user pressed Tab, and
// what every shell must offer there.
var completionCases = []struct {
	line string
	want []string
}{
	{"vigia sn", []string{"snapshot"}},
	{"vigia watch --log-l", []string{"--log-level"}},
	{"vigia watch --log-level w", []string{"warn"}},
	{"vigia serve --log-format ", []string{"text", "json"}},
	{"vigia top --sensors cpu,me", []string{"cpu,memory"}},
	{"vigia serve --collector load", []string{"loadavg"}},
	{"vigia history --metric memory.used", []string{"memory.used", "memory.used_percent"}},
	{"vigia watch --rule crit", []string{"critical=", "critical_within="}},
	{"vigia watch --rule kind=trend,metric=fs.a", []string{"kind=trend,metric=fs.avail"}},
	{"vigia config ", []string{"check"}},
	{"vigia completion ", []string{"bash", "zsh", "fish"}},
	{"vigia watch --procfs testd", []string{"testdata"}},
}

// TestCompletionBash runs the bash script for real: complete -p shows it
// registered, and _vigia replies to each line as bash would call it.
func TestCompletionBash(t *testing.T) {
	t.Parallel()
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	script := filepath.Join(t.TempDir(), "vigia.bash")
	os.WriteFile(script, []byte(completionScript(t, "bash")), 0o644)
	var prog strings.Builder
	prog.WriteString("source " + script + "\ncomplete -p vigia\n")
	for _, tc := range completionCases {
		// COMP_WORDS split as bash does, = and : apart, for a script that
		// would read them; _vigia reads COMP_LINE.
		prog.WriteString("COMP_LINE=" + bashWords([]string{tc.line}) + "; COMP_POINT=${#COMP_LINE}\n")
		prog.WriteString("COMP_WORDS=(" + tc.line + "); COMP_CWORD=${#COMP_WORDS[@]}\n")
		prog.WriteString("COMPREPLY=(); _vigia; echo \"${COMPREPLY[*]}\"\n")
	}
	cmd := exec.Command(bash, "--norc", "--noprofile", "-c", prog.String())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("bash: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if lines[0] != "complete -F _vigia vigia" {
		t.Errorf("complete -p vigia = %q", lines[0])
	}
	lines = lines[1:]
	for i, tc := range completionCases {
		// bash's word starts after the last = or : of the line, and so does
		// its reply: put the word's head back to compare whole words.
		cur := tc.line[strings.LastIndex(tc.line, " ")+1:]
		head := cur[:strings.LastIndexAny(cur, "=:")+1]
		var got []string
		for _, w := range strings.Fields(lines[i]) {
			got = append(got, head+w)
		}
		checkOffered(t, "bash", tc.line, tc.want, got)
	}
}

// checkOffered compares what a shell offered with what it should, in any
// order and with a directory's trailing slash (fish adds one) dropped.
func checkOffered(t *testing.T, shell, line string, want, got []string) {
	t.Helper()
	for i := range got {
		got[i] = strings.TrimSuffix(got[i], "/")
	}
	want = slices.Sorted(slices.Values(want))
	slices.Sort(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s: %q mismatch (-want +got):\n%s", shell, line, diff)
	}
}

// TestCompletionFish runs the fish script for real, with complete -C, when
// fish is installed.
func TestCompletionFish(t *testing.T) {
	t.Parallel()
	fish, err := exec.LookPath("fish")
	if err != nil {
		t.Skip("no fish (Debian package fish)")
	}
	script := filepath.Join(t.TempDir(), "vigia.fish")
	os.WriteFile(script, []byte(completionScript(t, "fish")), 0o644)
	prog := "source " + script + "\n"
	for _, tc := range completionCases {
		prog += "complete -C " + fishQuote(tc.line) + " | string replace -r '\\t.*' '' | string join ' '\n"
	}
	// string replace fails when a line has nothing to replace: the
	// status is not what this test checks.
	cmd := exec.Command(fish, "--no-config", "-c", prog+"true\n")
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir(), "XDG_CONFIG_HOME="+t.TempDir())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("fish: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(lines) != len(completionCases) {
		t.Fatalf("fish printed %d lines for %d cases:\n%s", len(lines), len(completionCases), out)
	}
	for i, tc := range completionCases {
		checkOffered(t, "fish", tc.line, tc.want, strings.Fields(lines[i]))
	}
}

// TestCompletionZsh runs the zsh script for real, when zsh is installed:
// compinit registers it, and on a pseudo-terminal each line completes as
// it should (testdata/zsh-complete.zsh catches what zsh offers).
func TestCompletionZsh(t *testing.T) {
	t.Parallel()
	zsh, err := exec.LookPath("zsh")
	if err != nil {
		t.Skip("no zsh (Debian package zsh)")
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "_vigia"), []byte(completionScript(t, "zsh")), 0o644)
	prog := "fpath=(" + dir + " $fpath); autoload -U compinit; compinit -u -d " + filepath.Join(dir, "zcompdump") +
		"; print -r -- $_comps[vigia]"
	cmd := exec.Command(zsh, "-f", "-c", prog)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	if out, err := cmd.CombinedOutput(); err != nil || strings.TrimSpace(string(out)) != "_vigia" {
		t.Fatalf("zsh: compinit registered %q for vigia (%v), want _vigia", out, err)
	}
	for _, tc := range completionCases {
		ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
		cmd := exec.CommandContext(ctx, zsh, "-f", "testdata/zsh-complete.zsh", dir, tc.line)
		cmd.Env = append(os.Environ(), "HOME="+dir)
		out, err := cmd.Output()
		cancel()
		if err != nil {
			t.Errorf("zsh: %q: %v", tc.line, err)
			continue
		}
		// zsh offers a key of --rule without its =, which it adds once
		// the key is chosen; a file may come more than once.
		want := slices.Clone(tc.want)
		for i := range want {
			want[i] = strings.TrimSuffix(want[i], "=")
		}
		got := slices.Compact(slices.Sorted(slices.Values(strings.Fields(string(out)))))
		checkOffered(t, "zsh", tc.line, want, got)
	}
}

// A shell vigia has no script for, or none at all, is a usage error that
// names the shells.
func TestCompletionUnknownShell(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"completion"}, {"completion", "tcsh"}, {"completion", "bash", "zsh"}} {
		var out, errOut bytes.Buffer
		e := &env{stdout: &out, stderr: &errOut, getenv: func(string) string { return "" }}
		if code := run(t.Context(), e, args); code != exitUsage || out.Len() > 0 ||
			!strings.Contains(errOut.String(), "usage: vigia completion bash|zsh|fish") {
			t.Errorf("vigia %v: exit %d, stdout %q, stderr %q; want 2 and the shells", args, code, out.String(), errOut.String())
		}
	}
}
