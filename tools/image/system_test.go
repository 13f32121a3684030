package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// The system test builds the real image from this commit with
// scripts/image.sh, twice, and runs it with podman: `vigia snapshot` must
// list this machine's processes through the host's /proc mounted read-only,
// and `vigia serve` must answer /metrics on a published loopback port. It
// installs nothing itself and runs only with VIGIA_SYSTEM_TESTS=1, which
// scripts/test.sh sets after installing podman and runc.

// podmanGlobal are podman's options for a machine without systemd as PID 1
// (no systemd cgroup manager, no journald for events) and with cgroup v1
// controllers beside a v2 mount, which crun refuses and runc accepts.
var podmanGlobal = []string{"--cgroup-manager=cgroupfs", "--events-backend=file", "--runtime=runc"}

// podmanRun are the run options every container gets: limits no higher
// than the test's own, as podman's default of 1048576 open files needs
// CAP_SYS_RESOURCE to set where the machine's hard limit is lower.
var podmanRun = []string{"--ulimit", "nofile=4096:4096", "--ulimit", "nproc=4096:4096"}

// hostView mounts the host read-only where the image's command expects it.
var hostView = []string{"-v", "/proc:" + HostProc + ":ro", "-v", "/sys:" + HostSys + ":ro", "-v", "/:" + HostRoot + ":ro"}

func podman(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "podman", append(append([]string{}, podmanGlobal...), args...)...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("podman %s: %v\n%s%s", strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String()
}

func systemTests(t *testing.T) {
	t.Helper()
	if os.Getenv("VIGIA_SYSTEM_TESTS") != "1" {
		t.Skip("VIGIA_SYSTEM_TESTS=1 runs it (scripts/test.sh)")
	}
	if os.Geteuid() != 0 {
		t.Skip("needs root: podman as root, a token file owned by the image's user")
	}
	if _, err := exec.LookPath("podman"); err != nil {
		t.Fatalf("VIGIA_SYSTEM_TESTS=1 but no podman: %v", err)
	}
}

func TestPodmanImage(t *testing.T) {
	systemTests(t)
	dir := t.TempDir()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "vigia")
	build := exec.Command("go", "build", "-trimpath", "-o", bin, "./cmd/vigia")
	build.Dir = root
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, b)
	}

	// Two builds from the same commit are the same bytes.
	var tars [2][]byte
	for i := range tars {
		out := filepath.Join(dir, fmt.Sprintf("image%d.tar", i))
		cmd := exec.Command(filepath.Join(root, "scripts/image.sh"), bin, out)
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("scripts/image.sh: %v\n%s", err, b)
		}
		if tars[i], err = os.ReadFile(out); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(tars[0], tars[1]) {
		t.Fatalf("two builds of one commit differ: %s and %s", digestOf(tars[0]), digestOf(tars[1]))
	}
	img := readImage(t, tars[0])
	inLayer := filepath.Join(dir, "vigia-in-image")
	if err := os.WriteFile(inLayer, img.files["usr/bin/vigia"], 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := inspectBinary(inLayer); err != nil {
		t.Fatalf("the image's binary: %v", err)
	}

	loaded := podman(t, "load", "-i", filepath.Join(dir, "image0.tar"))
	id := strings.TrimPrefix(img.manifest.Config.Digest, "sha256:")
	t.Cleanup(func() { exec.Command("podman", append(podmanGlobal, "rmi", "-f", id)...).Run() })
	if want := "Loaded image: localhost/vigia:" + img.config.Config.Labels["org.opencontainers.image.version"]; !strings.Contains(loaded, want) {
		t.Errorf("podman load said %q, want %q", loaded, want)
	}

	t.Run("snapshot", func(t *testing.T) { testPodmanSnapshot(t, id) })
	t.Run("serve", func(t *testing.T) { testPodmanServe(t, id, dir) })
}

// testPodmanSnapshot runs `vigia snapshot` in the image, in its own PID
// namespace, and looks for a process the test started on the host.
func testPodmanSnapshot(t *testing.T, id string) {
	arg := fmt.Sprintf("%d.5", 100000+os.Getpid())
	sleeper := exec.Command("sleep", arg)
	if err := sleeper.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sleeper.Process.Kill(); sleeper.Wait() })
	args := append(append(append([]string{"run", "--rm", "--network=none"}, podmanRun...), hostView...), id,
		"snapshot", "--procfs", HostProc, "--sysfs", HostSys, "--rootfs", HostRoot, "--sensors", "processes,memory", "--top", "100000")
	out := podman(t, args...)
	if !regexp.MustCompile(`(?m)^ +` + strconv.Itoa(sleeper.Process.Pid) + ` .* sleep ` + regexp.QuoteMeta(arg) + `$`).MatchString(out) {
		t.Errorf("snapshot does not list the host's process %d (sleep %s):\n%s", sleeper.Process.Pid, arg, out)
	}
	// vigia itself, as its own user: the image does not run as root.
	if !regexp.MustCompile(`(?m)^ +\d+ vigia +\S .*/usr/bin/vigia snapshot`).MatchString(out) {
		t.Errorf("snapshot does not show itself running as the vigia user:\n%s", out)
	}
}

