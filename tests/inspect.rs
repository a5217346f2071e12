//! `nianbao inspect`: one PNG per page, digital pages rendered, OCR pages from their scan.

mod common;
use common::*;
use std::ffi::OsStr;
use std::path::Path;

fn png_size(p: &Path) -> (u32, u32) {
    let b = std::fs::read(p).unwrap();
    assert_eq!(
        &b[..8],
        b"\x89PNG\r\n\x1a\n",
        "{} is not a PNG",
        p.display()
    );
    let be = |i: usize| u32::from_be_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
    (be(16), be(20))
}

fn inspect(args: &[&str]) -> (i32, String, String) {
    let mut a: Vec<&OsStr> = vec![OsStr::new("inspect")];
    a.extend(args.iter().map(OsStr::new));
    let o = run(&a);
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn digital_page_is_rendered_at_the_asked_dpi() {
    let out = scratch("inspect-digital");
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/hongze-district-2023.pdf");
    let (code, stdout, err) = inspect(&[
        sample.to_str().unwrap(),
        "--page",
        "3",
        "--dpi",
        "72",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let files: Vec<&str> = stdout.lines().collect();
    assert_eq!(files.len(), 1, "{stdout}");
    assert!(files[0].ends_with("hongze-district-2023-p3.png"));
    // an A4 page at 72 dpi (595x842), with a gutter on the left for the located rows' keys and
    // at most a few lines above for the columns' keys
    let (w, h) = png_size(Path::new(files[0]));
    let (gutter, band) = (w as i32 - 595, h as i32 - 842);
    assert!(
        (0..400).contains(&gutter) && (0..80).contains(&band),
        "{w}x{h}"
    );
}

#[test]
fn every_page_without_page_option_and_bad_page_is_usage_error() {
    let out = scratch("inspect-all");
    let f = fixtures().join("scan-jpeg.pdf");
    let (code, stdout, err) = inspect(&[f.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let n = stdout.lines().count();
    assert!(n >= 1, "{stdout}");
    for l in stdout.lines() {
        let (w, h) = png_size(Path::new(l));
        assert!(w > 500 && h > 500, "{l}: {w}x{h}");
    }
    let (code, _, err) = inspect(&[
        f.to_str().unwrap(),
        "--page",
        "99",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("--page 99: the document has"), "{err}");
}

#[test]
fn text_dump_cannot_be_drawn() {
    let out = scratch("inspect-text");
    let t = out.join("dump.txt");
    std::fs::write(&t, "一、总体情况\n").unwrap();
    let (code, _, err) = inspect(&[t.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("a text dump has no page image"), "{err}");
}
