//! The `nianbao` command line.
//!
//! Exit status: 0 every input converted (ok or partial), 1 some input failed (the others are
//! still written), 2 bad usage or output that cannot be written.

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use nianbao::pipeline::{self, Options, ReportResult};
use nianbao::{inputs, output, table::Tolerances};
use rayon::prelude::*;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

#[derive(Parser)]
#[command(name = "nianbao", version, about = "政府信息公开工作年度报告 (government information disclosure annual reports) to validated CSV")]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Convert reports (PDF, PNG, JPG, TIFF; files or folders; TXT text dumps named as files) into CSV.
    ///
    /// Writes reports.csv (one row per input), cells.csv (one row per template cell),
    /// checks.csv (the template's arithmetic), tables/ (every table found) and text/ (each
    /// report's text) into the output folder.
    #[command(after_help = "Exit status: 0 every input converted, 1 some input failed (the others are still written), 2 bad usage.")]
    Convert {
        /// Files and folders to convert (folders are walked recursively).
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// Output folder (created if missing).
        #[arg(short, long)]
        out: PathBuf,
        /// Parallel jobs [default: number of cores].
        #[arg(short, long)]
        jobs: Option<usize>,
        /// Write CSV with a UTF-8 BOM so that Excel shows the Chinese text correctly.
        #[arg(long)]
        excel: bool,
        /// No progress bar and no summary line.
        #[arg(short, long)]
        quiet: bool,
        /// Do not OCR pages without a usable text layer (they are reported instead).
        #[arg(long)]
        no_ocr: bool,
        /// Do not repair OCR artifacts (to measure what the repair stage does).
        #[arg(long)]
        no_repair: bool,
    },
}

fn main() {
    // tesseract's OpenMP threads would fight rayon for the cores (3.9x the CPU per page)
    nianbao::ocr::engine::ensure_single_threaded_openmp();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            std::process::exit(code);
        }
    };
    let code = match run(cli) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("nianbao: error: {e:#}");
            2
        }
    };
    std::process::exit(code);
}

fn run(cli: Cli) -> Result<i32> {
    match cli.cmd {
        Cmd::Convert { inputs, out, jobs, excel, quiet, no_ocr, no_repair } => convert(inputs, out, jobs, excel, quiet, no_ocr, no_repair),
    }
}

fn convert(inputs: Vec<PathBuf>, out: PathBuf, jobs: Option<usize>, excel: bool, quiet: bool, no_ocr: bool, no_repair: bool) -> Result<i32> {
    let start = Instant::now();
    let found = inputs::collect(&inputs)?;
    for w in &found.warnings {
        eprintln!("nianbao: warning: {w}");
    }
    if found.files.is_empty() {
        eprintln!("nianbao: error: no convertible files (.pdf .png .jpg .jpeg .tif .tiff; .txt by name) under the given inputs");
        return Ok(2);
    }
    std::fs::create_dir_all(&out).with_context(|| format!("cannot create the output folder {}", out.display()))?;
    let jobs = jobs.unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)).max(1);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(jobs).build().context("cannot start worker threads")?;

    let bar = ProgressBar::new(found.files.len() as u64);
    if quiet || !std::io::stderr().is_terminal() {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} files, {msg} ({per_sec}, ETA {eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let pages_done = AtomicU64::new(0);
    let ocr = nianbao::ocr_engine(no_ocr);
    let repair = if no_repair { nianbao::repair::Mode::Off } else { nianbao::repair::Mode::On };
    let opts = Options { ocr: ocr.as_deref(), tolerances: Tolerances::default(), repair };
    let mut results: Vec<ReportResult> = pool.install(|| {
        found
            .files
            .par_iter()
            .map(|f| {
                let r = pipeline::convert_file(&f.path, &f.shown, &opts);
                let p = pages_done.fetch_add(r.report.pages as u64, Ordering::Relaxed) + r.report.pages as u64;
                bar.set_message(format!("{p} pages"));
                bar.inc(1);
                r
            })
            .collect()
    });
    bar.finish_and_clear();
    results.sort_by(|a, b| a.report.source_file.cmp(&b.report.source_file));
    for r in &results {
        output::write_report_files(&out, r, excel)?;
    }
    output::write_summary_csvs(&out, &results, excel)?;

    let count = |s: &str| results.iter().filter(|r| r.report.status == s).count();
    let failed = count("failed");
    if !quiet {
        let pages: u32 = results.iter().map(|r| r.report.pages).sum();
        let cells: u32 = results.iter().map(|r| r.report.cells).sum();
        let checks_failed: u32 = results.iter().map(|r| r.report.checks_failed).sum();
        eprintln!(
            "nianbao: {} files: {} ok, {} partial, {} failed; {} pages, {} cells, {} checks failed; {:.1} s -> {}",
            results.len(),
            count("ok"),
            count("partial"),
            failed,
            pages,
            cells,
            checks_failed,
            start.elapsed().as_secs_f64(),
            out.display()
        );
        for r in results.iter().filter(|r| r.report.status == "failed") {
            eprintln!("nianbao: failed: {}: {}", r.report.source_file, r.report.error);
        }
    }
    Ok(if failed > 0 { 1 } else { 0 })
}
