package store

import "database/sql"

// writeStmts are the recorder's statements, prepared once on the store's
// one connection (before a transaction takes it: the store has only the
// one) and bound to each write transaction with Tx.Stmt, which reuses a
// statement prepared on the transaction's connection. Preparing
// them in every transaction (SQLite parses and plans each) was a tenth of
// the store's CPU in `vigia serve` (`perf`, 1,000 processes), and the
// statements' closing at each commit more. Owned by the writer goroutine.
type writeStmts struct {
	ops             [opExit + 1]*sql.Stmt
	cmdIns, cmdSame *sql.Stmt
}

// prepare prepares, outside any transaction, the statements batch needs
// that are not prepared yet.
func (w *writeStmts) prepare(db *sql.DB, batch []op) error {
	need := func(st **sql.Stmt, query string) error {
		if *st != nil {
			return nil
		}
		var err error
		*st, err = db.Prepare(query)
		return err
	}
	for i := range batch {
		k := batch[i].kind
		if err := need(&w.ops[k], opSQL(k)); err != nil {
			return err
		}
		if k.namesCmdline() {
			if err := need(&w.cmdIns, cmdlineInsert); err != nil {
				return err
			}
			if err := need(&w.cmdSame, cmdlineSame); err != nil {
				return err
			}
		}
	}
	return nil
}

// cmdlines returns the cmdlines statements bound to tx; prepare has
// prepared them.
func (w *writeStmts) cmdlines(tx *sql.Tx) *cmdlineStmts {
	return &cmdlineStmts{tx.Stmt(w.cmdIns), tx.Stmt(w.cmdSame)}
}

func (w *writeStmts) close() {
	for _, st := range append(w.ops[:], w.cmdIns, w.cmdSame) {
		if st != nil {
			st.Close()
		}
	}
}
