//! Fuzz the document entry point: bytes -> `pipeline::convert_bytes_caught` as a .pdf, the
//! same call a worker makes for each file.  Panics are caught there (they become a failed row),
//! so the hook is silenced and what libFuzzer reports are the failures that would kill a worker:
//! aborts (stack overflow), hangs (-timeout) and memory blow-ups (-rss_limit_mb).
#![no_main]

use libfuzzer_sys::fuzz_target;
use nianbao::pipeline::{Options, convert_bytes_caught};
use std::path::Path;

fuzz_target!(
    init: {
        std::panic::set_hook(Box::new(|_| {}));
        nianbao::limits::set(nianbao::limits::Limits::default());
    },
    |data: &[u8]| {
        let opts = Options { ocr: None, tolerances: Default::default(), repair: nianbao::repair::Mode::On };
        let _ = convert_bytes_caught(data, Path::new("fuzz.pdf"), "fuzz.pdf", &opts);
    }
);
