//! Benchmark of the repair stage on OCR-like noise, until the OCR producer is merged: reads
//! digital PDFs, degrades their pages the way OCR does (word confidence below 1, look-alike
//! letters in numbers, confusable digits with the true reading as tesseract's alternative,
//! confusable characters in labels and text, missing vertical rulings between cells), and
//! converts every file twice, with and without repair.  Writes OUT/repair and OUT/no-repair
//! (reports, cells, checks, repairs CSV) to score with shared/eval/score.py.
//!
//! usage: cargo run --release --example noise_bench -- OUT SEED FILE.pdf...
//! (NOISE_FLAT=1: misread words get ordinary confidences instead of low ones; NOISE_RATE=x
//! scales every noise probability, 0 = only the confidences drop)
use nianbao::model::Page;
use nianbao::pipeline::{self, Options};
use nianbao::repair::Mode;
use nianbao::repair::lexicon::CONFUSABLE;
use nianbao::table::Tolerances;
use nianbao::{output, pdf};
use std::path::Path;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
    fn pick<T: Copy>(&mut self, v: &[T]) -> T {
        v[((self.next() * v.len() as f64) as usize).min(v.len() - 1)]
    }
}

const LOOK: &[(char, char)] = &[('0', 'O'), ('1', 'l'), ('5', 'S'), ('8', 'B'), ('2', 'Z')];
const SWAP: &[(char, char)] = &[
    ('3', '8'),
    ('8', '3'),
    ('1', '7'),
    ('7', '1'),
    ('5', '6'),
    ('6', '5'),
    ('0', '8'),
    ('8', '0'),
];

