//! The state file `OUT/.nianbao/state.sqlite`: what has been converted, by content hash and
//! pipeline version, so that a second run over an archive converts nothing.
//!
//! SQLite through rusqlite's `bundled` feature: one file inside the output folder, no server,
//! no system library to install, crash-safe (WAL) and queryable by hand for monitoring
//! (`sqlite3 OUT/.nianbao/state.sqlite 'select status, count(*) from results group by 1'`).
//!
//! The state is an index, not the truth: each result lives in its own JSON file
//! (`OUT/.nianbao/results/<sha256>.json`, written atomically) and a result is reused only when
//! its file is there and says the current pipeline version.  A run killed between writing a
//! result file and recording it here loses nothing: the next run finds the file and records it.

use anyhow::{Context, Result};
use rusqlite::{Connection, OptionalExtension, params};
use std::path::Path;

pub struct State {
    conn: Connection,
}

/// What the state knows of one content hash.
#[derive(Debug, Clone)]
pub struct Known {
    pub pipeline_version: String,
    pub status: String,
}

impl State {
    pub fn open(path: &Path) -> Result<State> {
        let conn = Connection::open(path)
            .with_context(|| format!("cannot open the state file {}", path.display()))?;
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS hashes(
                 path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, sha256 TEXT NOT NULL);
             CREATE TABLE IF NOT EXISTS results(
                 sha256 TEXT PRIMARY KEY, pipeline_version TEXT NOT NULL, status TEXT NOT NULL,
                 error TEXT NOT NULL, source_file TEXT NOT NULL, seconds REAL NOT NULL, converted_at INTEGER NOT NULL);
             CREATE TABLE IF NOT EXISTS seen(path TEXT PRIMARY KEY, run INTEGER NOT NULL);
             CREATE TABLE IF NOT EXISTS runs(
                 id INTEGER PRIMARY KEY, started_at INTEGER NOT NULL, finished_at INTEGER,
                 pipeline_version TEXT NOT NULL, shard TEXT NOT NULL, files INTEGER, converted INTEGER,
                 reused INTEGER, duplicates INTEGER, failed INTEGER, exit_code INTEGER);",
        )
        .with_context(|| format!("the state file {} is not a nianbao state file (delete it to start over)", path.display()))?;
        Ok(State { conn })
    }

    /// The cached hash of `path` if its size and modification time are unchanged.
    pub fn cached_hash(&self, path: &str, size: u64, mtime_ns: i64) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT sha256 FROM hashes WHERE path=?1 AND size=?2 AND mtime_ns=?3",
                params![path, size as i64, mtime_ns],
                |r| r.get(0),
            )
            .optional()?)
    }

    pub fn record_hashes(&mut self, rows: &[(String, u64, i64, String)]) -> Result<()> {
        let tx = self.conn.transaction()?;
        {
            let mut st = tx.prepare(
                "INSERT OR REPLACE INTO hashes(path,size,mtime_ns,sha256) VALUES(?1,?2,?3,?4)",
            )?;
            for (p, s, m, h) in rows {
                st.execute(params![p, *s as i64, m, h])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// When each of `paths` was first seen: the run that first listed it, `run` for paths new
    /// to this folder, 0 for paths an older version hashed without recording it here (call
    /// before `record_hashes`).  Orders the primary among duplicates.
    pub fn first_seen(&mut self, paths: &[String], run: i64) -> Result<Vec<i64>> {
        let tx = self.conn.transaction()?;
        let mut out = Vec::with_capacity(paths.len());
        {
            let mut ins = tx.prepare(
                "INSERT OR IGNORE INTO seen(path, run) VALUES(?1, CASE WHEN EXISTS(SELECT 1 FROM hashes WHERE path=?1) THEN 0 ELSE ?2 END)",
            )?;
            let mut get = tx.prepare("SELECT run FROM seen WHERE path=?1")?;
            for p in paths {
                ins.execute(params![p, run])?;
                out.push(get.query_row(params![p], |r| r.get(0))?);
            }
        }
        tx.commit()?;
        Ok(out)
    }

    /// The (canonical) paths last seen with this content hash.
    pub fn paths_of(&self, sha: &str) -> Result<Vec<String>> {
        let mut st = self
            .conn
            .prepare("SELECT path FROM hashes WHERE sha256=?1 ORDER BY path")?;
        let rows = st.query_map(params![sha], |r| r.get(0))?;
        Ok(rows.collect::<Result<Vec<String>, _>>()?)
    }

    pub fn known(&self, sha: &str) -> Result<Option<Known>> {
        Ok(self
            .conn
            .query_row(
                "SELECT pipeline_version, status FROM results WHERE sha256=?1",
                params![sha],
                |r| {
                    Ok(Known {
                        pipeline_version: r.get(0)?,
                        status: r.get(1)?,
                    })
                },
            )
            .optional()?)
    }

    pub fn record_result(
        &self,
        sha: &str,
        version: &str,
        status: &str,
        error: &str,
        source: &str,
        seconds: f64,
    ) -> Result<()> {
        self.conn.execute(
            "INSERT OR REPLACE INTO results(sha256,pipeline_version,status,error,source_file,seconds,converted_at) VALUES(?1,?2,?3,?4,?5,?6,?7)",
            params![sha, version, status, error, source, seconds, now()],
        )?;
        Ok(())
    }

    pub fn begin_run(&self, version: &str, shard: &str) -> Result<i64> {
        self.conn.execute(
            "INSERT INTO runs(started_at,pipeline_version,shard) VALUES(?1,?2,?3)",
            params![now(), version, shard],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    #[allow(clippy::too_many_arguments)]
    pub fn finish_run(
        &self,
        id: i64,
        files: usize,
        converted: usize,
        reused: usize,
        duplicates: usize,
        failed: usize,
        exit_code: i32,
    ) -> Result<()> {
        self.conn.execute(
            "UPDATE runs SET finished_at=?2, files=?3, converted=?4, reused=?5, duplicates=?6, failed=?7, exit_code=?8 WHERE id=?1",
            params![id, now(), files as i64, converted as i64, reused as i64, duplicates as i64, failed as i64, exit_code],
        )?;
        Ok(())
    }
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
