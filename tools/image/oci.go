package main

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"time"
)

// DefaultSource is the repository the image's source label names.
const DefaultSource = "https://github.com/vigia-dev/vigia"

// Port is the port the image's command listens on, vigia's default.
const Port = 8519

// Where the image's command expects the watched machine: the deploy
// examples mount the host's /proc, /sys and / here, read-only.
const (
	HostProc  = "/host/proc"
	HostSys   = "/host/sys"
	HostRoot  = "/host"
	TokenFile = "/run/secrets/vigia-token"
)

// Cmd is the image's default command: serve on every address of the
// container, which vigia allows only with a token, read at TokenFile (where
// compose, podman and the Kubernetes example put a secret). Without the token
// file vigia refuses to start and says so rather than serve unauthenticated.
var Cmd = []string{
	"serve",
	"--listen", fmt.Sprintf("0.0.0.0:%d", Port),
	"--token-file", TokenFile,
	"--procfs", HostProc,
	"--sysfs", HostSys,
	"--rootfs", HostRoot,
	"--db", StateDir + "/vigia.db",
}

// Media types of the OCI image spec.
const (
	mediaIndex    = "application/vnd.oci.image.index.v1+json"
	mediaManifest = "application/vnd.oci.image.manifest.v1+json"
	mediaConfig   = "application/vnd.oci.image.config.v1+json"
	mediaLayer    = "application/vnd.oci.image.layer.v1.tar+gzip"
)

// Spec is what goes into one image.
type Spec struct {
	Name, Version, Revision, Source string
	Created                         time.Time
	Binary                          Binary
	CA                              []byte
}

// Labels are the org.opencontainers.image.* labels of the image config.
func (s Spec) Labels() map[string]string {
	return map[string]string{
		"org.opencontainers.image.title":       "vigia",
		"org.opencontainers.image.description": "A light system monitor and task manager for Linux: Prometheus metrics, API and web dashboard",
		"org.opencontainers.image.version":     s.Version,
		"org.opencontainers.image.revision":    s.Revision,
		"org.opencontainers.image.source":      s.Source,
		"org.opencontainers.image.created":     s.Created.UTC().Format(time.RFC3339),
	}
}

