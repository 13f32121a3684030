// Command image builds vigia's container image as an OCI image layout in one
// tar file, with no base image and no container daemon: a single layer holds
// the static vigia binary, the CA bundle, passwd and group files and the state
// directory. Two builds from the same binary, CA bundle and commit give the
// same bytes, so the same digest: every time stamp is the commit's, entries are
// written in a fixed order with fixed owners, and gzip has no name or time.
//
// Usage:
//
//	go -C tools/image run . -binary /abs/vigia -out /abs/vigia.oci.tar \
//	    -version 0.1.0 -revision $(git rev-parse HEAD) -created $(git log -1 --format=%cI)
//
// scripts/image.sh fills in the version and commit from git.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "image:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("image", flag.ContinueOnError)
	fs.SetOutput(stderr)
	binary := fs.String("binary", "", "static linux vigia `binary` to put in /usr/bin/vigia (required)")
	out := fs.String("out", "", "`file` to write the OCI image layout tar to (required)")
	caBundle := fs.String("ca-bundle", DefaultCABundle, "CA certificates `file` to put in the image")
	version := fs.String("version", "", "image `version` label and tag (default: the binary's module version)")
	revision := fs.String("revision", "", "VCS `commit` label (default: the binary's vcs.revision)")
	created := fs.String("created", "", "creation `time`, RFC 3339, the commit's time for reproducibility (default: the binary's vcs.time)")
	source := fs.String("source", DefaultSource, "source repository `URL` label")
	name := fs.String("name", "vigia", "image `name` for the tag annotation")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *binary == "" || *out == "" || fs.NArg() != 0 {
		fs.Usage()
		return errors.New("-binary and -out are required, and nothing else")
	}
	bin, err := inspectBinary(*binary)
	if err != nil {
		return err
	}
	ca, err := os.ReadFile(*caBundle)
	if err != nil {
		return fmt.Errorf("ca bundle: %w", err)
	}
	spec := Spec{
		Name:     *name,
		Version:  first(*version, bin.Version),
		Revision: first(*revision, bin.Revision),
		Source:   *source,
		Binary:   bin,
		CA:       ca,
	}
	c := first(*created, bin.Time)
	if c == "" {
		return errors.New("no -created time and the binary records no vcs.time: pass the commit's time")
	}
	if spec.Created, err = time.Parse(time.RFC3339, c); err != nil {
		return fmt.Errorf("-created: %w", err)
	}
	if spec.Version == "" || spec.Revision == "" {
		return errors.New("no -version or -revision and the binary records none: pass them")
	}
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	digest, err := Write(f, spec)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(*out)
		return err
	}
	fmt.Fprintf(stdout, "%s %s:%s %s/%s\n", digest, spec.Name, spec.Version, bin.OS, bin.Arch)
	return nil
}

func first(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
