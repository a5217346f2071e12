//! Runs over archives: incremental, crash-safe, isolated, shardable.
//!
//! Layout of an output folder:
//!
//! ```text
//! OUT/reports.csv cells.csv checks.csv repairs.csv   rebuilt at the end of every run
//! OUT/tables/<report_id>-<n>.csv  OUT/text/<report_id>.txt
//! OUT/.nianbao/state.sqlite        index: content hashes, results, runs (see `state`)
//! OUT/.nianbao/results/<sha256>.json   one result per distinct content, written atomically
//! OUT/.nianbao/manifest.json       the inputs of the last finished run (read by `merge`)
//! OUT/.nianbao/lock                flock held while a run writes (a second run into OUT exits with 2)
//! OUT/corrections.csv              a person's decisions (`corrections`, `nianbao review`): read, never written, by runs
//! ```
//!
//! A run: expand the inputs, hash them (a hash is reused while a file's size and mtime are
//! unchanged), keep this shard's share, sort by source path, mark content seen under an earlier
//! name as a duplicate, reuse every stored result of the current pipeline version, convert the
//! rest in supervised workers (each result committed atomically as it arrives), then rebuild the
//! top-level CSVs from the result files in source order.  Because the CSVs are a pure function of
//! (sorted inputs, result files), a run killed at any point and started again produces the same
//! bytes as one that was never interrupted; only `seconds` differs between two conversions of the
//! same file (a reused result keeps the seconds it was converted in).

use crate::output::{self, BOM, CELL_HEADER, CHECK_HEADER, REPAIR_HEADER, REPORT_HEADER};
use crate::pipeline::{self, Options, PIPELINE_VERSION, ReportResult, ReportRow};
use crate::settings::{Knob, Knobs, Settings, WorkerSetup};
use crate::state::State;
use crate::worker;
use anyhow::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Status of a row whose content was already converted under another name in the same run.
pub const DUPLICATE: &str = "duplicate";

/// Status of a report-like file of a kind not read yet (`inputs::NotReadYet`): listed with
/// what to do, never converted; does not make the exit status 1.
pub use crate::pipeline::SKIPPED;

/// Everything `nianbao convert` takes.
#[derive(Debug, Clone)]
pub struct ConvertArgs {
    pub inputs: Vec<PathBuf>,
    pub out: PathBuf,
    pub jobs: usize,
    pub excel: bool,
    /// Write OUT/nianbao.xlsx (on unless `--no-xlsx`).
    pub xlsx: bool,
    pub quiet: bool,
    pub force: bool,
    pub retry_failed: bool,
    pub shard: Option<(u64, u64)>,
    pub in_process: bool,
    pub summary_json: Option<PathBuf>,
    /// What changes results (keys the stored results).
    pub settings: Settings,
    /// Run-only resource knobs (timeout, memory and input caps).
    pub knobs: Knobs,
}

/// A stored result: the pipeline version that made it and the result itself.
#[derive(Debug, Serialize, Deserialize)]
pub struct Stored {
    pub pipeline_version: String,
    pub sha256: String,
    pub result: ReportResult,
    /// The resource knobs a failed conversion ran under: it is retried when the knob its error
    /// blames has been raised since (absent on results that did not fail).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub knobs: Option<Knobs>,
}

/// One input of a run, as recorded in the manifest.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    pub source_file: String,
    /// Empty when the file could not be read.
    pub sha256: String,
    /// File name (without .json) of the result under `.nianbao/results/`.
    pub key: String,
    /// Set when the same content appears under another source_file of this run that was seen
    /// first (see `mark_duplicates`).
    pub duplicate_of: Option<String>,
    /// When the output folder first saw this path: the id of that run in the state (0 for paths
    /// seen before the state kept it).  Orders the primary of duplicates.
    #[serde(default)]
    pub first_seen: i64,
}

impl Entry {
    /// True when the entry's result is a conversion of its content (not a skipped or unreadable
    /// file's row): only those take part in duplicates.
    fn converted(&self) -> bool {
        !self.sha256.is_empty() && self.key == self.sha256
    }
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    /// The settings version (pipeline version + result settings) of the run.
    pub pipeline_version: String,
    /// `K/N` of a `--shard` run.
    pub shard: Option<String>,
    pub excel: bool,
    /// The result settings of the run (absent in manifests of older versions).
    #[serde(default)]
    pub settings: Option<Settings>,
    /// False when the run was interrupted: `entries` then lists only the inputs that finished,
    /// and `merge` refuses the folder.
    #[serde(default = "yes")]
    pub complete: bool,
    pub entries: Vec<Entry>,
}

fn yes() -> bool {
    true
}

/// The machine-readable summary (`--summary-json`).
#[derive(Debug, Serialize, Default)]
pub struct Summary {
    pub command: String,
    pub pipeline_version: String,
    pub out: String,
    pub shard: Option<String>,
    pub files: usize,
    pub converted: usize,
    pub reused: usize,
    pub duplicates: usize,
    /// Report-like files of a kind not read yet (status `skipped`).
    pub skipped: usize,
    pub ok: usize,
    pub partial: usize,
    pub failed: usize,
    /// Failed in this run's conversions (the rest of `failed` are stored failures reused).
    pub failed_new: usize,
    /// Stored failures carried over from an earlier run (not retried: same settings and knobs).
    pub failed_reused: usize,
    pub pages: u64,
    pub cells: u64,
    pub checks_failed: u64,
    pub worker_restarts: u64,
    /// Decisions of OUT/corrections.csv applied, and not applied (their report changed).
    pub corrections_applied: usize,
    pub corrections_unapplied: usize,
    pub seconds: f64,
    /// True when SIGINT or SIGTERM stopped the run (the CSVs hold the files that finished).
    pub interrupted: bool,
    /// The signal that stopped the run (SIGINT, SIGTERM).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signal: Option<String>,
    /// The fatal error that ended the run (exit code 2).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub exit_code: i32,
    /// The failed files (at most 1000) with their reasons.
    pub failures: Vec<Failure>,
}

#[derive(Debug, Serialize)]
pub struct Failure {
    pub source_file: String,
    pub error: String,
    /// True when the file failed in this run, false for a stored failure carried over.
    pub new: bool,
}

fn state_dir(out: &Path) -> PathBuf {
    out.join(".nianbao")
}

fn results_dir(out: &Path) -> PathBuf {
    state_dir(out).join("results")
}

/// Parse `K/N` (0 <= K < N); K is 0-based like Kubernetes' JOB_COMPLETION_INDEX.
pub fn parse_shard(s: &str) -> Result<(u64, u64), String> {
    let (k, n) = s
        .split_once('/')
        .ok_or_else(|| format!("--shard wants K/N (e.g. 0/3), got {s:?}"))?;
    let k: u64 = k
        .trim()
        .parse()
        .map_err(|_| format!("--shard: {k:?} is not a number"))?;
    let n: u64 = n
        .trim()
        .parse()
        .map_err(|_| format!("--shard: {n:?} is not a number"))?;
    if n == 0 || k >= n {
        return Err(format!(
            "--shard K/N needs 0 <= K < N (K is 0-based), got {k}/{n}"
        ));
    }
    Ok((k, n))
}

