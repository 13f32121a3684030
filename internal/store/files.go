package store

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
)

// realPath resolves the symbolic links of path, or of its directory when
// the file does not exist yet, so that every name of one database leads
// to one lock and one set of -wal and -shm files.
func realPath(path string) (string, error) {
	p, err := filepath.EvalSymlinks(path)
	if err == nil {
		return p, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	if _, lerr := os.Lstat(path); lerr == nil {
		// A link to nothing: the driver would create its target, which
		// another name may lead to as well.
		return "", fmt.Errorf("%s is a symbolic link to a file that does not exist", path)
	}
	dir, err := filepath.EvalSymlinks(filepath.Dir(path))
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, filepath.Base(path)), nil
}

// privateFiles makes the database, and its -wal and -shm where they exist,
// readable by their owner only: they hold every command line of every
// process. A new database is created 0600 before the driver opens it, and
// SQLite gives the -wal and -shm it creates the mode of the database. An
// older database that others could read is fixed, and the log says so;
// one that cannot be fixed (another user's) is used as it is, with a
// warning.
func privateFiles(path string, log *slog.Logger) error {
	f, err := os.OpenFile(path, os.O_RDONLY|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	f.Close()
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		if mode := fi.Mode().Perm(); mode&0o077 != 0 {
			// Another user's file cannot be changed; it stays as its owner
			// made it, and the log says so once.
			if err := os.Chmod(p, mode&0o700); err != nil {
				log.Warn("history file is readable by others and cannot be made private", "file", p, "mode", mode.String(), "error", err)
				continue
			}
			log.Warn("history file was readable by others: made it private", "file", p, "was", mode.String(), "now", (mode & 0o700).String())
		}
	}
	return nil
}
