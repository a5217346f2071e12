//! Supervised worker processes: each document is converted in a child process, so that an
//! abort (stack overflow in the PDF interpreter), a hang or a memory blow-up takes down only
//! that child, never the batch.  `catch_unwind` inside the pipeline still turns ordinary panics
//! into a failed row; this layer handles what unwinding cannot.
//!
//! The child is the same binary re-executed as the hidden subcommand `nianbao worker`.  Protocol
//! (one request, one reply, in order): the parent writes one JSON [`Request`] per line to the
//! child's stdin; the child answers with one line holding the JSON `ReportResult`.  The child
//! moves the protocol to a private duplicate of its stdout and points fd 1 at stderr, so a stray
//! print in a dependency cannot corrupt the stream.  It exits when stdin closes.
//!
//! Limits on the child (set between fork and exec, Linux): `RLIMIT_AS` = `--max-memory` MiB, so
//! an allocation past it fails and the child aborts ("memory allocation of N bytes failed")
//! instead of driving the machine into swap or the OOM killer; and `PR_SET_PDEATHSIG` = SIGKILL,
//! so children never outlive a killed parent.  The parent gives each file `--timeout` seconds,
//! then kills the child (SIGKILL) and starts a new one for the next file.  Using `libc`
//! directly (rather than `nix`) keeps these three calls visible and adds no dependency tree.

use crate::pipeline::{self, Options, ReportResult};
use crate::settings::{Knob, WorkerSetup};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::ffi::OsString;
use std::io::{BufRead, BufReader, Write};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One file to convert.  The path travels as raw bytes (Unix paths need not be UTF-8).
#[derive(Debug, Serialize, Deserialize)]
pub struct Request {
    pub path: Vec<u8>,
    pub shown: String,
}

/// The child side: serve requests until stdin closes, with the run's settings and caps.
pub fn serve(setup: &WorkerSetup) -> anyhow::Result<()> {
    crate::limits::set(setup.knobs.limits());
    use std::os::fd::FromRawFd;
    // SAFETY: plain fd duplication at startup, before any other thread exists.
    let proto_fd = unsafe { libc::dup(1) };
    if proto_fd < 0 {
        anyhow::bail!(
            "worker: cannot duplicate stdout: {}",
            std::io::Error::last_os_error()
        );
    }
    // SAFETY: as above; fd 2 is open (inherited or /dev/null).
    unsafe { libc::dup2(2, 1) };
    // SAFETY: proto_fd was just returned by dup and is owned by nobody else.
    let mut proto = std::io::BufWriter::new(unsafe { std::fs::File::from_raw_fd(proto_fd) });
    // Panics are caught per file and reported in the result; do not also print them.
    std::panic::set_hook(Box::new(|_| {}));
    let ocr = setup.settings.ocr_engine();
    let opts = Options {
        ocr: ocr.as_deref(),
        tolerances: Default::default(),
        repair: setup.settings.repair_mode(),
    };
    let stdin = std::io::stdin();
    let mut line = String::new();
    let mut input = stdin.lock();
    loop {
        line.clear();
        if input.read_line(&mut line)? == 0 {
            return Ok(());
        }
        if line.trim().is_empty() {
            continue;
        }
        let req: Request = serde_json::from_str(&line)?;
        let path = PathBuf::from(OsString::from_vec(req.path));
        let res = pipeline::convert_file(&path, &req.shown, &opts);
        serde_json::to_writer(&mut proto, &res)?;
        proto.write_all(b"\n")?;
        proto.flush()?;
    }
}

/// How to start workers: the executable, and the settings and knobs they run with (the
/// parent applies `timeout_s` and `max_memory_mb`, the worker the input caps).
#[derive(Debug, Clone)]
pub struct Config {
    pub exe: PathBuf,
    pub setup: WorkerSetup,
}

struct Worker {
    child: Child,
    stdin: Option<ChildStdin>,
    replies: Receiver<std::io::Result<String>>,
    stderr_tail: Arc<Mutex<VecDeque<String>>>,
    stderr_thread: Option<std::thread::JoinHandle<()>>,
}

