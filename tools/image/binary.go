package main

import (
	"bytes"
	"debug/buildinfo"
	"debug/elf"
	"fmt"
	"os"
	"strings"
)

// Binary is the program the image runs, with what its build recorded.
type Binary struct {
	Data []byte
	// OS, Arch and Variant are the OCI platform: linux, amd64|arm64|arm|riscv64, v7 for arm.
	OS, Arch, Variant string
	// Version, Revision and Time come from the Go build info; empty when the
	// build did not record them (-buildvcs=false, or a build outside git).
	Version, Revision, Time string
}

// elfMachine is the ELF machine each GOARCH the image supports builds for; a
// binary whose header says otherwise was mislabelled or is not Go's.
var elfMachine = map[string]elf.Machine{
	"amd64":   elf.EM_X86_64,
	"arm64":   elf.EM_AARCH64,
	"arm":     elf.EM_ARM,
	"riscv64": elf.EM_RISCV,
}

// inspectBinary reads the binary at path and refuses one an image with no
// base cannot run: not a Go linux binary, built with cgo, or linked against
// a dynamic loader or shared libraries (there are none in the image).
func inspectBinary(path string) (Binary, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Binary{}, fmt.Errorf("binary: %w", err)
	}
	bi, err := buildinfo.Read(bytes.NewReader(data))
	if err != nil {
		return Binary{}, fmt.Errorf("binary %s: not a Go program: %w", path, err)
	}
	set := map[string]string{}
	for _, s := range bi.Settings {
		set[s.Key] = s.Value
	}
	b := Binary{Data: data, OS: set["GOOS"], Arch: set["GOARCH"], Revision: set["vcs.revision"], Time: set["vcs.time"]}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		b.Version = strings.TrimPrefix(v, "v")
	}
	if b.OS != "linux" {
		return Binary{}, fmt.Errorf("binary %s is built for %s, want linux", path, b.OS)
	}
	machine, ok := elfMachine[b.Arch]
	if !ok {
		return Binary{}, fmt.Errorf("binary %s is built for %s, want one of amd64, arm64, arm, riscv64", path, b.Arch)
	}
	if b.Arch == "arm" {
		b.Variant = "v" + set["GOARM"]
		if set["GOARM"] == "" {
			b.Variant = "v7"
		}
		b.Variant = strings.SplitN(b.Variant, ",", 2)[0] // GOARM=7,softfloat
	}
	if set["CGO_ENABLED"] != "0" {
		return Binary{}, fmt.Errorf("binary %s was built with cgo: build it with CGO_ENABLED=0", path)
	}
	if set["-trimpath"] != "true" {
		return Binary{}, fmt.Errorf("binary %s was built without -trimpath: it would carry the build machine's paths", path)
	}
	f, err := elf.NewFile(bytes.NewReader(data))
	if err != nil {
		return Binary{}, fmt.Errorf("binary %s: %w", path, err)
	}
	defer f.Close()
	if f.Machine != machine {
		return Binary{}, fmt.Errorf("binary %s says GOARCH=%s but is an ELF for %v", path, b.Arch, f.Machine)
	}
	if err := static(f); err != nil {
		return Binary{}, fmt.Errorf("binary %s: %w", path, err)
	}
	return b, nil
}

// static reports an error when f needs a dynamic loader or a shared library.
func static(f *elf.File) error {
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return fmt.Errorf("dynamically linked (has an ELF interpreter), want a static binary")
		}
	}
	libs, err := f.ImportedLibraries()
	if err != nil {
		return err
	}
	if len(libs) > 0 {
		return fmt.Errorf("needs shared libraries %v, want a static binary", libs)
	}
	return nil
}