/// The shard a content hash belongs to (its first 8 bytes, big-endian, modulo N).
pub fn shard_of(sha_hex: &str, n: u64) -> u64 {
    let v = u64::from_str_radix(&sha_hex[..16.min(sha_hex.len())], 16).unwrap_or(0);
    v % n
}

/// Exclusive lock on the output folder, released when dropped (or when the process dies).
pub struct Lock(#[allow(dead_code)] std::fs::File);

pub fn lock(out: &Path) -> Result<Lock> {
    use std::os::fd::AsRawFd;
    let p = state_dir(out).join("lock");
    let f = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&p)
        .with_context(|| format!("cannot open {}", p.display()))?;
    // SAFETY: flock on a valid fd we own.
    let r = unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    if r != 0 {
        bail!(
            "another nianbao run is writing to {} (its lock {} is held); wait for it to finish or use another --out",
            out.display(),
            p.display()
        );
    }
    Ok(Lock(f))
}

/// Remove temporary files a killed run left behind (`.name.tmp-*`).
fn clean_tmp(dirs: &[PathBuf]) {
    for d in dirs {
        let Ok(rd) = std::fs::read_dir(d) else {
            continue;
        };
        for e in rd.flatten() {
            let n = e.file_name();
            let n = n.to_string_lossy();
            if n.starts_with('.') && n.contains(".tmp-") {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
}

fn sha256_file(path: &Path) -> std::io::Result<String> {
    let mut f = std::fs::File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

struct Input {
    path: PathBuf,
    shown: String,
    sha: String,
    bytes: u64,
    read_error: Option<String>,
    /// Set for a report-like file of a kind not read yet: the row's error.
    skipped: Option<String>,
    first_seen: i64,
}

/// Hash the inputs, reusing cached hashes for unchanged files, and note when each path was
/// first seen (`run_id` for new paths).
fn hash_inputs(
    files: Vec<crate::inputs::Input>,
    state: &mut State,
    force: bool,
    jobs: usize,
    run_id: i64,
) -> Result<Vec<Input>> {
    use rayon::prelude::*;
    struct Pre {
        input: crate::inputs::Input,
        key: String,
        size: u64,
        mtime: i64,
        cached: Option<String>,
        meta_err: Option<String>,
    }
    let keys: Vec<String> = files
        .iter()
        .map(|i| {
            std::fs::canonicalize(&i.path)
                .unwrap_or_else(|_| i.path.clone())
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    // before record_hashes: a path hashed by an older run counts as seen before this one
    let first_seen = state.first_seen(&keys, run_id)?;
    let mut pre = Vec::with_capacity(files.len());
    for (input, key) in files.into_iter().zip(keys) {
        if let Some(crate::inputs::Verdict::Unreadable(why)) = &input.verdict {
            let why = why.clone();
            pre.push(Pre {
                input,
                key,
                size: 0,
                mtime: 0,
                cached: None,
                meta_err: Some(why),
            });
            continue;
        }
        match std::fs::metadata(&input.path) {
            Ok(m) => {
                let mtime = m
                    .modified()
                    .ok()
                    .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                    .map(|d| d.as_nanos() as i64)
                    .unwrap_or(0);
                let cached = if force {
                    None
                } else {
                    state.cached_hash(&key, m.len(), mtime)?
                };
                pre.push(Pre {
                    input,
                    key,
                    size: m.len(),
                    mtime,
                    cached,
                    meta_err: None,
                });
            }
            Err(e) => pre.push(Pre {
                input,
                key,
                size: 0,
                mtime: 0,
                cached: None,
                meta_err: Some(format!("cannot read the file: {e}")),
            }),
        }
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .context("cannot start hashing threads")?;
    let hashed: Vec<(Pre, Result<String, String>)> = pool.install(|| {
        pre.into_par_iter()
            .map(|p| {
                let r = if let Some(e) = &p.meta_err {
                    Err(e.clone())
                } else if let Some(h) = &p.cached {
                    Ok(h.clone())
                } else {
                    sha256_file(&p.input.path).map_err(|e| format!("cannot read the file: {e}"))
                };
                (p, r)
            })
            .collect()
    });
    let new: Vec<(String, u64, i64, String)> = hashed
        .iter()
        .filter(|(p, r)| p.cached.is_none() && r.is_ok())
        .map(|(p, r)| {
            (
                p.key.clone(),
                p.size,
                p.mtime,
                r.clone().unwrap_or_default(),
            )
        })
        .collect();
    state.record_hashes(&new)?;
    Ok(hashed
        .into_iter()
        .zip(first_seen)
        .map(|((p, r), first_seen)| {
            let skipped = match &p.input.verdict {
                Some(crate::inputs::Verdict::NotReadYet(f)) => Some(f.advice(&p.input.path)),
                _ => None,
            };
            match r {
                Ok(sha) => Input {
                    path: p.input.path,
                    shown: p.input.shown,
                    sha,
                    bytes: p.size,
                    read_error: None,
                    skipped,
                    first_seen,
                },
                Err(e) => Input {
                    path: p.input.path,
                    shown: p.input.shown,
                    sha: String::new(),
                    bytes: 0,
                    read_error: Some(e),
                    skipped: None,
                    first_seen,
                },
            }
        })
        .collect())
}

/// Key of the result file for an input: its content hash; for an unreadable file a hash of its
/// name; for a skipped file its content hash marked as such (the same bytes under a name that is
/// read are converted, not skipped).
fn result_key(i: &Input) -> String {
    if i.sha.is_empty() {
        format!("unread-{}", &pipeline::sha256_hex(i.shown.as_bytes())[..32])
    } else if i.skipped.is_some() {
        format!("skipped-{}", i.sha)
    } else {
        i.sha.clone()
    }
}

fn read_stored(path: &Path) -> Result<Stored> {
    let data = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    serde_json::from_slice(&data)
        .with_context(|| format!("{} is damaged (delete it to reconvert)", path.display()))
}

fn write_stored(out: &Path, key: &str, s: &Stored) -> Result<()> {
    let data = serde_json::to_vec(s)?;
    // The commit point of a conversion: durable, so a power cut cannot leave an empty result.
    output::write_durable(&results_dir(out).join(format!("{key}.json")), &data)
}

/// Assign duplicates among the converted entries: of each content, the path the output folder
/// saw first is the primary (earliest `first_seen`, then first by source path), every other one
/// its duplicate.  So adding a copy of an old file never makes the old one the duplicate,
/// whatever the copy is called: the path converted in earlier runs keeps its rows.
fn mark_duplicates(entries: &mut [Entry]) {
    // content -> index of its primary
    let mut first: HashMap<String, usize> = HashMap::new();
    for (i, e) in entries.iter().enumerate().filter(|(_, e)| e.converted()) {
        match first.get(&e.sha256) {
            Some(&f)
                if (entries[f].first_seen, &entries[f].source_file)
                    <= (e.first_seen, &e.source_file) => {}
            _ => {
                first.insert(e.sha256.clone(), i);
            }
        }
    }
    let primaries: HashMap<String, String> = first
        .into_iter()
        .map(|(sha, i)| (sha, entries[i].source_file.clone()))
        .collect();
    for e in entries.iter_mut() {
        e.duplicate_of = None;
        if let Some(p) = primaries.get(&e.sha256).filter(|_| e.converted())
            && *p != e.source_file
        {
            e.duplicate_of = Some(p.clone());
        }
    }
}

/// `nianbao convert`.  Every exit writes the summary (`--summary-json`) and logs "run finished":
/// a fatal error too (exit 2, `error` set), and SIGINT/SIGTERM (exit 130/143, `interrupted`).
pub fn convert(args: ConvertArgs) -> Result<i32> {
    let start = Instant::now();
    let summary_json = args.summary_json.clone();
    let out = args.out.clone();
    let shard = args.shard.map(|(k, n)| format!("{k}/{n}"));
    let r = convert_run(args, start);
    fatal_summary(r, "convert", &out, shard, start, summary_json.as_deref())
}

/// On a fatal error, still write the summary (exit_code 2, `error`) and the "run finished" log
/// line, so a scheduler never reads a stale summary; the error itself is printed by the caller.
fn fatal_summary(
    r: Result<i32>,
    command: &str,
    out: &Path,
    shard: Option<String>,
    start: Instant,
    summary_json: Option<&Path>,
) -> Result<i32> {
    let e = match r {
        Ok(code) => return Ok(code),
        Err(e) => e,
    };
    let sum = Summary {
        command: command.into(),
        pipeline_version: PIPELINE_VERSION.into(),
        out: out.display().to_string(),
        shard,
        seconds: (start.elapsed().as_secs_f64() * 1000.0).round() / 1000.0,
        error: Some(format!("{e:#}")),
        exit_code: 2,
        ..Default::default()
    };
    if let Err(w) = finish(&sum, out, true, summary_json) {
        tracing::warn!("{w:#}");
    }
    Err(e)
}

fn convert_run(args: ConvertArgs, start: Instant) -> Result<i32> {
    // From here on a signal stops the run in order (hashing the inputs still runs to its end).
    if let Err(e) = crate::signals::install() {
        tracing::warn!(
            "cannot catch SIGINT/SIGTERM ({e}); an interrupted run will write no summary"
        );
    }
    let version = args.settings.version();
    let version = version.as_str();
    crate::limits::set(args.knobs.limits());
    let found = crate::inputs::collect(&args.inputs)?;
    for w in &found.warnings {
        crate::logging::user_warning(w);
    }
    if found.files.is_empty() {
        bail!(
            "no convertible or report-like files (.pdf .png .jpg .jpeg .tif .tiff; .txt by name) under the given inputs"
        );
    }
    let out = &args.out;
    std::fs::create_dir_all(results_dir(out))
        .with_context(|| format!("cannot create the output folder {}", out.display()))?;
    let _lock = lock(out)?;
    clean_tmp(&[
        out.clone(),
        state_dir(out),
        results_dir(out),
        out.join("tables"),
        out.join("text"),
    ]);
    let mut state = State::open(&state_dir(out).join("state.sqlite"))?;
    let shard_s = args.shard.map(|(k, n)| format!("{k}/{n}"));
    let run_id = state.begin_run(version, shard_s.as_deref().unwrap_or(""))?;
    tracing::info!(files = found.files.len(), out = %out.display(), shard = shard_s.as_deref().unwrap_or(""), version = version, "run started");

    let mut inputs = hash_inputs(found.files, &mut state, args.force, args.jobs, run_id)?;
    if let Some((k, n)) = args.shard {
        inputs.retain(|i| shard_of(if i.sha.is_empty() { &i.shown } else { &i.sha }, n) == k);
    }
    inputs.sort_by(|a, b| a.shown.cmp(&b.shown));
    let mut entries: Vec<Entry> = inputs
        .iter()
        .map(|i| Entry {
            source_file: i.shown.clone(),
            sha256: i.sha.clone(),
            key: result_key(i),
            duplicate_of: None,
            first_seen: i.first_seen,
        })
        .collect();
    mark_duplicates(&mut entries);

    // Decide what to convert.  `done[i]`: entry i has a result file for this run.
    let mut tasks: Vec<usize> = Vec::new();
    let mut done = vec![false; entries.len()];
    let mut failed_new: HashSet<usize> = HashSet::new();
    let mut reused = 0usize;
    for (idx, (e, i)) in entries.iter().zip(&inputs).enumerate() {
        if e.duplicate_of.is_some() {
            continue;
        }
        if let Some(err) = &i.read_error {
            let r = pipeline::failed_result(&i.shown, "", 0, err.clone());
            tracing::warn!(file = %e.source_file, error = %r.report.error, "file failed");
            write_stored(
                out,
                &e.key,
                &Stored {
                    pipeline_version: version.into(),
                    sha256: String::new(),
                    result: r,
                    knobs: None,
                },
            )?;
            done[idx] = true;
            failed_new.insert(idx);
            continue;
        }
        if let Some(why) = &i.skipped {
            let r = pipeline::skipped_result(&i.shown, &i.sha, i.bytes, why.clone());
            write_stored(
                out,
                &e.key,
                &Stored {
                    pipeline_version: version.into(),
                    sha256: i.sha.clone(),
                    result: r,
                    knobs: None,
                },
            )?;
            done[idx] = true;
            continue;
        }
        if !args.force && reusable(&state, out, e, args.retry_failed, version, &args.knobs)? {
            reused += 1;
            done[idx] = true;
        } else {
            tasks.push(idx);
        }
    }

    // Convert.
    let pages_done = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let bar = progress_bar(tasks.len() as u64, args.quiet, pages_done.clone());
    // The file each job slot is converting (None: idle or done).
    let inflight: std::sync::Mutex<Vec<Option<usize>>> =
        std::sync::Mutex::new(vec![None; args.jobs.max(1)]);
    let show = |inflight: &[Option<usize>]| {
        bar.set_message(progress_message(
            reused,
            inflight
                .iter()
                .flatten()
                .map(|&i| entries[i].source_file.as_str()),
        ))
    };
    show(&[]);
    let exec = if args.in_process {
        Exec::InProcess(args.settings.clone())
    } else {
        let exe = std::env::current_exe()
            .context("cannot find the nianbao executable to start workers; use --in-process")?;
        Exec::Workers(Arc::new(worker::Config {
            exe,
            setup: WorkerSetup {
                settings: args.settings.clone(),
                knobs: args.knobs,
            },
        }))
    };
    let started = |slot: usize, idx: Option<usize>| {
        let mut v = inflight.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(x) = v.get_mut(slot) {
            *x = idx;
        }
        show(&v);
    };
    let (restarts, signal) = run_tasks(&tasks, &inputs, args.jobs, &exec, &started, |idx, r| {
        let e = &entries[idx];
        pages_done.fetch_add(r.report.pages as u64, Ordering::Relaxed);
        tracing::debug!(file = %e.source_file, status = %r.report.status, seconds = r.report.seconds, "converted");
        let failed = r.report.status == "failed";
        if failed {
            tracing::warn!(file = %e.source_file, error = %r.report.error, "file failed");
            failed_new.insert(idx);
        }
        let stored = Stored {
            pipeline_version: version.into(),
            sha256: e.sha256.clone(),
            result: r,
            knobs: failed.then_some(args.knobs),
        };
        write_stored(out, &e.key, &stored)?;
        let rep = &stored.result.report;
        state.record_result(
            &e.sha256,
            version,
            &rep.status,
            &rep.error,
            &e.source_file,
            rep.seconds,
        )?;
        done[idx] = true;
        bar.inc(1);
        Ok(())
    })?;
    bar.finish_and_clear();
    crate::logging::set_progress_bar(None);
    let converted = tasks.iter().filter(|&&i| done[i]).count();

    // An interrupted run lists only what finished (a duplicate goes with its first name).
    if signal.is_some() {
        let first: HashMap<&str, usize> = entries
            .iter()
            .enumerate()
            .filter(|(_, e)| e.duplicate_of.is_none())
            .map(|(i, e)| (e.source_file.as_str(), i))
            .collect();
        for i in 0..entries.len() {
            if let Some(f) = &entries[i].duplicate_of {
                done[i] = first.get(f.as_str()).map(|&j| done[j]).unwrap_or(false);
            }
        }
    }
    let new_failures: HashSet<String> = failed_new
        .iter()
        .map(|&i| entries[i].source_file.clone())
        .collect();
    let entries: Vec<Entry> = entries
        .into_iter()
        .zip(&done)
        .filter(|(_, d)| signal.is_none() || **d)
        .map(|(e, _)| e)
        .collect();

    // Rebuild the top-level outputs from the result files (tables/ and text/ again too when
    // --excel changed since the last run, so that every file has the same BOM setting).
    let rewrite = read_manifest(out)
        .map(|m| m.excel != args.excel)
        .unwrap_or(false);
    let mut summary = rebuild(out, &entries, args.excel, rewrite, args.xlsx)?;
    write_manifest(
        out,
        &Manifest {
            pipeline_version: version.into(),
            shard: shard_s.clone(),
            excel: args.excel,
            settings: Some(args.settings.clone()),
            complete: signal.is_none(),
            entries,
        },
    )?;
    summary.command = "convert".into();
    summary.pipeline_version = version.into();
    summary.shard = shard_s;
    summary.converted = converted;
    summary.reused = reused;
    summary.worker_restarts = restarts;
    summary.failed_new = new_failures.len();
    summary.failed_reused = summary.failed.saturating_sub(summary.failed_new);
    for f in &mut summary.failures {
        f.new = new_failures.contains(&f.source_file);
    }
    summary.seconds = (start.elapsed().as_secs_f64() * 1000.0).round() / 1000.0;
    summary.exit_code = if summary.failed > 0 { 1 } else { 0 };
    if let Some(sig) = signal {
        summary.interrupted = true;
        summary.signal = Some(crate::signals::name(sig).into());
        summary.exit_code = crate::signals::exit_code(sig);
        crate::logging::user_warning(&format!(
            "interrupted by {}: {} of {} files to convert finished; the CSVs list the files that finished, run again to convert the rest",
            crate::signals::name(sig),
            converted,
            tasks.len()
        ));
    }
    state.finish_run(
        run_id,
        summary.files,
        summary.converted,
        summary.reused,
        summary.duplicates,
        summary.failed,
        summary.exit_code,
    )?;
    finish(&summary, out, args.quiet, args.summary_json.as_deref())?;
    Ok(summary.exit_code)
}

/// The progress bar on stderr (hidden with --quiet or when stderr is not a terminal): a steady
/// clock, files done, the rate in files/s and pages/s, an ETA from the files done so far, and
/// the file(s) being converted.
fn progress_bar(total: u64, quiet: bool, pages: Arc<std::sync::atomic::AtomicU64>) -> ProgressBar {
    let bar = ProgressBar::new(total);
    if quiet || !std::io::stderr().is_terminal() {
        bar.set_draw_target(ProgressDrawTarget::hidden());
        return bar;
    }
    let style = ProgressStyle::with_template(
        "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} files, {rate}, ETA {eta_files} {msg}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar())
    .with_key(
        "rate",
        move |st: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
            let _ = w.write_str(&rate_text(
                st.pos(),
                pages.load(Ordering::Relaxed),
                st.elapsed(),
            ));
        },
    )
    .with_key(
        "eta_files",
        |st: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
            let _ = w.write_str(&eta_text(st.pos(), st.len().unwrap_or(0), st.elapsed()));
        },
    );
    bar.set_style(style);
    bar.enable_steady_tick(Duration::from_millis(250));
    crate::logging::set_progress_bar(Some(bar.clone()));
    bar
}

/// `1.5 files/s, 7.2 pages/s` over the time elapsed.
fn rate_text(files: u64, pages: u64, elapsed: Duration) -> String {
    let s = elapsed.as_secs_f64().max(1e-3);
    format!(
        "{:.1} files/s, {:.1} pages/s",
        files as f64 / s,
        pages as f64 / s
    )
}

/// Time left at the mean time per file so far (`?` before the first file ends).
fn eta_text(done: u64, total: u64, elapsed: Duration) -> String {
    if done == 0 {
        return "?".into();
    }
    let left =
        (elapsed.as_secs_f64() / done as f64 * total.saturating_sub(done) as f64).round() as u64;
    if left >= 3600 {
        format!("{}h{:02}m", left / 3600, left / 60 % 60)
    } else {
        format!("{}m{:02}s", left / 60, left % 60)
    }
}

/// The bar's message: files reused, and the file(s) being converted (the first by name).
fn progress_message<'a>(reused: usize, mut inflight: impl Iterator<Item = &'a str>) -> String {
    let mut m = format!("| {reused} reused");
    if let Some(first) = inflight.next() {
        let name = first.rsplit('/').next().unwrap_or(first);
        let name: String = if name.chars().count() > 40 {
            name.chars().take(39).chain(['…']).collect()
        } else {
            name.to_string()
        };
        m.push_str(&format!(" | {name}"));
        let more = inflight.count();
        if more > 0 {
            m.push_str(&format!(" (+{more})"));
        }
    }
    m
}

/// True when a stored result of the current version exists for this entry's content and may be
/// reused.  A stored failure is reused unless --retry-failed, or the knob its error blames is
/// more permissive now than when it failed (a longer --timeout, a higher --max-memory ...).
fn reusable(
    state: &State,
    out: &Path,
    e: &Entry,
    retry_failed: bool,
    version: &str,
    knobs: &Knobs,
) -> Result<bool> {
    let file = results_dir(out).join(format!("{}.json", e.key));
    if !file.exists() {
        return Ok(false);
    }
    let failed_reusable = || -> bool {
        if retry_failed {
            return false;
        }
        match read_stored(&file) {
            Ok(s) => !retry_for_knobs(&s, knobs, &e.source_file),
            Err(_) => false,
        }
    };
    match state.known(&e.sha256)? {
        Some(k) if k.pipeline_version == version => Ok(k.status != "failed" || failed_reusable()),
        Some(_) => Ok(false),
        None => {
            // Written by a run that was killed before recording it: check and record it now.
            match read_stored(&file) {
                Ok(s) if s.pipeline_version == version && s.sha256 == e.sha256 => {
                    let r = &s.result.report;
                    state.record_result(
                        &e.sha256,
                        version,
                        &r.status,
                        &r.error,
                        &r.source_file,
                        r.seconds,
                    )?;
                    Ok(r.status != "failed" || failed_reusable())
                }
                _ => Ok(false),
            }
        }
    }
}

/// A stored failure to retry because the knob it blames was raised since.
fn retry_for_knobs(s: &Stored, now: &Knobs, file: &str) -> bool {
    let (Some(then), Some(knob)) = (s.knobs.as_ref(), Knob::blamed_by(&s.result.report.error))
    else {
        return false;
    };
    let retry = now.relaxes(then, knob);
    if retry {
        tracing::info!(
            file = file,
            knob = knob.flag(),
            "retrying a stored failure: the limit that caused it was raised"
        );
    }
    retry
}

enum Exec {
    InProcess(Settings),
    Workers(Arc<worker::Config>),
}

/// Run `tasks` (indices into `inputs`) on `jobs` slots; `started(slot, Some(task))` is called
/// (on the slot's thread) when a file is handed to slot number `slot`, `started(slot, None)`
/// when the slot stops, `commit` on this thread for each result as it
/// arrives.  Stops dispatching on SIGINT/SIGTERM (the workers are killed, their files get no
/// result).  Returns the number of worker restarts and the signal that stopped the run.
fn run_tasks(
    tasks: &[usize],
    inputs: &[Input],
    jobs: usize,
    exec: &Exec,
    started: &(dyn Fn(usize, Option<usize>) + Sync),
    mut commit: impl FnMut(usize, ReportResult) -> Result<()>,
) -> Result<(u64, Option<i32>)> {
    if tasks.is_empty() {
        return Ok((0, crate::signals::received()));
    }
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let restarts = std::sync::atomic::AtomicU64::new(0);
    let (tx, rx) = std::sync::mpsc::channel::<(usize, ReportResult)>();
    let halted = || stop.load(Ordering::Relaxed) || crate::signals::received().is_some();
    std::thread::scope(|s| -> Result<()> {
        for slot_no in 0..jobs.min(tasks.len()).max(1) {
            let tx = tx.clone();
            let (next, restarts, halted) = (&next, &restarts, &halted);
            s.spawn(move || {
                let mut slot = match exec {
                    Exec::Workers(cfg) => Some(worker::Slot::new(cfg.clone())),
                    Exec::InProcess(_) => None,
                };
                let ocr = match exec {
                    Exec::InProcess(settings) => settings.ocr_engine(),
                    _ => None,
                };
                loop {
                    if halted() {
                        break;
                    }
                    let t = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&idx) = tasks.get(t) else { break };
                    let i = &inputs[idx];
                    started(slot_no, Some(idx));
                    let r = match (slot.as_mut(), exec) {
                        (Some(slot), _) => {
                            slot.convert_unless(&i.path, &i.shown, &i.sha, i.bytes, halted)
                        }
                        (None, Exec::InProcess(settings)) => {
                            let opts = Options {
                                ocr: ocr.as_deref(),
                                tolerances: Default::default(),
                                repair: settings.repair_mode(),
                            };
                            Some(pipeline::convert_file(&i.path, &i.shown, &opts))
                        }
                        (None, Exec::Workers(_)) => {
                            unreachable!("a worker slot exists for Exec::Workers")
                        }
                    };
                    let Some(r) = r else { break };
                    if tx.send((idx, r)).is_err() {
                        break;
                    }
                }
                started(slot_no, None);
                if let Some(slot) = slot {
                    restarts.fetch_add(slot.restarts, Ordering::Relaxed);
                }
            });
        }
        drop(tx);
        for (idx, r) in rx.iter() {
            if let Err(e) = commit(idx, r) {
                stop.store(true, Ordering::Relaxed);
                // Let the slots finish the files they hold, then report.
                for _ in rx.iter() {}
                return Err(e);
            }
        }
        Ok(())
    })?;
    Ok((restarts.load(Ordering::Relaxed), crate::signals::received()))
}

/// A CSV file written row by row to a temporary name and renamed into place at the end.
struct CsvOut {
    path: PathBuf,
    tmp: PathBuf,
    w: csv::Writer<std::io::BufWriter<std::fs::File>>,
    /// Quote formula-like texts (`--excel`, see `output::excel_safe`).
    excel: bool,
}

impl CsvOut {
    fn create(path: PathBuf, header: &[&str], excel: bool) -> Result<CsvOut> {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("out")
            .to_string();
        let tmp = path.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
        let f = std::fs::File::create(&tmp)
            .with_context(|| format!("cannot write {}", tmp.display()))?;
        let mut bw = std::io::BufWriter::new(f);
        if excel {
            bw.write_all(BOM)?;
        }
        let mut w = csv::WriterBuilder::new()
            .has_headers(false)
            .terminator(csv::Terminator::CRLF)
            .from_writer(bw);
        w.write_record(header)?;
        Ok(CsvOut {
            path,
            tmp,
            w,
            excel,
        })
    }

    /// One row; with `--excel` every text that a spreadsheet would run as a formula is quoted.
    fn put<T: Serialize>(&mut self, row: &T) -> Result<()> {
        if self.excel {
            self.w.write_record(output::safe_fields(row)?)?;
        } else {
            self.w.serialize(row)?;
        }
        Ok(())
    }

    fn put_fields<I: IntoIterator<Item = S>, S: AsRef<str>>(&mut self, fields: I) -> Result<()> {
        let excel = self.excel;
        self.w.write_record(fields.into_iter().map(|f| {
            if excel {
                output::excel_safe(f.as_ref()).into_owned()
            } else {
                f.as_ref().to_string()
            }
        }))?;
        Ok(())
    }

    fn finish(self) -> Result<()> {
        let bw = self
            .w
            .into_inner()
            .map_err(|e| anyhow::anyhow!("cannot write {}: {}", self.tmp.display(), e.error()))?;
        let f = bw
            .into_inner()
            .map_err(|e| anyhow::anyhow!("cannot write {}: {}", self.tmp.display(), e.error()))?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&self.tmp, &self.path).with_context(|| {
            format!(
                "cannot rename {} to {}",
                self.tmp.display(),
                self.path.display()
            )
        })
    }
}

/// Rebuild reports.csv, cells.csv, checks.csv, repairs.csv (and any missing tables/ and text/
/// files) from the result files of `entries`, in order.  Streams: memory does not grow with the
/// number of entries beyond the entries themselves.
pub fn rebuild(
    out: &Path,
    entries: &[Entry],
    excel: bool,
    rewrite_files: bool,
    xlsx: bool,
) -> Result<Summary> {
    let mut reports = CsvOut::create(out.join("reports.csv"), REPORT_HEADER, excel)?;
    let mut cells = CsvOut::create(out.join("cells.csv"), CELL_HEADER, excel)?;
    let mut checks = CsvOut::create(out.join("checks.csv"), CHECK_HEADER, excel)?;
    let mut repairs = CsvOut::create(out.join("repairs.csv"), REPAIR_HEADER, excel)?;
    // the analysts' files (wide.rs, xlsx.rs)
    let mut wide_csv = CsvOut::create(
        out.join("wide.csv"),
        &crate::wide::header()
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
        excel,
    )?;
    std::fs::create_dir_all(out.join("tables"))
        .with_context(|| format!("cannot create {}", out.join("tables").display()))?;
    let mut table_index = CsvOut::create(
        out.join("tables").join("index.csv"),
        output::TABLE_INDEX_HEADER,
        excel,
    )?;
    let labels = crate::wide::labels_rows();
    output::write_durable(
        &out.join("wide-labels.csv"),
        &output::csv_bytes(&labels, &["column", "label", "table", "row", "col"], excel)?,
    )?;
    let mut book = if xlsx {
        Some(crate::xlsx::Book::new(&state_dir(out))?)
    } else {
        None
    };
    let has_dups: HashSet<&str> = entries
        .iter()
        .filter(|e| e.duplicate_of.is_some())
        .map(|e| e.sha256.as_str())
        .collect();
    // The primaries' rows first: a duplicate may sort before its primary (the primary is the
    // path seen first, not the first by name).
    let mut canon_rows: HashMap<String, ReportRow> = HashMap::new();
    for e in entries
        .iter()
        .filter(|e| e.duplicate_of.is_none() && has_dups.contains(e.sha256.as_str()))
    {
        let stored = read_stored(&results_dir(out).join(format!("{}.json", e.key)))?;
        canon_rows.insert(e.sha256.clone(), stored.result.report);
    }
    let mut sum = Summary {
        pipeline_version: PIPELINE_VERSION.into(),
        out: out.display().to_string(),
        files: entries.len(),
        ..Default::default()
    };
    let mut fixes = crate::corrections::Session::load(
        out,
        entries
            .iter()
            .map(|e| (e.source_file.as_str(), e.sha256.as_str())),
    );
    for e in entries {
        let row = if let Some(first) = &e.duplicate_of {
            let Some(c) = canon_rows.get(&e.sha256) else {
                bail!(
                    "internal error: duplicate {} before {}",
                    e.source_file,
                    first
                )
            };
            sum.duplicates += 1;
            ReportRow {
                source_file: e.source_file.clone(),
                status: DUPLICATE.into(),
                error: format!("duplicate of {first}"),
                cells: 0,
                flagged: 0,
                checks_failed: 0,
                seconds: 0.0,
                ..c.clone()
            }
        } else {
            let stored = read_stored(&results_dir(out).join(format!("{}.json", e.key)))?;
            let mut r = stored.result;
            crate::wide::annotate(&mut r);
            for c in &mut r.cells {
                c.source_file.clone_from(&e.source_file);
            }
            for c in &mut r.checks {
                c.source_file.clone_from(&e.source_file);
            }
            for c in &mut r.repairs {
                c.source_file.clone_from(&e.source_file);
            }
            r.report.source_file.clone_from(&e.source_file);
            fixes.apply(&mut r);
            ensure_report_files(out, &r, excel, rewrite_files)?;
            for c in &r.cells {
                cells.put(c)?;
            }
            for c in &r.checks {
                checks.put(c)?;
            }
            for c in &r.repairs {
                repairs.put(c)?;
            }
            let placed = crate::wide::place(&r.cells);
            wide_csv.put_fields(
                crate::wide::lead_values(&r.report).into_iter().chain(
                    placed
                        .iter()
                        .map(|c| c.map(|c| c.value.clone()).unwrap_or_default()),
                ),
            )?;
            for row in output::table_index_rows(&r) {
                table_index.put_fields(row)?;
            }
            if let Some(b) = book.as_mut() {
                b.add(&r.report, &r.cells, &r.checks)?;
            }
            match r.report.status.as_str() {
                "ok" => sum.ok += 1,
                "partial" => sum.partial += 1,
                SKIPPED => sum.skipped += 1,
                _ => {
                    sum.failed += 1;
                    if sum.failures.len() < 1000 {
                        sum.failures.push(Failure {
                            source_file: e.source_file.clone(),
                            error: r.report.error.clone(),
                            new: false,
                        });
                    }
                }
            }
            sum.pages += r.report.pages as u64;
            sum.cells += r.report.cells as u64;
            sum.checks_failed += r.report.checks_failed as u64;
            r.report
        };
        if e.duplicate_of.is_some() {
            wide_csv.put_fields(
                crate::wide::lead_values(&row)
                    .into_iter()
                    .chain(crate::wide::columns().iter().map(|_| String::new())),
            )?;
            if let Some(b) = book.as_mut() {
                b.add_report_only(&row)?;
            }
        }
        reports.put(&row)?;
    }
    for f in [reports, cells, checks, repairs, wide_csv, table_index] {
        f.finish()?;
    }
    if let Some(b) = book {
        b.save(&out.join("nianbao.xlsx"))?;
    }
    (sum.corrections_applied, sum.corrections_unapplied) = fixes.finish();
    Ok(sum)
}

/// Write a report's tables/ and text/ files unless they are already there (content is a
/// function of the content hash, so an existing file is the same file).
fn ensure_report_files(out: &Path, r: &ReportResult, excel: bool, rewrite: bool) -> Result<()> {
    let rid = &r.report.report_id;
    if rid.is_empty() {
        return Ok(());
    }
    if rewrite {
        return output::write_report_files(out, r, excel);
    }
    let text_ok = r.text.is_empty() || out.join("text").join(format!("{rid}.txt")).exists();
    let tables_ok = r
        .tables
        .iter()
        .enumerate()
        .filter(|(_, g)| !output::is_prose_block(g))
        .all(|(i, _)| {
            out.join("tables")
                .join(format!("{rid}-{}.csv", i + 1))
                .exists()
        });
    if text_ok && tables_ok {
        return Ok(());
    }
    output::write_report_files(out, r, excel)
}

fn read_manifest(out: &Path) -> Option<Manifest> {
    serde_json::from_slice(&std::fs::read(state_dir(out).join("manifest.json")).ok()?).ok()
}

fn write_manifest(out: &Path, m: &Manifest) -> Result<()> {
    output::write_durable(
        &state_dir(out).join("manifest.json"),
        &serde_json::to_vec(m)?,
    )
}

fn finish(sum: &Summary, out: &Path, quiet: bool, summary_json: Option<&Path>) -> Result<()> {
    tracing::info!(
        files = sum.files,
        converted = sum.converted,
        reused = sum.reused,
        duplicates = sum.duplicates,
        skipped = sum.skipped,
        ok = sum.ok,
        partial = sum.partial,
        failed = sum.failed,
        failed_new = sum.failed_new,
        failed_reused = sum.failed_reused,
        seconds = sum.seconds,
        interrupted = sum.interrupted,
        exit_code = sum.exit_code,
        "run finished"
    );
    if let Some(p) = summary_json {
        let mut data = serde_json::to_vec_pretty(sum)?;
        data.push(b'\n');
        output::write_atomic(p, &data)
            .with_context(|| format!("cannot write the summary {}", p.display()))?;
    }
    if !quiet {
        eprintln!(
            "nianbao: {}{} files: {} ok, {} partial, {} failed ({} new, {} carried over), {} duplicate, {} skipped; {} converted, {} reused; {} pages, {} cells, {} checks failed; {:.1} s -> {}",
            if sum.interrupted { "INTERRUPTED: " } else { "" },
            sum.files,
            sum.ok,
            sum.partial,
            sum.failed,
            sum.failed_new,
            sum.failed_reused,
            sum.duplicates,
            sum.skipped,
            sum.converted,
            sum.reused,
            sum.pages,
            sum.cells,
            sum.checks_failed,
            sum.seconds,
            out.display()
        );
        for f in &sum.failures {
            eprintln!(
                "nianbao: failed{}: {}: {}",
                if f.new || sum.command != "convert" {
                    ""
                } else {
                    " (carried over; --retry-failed to retry)"
                },
                f.source_file,
                f.error
            );
        }
    }
    Ok(())
}

/// `nianbao merge DIR... --out OUT`: combine the outputs of shard runs.  The result is what one
/// run over all the shards' inputs would have written (same rows, same order).
pub fn merge(
    dirs: &[PathBuf],
    out: &Path,
    excel: bool,
    xlsx: bool,
    quiet: bool,
    summary_json: Option<&Path>,
) -> Result<i32> {
    let start = Instant::now();
    let r = merge_run(dirs, out, excel, xlsx, quiet, summary_json, start);
    fatal_summary(r, "merge", out, None, start, summary_json)
}

fn merge_run(
    dirs: &[PathBuf],
    out: &Path,
    excel: bool,
    xlsx: bool,
    quiet: bool,
    summary_json: Option<&Path>,
    start: Instant,
) -> Result<i32> {
    let mut entries: Vec<Entry> = Vec::new();
    let mut from: HashMap<String, PathBuf> = HashMap::new();
    let mut version: Option<String> = None;
    let mut settings: Option<Option<Settings>> = None;
    let mut any_excel = excel;
    let out_abs = std::fs::canonicalize(out).ok();
    let mut manifests: Vec<(PathBuf, Manifest)> = Vec::new();
    for d in dirs {
        if out_abs.is_some() && std::fs::canonicalize(d).ok() == out_abs {
            bail!(
                "merge: the output folder {} is also an input; merge into a new folder",
                out.display()
            );
        }
        let mp = state_dir(d).join("manifest.json");
        let data = std::fs::read(&mp).with_context(|| {
            format!(
                "{} has no finished run ({} is missing): run `nianbao convert ... --out {}` first",
                d.display(),
                mp.display(),
                d.display()
            )
        })?;
        let m: Manifest = serde_json::from_slice(&data)
            .with_context(|| format!("{} is damaged; rerun that shard", mp.display()))?;
        manifests.push((d.clone(), m));
    }
    check_shards(&manifests)?;
    for (d, m) in manifests {
        match &version {
            None => version = Some(m.pipeline_version.clone()),
            Some(v) if *v != m.pipeline_version => {
                bail!(
                    "merge: {} was made by pipeline version {} but another input by {}; rerun the older shards with this nianbao",
                    d.display(),
                    m.pipeline_version,
                    v
                )
            }
            _ => {}
        }
        any_excel |= m.excel;
        settings.get_or_insert(m.settings.clone());
        for e in m.entries {
            if from.contains_key(&e.source_file) {
                tracing::warn!(file = %e.source_file, "appears in more than one shard; keeping the first");
                continue;
            }
            from.insert(e.source_file.clone(), d.clone());
            entries.push(e);
        }
    }
    let version = version.unwrap_or_default();
    let settings = settings.flatten();
    if !(version == PIPELINE_VERSION || version.starts_with(&format!("{PIPELINE_VERSION}+"))) {
        bail!(
            "merge: the shards were made by pipeline version {version} but this nianbao is {PIPELINE_VERSION}; merge with the same build that converted them"
        );
    }
    std::fs::create_dir_all(results_dir(out))
        .with_context(|| format!("cannot create the output folder {}", out.display()))?;
    let _lock = lock(out)?;
    clean_tmp(&[
        out.to_path_buf(),
        state_dir(out),
        results_dir(out),
        out.join("tables"),
        out.join("text"),
    ]);
    entries.sort_by(|a, b| a.source_file.cmp(&b.source_file));
    mark_duplicates(&mut entries);
    for e in entries.iter().filter(|e| e.duplicate_of.is_none()) {
        let src = results_dir(&from[&e.source_file]).join(format!("{}.json", e.key));
        let dst = results_dir(out).join(format!("{}.json", e.key));
        let data = std::fs::read(&src)
            .with_context(|| format!("merge: cannot read {} (rerun that shard)", src.display()))?;
        output::write_atomic(&dst, &data)?;
    }
    let rewrite = read_manifest(out)
        .map(|m| m.excel != any_excel)
        .unwrap_or(false);
    let mut summary = rebuild(out, &entries, any_excel, rewrite, xlsx)?;
    write_manifest(
        out,
        &Manifest {
            pipeline_version: version,
            shard: None,
            excel: any_excel,
            settings,
            complete: true,
            entries,
        },
    )?;
    summary.command = "merge".into();
    summary.seconds = (start.elapsed().as_secs_f64() * 1000.0).round() / 1000.0;
    summary.exit_code = if summary.failed > 0 { 1 } else { 0 };
    finish(&summary, out, quiet, summary_json)?;
    Ok(summary.exit_code)
}

/// Refuse shard folders that do not make one whole run: an interrupted run, different settings,
/// or `--shard K/N` folders that do not cover 0..N exactly once with one N.  Folders converted
/// without --shard may be merged with each other (not with shards).
fn check_shards(ms: &[(PathBuf, Manifest)]) -> Result<()> {
    for (d, m) in ms {
        if !m.complete {
            bail!(
                "merge: {} holds an interrupted run (stopped by a signal before it finished); rerun `nianbao convert ... --out {}` to complete it, then merge",
                d.display(),
                d.display()
            );
        }
    }
    if let Some(((d0, m0), (d, m))) = ms.first().and_then(|f| {
        ms.iter()
            .find(|(_, m)| m.pipeline_version != f.1.pipeline_version)
            .map(|x| (f, x))
    }) {
        bail!(
            "merge: {} and {} were converted with different settings or versions ({} vs {}: the suffix names the settings, e.g. +no-repair); rerun one with the other's settings and nianbao",
            d0.display(),
            d.display(),
            m0.pipeline_version,
            m.pipeline_version
        );
    }
    let mut shards: Vec<(&PathBuf, u64, u64)> = Vec::new();
    let mut plain: Option<&PathBuf> = None;
    for (d, m) in ms {
        match &m.shard {
            Some(s) => {
                let (k, n) = parse_shard(s).map_err(|e| {
                    anyhow::anyhow!(
                        "merge: {} has a damaged manifest ({e}); rerun that shard",
                        d.display()
                    )
                })?;
                shards.push((d, k, n));
            }
            None => plain = plain.or(Some(d)),
        }
    }
    let Some(&(d0, _, n0)) = shards.first() else {
        return Ok(());
    };
    if let Some(p) = plain {
        bail!(
            "merge: {} is a shard ({}) but {} was converted without --shard; merge shard folders of one run only",
            d0.display(),
            ms.iter()
                .find(|(d, _)| d == d0)
                .and_then(|(_, m)| m.shard.clone())
                .unwrap_or_default(),
            p.display()
        );
    }
    if let Some(&(d, k, n)) = shards.iter().find(|s| s.2 != n0) {
        bail!(
            "merge: {} is shard K/{n0} but {} is shard {k}/{n}; all shards must come from one run with the same N",
            d0.display(),
            d.display()
        );
    }
    let mut seen: HashMap<u64, &PathBuf> = HashMap::new();
    for &(d, k, n) in &shards {
        if let Some(first) = seen.insert(k, d) {
            bail!(
                "merge: shard {k}/{n} is given twice ({} and {}); give each shard folder once",
                first.display(),
                d.display()
            );
        }
    }
    let missing: Vec<String> = (0..n0)
        .filter(|k| !seen.contains_key(k))
        .map(|k| format!("{k}/{n0}"))
        .collect();
    if !missing.is_empty() {
        bail!(
            "merge: shard {} missing (given {} of {n0}); give all {n0} shard folders, or finish the missing shards first",
            missing.join(", "),
            shards.len()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_shows_units_a_moving_eta_and_the_current_file() {
        assert_eq!(
            rate_text(3, 12, Duration::from_secs(2)),
            "1.5 files/s, 6.0 pages/s"
        );
        assert_eq!(eta_text(0, 10, Duration::from_secs(5)), "?");
        assert_eq!(eta_text(2, 10, Duration::from_secs(30)), "2m00s");
        assert_eq!(eta_text(1, 1000, Duration::from_secs(10)), "2h46m");
        assert_eq!(eta_text(10, 10, Duration::from_secs(30)), "0m00s");
        assert_eq!(progress_message(3, std::iter::empty()), "| 3 reused");
        assert_eq!(
            progress_message(0, ["dir/a.pdf", "dir/b.pdf", "c.pdf"].into_iter()),
            "| 0 reused | a.pdf (+2)"
        );
        let long = format!("d/{}.pdf", "年".repeat(50));
        assert!(progress_message(0, [long.as_str()].into_iter()).ends_with("年…"));
    }

    #[test]
    fn shard_parsing() {
        assert_eq!(parse_shard("0/3"), Ok((0, 3)));
        assert_eq!(parse_shard("2/3"), Ok((2, 3)));
        assert!(parse_shard("3/3").is_err());
        assert!(parse_shard("1/0").is_err());
        assert!(parse_shard("x").is_err());
    }

    #[test]
    fn shards_partition_hashes() {
        let hashes: Vec<String> = (0..300)
            .map(|i| pipeline::sha256_hex(format!("{i}").as_bytes()))
            .collect();
        let mut counts = [0; 3];
        for h in &hashes {
            counts[shard_of(h, 3) as usize] += 1;
        }
        assert_eq!(counts.iter().sum::<i32>(), 300);
        assert!(counts.iter().all(|&c| c > 70), "{counts:?}");
    }

    #[test]
    fn duplicates_point_at_first_name() {
        let e = |s: &str, h: &str| Entry {
            source_file: s.into(),
            sha256: h.into(),
            key: h.into(),
            duplicate_of: None,
            first_seen: 1,
        };
        let mut v = vec![
            e("a.pdf", "11"),
            e("b.pdf", "22"),
            e("c.pdf", "11"),
            e("d.pdf", ""),
        ];
        mark_duplicates(&mut v);
        assert_eq!(v[2].duplicate_of.as_deref(), Some("a.pdf"));
        assert!(
            v[0].duplicate_of.is_none()
                && v[1].duplicate_of.is_none()
                && v[3].duplicate_of.is_none()
        );
    }

    #[test]
    fn the_path_seen_first_stays_the_primary() {
        let e = |s: &str, h: &str, run: i64| Entry {
            source_file: s.into(),
            sha256: h.into(),
            key: h.into(),
            duplicate_of: None,
            first_seen: run,
        };
        // b.pdf was there in run 1; a copy named to sort before it arrives in run 2
        let mut v = vec![
            e("a-copy.pdf", "11", 2),
            e("b.pdf", "11", 1),
            e("c.pdf", "11", 2),
        ];
        mark_duplicates(&mut v);
        assert!(v[1].duplicate_of.is_none());
        assert_eq!(v[0].duplicate_of.as_deref(), Some("b.pdf"));
        assert_eq!(v[2].duplicate_of.as_deref(), Some("b.pdf"));
        // skipped rows (key not the content hash) are no duplicates of a converted copy
        let mut v = vec![
            e("a.pdf", "11", 1),
            Entry {
                key: "skipped-11".into(),
                ..e("a.doc", "11", 1)
            },
        ];
        mark_duplicates(&mut v);
        assert!(v.iter().all(|e| e.duplicate_of.is_none()));
    }
}
