package procfs

import "strings"

// CgroupName is what a cgroup's path says about what runs in it: the
// systemd unit that owns it, and the container and Kubernetes pod it holds.
// The path is all there is to go on without asking a runtime, which needs
// privileges vigia does not assume; fields the path does not show are empty.
type CgroupName struct {
	// Unit is the systemd unit of the path's last element ("nginx.service",
	// "user-1000.slice", "docker-<id>.scope").
	Unit string
	// Runtime is "docker", "podman", "containerd" or "crio" when the path
	// shows it; a container under a cgroupfs-driven kubelet shows only its
	// ID.
	Runtime string
	// Container is the container's full ID, in lower-case hex.
	Container string
	// Pod is the Kubernetes pod's UID with dashes ("5ec1b1c2-…"), from a
	// "pod<uid>" element anywhere on the path.
	Pod string
}

// Display returns the shortest honest name for the cgroup: the container's
// ID, else the unit, else the path itself.
func (n CgroupName) Display(path string) string {
	switch {
	case n.Container != "":
		return n.Container
	case n.Unit != "":
		return n.Unit
	}
	return path
}

// systemdSuffixes are the unit types that own cgroups.
var systemdSuffixes = [...]string{".service", ".scope", ".slice", ".socket", ".mount", ".swap"}

// containerPrefixes map a systemd scope's prefix to its runtime, as the
// runtimes' systemd cgroup drivers name them.
var containerPrefixes = [...]struct{ prefix, runtime string }{
	{"docker-", "docker"},
	{"libpod-", "podman"},
	{"cri-containerd-", "containerd"},
	{"crio-", "crio"},
}

// cgroupfsParents map the parent element cgroupfs drivers put a container
// under ("/docker/<id>", "/libpod_parent/libpod-<id>") to its runtime.
var cgroupfsParents = [...]struct{ parent, runtime string }{
	{"docker", "docker"},
	{"libpod_parent", "podman"},
}

// ParseCgroupName reads a cgroup path relative to the cgroup2 mount
// ("/system.slice/nginx.service",
// "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod<uid>.slice/cri-containerd-<id>.scope").
func ParseCgroupName(path string) CgroupName {
	var n CgroupName
	path = strings.TrimRight(path, "/")
	parent, leaf := "", path
	if i := strings.LastIndexByte(path, '/'); i >= 0 {
		leaf = path[i+1:]
		parent = path[:i]
		if j := strings.LastIndexByte(parent, '/'); j >= 0 {
			parent = parent[j+1:]
		}
	}
	for _, s := range systemdSuffixes {
		if len(leaf) > len(s) && strings.HasSuffix(leaf, s) {
			n.Unit = leaf
			break
		}
	}
	for rest := path; rest != ""; {
		var elem string
		elem, rest, _ = strings.Cut(rest, "/")
		if uid, ok := podUID(elem); ok {
			n.Pod = uid
		}
	}
	n.Runtime, n.Container = containerID(parent, leaf, n.Pod != "")
	return n
}

// containerID finds a container in the path's last element, given the
// element above it and whether the path is inside a pod.
func containerID(parent, leaf string, inPod bool) (runtime, id string) {
	base := strings.TrimSuffix(leaf, ".scope")
	for _, c := range containerPrefixes {
		if rest, ok := strings.CutPrefix(base, c.prefix); ok && isContainerID(rest) {
			return c.runtime, rest
		}
	}
	for _, c := range cgroupfsParents {
		if parent != c.parent {
			continue
		}
		if rest, ok := strings.CutPrefix(leaf, "libpod-"); ok {
			leaf = rest
		}
		if isContainerID(leaf) {
			return c.runtime, leaf
		}
	}
	// A cgroupfs kubelet puts the container's bare ID under its pod.
	if inPod && isContainerID(leaf) {
		return "", leaf
	}
	return "", ""
}

// isContainerID accepts what runtimes use as IDs: 64 hex digits, or a
// shortened form of at least 12.
func isContainerID(s string) bool {
	if len(s) < 12 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isLowerHex(s[i]) {
			return false
		}
	}
	return true
}

func isLowerHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' }

// podUID finds a pod UID in a path element: "pod<uid>" under cgroupfs,
// "kubepods-burstable-pod<uid with _>.slice" under systemd, which turns the
// UID's dashes into underscores because a dash separates slice levels.
func podUID(elem string) (string, bool) {
	elem = strings.TrimSuffix(elem, ".slice")
	i := strings.LastIndex(elem, "pod")
	if i < 0 || i > 0 && elem[i-1] != '-' {
		return "", false
	}
	raw := elem[i+len("pod"):]
	if len(raw) != 36 && len(raw) != 32 {
		return "", false
	}
	b := []byte(raw)
	for j, c := range b {
		switch {
		case c == '_' || c == '-':
			if len(raw) == 32 {
				return "", false
			}
			b[j] = '-'
		case !isLowerHex(c):
			return "", false
		}
	}
	if len(raw) == 36 && (b[8] != '-' || b[13] != '-' || b[18] != '-' || b[23] != '-') {
		return "", false
	}
	return string(b), true
}
