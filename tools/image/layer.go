package main

import (
	"archive/tar"
	"bytes"
	"io/fs"
	"time"
)

// The image's users. vigia runs as UID, an unprivileged user of its own, so
// a compromise of the agent is not root in the container; nobody is there
// for tools that expect it, root so a variant run as uid 0 names its owner.
const (
	UID      = 65532
	UserName = "vigia"
	// StateDir holds the history database; the only place vigia writes.
	StateDir = "/var/lib/vigia"
	// BinaryPath is where the binary goes, the image's entrypoint.
	BinaryPath = "/usr/bin/vigia"
	// DefaultCABundle is Debian's ca-certificates bundle, the one Go's
	// crypto/x509 looks for first on Linux.
	DefaultCABundle = "/etc/ssl/certs/ca-certificates.crt"
)

const passwd = `root:x:0:0:root:/root:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
vigia:x:65532:65532:vigia:/var/lib/vigia:/sbin/nologin
`

const group = `root:x:0:
nobody:x:65534:
vigia:x:65532:
`

// entry is one file or directory of the layer. Names have no leading slash;
// directories end in one.
type entry struct {
	name     string
	mode     fs.FileMode // permission bits with fs.ModeDir, fs.ModeSticky
	uid, gid int
	data     []byte
}

// layerEntries lists the layer in the order it is written: sorted by name,
// so a directory comes before what it holds.
func layerEntries(bin, ca []byte) []entry {
	dir := func(name string, perm fs.FileMode) entry { return entry{name: name, mode: fs.ModeDir | perm} }
	file := func(name string, perm fs.FileMode, data []byte) entry {
		return entry{name: name, mode: perm, data: data}
	}
	state := dir("var/lib/vigia/", 0o700)
	state.uid, state.gid = UID, UID
	return []entry{
		dir("etc/", 0o755),
		file("etc/group", 0o644, []byte(group)),
		file("etc/passwd", 0o644, []byte(passwd)),
		dir("etc/ssl/", 0o755),
		dir("etc/ssl/certs/", 0o755),
		file("etc/ssl/certs/ca-certificates.crt", 0o644, ca),
		// A writable /tmp for when the root file system is not mounted
		// read-only; with it read-only, mount a tmpfs here if a notifier's
		// exec command needs one.
		dir("tmp/", fs.ModeSticky|0o777),
		dir("usr/", 0o755),
		dir("usr/bin/", 0o755),
		file("usr/bin/vigia", 0o755, bin),
		dir("var/", 0o755),
		dir("var/lib/", 0o755),
		state,
	}
}

// writeTar writes entries as an uncompressed tar with every time set to t
// and no user or group names, so the bytes depend only on the entries.
func writeTar(entries []entry, t time.Time) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		h := &tar.Header{
			Name:    e.name,
			Mode:    int64(e.mode.Perm()),
			Uid:     e.uid,
			Gid:     e.gid,
			ModTime: t,
			Format:  tar.FormatUSTAR,
		}
		if e.mode&fs.ModeSticky != 0 {
			h.Mode |= 0o1000
		}
		if e.mode.IsDir() {
			h.Typeflag = tar.TypeDir
		} else {
			h.Typeflag = tar.TypeReg
			h.Size = int64(len(e.data))
		}
		if err := tw.WriteHeader(h); err != nil {
			return nil, err
		}
		if _, err := tw.Write(e.data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
