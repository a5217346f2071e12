//! Every input gets a row: report-like files of a kind not read yet are `skipped` with what to
//! do, folder entries that cannot be opened are `failed` (exit 1); the path an output folder saw
//! first stays the primary of duplicates; a text layer in English is read, not OCR'd.

mod common;
use common::*;
use nianbao::pipeline::{self, Options, PageOcr};
use nianbao::table::Tolerances;
use std::path::{Path, PathBuf};

fn run_summary(
    dir: &Path,
    inputs: &[PathBuf],
    out: &Path,
    extra: &[&str],
) -> (i32, serde_json::Value, String) {
    let s = dir.join(format!(
        "summary-{}.json",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    let mut e: Vec<&str> = vec!["--summary-json", s.to_str().unwrap()];
    e.extend_from_slice(extra);
    let (code, err) = convert(inputs, out, &e);
    assert!(code == 0 || code == 1, "{err}");
    (code, summary(&s), err)
}

#[test]
fn a_folder_with_a_doc_and_an_unreadable_entry() {
    let dir = scratch("every-input");
    let inputs = dir.join("in");
    std::fs::create_dir_all(&inputs).unwrap();
    std::fs::copy(fixtures().join("good-01.pdf"), inputs.join("good.pdf")).unwrap();
    std::fs::write(
        inputs.join("2023年报告.doc"),
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 legacy word",
    )
    .unwrap();
    std::fs::write(inputs.join("table.XLSX"), b"PK\x03\x04 sheet").unwrap();
    std::fs::write(inputs.join("notes.md"), b"not a report").unwrap();
    std::fs::write(
        inputs.join("dump.txt"),
        b"text dumps are read only when named",
    )
    .unwrap();
    // a link whose target is gone: it cannot be opened, whoever runs the test
    std::os::unix::fs::symlink(dir.join("moved-away.pdf"), inputs.join("gone.pdf")).unwrap();

    let out = dir.join("out");
    let (code, s, err) = run_summary(&dir, &[inputs.clone()], &out, &[]);
    assert_eq!(code, 1, "an unreadable input fails the run: {err}");
    let rows = reports(&out);
    assert_eq!(rows.len(), 4, "{rows:#?}");
    assert_eq!(row(&rows, "good.pdf")["status"], "ok");
    let doc = row(&rows, "2023年报告.doc");
    assert_eq!(doc["status"], "skipped");
    assert_eq!(
        doc["error"],
        "legacy Word .doc is not read yet: save it as .docx or PDF"
    );
    assert_eq!(
        doc["report_id"].len(),
        16,
        "a skipped file keeps its content id"
    );
    assert_eq!(row(&rows, "table.XLSX")["status"], "skipped");
    let gone = row(&rows, "gone.pdf");
    assert_eq!(gone["status"], "failed");
    assert!(gone["error"].contains("No such file"), "{gone:?}");
    assert_eq!(
        (
            s["skipped"].as_u64(),
            s["failed"].as_u64(),
            s["ok"].as_u64(),
            s["files"].as_u64()
        ),
        (Some(2), Some(1), Some(1), Some(4)),
        "{s}"
    );
    assert!(err.is_empty() || !err.contains("panic"), "{err}");

    // skipped rows do not make the exit status 1; a second run lists them again
    std::fs::remove_file(inputs.join("gone.pdf")).unwrap();
    let (code, s, _) = run_summary(&dir, &[inputs.clone()], &out, &[]);
    assert_eq!(code, 0);
    assert_eq!(
        (
            s["skipped"].as_u64(),
            s["failed"].as_u64(),
            s["files"].as_u64()
        ),
        (Some(2), Some(0), Some(3)),
        "{s}"
    );
    assert_eq!(row(&reports(&out), "2023年报告.doc")["status"], "skipped");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_file_without_read_permission_gets_a_failed_row() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch("no-permission");
    let inputs = dir.join("in");
    std::fs::create_dir_all(&inputs).unwrap();
    std::fs::copy(fixtures().join("good-01.pdf"), inputs.join("a.pdf")).unwrap();
    let locked = inputs.join("locked.pdf");
    std::fs::copy(fixtures().join("good-15.pdf"), &locked).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    // root reads it anyway: then the file is converted like any other
    let readable = std::fs::File::open(&locked).is_ok();
    let out = dir.join("out");
    let (code, _, err) = run_summary(&dir, &[inputs.clone()], &out, &[]);
    let rows = reports(&out);
    assert_eq!(rows.len(), 2, "{rows:#?}");
    let r = row(&rows, "locked.pdf");
    if readable {
        assert_eq!((code, r["status"].as_str()), (0, "ok"), "{err}");
    } else {
        assert_eq!(code, 1, "{err}");
        assert_eq!(r["status"], "failed");
        assert!(r["error"].contains("ermission denied"), "{r:?}");
    }
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o644)).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_doc_named_on_the_command_line_is_skipped_in_process_too() {
    let dir = scratch("doc-by-name");
    let p = dir.join("report.wps");
    std::fs::write(&p, b"wps bytes").unwrap();
    let opts = Options {
        ocr: None,
        tolerances: Tolerances::default(),
        repair: nianbao::repair::Mode::On,
    };
    let r = pipeline::convert_file(&p, "report.wps", &opts);
    assert_eq!(r.report.status, "skipped");
    assert!(
        r.report.error.contains(".wps is not read yet"),
        "{}",
        r.report.error
    );
    // an unknown extension named on the command line is still a failure
    let q = dir.join("report.zip");
    std::fs::write(&q, b"PK").unwrap();
    assert_eq!(
        pipeline::convert_file(&q, "report.zip", &opts)
            .report
            .status,
        "failed"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn adding_a_copy_of_an_old_file_makes_the_copy_the_duplicate() {
    let dir = scratch("first-seen");
    let inputs = dir.join("in");
    std::fs::create_dir_all(&inputs).unwrap();
    std::fs::copy(
        fixtures().join("good-01.pdf"),
        inputs.join("m-original.pdf"),
    )
    .unwrap();
    let out = dir.join("out");
    let (_, s1, _) = run_summary(&dir, &[inputs.clone()], &out, &[]);
    assert_eq!(s1["duplicates"], 0);

    // a copy whose name sorts first, and one that sorts last
    std::fs::copy(fixtures().join("good-01.pdf"), inputs.join("a-copy.pdf")).unwrap();
    std::fs::copy(fixtures().join("good-01.pdf"), inputs.join("z-copy.pdf")).unwrap();
    for extra in [&[][..], &["--force"][..]] {
        let (_, s, _) = run_summary(&dir, &[inputs.clone()], &out, extra);
        assert_eq!(s["duplicates"], 2, "{s}");
        let rows = reports(&out);
        // rows stay in path order
        let names: Vec<&str> = rows
            .iter()
            .map(|r| r["source_file"].rsplit('/').next().unwrap())
            .collect();
        assert_eq!(names, ["a-copy.pdf", "m-original.pdf", "z-copy.pdf"]);
        assert_eq!(row(&rows, "m-original.pdf")["status"], "ok");
        for copy in ["a-copy.pdf", "z-copy.pdf"] {
            let r = row(&rows, copy);
            assert_eq!(r["status"], "duplicate", "{extra:?}");
            assert!(r["error"].ends_with("m-original.pdf"), "{r:?}");
            assert_eq!(r["report_id"], row(&rows, "m-original.pdf")["report_id"]);
        }
        assert_good01_cells(&out, "m-original.pdf");
        assert!(
            read_csv(&out.join("cells.csv"))
                .iter()
                .all(|c| c["source_file"].ends_with("m-original.pdf"))
        );
    }

    // in a fresh output folder every path is new: the first by path is the primary
    let fresh = dir.join("fresh");
    let (_, _, _) = run_summary(&dir, &[inputs.clone()], &fresh, &[]);
    assert_eq!(row(&reports(&fresh), "a-copy.pdf")["status"], "ok");
    assert_eq!(
        row(&reports(&fresh), "m-original.pdf")["status"],
        "duplicate"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// An OCR engine that records the pages it is asked for and reads nothing.
#[derive(Default)]
struct Recorder(std::sync::Mutex<Vec<u32>>);

impl PageOcr for Recorder {
    fn pdf_page(&self, _bytes: &[u8], number: u32) -> anyhow::Result<nianbao::model::Page> {
        self.0.lock().unwrap().push(number);
        Ok(nianbao::model::Page::new(
            number,
            595.0,
            842.0,
            nianbao::model::PageKind::Scanned,
        ))
    }
    fn image_file(&self, _bytes: &[u8], _path: &Path) -> anyhow::Result<Vec<nianbao::model::Page>> {
        anyhow::bail!("no images here")
    }
}

/// A one-page PDF whose text is `lines` in Helvetica (WinAnsi), made with lopdf.
fn latin_pdf(lines: &[&str]) -> Vec<u8> {
    use lopdf::content::{Content, Operation};
    use lopdf::{Document, Object, Stream, dictionary};
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding",
    });
    let resources_id = doc.add_object(dictionary! { "Font" => dictionary! { "F1" => font_id } });
    let mut ops = vec![
        Operation::new("BT", vec![]),
        Operation::new("Tf", vec!["F1".into(), 11.into()]),
        Operation::new("TL", vec![15.into()]),
    ];
    ops.push(Operation::new("Td", vec![60.into(), 780.into()]));
    for l in lines {
        ops.push(Operation::new("Tj", vec![Object::string_literal(*l)]));
        ops.push(Operation::new("T*", vec![]));
    }
    ops.push(Operation::new("ET", vec![]));
    let content = Content { operations: ops };
    let content_id = doc.add_object(Stream::new(dictionary! {}, content.encode().unwrap()));
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages_id, "Contents" => content_id, "Resources" => resources_id,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(
            dictionary! { "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1 },
        ),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

#[test]
fn an_english_text_layer_is_read_not_ocrd() {
    let pdf = latin_pdf(&[
        "Annual Report on Government Information Disclosure 2023",
        "I. General situation",
        "The bureau published 420 items of government information this year,",
        "answered 2 requests within the statutory time limit and received no appeals.",
    ]);
    let ocr = Recorder::default();
    let opts = Options {
        ocr: Some(&ocr),
        tolerances: Tolerances::default(),
        repair: nianbao::repair::Mode::On,
    };
    let r = pipeline::convert_bytes_caught(&pdf, Path::new("english.pdf"), "english.pdf", &opts);
    assert!(
        ocr.0.lock().unwrap().is_empty(),
        "the text layer was OCR'd: {:?}",
        ocr.0.lock().unwrap()
    );
    assert_eq!(r.report.kind, "digital");
    assert!(
        r.text.contains("Government Information Disclosure"),
        "{}",
        r.text
    );

    // a page whose text layer is only a short footer (a scan's page number and URL) is OCR'd
    let footer = latin_pdf(&["- 3 -", "www.example.gov.cn 2024-01-16"]);
    let ocr = Recorder::default();
    let opts = Options {
        ocr: Some(&ocr),
        tolerances: Tolerances::default(),
        repair: nianbao::repair::Mode::On,
    };
    let _ = pipeline::convert_bytes_caught(&footer, Path::new("footer.pdf"), "footer.pdf", &opts);
    assert_eq!(*ocr.0.lock().unwrap(), vec![1]);
}
