//! Logging on stderr through `tracing`, set up once by the command line.
//!
//! Text (for people): no ANSI colours unless stderr is a terminal, default level `warn`.  JSON
//! (for log collectors): one object per line, default level `info`.  A message meant for the
//! person running the command (a warning about the inputs, the fatal error) goes out once: as a
//! log event in JSON mode, as a plain `nianbao: ...` line in text mode.
//!
//! Levels: a file that failed is WARN, a fatal error (the run cannot go on) is ERROR, the run's
//! start and end are INFO.

use std::io::IsTerminal;
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};
use tracing::level_filters::LevelFilter;
use tracing_subscriber::filter::{Directive, EnvFilter};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

static JSON: AtomicBool = AtomicBool::new(false);

/// The progress bar on screen, if any: log lines are written while it is hidden, so that a
/// warning does not end up inside the bar's line.
static BAR: std::sync::Mutex<Option<indicatif::ProgressBar>> = std::sync::Mutex::new(None);

/// Register (Some) or remove (None) the progress bar that log lines must not overwrite.
pub fn set_progress_bar(bar: Option<indicatif::ProgressBar>) {
    *BAR.lock().unwrap_or_else(|e| e.into_inner()) = bar;
}

/// stderr, with the progress bar (if any) suspended around each log line.
struct LogWriter;

impl std::io::Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let bar = BAR.lock().unwrap_or_else(|e| e.into_inner()).clone();
        match bar {
            Some(b) => b
                .suspend(|| std::io::stderr().write_all(buf))
                .map(|_| buf.len()),
            None => std::io::stderr().write(buf),
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        std::io::stderr().flush()
    }
}

/// Validate `--log-level`: a level (off, error, warn, info, debug, trace) or a comma-separated
/// list of tracing filter directives (`nianbao=debug,warn`).  A bare word that is no level
/// (`nonsense`) is refused: tracing would take it for a target name and silently log nothing.
pub fn parse_level(s: &str) -> Result<String, String> {
    let s = s.trim();
    if s.is_empty() {
        return Err(
            "empty; use error, warn, info, debug, trace or a filter such as nianbao=debug".into(),
        );
    }
    for part in s.split(',') {
        let part = part.trim();
        let ok = if part.contains('=') || part.contains('[') {
            Directive::from_str(part).is_ok()
        } else {
            LevelFilter::from_str(part).is_ok()
        };
        if !ok {
            return Err(format!(
                "{part:?} is not a log level or filter directive; use error, warn, info, debug, trace or a filter such as nianbao=debug"
            ));
        }
    }
    Ok(s.to_string())
}

/// Set up the subscriber (first call wins).  `RUST_LOG`, when set and valid, overrides `level`.
pub fn init(format: LogFormat, level: Option<&str>) {
    JSON.store(format == LogFormat::Json, Ordering::Relaxed);
    let default = level.unwrap_or(if format == LogFormat::Json {
        "info"
    } else {
        "warn"
    });
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(default))
        .unwrap_or_else(|_| EnvFilter::new("warn"));
    let b = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(|| LogWriter);
    let _ = if format == LogFormat::Json {
        b.json().try_init()
    } else {
        b.with_ansi(std::io::stderr().is_terminal())
            .with_target(false)
            .try_init()
    };
}

pub fn is_json() -> bool {
    JSON.load(Ordering::Relaxed)
}

/// A warning for the person running the command, once.
pub fn user_warning(msg: &str) {
    if is_json() {
        tracing::warn!("{msg}");
    } else {
        eprintln!("nianbao: warning: {msg}");
    }
}

/// The error that ends the command, once.
pub fn fatal(msg: &str) {
    if is_json() {
        tracing::error!(error = msg, "fatal error");
    } else {
        eprintln!("nianbao: error: {msg}");
    }
}

#[cfg(test)]
mod tests {
    use super::parse_level;

    #[test]
    fn log_levels_and_directives_are_accepted() {
        for ok in [
            "error",
            "warn",
            "info",
            "debug",
            "trace",
            "off",
            "WARN",
            "nianbao=debug",
            "warn,nianbao::archive=trace",
        ] {
            assert!(parse_level(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn nonsense_is_refused() {
        for bad in ["nonsense", "", "info,verbose", "nianbao=loud"] {
            let e = parse_level(bad).unwrap_err();
            assert!(e.contains("use error, warn"), "{bad}: {e}");
        }
    }
}