type descriptor struct {
	MediaType   string            `json:"mediaType"`
	Digest      string            `json:"digest"`
	Size        int64             `json:"size"`
	Platform    *platform         `json:"platform,omitempty"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

type platform struct {
	Architecture string `json:"architecture"`
	OS           string `json:"os"`
	Variant      string `json:"variant,omitempty"`
}

type imageConfig struct {
	Created      string `json:"created"`
	Architecture string `json:"architecture"`
	OS           string `json:"os"`
	Variant      string `json:"variant,omitempty"`
	Config       struct {
		User         string              `json:"User"`
		Env          []string            `json:"Env"`
		Entrypoint   []string            `json:"Entrypoint"`
		Cmd          []string            `json:"Cmd"`
		WorkingDir   string              `json:"WorkingDir"`
		ExposedPorts map[string]struct{} `json:"ExposedPorts"`
		Volumes      map[string]struct{} `json:"Volumes"`
		Labels       map[string]string   `json:"Labels"`
		StopSignal   string              `json:"StopSignal"`
	} `json:"config"`
	RootFS struct {
		Type    string   `json:"type"`
		DiffIDs []string `json:"diff_ids"`
	} `json:"rootfs"`
	History []history `json:"history"`
}

type history struct {
	Created   string `json:"created"`
	CreatedBy string `json:"created_by"`
}

type manifest struct {
	SchemaVersion int               `json:"schemaVersion"`
	MediaType     string            `json:"mediaType"`
	Config        descriptor        `json:"config"`
	Layers        []descriptor      `json:"layers"`
	Annotations   map[string]string `json:"annotations,omitempty"`
}

type index struct {
	SchemaVersion int          `json:"schemaVersion"`
	MediaType     string       `json:"mediaType"`
	Manifests     []descriptor `json:"manifests"`
}

func digestOf(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// Write writes the image as an OCI image layout in a tar to w and returns
// the manifest's digest, the image's digest once pushed.
func Write(w io.Writer, s Spec) (string, error) {
	created := s.Created.UTC().Truncate(time.Second)
	stamp := created.Format(time.RFC3339)
	layerTar, err := writeTar(layerEntries(s.Binary.Data, s.CA), created)
	if err != nil {
		return "", fmt.Errorf("layer: %w", err)
	}
	var gz bytes.Buffer
	zw, err := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	if err != nil {
		return "", err
	}
	// The gzip header keeps no name and a zero time: only the bytes count.
	if _, err := zw.Write(layerTar); err != nil {
		return "", err
	}
	if err := zw.Close(); err != nil {
		return "", err
	}
	layer := gz.Bytes()

	var cfg imageConfig
	cfg.Created = stamp
	cfg.Architecture, cfg.OS, cfg.Variant = s.Binary.Arch, s.Binary.OS, s.Binary.Variant
	cfg.Config.User = fmt.Sprintf("%d:%d", UID, UID) // numeric, so runAsNonRoot can check it
	cfg.Config.Env = []string{"PATH=/usr/bin"}
	cfg.Config.Entrypoint = []string{BinaryPath}
	cfg.Config.Cmd = Cmd
	cfg.Config.WorkingDir = StateDir
	cfg.Config.ExposedPorts = map[string]struct{}{fmt.Sprintf("%d/tcp", Port): {}}
	cfg.Config.Volumes = map[string]struct{}{StateDir: {}}
	cfg.Config.Labels = s.Labels()
	cfg.Config.StopSignal = "SIGTERM"
	cfg.RootFS.Type = "layers"
	cfg.RootFS.DiffIDs = []string{digestOf(layerTar)}
	cfg.History = []history{{Created: stamp, CreatedBy: "tools/image: vigia " + s.Version}}
	cfgJSON, err := json.Marshal(cfg)
	if err != nil {
		return "", err
	}

	man := manifest{
		SchemaVersion: 2,
		MediaType:     mediaManifest,
		Config:        descriptor{MediaType: mediaConfig, Digest: digestOf(cfgJSON), Size: int64(len(cfgJSON))},
		Layers:        []descriptor{{MediaType: mediaLayer, Digest: digestOf(layer), Size: int64(len(layer))}},
		Annotations:   map[string]string{"org.opencontainers.image.created": stamp},
	}
	manJSON, err := json.Marshal(man)
	if err != nil {
		return "", err
	}
	manDigest := digestOf(manJSON)
	idx := index{
		SchemaVersion: 2,
		MediaType:     mediaIndex,
		Manifests: []descriptor{{
			MediaType: mediaManifest,
			Digest:    manDigest,
			Size:      int64(len(manJSON)),
			Platform:  &platform{Architecture: s.Binary.Arch, OS: s.Binary.OS, Variant: s.Binary.Variant},
			// podman load names the image from this annotation.
			Annotations: map[string]string{"org.opencontainers.image.ref.name": s.Name + ":" + s.Version},
		}},
	}
	idxJSON, err := json.Marshal(idx)
	if err != nil {
		return "", err
	}

	files := []entry{
		{name: "blobs/", mode: fs.ModeDir | 0o755},
		{name: "blobs/sha256/", mode: fs.ModeDir | 0o755},
		{name: "index.json", mode: 0o644, data: idxJSON},
		{name: "oci-layout", mode: 0o644, data: []byte(`{"imageLayoutVersion":"1.0.0"}`)},
	}
	for _, b := range [][]byte{layer, cfgJSON, manJSON} {
		files = append(files, entry{name: "blobs/sha256/" + digestOf(b)[len("sha256:"):], mode: 0o644, data: b})
	}
	sort.Slice(files, func(i, j int) bool { return files[i].name < files[j].name })
	out, err := writeTar(files, created)
	if err != nil {
		return "", err
	}
	if _, err := w.Write(out); err != nil {
		return "", err
	}
	return manDigest, nil
}
