//! Fuzz the document entry point: bytes -> `pipeline::convert_bytes_caught`, the same call a
//! worker makes for each file, through the producers' router (`produce::route`): the first byte
//! picks the name the bytes come under (.pdf, .html, .docx, .txt, or none: the content decides).  Panics are caught there (they become a failed row),
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
        let name = match data.first().map(|b| b % 5) {
            Some(1) => "fuzz.html",
            Some(2) => "fuzz.docx",
            Some(3) => "fuzz.txt",
            Some(4) => "fuzz",
            _ => "fuzz.pdf",
        };
        let _ = convert_bytes_caught(data, Path::new(name), name, &opts);
    }
);
