//! One settings value per run, built once from the command line.
//!
//! [`Settings`] holds everything that changes a conversion's result (OCR on or off, repair,
//! which text OCR reads); its [`Settings::version`] keys the stored results of the incremental
//! state, so a run with other settings reconverts.  [`Knobs`] holds the run-only resource knobs
//! (timeout, memory and input caps): they do not change a result that succeeds, only whether a
//! file fails, so they are not part of the version; a failure records the knobs it ran under and
//! is retried once the knob it blames is raised ([`Knob::blamed_by`], [`Knobs::relaxes`]).
//!
//! Workers get both as one JSON argument ([`WorkerSetup`]), not as loose flags.  To add an
//! option that changes results: add a field to `Settings` with `#[serde(default)]` (so an older
//! setup still parses) and a suffix in `version()` when it differs from its default.

use crate::limits::Limits;
use crate::ocr::{OcrDebug, OcrOptions, PageText};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::time::Duration;

/// Everything that changes the result of a conversion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Settings {
    /// `--no-ocr`: pages without a usable text layer are reported instead of OCR'd.
    pub no_ocr: bool,
    /// `--no-repair`: the repair stage is off.
    pub no_repair: bool,
    /// `--ocr-text`: which text outside the tables OCR reads.
    #[serde(serialize_with = "ser_page_text", deserialize_with = "de_page_text")]
    pub ocr_text: PageText,
    /// Hidden `--ocr-*` flags: the OCR producer's debugging and comparison knobs (options in
    /// this one value, not environment variables, so that workers get them too).
    pub ocr_debug: OcrDebug,
}

impl Settings {
    /// The version a stored result is keyed by: the pipeline version plus a suffix for each
    /// setting that differs from its default (the defaults give `PIPELINE_VERSION` itself).
    pub fn version(&self) -> String {
        let mut v = crate::pipeline::PIPELINE_VERSION.to_string();
        if self.no_ocr {
            v.push_str("+no-ocr");
        } else if self.ocr_text != PageText::default() {
            // Without OCR the text setting does not matter.
            v.push_str("+ocr-text-");
            v.push_str(self.ocr_text.as_str());
        }
        if self.no_repair {
            v.push_str("+no-repair");
        }
        if !self.no_ocr {
            v.push_str(&self.ocr_debug.version_suffix());
        }
        v
    }

    /// The OCR producer's options these settings ask for.
    pub fn ocr_options(&self) -> OcrOptions {
        OcrOptions {
            page_text: self.ocr_text,
            debug: self.ocr_debug.clone(),
            ..Default::default()
        }
    }

    /// The OCR producer these settings ask for (None when OCR is off).
    pub fn ocr_engine(&self) -> Option<Box<dyn crate::pipeline::PageOcr>> {
        crate::ocr_engine_with_options(self.no_ocr, self.ocr_options())
    }

    pub fn repair_mode(&self) -> crate::repair::Mode {
        crate::repair::Mode::from_off(self.no_repair)
    }
}

fn ser_page_text<S: Serializer>(p: &PageText, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(p.as_str())
}

fn de_page_text<'de, D: Deserializer<'de>>(d: D) -> Result<PageText, D::Error> {
    let s = String::deserialize(d)?;
    s.parse().map_err(serde::de::Error::custom)
}

/// The run-only resource knobs.  They decide whether a file fails, never what a successful
/// conversion contains.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Knobs {
    /// `--timeout`, seconds one file may take.
    pub timeout_s: f64,
    /// `--max-memory`, MiB of address space per worker (0 = none).
    pub max_memory_mb: u64,
    /// `--max-stream-mb`, MiB one decompressed PDF stream may reach (0 = none).
    pub max_stream_mb: u64,
    /// `--max-image-mpx`, megapixels of an image input (0 = none).
    pub max_image_mpx: u64,
}

impl Default for Knobs {
    fn default() -> Self {
        Knobs {
            timeout_s: 120.0,
            max_memory_mb: 4096,
            max_stream_mb: 256,
            max_image_mpx: 200,
        }
    }
}

