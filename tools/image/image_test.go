package main

import (
	"bytes"
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// buildHello builds testdata/hello for linux/goarch (or another GOOS) and
// returns its path; flags are extra go build flags.
func buildHello(t *testing.T, goos, goarch string, flags ...string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "hello")
	args := append(append([]string{"build", "-o", out}, flags...), "./testdata/hello")
	cmd := exec.Command("go", args...)
	// GOARM matters only for arm, where the release builds armv7.
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+goos, "GOARCH="+goarch, "GOARM=7")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %v: %v\n%s", args, err, b)
	}
	return out
}

func testSpec(t *testing.T, bin Binary) Spec {
	return Spec{
		Name:     "vigia",
		Version:  "1.2.3",
		Revision: "0123456789abcdef0123456789abcdef01234567",
		Source:   DefaultSource,
		Created:  time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC),
		Binary:   bin,
		CA:       []byte("-----BEGIN CERTIFICATE-----\nnot really\n-----END CERTIFICATE-----\n"),
	}
}

func write(t *testing.T, s Spec) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	digest, err := Write(&buf, s)
	if err != nil {
		t.Fatalf("Write: %v", err)
	}
	return buf.Bytes(), digest
}

func TestImageContents(t *testing.T) {
	t.Parallel()
	bin, err := inspectBinary(buildHello(t, "linux", "amd64", "-trimpath"))
	if err != nil {
		t.Fatal(err)
	}
	s := testSpec(t, bin)
	b, digest := write(t, s)
	img := readImage(t, b)

	if got := img.index.Manifests[0].Digest; got != digest {
		t.Errorf("Write returned %s, index points at %s", digest, got)
	}
	if diff := cmp.Diff(&platform{Architecture: "amd64", OS: "linux"}, img.index.Manifests[0].Platform); diff != "" {
		t.Errorf("index platform mismatch (-want +got):\n%s", diff)
	}
	if got := img.index.Manifests[0].Annotations["org.opencontainers.image.ref.name"]; got != "vigia:1.2.3" {
		t.Errorf("ref.name = %q, want vigia:1.2.3", got)
	}

	want := imageConfig{Created: "2026-03-04T05:06:07Z", Architecture: "amd64", OS: "linux"}
	want.Config.User = "65532:65532"
	want.Config.Env = []string{"PATH=/usr/bin"}
	want.Config.Entrypoint = []string{"/usr/bin/vigia"}
	want.Config.Cmd = []string{"serve", "--listen", "0.0.0.0:8519", "--token-file", "/run/secrets/vigia-token",
		"--procfs", "/host/proc", "--sysfs", "/host/sys", "--rootfs", "/host", "--db", "/var/lib/vigia/vigia.db"}
	want.Config.WorkingDir = "/var/lib/vigia"
	want.Config.ExposedPorts = map[string]struct{}{"8519/tcp": {}}
	want.Config.Volumes = map[string]struct{}{"/var/lib/vigia": {}}
	want.Config.StopSignal = "SIGTERM"
	want.Config.Labels = map[string]string{
		"org.opencontainers.image.title":       "vigia",
		"org.opencontainers.image.description": "A light system monitor and task manager for Linux: Prometheus metrics, API and web dashboard",
		"org.opencontainers.image.version":     "1.2.3",
		"org.opencontainers.image.revision":    "0123456789abcdef0123456789abcdef01234567",
		"org.opencontainers.image.source":      "https://github.com/vigia-dev/vigia",
		"org.opencontainers.image.created":     "2026-03-04T05:06:07Z",
	}
	want.RootFS.Type = "layers"
	want.RootFS.DiffIDs = img.config.RootFS.DiffIDs // checked against the layer by readImage
	want.History = []history{{Created: "2026-03-04T05:06:07Z", CreatedBy: "tools/image: vigia 1.2.3"}}
	if diff := cmp.Diff(want, img.config); diff != "" {
		t.Errorf("image config mismatch (-want +got):\n%s", diff)
	}

	// Exactly these files, in this order, with these modes and owners, and
	// every time the commit's.
	const ts = "2026-03-04T05:06:07Z"
	dir := func(name string, mode int64, id int) layerHeader {
		return layerHeader{Name: name, Type: '5', Mode: mode, UID: id, GID: id, ModTime: ts}
	}
	file := func(name string, mode int64, size int) layerHeader {
		return layerHeader{Name: name, Type: '0', Mode: mode, Size: int64(size), ModTime: ts}
	}
	wantLayer := []layerHeader{
		dir("etc/", 0o755, 0),
		file("etc/group", 0o644, len(group)),
		file("etc/passwd", 0o644, len(passwd)),
		dir("etc/ssl/", 0o755, 0),
		dir("etc/ssl/certs/", 0o755, 0),
		file("etc/ssl/certs/ca-certificates.crt", 0o644, len(s.CA)),
		dir("tmp/", 0o1777, 0),
		dir("usr/", 0o755, 0),
		dir("usr/bin/", 0o755, 0),
		file("usr/bin/vigia", 0o755, len(bin.Data)),
		dir("var/", 0o755, 0),
		dir("var/lib/", 0o755, 0),
		dir("var/lib/vigia/", 0o700, 65532),
	}
	if diff := cmp.Diff(wantLayer, img.layer); diff != "" {
		t.Errorf("layer mismatch (-want +got):\n%s", diff)
	}
	if !bytes.Equal(img.files["usr/bin/vigia"], bin.Data) {
		t.Error("usr/bin/vigia is not the binary given")
	}
	if !bytes.Equal(img.files["etc/ssl/certs/ca-certificates.crt"], s.CA) {
		t.Error("the CA bundle is not the one given")
	}
	for _, line := range []string{"vigia:x:65532:65532:vigia:/var/lib/vigia:/sbin/nologin", "nobody:x:65534:65534:"} {
		if !strings.Contains(string(img.files["etc/passwd"]), line) {
			t.Errorf("etc/passwd has no %q:\n%s", line, img.files["etc/passwd"])
		}
	}
	if !strings.Contains(string(img.files["etc/group"]), "vigia:x:65532:") {
		t.Errorf("etc/group has no vigia group:\n%s", img.files["etc/group"])
	}
}