impl Worker {
    fn spawn(cfg: &Config) -> std::io::Result<Worker> {
        let mut cmd = Command::new(&cfg.exe);
        cmd.arg("worker")
            .arg("--setup")
            .arg(cfg.setup.to_arg())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mem = cfg.setup.knobs.max_memory_mb.saturating_mul(1 << 20);
        // SAFETY: only async-signal-safe calls (setpgid, setrlimit, prctl) between fork and exec.
        unsafe {
            cmd.pre_exec(move || {
                // Own process group: a Ctrl-C at the terminal reaches the parent only, which
                // stops the run in order and kills the workers itself (see `signals`).
                libc::setpgid(0, 0);
                if mem > 0 {
                    let lim = libc::rlimit {
                        rlim_cur: mem as libc::rlim_t,
                        rlim_max: mem as libc::rlim_t,
                    };
                    if libc::setrlimit(libc::RLIMIT_AS, &lim) != 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                }
                #[cfg(target_os = "linux")]
                libc::prctl(
                    libc::PR_SET_PDEATHSIG,
                    libc::SIGKILL as libc::c_ulong,
                    0,
                    0,
                    0,
                );
                Ok(())
            });
        }
        let mut child = cmd.spawn()?;
        let stdout = child.stdout.take().expect("piped stdout");
        let stderr = child.stderr.take().expect("piped stderr");
        let (tx, rx) = channel();
        std::thread::Builder::new()
            .name("worker-stdout".into())
            .spawn(move || {
                let mut r = BufReader::new(stdout);
                loop {
                    let mut line = String::new();
                    match r.read_line(&mut line) {
                        Ok(0) => {
                            let _ = tx.send(Err(std::io::Error::new(
                                std::io::ErrorKind::UnexpectedEof,
                                "worker closed its output",
                            )));
                            return;
                        }
                        Ok(_) => {
                            if tx.send(Ok(line)).is_err() {
                                return;
                            }
                        }
                        Err(e) => {
                            let _ = tx.send(Err(e));
                            return;
                        }
                    }
                }
            })?;
        let tail = Arc::new(Mutex::new(VecDeque::new()));
        let tail2 = tail.clone();
        let pid = child.id();
        let stderr_thread = std::thread::Builder::new()
            .name("worker-stderr".into())
            .spawn(move || {
                let r = BufReader::new(stderr);
                for line in r.split(b'\n') {
                    let Ok(line) = line else { return };
                    let line = String::from_utf8_lossy(&line).into_owned();
                    tracing::debug!(worker = pid, "{line}");
                    let mut t = tail2.lock().unwrap_or_else(|e| e.into_inner());
                    // Keep the lines that say why a worker died even when a backtrace follows them.
                    let key = KEY_LINES.iter().any(|k| line.contains(k));
                    if t.len() >= 40 {
                        if let Some(i) = t
                            .iter()
                            .position(|l: &String| !KEY_LINES.iter().any(|k| l.contains(k)))
                        {
                            t.remove(i);
                        } else if !key {
                            continue;
                        } else {
                            t.pop_front();
                        }
                    }
                    t.push_back(line);
                }
            })?;
        Ok(Worker {
            stdin: child.stdin.take(),
            child,
            replies: rx,
            stderr_tail: tail,
            stderr_thread: Some(stderr_thread),
        })
    }

    fn send(&mut self, req: &Request) -> std::io::Result<()> {
        let stdin = self
            .stdin
            .as_mut()
            .ok_or_else(|| std::io::Error::other("worker stdin closed"))?;
        let mut s = serde_json::to_vec(req).map_err(std::io::Error::other)?;
        s.push(b'\n');
        stdin.write_all(&s)?;
        stdin.flush()
    }