/// One resource knob, named by its command-line flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Knob {
    Timeout,
    MaxMemory,
    MaxStream,
    MaxImage,
}

impl Knob {
    pub const ALL: [Knob; 4] = [
        Knob::Timeout,
        Knob::MaxMemory,
        Knob::MaxStream,
        Knob::MaxImage,
    ];

    pub fn flag(self) -> &'static str {
        match self {
            Knob::Timeout => "--timeout",
            Knob::MaxMemory => "--max-memory",
            Knob::MaxStream => "--max-stream-mb",
            Knob::MaxImage => "--max-image-mpx",
        }
    }

    /// The advice every limit failure ends with (`raise --timeout if ...`); the knob a failure
    /// blames is read back from it.
    pub fn advice(self) -> String {
        format!("raise {}", self.flag())
    }

    /// The knob a failure's error message blames: the one it tells the user to raise.  The
    /// messages are written with [`Knob::advice`] (worker timeouts and memory deaths, the stream
    /// and image caps), so this reads back what the code wrote, not free text.
    pub fn blamed_by(error: &str) -> Option<Knob> {
        Knob::ALL.into_iter().find(|k| {
            let a = k.advice();
            // `--max-stream-mb` must not be taken for a prefix match of another flag.
            error.match_indices(&a).any(|(i, _)| {
                !error[i + a.len()..].starts_with(|c: char| c == '-' || c.is_ascii_alphanumeric())
            })
        })
    }
}

impl Knobs {
    /// The value of one knob, as a number where larger is more permissive (0 = none = infinite).
    fn permissiveness(&self, k: Knob) -> f64 {
        let v = match k {
            Knob::Timeout => return self.timeout_s,
            Knob::MaxMemory => self.max_memory_mb,
            Knob::MaxStream => self.max_stream_mb,
            Knob::MaxImage => self.max_image_mpx,
        };
        if v == 0 { f64::INFINITY } else { v as f64 }
    }

    /// True when knob `k` is more permissive now (`self`) than it was in `then`: a failure
    /// caused by it may now succeed.
    pub fn relaxes(&self, then: &Knobs, k: Knob) -> bool {
        self.permissiveness(k) > then.permissiveness(k)
    }

    pub fn timeout(&self) -> Duration {
        Duration::from_secs_f64(self.timeout_s)
    }

    /// The caps a worker enforces on its inputs.
    pub fn limits(&self) -> Limits {
        Limits {
            max_stream_bytes: self.max_stream_mb << 20,
            max_image_pixels: self.max_image_mpx * 1_000_000,
        }
    }
}

/// What a worker process needs, sent as one JSON argument (`nianbao worker --setup JSON`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkerSetup {
    pub settings: Settings,
    pub knobs: Knobs,
}

impl WorkerSetup {
    pub fn to_arg(&self) -> String {
        serde_json::to_string(self).expect("settings serialize")
    }

