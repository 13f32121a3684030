-- The history schema as vigia wrote it at version 1 (before the sensors
-- table and procs.user), kept to test migration in place.
CREATE TABLE series (
	id INTEGER PRIMARY KEY,
	sensor TEXT NOT NULL,
	metric TEXT NOT NULL,
	labels TEXT NOT NULL,
	unit TEXT NOT NULL,
	kind INTEGER NOT NULL,
	UNIQUE (sensor, metric, labels));
CREATE TABLE journal (ts INTEGER NOT NULL, sensor TEXT NOT NULL, data BLOB NOT NULL);
CREATE INDEX journal_sensor_ts ON journal (sensor, ts);
CREATE INDEX journal_ts ON journal (ts);
CREATE TABLE chunks (series INTEGER NOT NULL, start INTEGER NOT NULL, data BLOB NOT NULL);
CREATE UNIQUE INDEX chunks_series_start ON chunks (series, start);
CREATE INDEX chunks_start ON chunks (start);
CREATE TABLE aggs (series INTEGER NOT NULL, start INTEGER NOT NULL, data BLOB NOT NULL);
CREATE UNIQUE INDEX aggs_series_start ON aggs (series, start);
CREATE INDEX aggs_start ON aggs (start);
CREATE TABLE tops (start INTEGER PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE procs (
	id INTEGER PRIMARY KEY,
	pid INTEGER NOT NULL,
	started INTEGER NOT NULL,
	comm TEXT NOT NULL,
	cmdline TEXT NOT NULL,
	first_seen INTEGER NOT NULL,
	last_seen INTEGER NOT NULL,
	exited INTEGER NOT NULL,
	peak_rss INTEGER NOT NULL,
	cpu_time REAL NOT NULL);
CREATE INDEX procs_last_seen ON procs (last_seen);
CREATE INDEX procs_started ON procs (started);
CREATE TABLE transitions (
	ts INTEGER NOT NULL, rule TEXT NOT NULL, sensor TEXT NOT NULL, metric TEXT NOT NULL,
	labels TEXT NOT NULL, from_status INTEGER NOT NULL, to_status INTEGER NOT NULL,
	value REAL NOT NULL, threshold REAL NOT NULL, since INTEGER NOT NULL, message TEXT NOT NULL);
CREATE INDEX transitions_ts ON transitions (ts);
CREATE TABLE notes (ts INTEGER NOT NULL, sensor TEXT NOT NULL, err TEXT NOT NULL, note TEXT NOT NULL);
CREATE INDEX notes_ts ON notes (ts);
-- One cpu reading at 2026-11-27T10:00:00Z: status normal, cpu.usage 42.5.
INSERT INTO series VALUES (1, 'cpu', '', '', '', 0), (2, 'cpu', 'cpu.usage', '', '%', 0);
INSERT INTO journal VALUES (1795773600000, 'cpu', X'0201000000000000F03F02000000000040454000');
INSERT INTO procs VALUES (1, 4242, 1795770000000, 'sshd', '/usr/sbin/sshd -D', 1795773600000, 1795773600000, 0, 4096, 1.5);
PRAGMA application_id = 1986488673;
PRAGMA user_version = 1;