// testPodmanServe runs the image's own command, read-only, and scrapes it
// from the host through a published port: with no capability, and with the
// two docs/container.md says buy other users' process details.
func testPodmanServe(t *testing.T, id, dir string) {
	token := make([]byte, 24)
	rand.Read(token)
	tokenFile := filepath.Join(dir, "token")
	if err := os.WriteFile(tokenFile, []byte(hex.EncodeToString(token)), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(tokenFile, UID, UID); err != nil {
		t.Fatal(err)
	}
	// A process of another user, neither root nor vigia's.
	other := exec.Command("sleep", "3600")
	other.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 4321, Gid: 4321}}
	if err := other.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Process.Kill(); other.Wait() })
	otherPath := "/api/v1/processes/" + strconv.Itoa(other.Process.Pid)
	tests := []struct {
		name       string
		caps       []string
		capEff     string
		unreadable []string // of the other user's process
	}{
		{name: "no capability", capEff: "0000000000000000",
			unreadable: []string{"cwd", "exe", "io_read_bytes", "io_write_bytes", "open_files"}},
		// The ptrace read check: exe and cwd; io still needs its file opened.
		{name: "ptrace", caps: []string{"--cap-add=SYS_PTRACE"}, capEff: "0000000000080000",
			unreadable: []string{"io_read_bytes", "io_write_bytes", "open_files"}},
		// Opening owner-only files: the fd directory; io still needs the ptrace check.
		{name: "dac_read_search", caps: []string{"--cap-add=DAC_READ_SEARCH"}, capEff: "0000000000000004",
			unreadable: []string{"cwd", "exe", "io_read_bytes", "io_write_bytes"}},
		{name: "ptrace and dac_read_search", caps: []string{"--cap-add=SYS_PTRACE,DAC_READ_SEARCH"},
			capEff: "0000000000080004"}, // bits 2 and 19
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := fmt.Sprintf("vigia-system-test-%d-%d", os.Getpid(), i)
			addr, pid := startServe(t, id, name, tokenFile, tt.caps)
			status, err := os.ReadFile("/proc/" + pid + "/status")
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{"Uid:\t65532\t65532\t65532\t65532", "CapEff:\t" + tt.capEff, "NoNewPrivs:\t1"} {
				if !strings.Contains(string(status), want) {
					t.Errorf("vigia in the container: no %q in its status:\n%s", want, status)
				}
			}
			get := func(path string, withToken bool) (int, string) {
				t.Helper()
				req, _ := http.NewRequest("GET", "http://"+addr+path, nil)
				if withToken {
					req.Header.Set("Authorization", "Bearer "+hex.EncodeToString(token))
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					return 0, err.Error()
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				return resp.StatusCode, string(b)
			}
			var code int
			var body string
			for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(500 * time.Millisecond) {
				if code, body = get("/metrics", true); code == http.StatusOK && strings.Contains(body, "node_cpu_seconds_total") {
					break
				}
			}
			if code != http.StatusOK || !strings.Contains(body, "node_cpu_seconds_total") || !strings.Contains(body, "vigia_") {
				logs, _ := exec.Command("podman", append(podmanGlobal, "logs", name)...).CombinedOutput()
				t.Fatalf("GET /metrics: %d\n%.2000s\ncontainer log:\n%s", code, body, logs)
			}
			if code, _ := get("/metrics", false); code != http.StatusUnauthorized {
				t.Errorf("GET /metrics without the token: %d, want 401", code)
			}
			code, body = get(otherPath, true)
			var detail struct {
				Unreadable []string `json:"unreadable"`
			}
			if err := json.Unmarshal([]byte(body), &detail); code != http.StatusOK || err != nil {
				t.Fatalf("GET %s: %d %v\n%s", otherPath, code, err, body)
			}
			slices.Sort(detail.Unreadable)
			if diff := cmp.Diff(tt.unreadable, detail.Unreadable); diff != "" {
				t.Errorf("%s: unreadable fields mismatch (-want +got):\n%s", otherPath, diff)
			}
		})
	}
}

// startServe starts the image's command in a container named name on a free
// loopback port, and returns that address and the container's PID.
func startServe(t *testing.T, id, name, tokenFile string, extra []string) (addr, pid string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr = ln.Addr().String()
	ln.Close()
	args := []string{"run", "-d", "--name", name, "--read-only", "--cap-drop=all", "--security-opt=no-new-privileges",
		"-p", addr + ":8519", "-v", tokenFile + ":" + TokenFile + ":ro"}
	args = append(append(append(append(args, extra...), podmanRun...), hostView...), id)
	podman(t, args...)
	t.Cleanup(func() { exec.Command("podman", append(podmanGlobal, "rm", "-f", "-t", "2", name)...).Run() })
	return addr, strings.TrimSpace(podman(t, "inspect", "-f", "{{.State.Pid}}", name))
}
