//! The `nianbao` command line.
//!
//! Exit status: 0 every input converted (ok, partial or duplicate), 1 some input failed (the
//! others are still written), 2 bad usage or output that cannot be written.

use anyhow::Result;
use clap::{Parser, Subcommand};
use nianbao::archive::{self, ConvertArgs};
use nianbao::logging::{self, LogFormat};
use nianbao::settings::{Knobs, Settings, WorkerSetup};
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "nianbao",
    version,
    about = "政府信息公开工作年度报告 (government information disclosure annual reports) to validated CSV"
)]
struct Cli {
    /// Log format on stderr: text, or json (one object per line, for log collectors).
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
    /// Log level filter (error, warn, info, debug, trace, or a tracing filter such as
    /// `nianbao=debug`).  Default: warn for text, info for json.  RUST_LOG overrides it.
    #[arg(long, global = true, value_parser = logging::parse_level, value_name = "LEVEL")]
    log_level: Option<String>,
    /// Debugging: log every OCR stage and cell decision (adds `nianbao::ocr=debug` to the log
    /// filter; worker processes log it too).
    #[arg(long, global = true, hide = true)]
    ocr_debug: bool,
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Convert reports (PDF, PNG, JPG, TIFF; files or folders) into CSV.
    ///
    /// Writes reports.csv (one row per input), cells.csv (one row per template cell),
    /// checks.csv (the template's arithmetic), tables/ (every table found) and text/ (each
    /// report's text) into the output folder.  Incremental: a file whose content was already
    /// converted by this pipeline version into the same --out is not converted again.
    #[command(
        after_help = "Exit status: 0 every input converted (ok, partial or duplicate), 1 some input failed (the others are still written), 2 bad usage or an output that cannot be written."
    )]
    Convert {
        /// Files and folders to convert (folders are walked recursively).
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// Output folder (created if missing).  Holds the state (.nianbao/) of incremental runs.
        #[arg(short, long)]
        out: PathBuf,
        /// Parallel jobs (worker processes) [default: number of cores].
        #[arg(short, long)]
        jobs: Option<usize>,
        /// Write CSV with a UTF-8 BOM so that Excel shows the Chinese text correctly.
        #[arg(long)]
        excel: bool,
        /// Do not write the workbook OUT/nianbao.xlsx.
        #[arg(long)]
        no_xlsx: bool,
        /// No progress bar and no summary line.
        #[arg(short, long)]
        quiet: bool,
        /// Do not OCR pages without a usable text layer (they are reported instead).
        #[arg(long)]
        no_ocr: bool,
        /// Do not repair OCR artifacts (to measure what the repair stage does).
        #[arg(long)]
        no_repair: bool,
        /// Which text outside the tables OCR reads: first-page (the title; cheapest useful),
        /// all (every page's prose, for a complete text/ file; about twice the CPU), none.
        #[arg(long, default_value = "first-page", value_name = "WHICH")]
        ocr_text: nianbao::ocr::PageText,
        /// Reconvert every input even when a stored result exists (and rehash every file).
        #[arg(long)]
        force: bool,
        /// Reconvert inputs whose stored result is `failed` (e.g. after a timeout on a busy machine).
        #[arg(long)]
        retry_failed: bool,
        /// Take only shard K of N (0 <= K < N), chosen by content hash; combine with `nianbao merge`.
        #[arg(long, value_parser = archive::parse_shard, value_name = "K/N")]
        shard: Option<(u64, u64)>,
        /// Seconds one file may take before its worker is stopped and the file fails.
        #[arg(long, default_value_t = 120.0, value_name = "SECS", value_parser = parse_timeout)]
        timeout: f64,
        /// Address-space limit of each worker process in MiB (0 = none).
        #[arg(long, default_value_t = 4096, value_name = "MIB")]
        max_memory: u64,
        /// Largest decompressed size of one PDF stream in MiB (0 = none).
        #[arg(long, default_value_t = 256, value_name = "MIB")]
        max_stream_mb: u64,
        /// Largest image input in megapixels (0 = none).
        #[arg(long, default_value_t = 200, value_name = "MPX")]
        max_image_mpx: u64,
        /// Convert in this process instead of supervised workers (debugging; a crash or hang
        /// in one file then takes the run down).
        #[arg(long)]
        in_process: bool,
        /// Write a machine-readable summary of the run (JSON) to this file.
        #[arg(long, value_name = "FILE")]
        summary_json: Option<PathBuf>,
        #[command(flatten)]
        ocr_debug: OcrDebugArgs,
    },
    /// Combine the output folders of shard runs (`convert --shard K/N`) into one.
    #[command(
        after_help = "Exit status: 0 no input failed, 1 some input failed, 2 bad usage or unreadable shard output."
    )]
    Merge {
        /// Output folders of the shard runs.
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        /// Folder to write the merged outputs to.
        #[arg(short, long)]
        out: PathBuf,
        /// Write CSV with a UTF-8 BOM (also on when any shard was written with --excel).
        #[arg(long)]
        excel: bool,
        /// Do not write the workbook OUT/nianbao.xlsx.
        #[arg(long)]
        no_xlsx: bool,
        /// No summary line.
        #[arg(short, long)]
        quiet: bool,
        /// Write a machine-readable summary (JSON) to this file.
        #[arg(long, value_name = "FILE")]
        summary_json: Option<PathBuf>,
    },
    /// Draw each page with what nianbao saw: rulings, reconstructed cells, words with their
    /// confidence, and the template cells (flagged ones in magenta), one PNG per page.
    #[command(
        after_help = "Colours: blue rulings; cyan table cells; word boxes green (confidence >= 90%), orange (>= 60%), red (below); thick green template cells labelled row:col; thick magenta flagged cells labelled with their first flag.\n\nExit status: 0 written, 2 the file cannot be read or drawn."
    )]
    Inspect {
        /// The report (PDF or image).
        file: PathBuf,
        /// Only this page (1-based).
        #[arg(long, value_name = "N")]
        page: Option<u32>,
        /// Folder for the PNGs (<name>-p<N>.png).
        #[arg(short, long)]
        out: PathBuf,
        /// Resolution for drawing digital pages.
        #[arg(long, default_value_t = 150.0)]
        dpi: f32,
        /// Do not OCR pages without a usable text layer.
        #[arg(long)]
        no_ocr: bool,
        /// Do not repair OCR artifacts.
        #[arg(long)]
        no_repair: bool,
        #[command(flatten)]
        ocr_debug: OcrDebugArgs,
    },
    /// Confirm or correct the values in doubt: writes OUT/review/index.html (crops of each
    /// flagged cell); the decisions go into OUT/corrections.csv, which every later convert applies.
    #[command(
        after_help = "Without --serve, the page's \"Download corrections.csv\" saves the file to put into OUT/.  With --serve, the page is served on 127.0.0.1 only and \"Save\" writes OUT/corrections.csv.\n\nExit status: 0 written (or served until Ctrl-C), 2 OUT holds no conversion or cannot be written."
    )]
    Review {
        /// The output folder of `nianbao convert`.
        out: PathBuf,
        /// Serve the page on http://127.0.0.1:PORT/ and save decisions directly.
        #[arg(long)]
        serve: bool,
        /// Port for --serve (0: any free port; the URL is printed on stdout).
        #[arg(long, default_value_t = 8765)]
        port: u16,
    },
    /// Internal: serve conversions to a supervising `nianbao convert` over stdin/stdout.
    #[command(hide = true)]
    Worker {
        /// The run's settings and knobs as one JSON value (`settings::WorkerSetup`).
        #[arg(long, value_parser = WorkerSetup::from_arg)]
        setup: WorkerSetup,
    },
}

