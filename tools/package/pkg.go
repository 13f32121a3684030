package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/goreleaser/nfpm/v2"
	_ "github.com/goreleaser/nfpm/v2/deb" // registers the deb packager
	"github.com/goreleaser/nfpm/v2/files"
	_ "github.com/goreleaser/nfpm/v2/rpm" // registers the rpm packager
)

const maintainer = "vigia developers <vigia-dev@users.noreply.github.com>"

// layout is where a package's files come from.
type layout struct {
	binary string
	// root is vigia's source tree: deploy/ and examples/.
	root string
	// share holds what the binary generated about itself, each file
	// optional: man/vigia.1, completions/vigia.bash, _vigia, vigia.fish.
	share string
}

// writePackage writes format's package of b into dir and returns its path.
func writePackage(format string, b build, l layout, release, dir string) (string, error) {
	if b.goos != "linux" {
		return "", fmt.Errorf("%s is built for %s: packages are for linux", l.binary, b.goos)
	}
	tmp, err := os.MkdirTemp("", "vigia-package")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)

	deploy := func(p string) string { return filepath.Join(l.root, "deploy", p) }
	unitDir := "/usr/lib/systemd/system"
	if format == "deb" {
		// Debian 12 and Ubuntu 22.04 still look for units here first, and
		// lintian flags /usr/lib for them.
		unitDir = "/lib/systemd/system"
	}
	var contents files.Contents
	add := func(src, dst string, mode fs.FileMode, typ string) {
		contents = append(contents, &files.Content{Source: src, Destination: dst, Type: typ,
			FileInfo: &files.ContentFileInfo{Owner: "root", Group: "root", Mode: mode, MTime: b.time}})
	}
	add(l.binary, "/usr/bin/vigia", 0o755, "")
	add(deploy("systemd/vigia.service"), unitDir+"/vigia.service", 0o644, "")
	add(deploy("package/vigia.yaml"), "/etc/vigia/vigia.yaml", 0o644, files.TypeConfigNoReplace)
	add(deploy("package/copyright"), "/usr/share/doc/vigia/copyright", 0o644, "")
	add(filepath.Join(l.root, "examples/vigia.yaml"), "/usr/share/doc/vigia/examples/vigia.yaml", 0o644, "")
	if format == "deb" {
		add(deploy("package/lintian-overrides"), "/usr/share/lintian/overrides/vigia", 0o644, "")
	}

	info := &nfpm.Info{
		Name: "vigia", Arch: b.arch, Platform: "linux",
		Version: b.version, Release: release, VersionSchema: "semver",
		Section: "admin", Priority: "optional", Maintainer: maintainer, Vendor: "vigia",
		Homepage: "https://github.com/vigia-dev/vigia", License: "none-declared",
		Description: "light system monitor and task manager\n" +
			"vigia samples /proc and /sys, analyses every reading against rules, and\n" +
			"shows it as a line stream, a full-screen task manager, a web dashboard\n" +
			"and Prometheus metrics, keeps a history, and sends alerts. The vigia\n" +
			"service runs its agent on 127.0.0.1:8519.",
		MTime: b.time,
	}
	info.Overridables = nfpm.Overridables{Umask: 0o022}
	switch format {
	case "deb":
		info.Depends = []string{"adduser"}
		info.Scripts = nfpm.Scripts{PostInstall: deploy("package/deb/postinst"), PreRemove: deploy("package/deb/prerm"), PostRemove: deploy("package/deb/postrm")}
		// Written out with the version nfpm gives the package, after
		// WithDefaults has split it.
	case "rpm":
		info.Scripts = nfpm.Scripts{PostInstall: deploy("package/rpm/postinstall"), PreRemove: deploy("package/rpm/preremove"), PostRemove: deploy("package/rpm/postremove")}
	}
	info = nfpm.WithDefaults(info)

	gz := func(src, dst string) error {
		body, err := os.ReadFile(src)
		if err != nil {
			return err
		}
		name := filepath.Join(tmp, filepath.Base(dst))
		if err := os.WriteFile(name, gzipped(body), 0o644); err != nil {
			return err
		}
		add(name, dst, 0o644, "")
		return nil
	}
	if format == "deb" {
		cl := filepath.Join(tmp, "changelog.Debian")
		if err := os.WriteFile(cl, []byte(debianChangelog(info, b)), 0o644); err != nil {
			return "", err
		}
		if err := gz(cl, "/usr/share/doc/vigia/changelog.Debian.gz"); err != nil {
			return "", err
		}
	}
	if l.share != "" {
		zshDir := "/usr/share/zsh/site-functions"
		if format == "deb" {
			zshDir = "/usr/share/zsh/vendor-completions"
		}
		for _, f := range []struct{ src, dst string }{
			{"completions/vigia.bash", "/usr/share/bash-completion/completions/vigia"},
			{"completions/_vigia", zshDir + "/_vigia"},
			{"completions/vigia.fish", "/usr/share/fish/vendor_completions.d/vigia.fish"},
		} {
			if src := filepath.Join(l.share, f.src); exists(src) {
				add(src, f.dst, 0o644, "")
			}
		}
		if man := filepath.Join(l.share, "man/vigia.1"); exists(man) {
			if err := gz(man, "/usr/share/man/man1/vigia.1.gz"); err != nil {
				return "", err
			}
		}
	}
	info.Contents = contents

	pkg, err := nfpm.Get(format)
	if err != nil {
		return "", err
	}
	if err := nfpm.PrepareForPackager(info, format); err != nil {
		return "", fmt.Errorf("%s: %w", format, err)
	}
	path := filepath.Join(dir, pkg.ConventionalFileName(info))
	var buf bytes.Buffer
	if err := pkg.Package(info, &buf); err != nil {
		return "", fmt.Errorf("%s: %w", format, err)
	}
	return path, os.WriteFile(path, buf.Bytes(), 0o644)
}

// debianChangelog is the one entry Debian wants in changelog.Debian.gz,
// for the version the package carries, dated at the commit.
func debianChangelog(info *nfpm.Info, b build) string {
	v := info.Version
	if info.Prerelease != "" {
		v += "~" + info.Prerelease
	}
	if info.VersionMetadata != "" {
		v += "+" + info.VersionMetadata
	}
	v += "-" + info.Release
	return fmt.Sprintf("vigia (%s) unstable; urgency=medium\n\n  * vigia %s, commit %.12s.\n\n -- %s  %s\n",
		v, b.version, b.commit, maintainer, b.time.UTC().Format(time.RFC1123Z))
}

// gzipped compresses as Debian asks (best compression) with no name or
// time in the header, so the bytes depend only on the input.
func gzipped(body []byte) []byte {
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	w.Write(body)
	w.Close()
	return buf.Bytes()
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