    /// Kill (if still running) and reap; returns the exit status and the last stderr lines.
    fn finish(mut self, kill: bool) -> (Option<ExitStatus>, Vec<String>) {
        if kill {
            let _ = self.child.kill();
        }
        self.stdin = None;
        let status = self.child.wait().ok();
        if let Some(h) = self.stderr_thread.take() {
            let _ = h.join();
        }
        let tail = self
            .stderr_tail
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .cloned()
            .collect();
        (status, tail)
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        // Idle worker: closing stdin makes it exit; kill it if it does not within a second.
        self.stdin = None;
        for _ in 0..20 {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One job slot: a reusable worker, restarted after it dies or times out.
pub struct Slot {
    cfg: Arc<Config>,
    worker: Option<Worker>,
    pub restarts: u64,
}

impl Slot {
    pub fn new(cfg: Arc<Config>) -> Slot {
        Slot {
            cfg,
            worker: None,
            restarts: 0,
        }
    }

    /// Convert one file in the slot's worker.  Never fails: a dead or stuck worker becomes a
    /// failed result with the reason.  `sha`/`bytes` fill the row when the worker gives none.
    pub fn convert(&mut self, path: &Path, shown: &str, sha: &str, bytes: u64) -> ReportResult {
        self.convert_unless(path, shown, sha, bytes, &|| false)
            .expect("never stopped")
    }

    /// [`Slot::convert`], but checking `stop` while the worker is busy: when it turns true the
    /// worker is killed and there is no result (the run is being interrupted; a worker that dies
    /// meanwhile is not the file's fault either).
    pub fn convert_unless(
        &mut self,
        path: &Path,
        shown: &str,
        sha: &str,
        bytes: u64,
        stop: &dyn Fn() -> bool,
    ) -> Option<ReportResult> {
        let timeout = self.cfg.setup.knobs.timeout();
        let req = Request {
            path: path.as_os_str().as_bytes().to_vec(),
            shown: shown.to_string(),
        };
        // A worker that died while idle fails the write; start a fresh one once and retry.
        let mut sent = false;
        for _ in 0..2 {
            if self.worker.is_none() {
                match Worker::spawn(&self.cfg) {
                    Ok(w) => self.worker = Some(w),
                    Err(e) => {
                        return Some(pipeline::failed_result(
                            shown,
                            sha,
                            bytes,
                            format!(
                                "cannot start a worker process ({}): {e}; try --in-process",
                                self.cfg.exe.display()
                            ),
                        ));
                    }
                }
            }
            let w = self.worker.as_mut().expect("worker just started");
            if w.send(&req).is_ok() {
                sent = true;
                break;
            }
            if let Some(w) = self.worker.take() {
                w.finish(true);
            }
            self.restarts += 1;
        }
        if !sent {
            return Some(pipeline::failed_result(shown, sha, bytes, "cannot send the file to a worker process (it exits at once; run `nianbao worker` by hand to see why)".into()));
        }
        let w = self.worker.as_mut().expect("worker present");
        let deadline = std::time::Instant::now() + timeout;
        let reply = loop {
            if stop() {
                if let Some(w) = self.worker.take() {
                    w.finish(true);
                }
                return None;
            }
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match w.replies.recv_timeout(left.min(STOP_POLL)) {
                Err(RecvTimeoutError::Timeout) if !left.is_zero() => continue,
                r => break r,
            }
        };
        Some(match reply {
            Ok(Ok(line)) => match serde_json::from_str::<ReportResult>(&line) {
                Ok(r) => r,
                Err(e) => {
                    let w = self.worker.take().expect("worker present");
                    w.finish(true);
                    self.restarts += 1;
                    pipeline::failed_result(
                        shown,
                        sha,
                        bytes,
                        format!(
                            "internal error: the worker's reply could not be read ({e}); please report this file"
                        ),
                    )
                }
            },
            Ok(Err(_)) | Err(RecvTimeoutError::Disconnected) => {
                let w = self.worker.take().expect("worker present");
                let (status, tail) = w.finish(false);
                self.restarts += 1;
                if stop() {
                    return None;
                }
                let reason = death_reason(status, &tail, self.cfg.setup.knobs.max_memory_mb);
                // The file's failure is logged (WARN) with this reason by the run; this is the restart.
                tracing::info!(file = shown, reason = %reason, "worker died; starting a new one");
                pipeline::failed_result(shown, sha, bytes, reason)
            }
            Err(RecvTimeoutError::Timeout) => {
                let w = self.worker.take().expect("worker present");
                w.finish(true);
                self.restarts += 1;
                let reason = format!(
                    "timed out after {} s (the worker was stopped; {} if the file is genuine but slow)",
                    timeout.as_secs_f64(),
                    Knob::Timeout.advice()
                );
                tracing::info!(
                    file = shown,
                    "worker stopped after the timeout; starting a new one"
                );
                pipeline::failed_result(shown, sha, bytes, reason)
            }
        })
    }
}

/// How often a busy slot looks at its stop condition.
const STOP_POLL: Duration = Duration::from_millis(100);

/// stderr lines that explain a worker's death.
const KEY_LINES: &[&str] = &[
    "memory allocation of",
    "out of memory",
    "Cannot allocate memory",
    "overflowed its stack",
    "fatal runtime error",
    "panicked at",
];

/// Why a worker died, in words a user can act on.
pub fn death_reason(status: Option<ExitStatus>, tail: &[String], max_memory_mb: u64) -> String {
    let text = tail.join("\n");
    if text.contains("memory allocation of")
        || text.contains("out of memory")
        || text.contains("Cannot allocate memory")
    {
        return format!(
            "worker crashed: ran out of memory (limit {} per worker; {} if the file is genuine)",
            if max_memory_mb > 0 {
                format!("{max_memory_mb} MiB")
            } else {
                "none".into()
            },
            Knob::MaxMemory.advice()
        );
    }
    if text.contains("overflowed its stack") {
        return "worker crashed: the PDF interpreter overflowed its stack (deeply nested or self-referencing content); please report this file".into();
    }
    let last = tail
        .iter()
        .rev()
        .find(|l| KEY_LINES.iter().any(|k| l.contains(k)))
        .or_else(|| {
            tail.iter().rev().find(|l| {
                !l.trim().is_empty()
                    && !l.starts_with("note:")
                    && !l.trim_start().starts_with(|c: char| c.is_ascii_digit())
            })
        })
        .map(|l| l.chars().take(200).collect::<String>());
    let what = match status {
        Some(s) if s.signal().is_some() => {
            let sig = s.signal().unwrap_or(0);
            let name = match sig {
                libc::SIGABRT => "SIGABRT",
                libc::SIGSEGV => "SIGSEGV",
                libc::SIGKILL => "SIGKILL",
                libc::SIGBUS => "SIGBUS",
                libc::SIGILL => "SIGILL",
                _ => "signal",
            };
            format!("was killed by signal {sig} ({name})")
        }
        Some(s) => format!("exited with status {}", s.code().unwrap_or(-1)),
        None => "vanished".into(),
    };
    match last {
        Some(l) => {
            format!("worker crashed: the worker process {what}: {l}; please report this file")
        }
        None => format!("worker crashed: the worker process {what}; please report this file"),
    }
}
