// Command package builds vigia's .deb and .rpm with nfpm, and writes a
// binary's SBOM. It is its own module so that nfpm and what it imports stay
// out of vigia's go.mod. scripts/release.sh runs it:
//
//	package deb  -binary dist/vigia-linux-amd64 -o dist [-share DIR] [-release N]
//	package rpm  -binary dist/vigia-linux-amd64 -o dist [-share DIR] [-release N]
//	package sbom -binary dist/vigia-linux-amd64 > vigia.cdx.json
//
// The version, architecture and commit time all come from the build
// information the Go toolchain recorded in the binary, so a package says
// exactly what its binary is, and two runs over one binary give the same
// bytes (every time inside is the commit's).
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "package:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("usage: package deb|rpm|sbom -binary FILE [flags]")
	}
	format := args[0]
	fs := flag.NewFlagSet(format, flag.ContinueOnError)
	binary := fs.String("binary", "", "the vigia `binary` to package")
	out := fs.String("o", ".", "`directory` the package is written to")
	root := fs.String("root", ".", "vigia's source `tree`, for deploy/ and examples/")
	share := fs.String("share", "", "`directory` with man/vigia.1 and completions/ generated from the binary (optional)")
	release := fs.String("release", "1", "the package's own `revision`: raise it to re-package one version")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *binary == "" {
		return fmt.Errorf("%s: -binary is required", format)
	}
	b, err := readBuild(*binary)
	if err != nil {
		return err
	}
	switch format {
	case "sbom":
		return writeSBOM(os.Stdout, b)
	case "deb", "rpm":
		path, err := writePackage(format, b, layout{binary: *binary, root: *root, share: *share}, *release, *out)
		if err != nil {
			return err
		}
		fmt.Println(path)
		return nil
	}
	return fmt.Errorf("unknown format %q: want deb, rpm or sbom", format)
}