    pub fn from_arg(s: &str) -> Result<WorkerSetup, String> {
        serde_json::from_str(s)
            .map_err(|e| format!("worker --setup is not valid JSON settings: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::PIPELINE_VERSION;

    #[test]
    fn versions_differ_by_result_settings_only() {
        let d = Settings::default();
        assert_eq!(d.version(), PIPELINE_VERSION);
        let all = Settings {
            ocr_text: PageText::All,
            ..d.clone()
        };
        assert_eq!(all.version(), format!("{PIPELINE_VERSION}+ocr-text-all"));
        let norep = Settings {
            no_repair: true,
            ..d.clone()
        };
        assert_eq!(norep.version(), format!("{PIPELINE_VERSION}+no-repair"));
        // OCR comparison knobs change results; a crop dump does not
        let nobatch = Settings {
            ocr_debug: OcrDebug {
                no_batch: true,
                binarize: crate::ocr::preprocess::Binarize::Sauvola,
                ..Default::default()
            },
            ..d.clone()
        };
        assert_eq!(
            nobatch.version(),
            format!("{PIPELINE_VERSION}+ocr-no-batch+ocr-binarize-sauvola")
        );
        let dump = Settings {
            ocr_debug: OcrDebug {
                dump: Some("crops".into()),
                ..Default::default()
            },
            ..d.clone()
        };
        assert_eq!(dump.version(), PIPELINE_VERSION);
        // Without OCR the text setting does not matter.
        assert_eq!(
            Settings {
                no_ocr: true,
                ocr_text: PageText::All,
                ..d.clone()
            }
            .version(),
            Settings {
                no_ocr: true,
                ocr_text: PageText::None,
                ..d
            }
            .version()
        );
    }

    #[test]
    fn worker_setup_round_trips_and_missing_fields_default() {
        let s = WorkerSetup {
            settings: Settings {
                no_ocr: false,
                no_repair: true,
                ocr_text: PageText::None,
                ocr_debug: OcrDebug {
                    no_batch: true,
                    dump: Some("crops".into()),
                    ..Default::default()
                },
            },
            knobs: Knobs {
                timeout_s: 3.5,
                max_memory_mb: 0,
                max_stream_mb: 7,
                max_image_mpx: 9,
            },
        };
        assert_eq!(WorkerSetup::from_arg(&s.to_arg()).unwrap(), s);
        let old: Settings = serde_json::from_str(r#"{"no_repair":true}"#).unwrap();
        assert_eq!(
            old,
            Settings {
                no_repair: true,
                ..Default::default()
            }
        );
        assert!(WorkerSetup::from_arg(r#"{"settings":{"ocr_text":"most"},"knobs":{}}"#).is_err());
        assert_eq!(s.knobs.limits().max_stream_bytes, 7 << 20);
    }

    #[test]
    fn failure_blames_the_knob_it_asks_to_raise() {
        assert_eq!(
            Knob::blamed_by(
                "timed out after 2 s (the worker was stopped; raise --timeout if the file is genuine but slow)"
            ),
            Some(Knob::Timeout)
        );
        assert_eq!(
            Knob::blamed_by(
                "worker crashed: ran out of memory (limit 64 MiB per worker; raise --max-memory if the file is genuine)"
            ),
            Some(Knob::MaxMemory)
        );
        assert_eq!(
            Knob::blamed_by(
                "stream 4 0 expands to more than 1 MiB ...; raise --max-stream-mb if the file is genuine"
            ),
            Some(Knob::MaxStream)
        );
        assert_eq!(
            Knob::blamed_by(
                "image is 1x1 = 300 Mpx, over the 200 Mpx cap; raise --max-image-mpx if the file is genuine"
            ),
            Some(Knob::MaxImage)
        );
        // Failures no knob causes are not retried by a knob change.
        assert_eq!(
            Knob::blamed_by("not a PDF: the file does not start with %PDF (empty file)"),
            None
        );
        assert_eq!(Knob::blamed_by("raise --timeouts"), None);
    }

    #[test]
    fn relaxing_means_higher_or_unlimited() {
        let then = Knobs {
            timeout_s: 2.0,
            max_memory_mb: 64,
            ..Default::default()
        };
        assert!(
            Knobs {
                timeout_s: 10.0,
                ..then
            }
            .relaxes(&then, Knob::Timeout)
        );
        assert!(
            !Knobs {
                timeout_s: 2.0,
                ..then
            }
            .relaxes(&then, Knob::Timeout)
        );
        assert!(
            !Knobs {
                timeout_s: 1.0,
                ..then
            }
            .relaxes(&then, Knob::Timeout)
        );
        assert!(
            Knobs {
                max_memory_mb: 0,
                ..then
            }
            .relaxes(&then, Knob::MaxMemory)
        );
        assert!(
            !Knobs {
                max_memory_mb: 64,
                timeout_s: 99.0,
                ..then
            }
            .relaxes(&then, Knob::MaxMemory)
        );
        let unlimited = Knobs {
            max_stream_mb: 0,
            ..then
        };
        assert!(
            !Knobs {
                max_stream_mb: 4096,
                ..then
            }
            .relaxes(&unlimited, Knob::MaxStream)
        );
    }
}