/// The OCR producer's hidden debugging flags (`ocr::OcrDebug`).
#[derive(clap::Args)]
struct OcrDebugArgs {
    /// Debugging: read every number cell alone (not batched).
    #[arg(long, hide = true)]
    ocr_no_batch: bool,
    /// Debugging: write every number crop with its reading into this folder.
    #[arg(long, hide = true, value_name = "DIR")]
    ocr_dump: Option<PathBuf>,
    /// Debugging: text binarisation (otsu, global, sauvola).
    #[arg(long, hide = true, default_value = "otsu")]
    ocr_binarize: nianbao::ocr::preprocess::Binarize,
    /// Debugging: no seal finding by shape.
    #[arg(long, hide = true)]
    ocr_no_seal: bool,
}

impl OcrDebugArgs {
    fn knobs(self, log: bool) -> Result<nianbao::ocr::OcrDebug> {
        if let Some(d) = &self.ocr_dump {
            std::fs::create_dir_all(d)?;
        }
        Ok(nianbao::ocr::OcrDebug {
            no_batch: self.ocr_no_batch,
            binarize: self.ocr_binarize,
            no_seal: self.ocr_no_seal,
            dump: self.ocr_dump,
            log,
        })
    }
}

fn main() {
    // Before any thread exists: tesseract's OpenMP must not compete with our own parallelism.
    nianbao::ocr::engine::ensure_single_threaded_openmp();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            std::process::exit(code);
        }
    };
    // --ocr-debug: the OCR producer's debug log, also from the workers (whose stderr lines are
    // passed on at debug level under nianbao::worker; they get the flag with their setup)
    let ocr_log =
        cli.ocr_debug || matches!(&cli.cmd, Cmd::Worker { setup } if setup.settings.ocr_debug.log);
    let level = match (ocr_log, cli.log_level.as_deref()) {
        (true, l) => Some(format!(
            "{},nianbao::ocr=debug,nianbao::worker=debug",
            l.unwrap_or("warn")
        )),
        (false, l) => l.map(str::to_string),
    };
    logging::init(cli.log_format, level.as_deref());
    let code = match run(cli) {
        Ok(c) => c,
        Err(e) => {
            logging::fatal(&format!("{e:#}"));
            2
        }
    };
    std::process::exit(code);
}

