package node

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// fixedClock is 2024-03-10 12:00:00.5 in a zone one hour east of UTC, so
// the golden files hold whatever time zone the tests run in.
func fixedClock() time.Time {
	return time.Date(2024, 3, 10, 12, 0, 0, 5e8, time.FixedZone("CET", 3600))
}

func sysEnv(t testing.TB, dir string) Env {
	env := fixtureEnv(t, "testdata/"+dir)
	env.Now = fixedClock
	return env
}

// fakeUname is a uname(2) that is the same on every machine the tests
// run on.
func fakeUname() (utsname, error) {
	return utsname{"Linux", "6.1.0-local", "#1 SMP local", "aarch64", "local-host", "(none)"}, nil
}

// TestSysCollectors: each collector over a fixture from this machine and
// one with missing files, garbage and an older kernel.
func TestSysCollectors(t *testing.T) {
	t.Parallel()
	for _, fixture := range []string{"sys-basic", "sys-odd"} {
		for _, name := range []string{"entropy", "filefd", "os", "time", "uname"} {
			t.Run(fixture+"/"+name, func(t *testing.T) {
				t.Parallel()
				c, err := Registry[indexOf(name)].New(sysEnv(t, fixture))
				if err != nil {
					t.Fatal(err)
				}
				if u, ok := c.(*uname); ok {
					u.local = fakeUname
				}
				got, err := scrape(t, c)
				if err != nil {
					got += "# error: " + strings.ReplaceAll(err.Error(), "testdata/"+fixture+"/", "") + "\n"
				}
				checkGoldenText(t, fixture+"-"+name, got)
			})
		}
	}
}

// TestUnameLocal: at the local /proc the system call answers, not the
// files (which in a container describe another machine's view).
func TestUnameLocal(t *testing.T) {
	t.Parallel()
	env := sysEnv(t, "sys-basic")
	c := &uname{fs: env.FS, local: fakeUname}
	got, err := scrape(t, c)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got, `nodename="local-host"`) {
		t.Errorf("uname did not use the system call:\n%s", got)
	}
	if c, _ := newUname(Env{FS: env.FS}); c.(*uname).viaProc != true {
		t.Error("a fixture /proc is read as the local one")
	}
}

func TestOSMissing(t *testing.T) {
	t.Parallel()
	c, _ := newOS(Env{Rootfs: t.TempDir()})
	if _, err := scrape(t, c); !errors.Is(err, ErrNoData) {
		t.Errorf("no os-release: %v, want ErrNoData", err)
	}
}

func TestMajorMinor(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]float64{"12": 12, "22.04": 22.04, "22.04.3": 22.04, "39.": 39, "rolling": 0, "": 0, "3.": 3, ".5": 0} {
		if got := majorMinor(in); got != want {
			t.Errorf("majorMinor(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestParseOSRelease(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		want     OSRelease
		wantErr  string
	}{
		{name: "debian", in: "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nID=debian\n",
			want: OSRelease{PrettyName: "Debian GNU/Linux 12 (bookworm)", Name: "Debian GNU/Linux", VersionID: "12", ID: "debian"}},
		{name: "escapes", in: `NAME="a \"b\" \$c \\d \e"` + "\nID='x \\y'\nVARIANT=a\\ b\n",
			want: OSRelease{Name: `a "b" $c \d \e`, ID: `x \y`, Variant: "a b"}},
		{name: "comments and blanks", in: "# c\n\n  ID=arch  # trailing\nexport NAME=Arch\r\n", want: OSRelease{ID: "arch", Name: "Arch"}},
		{name: "concatenated", in: `NAME="Foo "'Bar'Baz`, want: OSRelease{Name: "Foo BarBaz"}},
		{name: "empty", in: "", want: OSRelease{}},
		{name: "open double quote", in: "ID=a\nNAME=\"Debian\n", wantErr: `line 2: NAME: unterminated double quote`},
		{name: "open single quote", in: "NAME='x", wantErr: "line 1: NAME: unterminated single quote"},
		{name: "not an assignment", in: "ID=a\nhello world\n", wantErr: "line 2: not KEY=value"},
		{name: "bad key", in: "1D=a\n", wantErr: "line 1: not KEY=value"},
		{name: "unquoted space", in: "NAME=Debian GNU\n", wantErr: "line 1: NAME: unquoted space in value"},
		{name: "trailing backslash", in: `NAME=x\`, wantErr: "line 1: NAME: backslash at end of line"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseOSRelease([]byte(tt.in))
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("ParseOSRelease(%q) error = %v, want %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseOSRelease(%q): %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseOSRelease(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func FuzzParseOSRelease(f *testing.F) {
	for _, p := range []string{"testdata/sys-basic/root/usr/lib/os-release", "testdata/sys-odd/root/usr/lib/os-release"} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`NAME="a \"b\"" 'c`))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := ParseOSRelease(b)
		if err != nil {
			return
		}
		// Whatever parsed is a value the file held: never longer than it.
		for _, v := range []string{r.Name, r.ID, r.PrettyName, r.VersionID, r.SupportEnd} {
			if len(v) > len(b) {
				t.Errorf("ParseOSRelease(%q): value %q longer than the file", b, v)
			}
		}
	})
}