func TestImageReproducible(t *testing.T) {
	t.Parallel()
	path := buildHello(t, "linux", "amd64", "-trimpath")
	// Two inspections of the same file, as two runs of the builder would.
	bin1, err := inspectBinary(path)
	if err != nil {
		t.Fatal(err)
	}
	bin2, err := inspectBinary(path)
	if err != nil {
		t.Fatal(err)
	}
	a, da := write(t, testSpec(t, bin1))
	b, db := write(t, testSpec(t, bin2))
	if da != db || !bytes.Equal(a, b) {
		t.Errorf("two builds differ: digests %s and %s, %d and %d bytes", da, db, len(a), len(b))
	}
	later := testSpec(t, bin1)
	later.Created = later.Created.Add(time.Second)
	if _, dc := write(t, later); dc == da {
		t.Errorf("a build of another commit time has the same digest %s: the time is not in the image", dc)
	}
}

func TestInspectBinary(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		path    func(t *testing.T) string
		want    platform
		wantErr string
	}{
		{name: "linux amd64", path: func(t *testing.T) string { return buildHello(t, "linux", "amd64", "-trimpath") },
			want: platform{OS: "linux", Architecture: "amd64"}},
		{name: "linux arm64", path: func(t *testing.T) string { return buildHello(t, "linux", "arm64", "-trimpath") },
			want: platform{OS: "linux", Architecture: "arm64"}},
		{name: "linux arm v7", path: func(t *testing.T) string { return buildHello(t, "linux", "arm", "-trimpath") }, want: platform{OS: "linux", Architecture: "arm", Variant: "v7"}},
		{name: "without trimpath", path: func(t *testing.T) string { return buildHello(t, "linux", "amd64") },
			wantErr: "without -trimpath"},
		{name: "darwin", path: func(t *testing.T) string { return buildHello(t, "darwin", "arm64", "-trimpath") },
			wantErr: "built for darwin, want linux"},
		{name: "not Go", path: func(t *testing.T) string { return "/bin/true" }, wantErr: "not a Go program"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b, err := inspectBinary(tt.path(t))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("inspectBinary: error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, platform{OS: b.OS, Architecture: b.Arch, Variant: b.Variant}); diff != "" {
				t.Errorf("platform mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestStaticRefusesDynamic(t *testing.T) {
	t.Parallel()
	f, err := elf.Open("/bin/true") // a C program, linked against libc
	if err != nil {
		t.Skipf("no dynamic ELF to check against: %v", err)
	}
	defer f.Close()
	if err := static(f); err == nil || !strings.Contains(err.Error(), "dynamically linked") {
		t.Errorf("static(/bin/true) = %v, want dynamically linked", err)
	}
}

func TestRun(t *testing.T) {
	t.Parallel()
	bin := buildHello(t, "linux", "amd64", "-trimpath")
	ca := filepath.Join(t.TempDir(), "ca.crt")
	if err := os.WriteFile(ca, []byte("ca"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "img.tar")
	base := []string{"-binary", bin, "-out", out, "-ca-bundle", ca, "-version", "1.2.3", "-revision", "abc"}

	var stdout, stderr bytes.Buffer
	// The test binary records no VCS time (built with -buildvcs=false or
	// outside git): with no -created the builder refuses to pick a time.
	if err := run(base, &stdout, &stderr); err == nil || !strings.Contains(err.Error(), "-created") {
		t.Errorf("run without -created: %v, want an error naming -created", err)
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("a failed run left %s behind", out)
	}
	if err := run(append(base, "-created", "2026-03-04T06:06:07+01:00"), &stdout, &stderr); err != nil {
		t.Fatalf("run: %v\n%s", err, stderr.String())
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	img := readImage(t, b)
	if img.config.Created != "2026-03-04T05:06:07Z" {
		t.Errorf("created = %s, want the time in UTC", img.config.Created)
	}
	if want := img.index.Manifests[0].Digest + " vigia:1.2.3 linux/amd64\n"; stdout.String() != want {
		t.Errorf("run printed %q, want %q", stdout.String(), want)
	}
}