fn run(cli: Cli) -> Result<i32> {
    let ocr_log = cli.ocr_debug;
    match cli.cmd {
        Cmd::Convert {
            inputs,
            out,
            jobs,
            excel,
            no_xlsx,
            quiet,
            no_ocr,
            no_repair,
            ocr_text,
            force,
            retry_failed,
            shard,
            timeout,
            max_memory,
            max_stream_mb,
            max_image_mpx,
            in_process,
            summary_json,
            ocr_debug,
        } => {
            let jobs = jobs
                .unwrap_or_else(|| {
                    std::thread::available_parallelism()
                        .map(|n| n.get())
                        .unwrap_or(1)
                })
                .max(1);
            archive::convert(ConvertArgs {
                inputs,
                out,
                jobs,
                excel,
                xlsx: !no_xlsx,
                quiet,
                force,
                retry_failed,
                shard,
                in_process,
                summary_json,
                settings: Settings {
                    no_ocr,
                    no_repair,
                    ocr_text,
                    ocr_debug: ocr_debug.knobs(ocr_log)?,
                },
                knobs: Knobs {
                    timeout_s: timeout,
                    max_memory_mb: max_memory,
                    max_stream_mb,
                    max_image_mpx,
                },
            })
        }
        Cmd::Merge {
            dirs,
            out,
            excel,
            no_xlsx,
            quiet,
            summary_json,
        } => archive::merge(&dirs, &out, excel, !no_xlsx, quiet, summary_json.as_deref()),
        Cmd::Inspect {
            file,
            page,
            out,
            dpi,
            no_ocr,
            no_repair,
            ocr_debug,
        } => {
            if !(36.0..=600.0).contains(&dpi) {
                eprintln!("nianbao: error: --dpi must be between 36 and 600");
                return Ok(2);
            }
            let settings = Settings {
                no_ocr,
                no_repair,
                ocr_debug: ocr_debug.knobs(ocr_log)?,
                ..Default::default()
            };
            let engine = settings.ocr_engine();
            let o = nianbao::inspect::InspectOptions {
                page,
                dpi,
                convert: nianbao::pipeline::Options {
                    ocr: engine.as_deref(),
                    tolerances: Default::default(),
                    repair: settings.repair_mode(),
                },
                ocr: (!no_ocr).then(nianbao::ocr::TesseractConfig::default),
                ocr_debug: settings.ocr_debug.clone(),
            };
            match nianbao::inspect::inspect_file(&file, &out, &o) {
                Ok(files) => {
                    for f in files {
                        println!("{}", f.display());
                    }
                    Ok(0)
                }
                Err(e) => {
                    eprintln!("nianbao: error: {e:#}");
                    Ok(2)
                }
            }
        }
        Cmd::Review { out, serve, port } => nianbao::review::review(&out, serve, port),
        Cmd::Worker { setup } => {
            nianbao::worker::serve(&setup)?;
            Ok(0)
        }
    }
}

/// `--timeout`: a positive, finite number of seconds (refused by clap with exit 2 otherwise).
fn parse_timeout(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(t) if t > 0.0 && t.is_finite() => Ok(t),
        _ => Err(format!("{s:?} is not a positive number of seconds")),
    }
}
