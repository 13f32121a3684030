package store

import (
	"database/sql"
	"hash/fnv"
)

// A process's comm, command line and user are stored once per distinct
// triple in cmdlines, and its procs row refers to them by cmd: a server
// starts the same few commands over and over, and the text was half of
// each row. The id is a 31-bit hash of the text, so the recorder needs no
// map of what is stored and the reference takes 4 bytes; a collision
// probes the next id (lookups never go by text, so a probe chain broken by
// retention costs at most a duplicate row). A row written before schema 5
// had its text in procs' own columns; schema 6 moved it here under the
// row's id negated.
const (
	cmdlinesTable = `CREATE TABLE IF NOT EXISTS cmdlines (
		id INTEGER PRIMARY KEY,
		comm TEXT NOT NULL,
		cmdline TEXT NOT NULL,
		user TEXT NOT NULL)`

	// procsJoined and procNames read a process's text; a row without
	// text (none is written so) reads as empty.
	procsJoined = "procs p LEFT JOIN cmdlines c ON c.id = p.cmd"
	procName    = "coalesce(c.comm, '')"
	procNames   = procName + ", coalesce(c.cmdline, ''), coalesce(c.user, '')"

	// dropUnusedCmdlines deletes the text no process (alive or exited)
	// refers to any more.
	dropUnusedCmdlines = "DELETE FROM cmdlines WHERE id NOT IN (SELECT cmd FROM procs) AND id NOT IN (SELECT cmd FROM exits)"
)

const cmdMask = 1<<31 - 1

func cmdHash(comm, cmdline, user string) int64 {
	h := fnv.New32a()
	h.Write([]byte(comm))
	h.Write([]byte{0})
	h.Write([]byte(cmdline))
	h.Write([]byte{0})
	h.Write([]byte(user))
	return nextCmd(int64(h.Sum32()) - 1)
}

// nextCmd returns the id after id, wrapping within 1..cmdMask (0 is taken
// by rows without a reference).
func nextCmd(id int64) int64 { return id&cmdMask%cmdMask + 1 }

// cmdlineStmts are a write transaction's statements for cmdlines.
type cmdlineStmts struct {
	insert, same *sql.Stmt
}

// The cmdlines statements: store a text under an id unless the id is
// taken, and ask whether the id's text is this one.
const (
	cmdlineInsert = "INSERT OR IGNORE INTO cmdlines (id, comm, cmdline, user) VALUES (?, ?, ?, ?)"
	cmdlineSame   = "SELECT comm = ? AND cmdline = ? AND user = ? FROM cmdlines WHERE id = ?"
)

func (c *cmdlineStmts) Close() {
	c.insert.Close()
	c.same.Close()
}

// id returns the id of the text, storing it when new.
func (c *cmdlineStmts) id(comm, cmdline, user string) (int64, error) {
	id := cmdHash(comm, cmdline, user)
	for {
		res, err := c.insert.Exec(id, comm, cmdline, user)
		if err != nil {
			return 0, err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return id, nil
		}
		var same bool
		if err := c.same.QueryRow(comm, cmdline, user, id).Scan(&same); err != nil {
			return 0, err
		}
		if same {
			return id, nil
		}
		id = nextCmd(id)
	}
}
