package main

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"
)

// The deploy examples are parsed, not applied: checked for what they must
// say to watch the host safely, and for agreeing with the image they run.

func readYAML(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// hostMounts is what both examples mount, read-only: host path → container path.
var hostMounts = map[string]string{"/proc": HostProc, "/sys": HostSys, "/": HostRoot}

func TestComposeExample(t *testing.T) {
	t.Parallel()
	var c struct {
		Services map[string]struct {
			Image       string   `yaml:"image"`
			Restart     string   `yaml:"restart"`
			NetworkMode string   `yaml:"network_mode"`
			User        string   `yaml:"user"`
			ReadOnly    bool     `yaml:"read_only"`
			CapDrop     []string `yaml:"cap_drop"`
			SecurityOpt []string `yaml:"security_opt"`
			Command     []string `yaml:"command"`
			Volumes     []string `yaml:"volumes"`
			Secrets     []string `yaml:"secrets"`
		} `yaml:"services"`
		Secrets map[string]struct {
			File string `yaml:"file"`
		} `yaml:"secrets"`
		Volumes map[string]struct{} `yaml:"volumes"`
	}
	readYAML(t, "../../deploy/compose.yaml", &c)
	s, ok := c.Services["vigia"]
	if !ok {
		t.Fatal("no vigia service")
	}
	if diff := cmp.Diff(Cmd, s.Command); diff != "" {
		t.Errorf("compose command differs from the image's (-image +compose):\n%s", diff)
	}
	if !s.ReadOnly || s.User != "65532:65532" || !slices.Equal(s.CapDrop, []string{"ALL"}) ||
		!slices.Contains(s.SecurityOpt, "no-new-privileges:true") {
		t.Errorf("service is not read-only, non-root, without capabilities and no-new-privileges: %+v", s)
	}
	for host, in := range hostMounts {
		if !slices.ContainsFunc(s.Volumes, func(v string) bool {
			return strings.HasPrefix(v, host+":"+in+":ro")
		}) {
			t.Errorf("no read-only mount of the host's %s at %s in %q", host, in, s.Volumes)
		}
	}
	if !slices.Equal(s.Secrets, []string{"vigia-token"}) || c.Secrets["vigia-token"].File == "" {
		t.Errorf("the token is not a secret (at %s): %q %+v", TokenFile, s.Secrets, c.Secrets)
	}
}

type k8sMount struct {
	Name             string `yaml:"name"`
	MountPath        string `yaml:"mountPath"`
	ReadOnly         bool   `yaml:"readOnly"`
	MountPropagation string `yaml:"mountPropagation"`
}

type k8sSecurity struct {
	AllowPrivilegeEscalation *bool `yaml:"allowPrivilegeEscalation"`
	ReadOnlyRootFilesystem   bool  `yaml:"readOnlyRootFilesystem"`
	Capabilities             struct {
		Drop []string `yaml:"drop"`
		Add  []string `yaml:"add"`
	} `yaml:"capabilities"`
}

type k8sContainer struct {
	Name    string   `yaml:"name"`
	Image   string   `yaml:"image"`
	Command []string `yaml:"command"`
	Args    []string `yaml:"args"`
	Ports   []struct {
		Name          string `yaml:"name"`
		ContainerPort int    `yaml:"containerPort"`
		HostPort      int    `yaml:"hostPort"`
	} `yaml:"ports"`
	LivenessProbe   map[string]any `yaml:"livenessProbe"`
	SecurityContext k8sSecurity    `yaml:"securityContext"`
	Resources       map[string]any `yaml:"resources"`
	VolumeMounts    []k8sMount     `yaml:"volumeMounts"`
}

func TestDaemonSetExample(t *testing.T) {
	t.Parallel()
	var ds struct {
		APIVersion string         `yaml:"apiVersion"`
		Kind       string         `yaml:"kind"`
		Metadata   map[string]any `yaml:"metadata"`
		Spec       struct {
			Selector       map[string]any `yaml:"selector"`
			UpdateStrategy map[string]any `yaml:"updateStrategy"`
			Template       struct {
				Metadata map[string]any `yaml:"metadata"`
				Spec     struct {
					HostNetwork                  bool             `yaml:"hostNetwork"`
					DNSPolicy                    string           `yaml:"dnsPolicy"`
					HostPID                      bool             `yaml:"hostPID"`
					AutomountServiceAccountToken *bool            `yaml:"automountServiceAccountToken"`
					Tolerations                  []map[string]any `yaml:"tolerations"`
					SecurityContext              struct {
						RunAsNonRoot   bool              `yaml:"runAsNonRoot"`
						RunAsUser      int               `yaml:"runAsUser"`
						RunAsGroup     int               `yaml:"runAsGroup"`
						SeccompProfile map[string]string `yaml:"seccompProfile"`
					} `yaml:"securityContext"`
					InitContainers []k8sContainer `yaml:"initContainers"`
					Containers     []k8sContainer `yaml:"containers"`
					Volumes        []struct {
						Name     string `yaml:"name"`
						HostPath *struct {
							Path string `yaml:"path"`
						} `yaml:"hostPath"`
						Secret *struct {
							SecretName  string `yaml:"secretName"`
							DefaultMode int    `yaml:"defaultMode"`
						} `yaml:"secret"`
						EmptyDir *struct {
							Medium    string `yaml:"medium"`
							SizeLimit string `yaml:"sizeLimit"`
						} `yaml:"emptyDir"`
					} `yaml:"volumes"`
				} `yaml:"spec"`
			} `yaml:"template"`
		} `yaml:"spec"`
	}
	readYAML(t, "../../deploy/kubernetes/daemonset.yaml", &ds)
	if ds.APIVersion != "apps/v1" || ds.Kind != "DaemonSet" {
		t.Fatalf("not an apps/v1 DaemonSet: %s %s", ds.APIVersion, ds.Kind)
	}
	pod := ds.Spec.Template.Spec
	if !pod.SecurityContext.RunAsNonRoot || pod.SecurityContext.RunAsUser != UID || pod.SecurityContext.RunAsGroup != UID {
		t.Errorf("pod does not run as vigia's user %d: %+v", UID, pod.SecurityContext)
	}
	if pod.HostPID {
		t.Error("hostPID is set; vigia reads the node's processes through /host/proc without it")
	}
	if len(pod.Containers) != 1 {
		t.Fatalf("%d containers, want 1", len(pod.Containers))
	}
	c := pod.Containers[0]
	if diff := cmp.Diff(Cmd, c.Args); diff != "" {
		t.Errorf("DaemonSet args differ from the image's command (-image +daemonset):\n%s", diff)
	}
	for _, ct := range append(pod.InitContainers, c) {
		sc := ct.SecurityContext
		if !sc.ReadOnlyRootFilesystem || sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation ||
			!slices.Equal(sc.Capabilities.Drop, []string{"ALL"}) || len(sc.Capabilities.Add) != 0 {
			t.Errorf("container %s is not read-only, without privilege escalation and capabilities: %+v", ct.Name, sc)
		}
	}
	hostPaths := map[string]string{} // volume name → host path
	for _, v := range pod.Volumes {
		if v.HostPath != nil {
			hostPaths[v.Name] = v.HostPath.Path
		}
	}
	mounted := map[string]string{} // host path → container path, read-only mounts only
	var tokenMount k8sMount
	for _, m := range c.VolumeMounts {
		if p, ok := hostPaths[m.Name]; ok {
			if !m.ReadOnly {
				t.Errorf("host path %s is mounted writable at %s", p, m.MountPath)
			}
			mounted[p] = m.MountPath
		}
		if m.MountPath == "/run/secrets" {
			tokenMount = m
		}
	}
	if diff := cmp.Diff(hostMounts, mounted); diff != "" {
		t.Errorf("host mounts mismatch (-want +got):\n%s", diff)
	}
	// The token file the image reads is a copy the init container makes of
	// the Secret, in a memory volume both mount.
	if len(pod.InitContainers) != 1 || !strings.Contains(strings.Join(pod.InitContainers[0].Command, " "), TokenFile) {
		t.Fatalf("no init container writes %s: %+v", TokenFile, pod.InitContainers)
	}
	var secret, memory bool
	for _, v := range pod.Volumes {
		secret = secret || v.Secret != nil && v.Secret.SecretName == "vigia-token"
		memory = memory || v.Name == tokenMount.Name && v.EmptyDir != nil && v.EmptyDir.Medium == "Memory"
	}
	if !secret || !memory || !tokenMount.ReadOnly {
		t.Errorf("the token does not come from the vigia-token Secret through a read-only memory volume (secret %v, memory %v, mount %+v)",
			secret, memory, tokenMount)
	}
}
