//! SIGINT and SIGTERM during a run: the first one asks the run to stop (no new file is
//! dispatched, the workers are killed, the CSVs are rebuilt from what finished, the summary says
//! `interrupted` and the run exits with 128 + the signal: 130 for SIGINT, 143 for SIGTERM); a
//! second one ends the process at once with the signal's default action.
//!
//! signal-hook: its handlers only store into atomics (async-signal-safe), and it chains with
//! other handlers instead of replacing them.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

static RECEIVED: AtomicUsize = AtomicUsize::new(0);
static ARMED: AtomicBool = AtomicBool::new(false);

/// Catch SIGINT and SIGTERM from now on (idempotent).
pub fn install() -> std::io::Result<()> {
    static DONE: std::sync::OnceLock<()> = std::sync::OnceLock::new();
    if DONE.get().is_some() {
        return Ok(());
    }
    for sig in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        // Order matters: the second signal's default action is checked before the first
        // signal's flag arms it.
        signal_hook::flag::register_conditional_default(sig, &ARMED)?;
        signal_hook::flag::register_usize(sig, &RECEIVED, sig as usize)?;
        signal_hook::flag::register(sig, &ARMED)?;
    }
    let _ = DONE.set(());
    Ok(())
}

/// The signal that asked the run to stop, if any.
pub fn received() -> Option<i32> {
    match RECEIVED.load(Ordering::SeqCst) {
        0 => None,
        s => Some(s as i32),
    }
}

/// The conventional exit status after a terminating signal: 128 + its number.
pub fn exit_code(sig: i32) -> i32 {
    128 + sig
}

pub fn name(sig: i32) -> &'static str {
    match sig {
        libc::SIGINT => "SIGINT",
        libc::SIGTERM => "SIGTERM",
        _ => "signal",
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn exit_codes_follow_the_shell_convention() {
        assert_eq!(super::exit_code(libc::SIGINT), 130);
        assert_eq!(super::exit_code(libc::SIGTERM), 143);
    }
}