fn degrade(p: &mut Page, rng: &mut Rng, log: &mut [usize; 4], flat: bool, rate: f64) {
    let n = p.words.len();
    // OCR's confidence of a misread word: low, or (flat) like any other word
    let low = |rng: &mut Rng, c: f32| {
        if flat {
            0.7 + 0.29 * rng.next() as f32
        } else {
            c
        }
    };
    for i in 0..n {
        let w = &mut p.words[i];
        w.confidence = 0.7 + 0.29 * rng.next() as f32;
        let digits = !w.text.is_empty() && w.text.chars().all(|c| c.is_ascii_digit());
        if digits && rng.next() < 0.04 * rate {
            let cs: Vec<char> = w.text.chars().collect();
            let k = ((rng.next() * cs.len() as f64) as usize).min(cs.len() - 1);
            if let Some(&(_, l)) = LOOK.iter().find(|(d, _)| *d == cs[k]) {
                let mut v = cs.clone();
                v[k] = l;
                w.text = v.into_iter().collect();
                w.confidence = low(rng, 0.5);
                log[0] += 1;
            }
        } else if digits && rng.next() < 0.04 * rate {
            let cs: Vec<char> = w.text.chars().collect();
            let k = ((rng.next() * cs.len() as f64) as usize).min(cs.len() - 1);
            if let Some(&(_, s)) = SWAP.iter().find(|(d, _)| *d == cs[k]) {
                let mut v = cs.clone();
                v[k] = s;
                let truth = std::mem::replace(&mut w.text, v.into_iter().collect());
                if rng.next() < 0.5 {
                    w.alternatives = vec![truth];
                }
                w.confidence = low(rng, 0.6);
                log[1] += 1;
            }
        } else if !digits && rng.next() < 0.05 * rate {
            // one confusable character in a label or text
            let cs: Vec<char> = w.text.chars().collect();
            let spots: Vec<usize> = (0..cs.len())
                .filter(|&k| CONFUSABLE.iter().any(|g| g.contains(cs[k])))
                .collect();
            if !spots.is_empty() {
                let k = rng.pick(&spots);
                let g: Vec<char> = CONFUSABLE
                    .iter()
                    .find(|g| g.contains(cs[k]))
                    .map(|g| g.chars().filter(|&c| c != cs[k]).collect())
                    .unwrap_or_default();
                if !g.is_empty() {
                    let mut v = cs.clone();
                    v[k] = rng.pick(&g);
                    w.text = v.into_iter().collect();
                    w.confidence = low(rng, 0.6);
                    log[2] += 1;
                }
            }
        }
    }
    // missing rulings: cut the vertical ruling right of some numbers over their row
    for i in 0..n {
        let w = p.words[i].clone();
        if w.text.is_empty()
            || !w.text.chars().all(|c| c.is_ascii_digit())
            || rng.next() >= 0.03 * rate
        {
            continue;
        }
        let (cy, x) = (w.bbox.cy(), w.bbox.x1);
        let hs: Vec<f32> = p
            .rulings
            .iter()
            .filter(|s| (s.y1 - s.y0).abs() < 1.0 && s.x0.min(s.x1) <= x && s.x0.max(s.x1) >= x)
            .map(|s| s.y0)
            .collect();
        let (Some(top), Some(bot)) = (
            hs.iter().copied().filter(|&y| y < cy).reduce(f32::max),
            hs.iter().copied().filter(|&y| y > cy).reduce(f32::min),
        ) else {
            continue;
        };
        let Some(vi) = p
            .rulings
            .iter()
            .enumerate()
            .filter(|(_, s)| {
                (s.x1 - s.x0).abs() < 1.0
                    && s.x0 > x
                    && s.x0 - x < 40.0
                    && s.y0.min(s.y1) < cy
                    && s.y0.max(s.y1) > cy
            })
            .min_by(|a, b| a.1.x0.total_cmp(&b.1.x0))
            .map(|(k, _)| k)
        else {
            continue;
        };
        let s = p.rulings.remove(vi);
        let (y0, y1) = (s.y0.min(s.y1), s.y0.max(s.y1));
        if top - 0.5 > y0 {
            p.rulings.push(nianbao::model::Segment {
                x0: s.x0,
                y0,
                x1: s.x0,
                y1: top - 0.5,
            });
        }
        if bot + 0.5 < y1 {
            p.rulings.push(nianbao::model::Segment {
                x0: s.x0,
                y0: bot + 0.5,
                x1: s.x0,
                y1,
            });
        }
        log[3] += 1;
    }
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 4 {
        anyhow::bail!("usage: noise_bench OUT SEED FILE.pdf...");
    }
    let out = Path::new(&args[1]);
    let seed: u64 = args[2].parse()?;
    let flat = std::env::var_os("NOISE_FLAT").is_some();
    let rate: f64 = std::env::var("NOISE_RATE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1.0);
    let mut results = [Vec::new(), Vec::new()];
    let mut log = [0usize; 4];
    for (fi, f) in args[3..].iter().enumerate() {
        let bytes = std::fs::read(f)?;
        let doc = pdf::load(&bytes)?;
        let mut pages: Vec<Page> = pdf::read_pages(&doc)?.into_iter().map(|p| p.page).collect();
        let mut rng = Rng(seed
            .wrapping_mul(0x9E3779B97F4A7C15)
            .wrapping_add(fi as u64 + 1)
            | 1);
        for p in &mut pages {
            degrade(p, &mut rng, &mut log, flat, rate);
        }
        let shown = Path::new(f)
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or(f)
            .to_string();
        let sha = pipeline::sha256_hex(&bytes);
        for (k, mode) in [Mode::On, Mode::Off].into_iter().enumerate() {
            let opts = Options {
                ocr: None,
                tolerances: Tolerances::default(),
                repair: mode,
            };
            results[k].push(pipeline::convert_pages(
                pages.clone(),
                vec![],
                &sha,
                bytes.len() as u64,
                &shown,
                false,
                &opts,
            ));
        }
    }
    for (k, name) in ["repair", "no-repair"].into_iter().enumerate() {
        output::write_summary_csvs(&out.join(name), &results[k], false)?;
        for r in &results[k] {
            output::write_report_files(&out.join(name), r, false)?;
        }
    }
    eprintln!(
        "noise: {} look-alike letters, {} swapped digits, {} label/text characters, {} rulings cut",
        log[0], log[1], log[2], log[3]
    );
    Ok(())
}
