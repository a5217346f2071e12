//! The batch machinery: runs over archives of many files, each converted in a supervised worker
//! process, with a state file so that a second run converts nothing new.
//!
//! - [`inputs`]: the command line's files and folders -> the list of inputs (and why some are
//!   skipped);
//! - [`archive`]: a run (hashing, sharding, reuse, dispatch, rebuilding the CSVs) and `merge`;
//! - [`worker`]: the child processes and their protocol, memory limit and timeout;
//! - [`state`]: the SQLite index of results by content hash and pipeline version;
//! - [`limits`]: resource caps that turn hostile inputs into a `failed` row;
//! - [`signals`]: SIGINT/SIGTERM ending a run cleanly.
//!
//! The modules are re-exported at the crate root (`nianbao::archive`, ...), where they lived
//! before this folder existed.

pub mod archive;
pub mod inputs;
pub mod limits;
pub mod signals;
pub mod state;
pub mod worker;
