package procfs

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const (
	testCID  = "4b2c8a1e9f0d3c7b6a5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a"
	testPod  = "5ec1b1c2-7d1e-4c9a-9f3b-0a1b2c3d4e5f"
	testPodU = "5ec1b1c2_7d1e_4c9a_9f3b_0a1b2c3d4e5f"
)

func TestParseCgroupName(t *testing.T) {
	tests := []struct {
		name, path string
		want       CgroupName
	}{
		{"root", "/", CgroupName{}},
		{"slice", "/system.slice", CgroupName{Unit: "system.slice"}},
		{"service", "/system.slice/nginx.service", CgroupName{Unit: "nginx.service"}},
		{"user session", "/user.slice/user-1000.slice/session-3.scope", CgroupName{Unit: "session-3.scope"}},
		{"user service", "/user.slice/user-1000.slice/user@1000.service/app.slice/firefox.service", CgroupName{Unit: "firefox.service"}},
		{"plain directory", "/machine/qemu-1", CgroupName{}},
		{"bare suffix is no unit", "/x/.service", CgroupName{}},
		{"docker systemd", "/system.slice/docker-" + testCID + ".scope",
			CgroupName{Unit: "docker-" + testCID + ".scope", Runtime: "docker", Container: testCID}},
		{"docker cgroupfs", "/docker/" + testCID, CgroupName{Runtime: "docker", Container: testCID}},
		{"docker name is not an id", "/docker/buildkit", CgroupName{}},
		{"podman systemd", "/machine.slice/libpod-" + testCID + ".scope",
			CgroupName{Unit: "libpod-" + testCID + ".scope", Runtime: "podman", Container: testCID}},
		{"podman conmon is no container", "/machine.slice/libpod-conmon-" + testCID + ".scope",
			CgroupName{Unit: "libpod-conmon-" + testCID + ".scope"}},
		{"podman cgroupfs", "/libpod_parent/libpod-" + testCID, CgroupName{Runtime: "podman", Container: testCID}},
		{"kubernetes pod slice", "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + testPodU + ".slice",
			CgroupName{Unit: "kubepods-burstable-pod" + testPodU + ".slice", Pod: testPod}},
		{"kubernetes containerd", "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + testPodU + ".slice/cri-containerd-" + testCID + ".scope",
			CgroupName{Unit: "cri-containerd-" + testCID + ".scope", Runtime: "containerd", Container: testCID, Pod: testPod}},
		{"kubernetes guaranteed crio", "/kubepods.slice/kubepods-pod" + testPodU + ".slice/crio-" + testCID + ".scope",
			CgroupName{Unit: "crio-" + testCID + ".scope", Runtime: "crio", Container: testCID, Pod: testPod}},
		{"kubernetes cgroupfs", "/kubepods/besteffort/pod" + testPod + "/" + testCID,
			CgroupName{Container: testCID, Pod: testPod}},
		{"pod uid too short", "/kubepods/pod1234", CgroupName{}},
		{"upper-case id refused", "/docker/" + strings.ToUpper(testCID), CgroupName{}},
		{"trailing slash", "/system.slice/nginx.service/", CgroupName{Unit: "nginx.service"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ParseCgroupName(tt.path)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseCgroupName(%q) mismatch (-want +got):\n%s", tt.path, diff)
			}
		})
	}
}

func TestCgroupNameDisplay(t *testing.T) {
	for _, tt := range []struct{ path, want string }{
		{"/system.slice/nginx.service", "nginx.service"},
		{"/docker/" + testCID, testCID},
		{"/machine/qemu-1", "/machine/qemu-1"},
	} {
		if got := ParseCgroupName(tt.path).Display(tt.path); got != tt.want {
			t.Errorf("Display(%q) = %q, want %q", tt.path, got, tt.want)
		}
	}
}

func FuzzParseCgroupName(f *testing.F) {
	f.Add("/system.slice/nginx.service")
	f.Add("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + testPodU + ".slice/cri-containerd-" + testCID + ".scope")
	f.Add("/kubepods/besteffort/pod" + testPod + "/" + testCID)
	f.Add("/docker/" + testCID)
	f.Fuzz(func(t *testing.T, path string) {
		n := ParseCgroupName(path)
		if n.Container != "" && !isContainerID(n.Container) {
			t.Errorf("container %q is not an ID", n.Container)
		}
		if n.Pod != "" && len(n.Pod) != 32 && len(n.Pod) != 36 {
			t.Errorf("pod %q has the wrong length", n.Pod)
		}
		if n.Container != "" && !strings.Contains(path, n.Container) {
			t.Errorf("container %q not in path %q", n.Container, path)
		}
		if n.Unit != "" && !strings.Contains(path, n.Unit) {
			t.Errorf("unit %q not in path %q", n.Unit, path)
		}
	})
}
