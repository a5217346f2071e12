//! A complete template report as markup, for the HTML and DOCX producer tests: the three tables
//! described once as cells on a grid (with the merged cells real reports have: a three-row
//! requests header, 三、本年度办理结果 down 22 rows, 行政复议 over five columns), with numbers
//! whose arithmetic holds, then written as Word-exported HTML or as a DOCX's document.xml.
#![allow(dead_code)]

use std::collections::BTreeMap;

pub const AGENCY: &str = "青州市测绘地理信息局";
pub const YEAR: &str = "2023";

/// A cell of a table spec: rows r0..r1, columns c0..c1, lines of text.
pub struct Spec {
    pub r0: usize,
    pub r1: usize,
    pub c0: usize,
    pub c1: usize,
    pub lines: Vec<String>,
}

fn s(r0: usize, r1: usize, c0: usize, c1: usize, text: &str) -> Spec {
    Spec {
        r0,
        r1,
        c0,
        c1,
        lines: text.split('\n').map(str::to_string).collect(),
    }
}

/// The expected template values, keyed `table.row.col`; blank cells are printed empty (0).
pub fn values() -> BTreeMap<String, String> {
    let mut v = BTreeMap::new();
    for (row, cols) in [
        (
            "regulations",
            vec![("issued", "2"), ("repealed", "0"), ("in_force", "17")],
        ),
        (
            "normative_documents",
            vec![("issued", "31"), ("repealed", "4"), ("in_force", "208")],
        ),
    ] {
        for (c, x) in cols {
            v.insert(format!("active.{row}.{c}"), x.to_string());
        }
    }
    v.insert("active.licensing.decisions".into(), "12034".into());
    v.insert("active.punishment.decisions".into(), "387".into());
    v.insert("active.coercion.decisions".into(), "0".into());
    v.insert("active.fees.amount_10k_yuan".into(), "1520.75".into());
    let cols = [
        "natural_person",
        "commercial",
        "research",
        "social_welfare",
        "legal_services",
        "other_org",
    ];
    let result_rows = [
        "granted",
        "partially_granted",
        "denied_state_secret",
        "denied_law_forbidden",
        "denied_three_safety",
        "denied_third_party",
        "denied_internal_affairs",
        "denied_process_info",
        "denied_enforcement_file",
        "denied_inquiry",
        "unable_not_held",
        "unable_need_creation",
        "unable_unclear",
        "rejected_petition",
        "rejected_repeat",
        "rejected_publication",
        "rejected_massive",
        "rejected_confirmation",
        "other_overdue_correction",
        "other_overdue_fee",
        "other_other",
    ];
    let mut put = |row: &str, xs: [u32; 6]| {
        for (c, x) in cols.iter().zip(xs) {
            v.insert(format!("requests.{row}.{c}"), x.to_string());
        }
        v.insert(
            format!("requests.{row}.total"),
            xs.iter().sum::<u32>().to_string(),
        );
    };
    let mut processed = [0u32; 6];
    for (i, row) in result_rows.iter().enumerate() {
        let xs: [u32; 6] =
            std::array::from_fn(|j| ((i * 7 + j * 3) % 5) as u32 * if j == 0 { 11 } else { 1 });
        for j in 0..6 {
            processed[j] += xs[j];
        }
        put(row, xs);
    }
    let carried_over = [3, 1, 0, 0, 2, 0];
    let carried_forward = [5, 0, 1, 0, 0, 2];
    let new_received: [u32; 6] =
        std::array::from_fn(|j| processed[j] + carried_forward[j] - carried_over[j]);
    put("new_received", new_received);
    put("carried_over", carried_over);
    put("total_processed", processed);
    put("carried_forward", carried_forward);
    let appeals = ["upheld", "corrected", "other", "pending"];
    for (g, xs) in [
        ("review", [3u32, 1, 0, 2]),
        ("litigation_direct", [1, 0, 0, 1]),
        ("litigation_after_review", [0, 0, 1, 0]),
    ] {
        for (k, x) in appeals.iter().zip(xs) {
            v.insert(format!("appeals.cases.{g}_{k}"), x.to_string());
        }
        v.insert(
            format!("appeals.cases.{g}_total"),
            xs.iter().sum::<u32>().to_string(),
        );
    }
    v
}

/// How a value is printed: zeros blank in the requests table (as many reports do), fees as is.
fn printed(v: &BTreeMap<String, String>, key: &str) -> String {
    let x = &v[key];
    if key.starts_with("requests.") && x == "0" {
        String::new()
    } else {
        x.clone()
    }
}

pub fn active(v: &BTreeMap<String, String>) -> Vec<Spec> {
    let a = |k: &str| printed(v, &format!("active.{k}"));
    let mut t = vec![
        s(0, 1, 0, 4, "第二十条第（一）项"),
        s(1, 2, 0, 1, "信息内容"),
        s(1, 2, 1, 2, "本年制发件数"),
        s(1, 2, 2, 3, "本年废止件数"),
        s(1, 2, 3, 4, "现行有效件数"),
        s(2, 3, 0, 1, "规章"),
        s(3, 4, 0, 1, "行政规范性文件"),
    ];
    for (r, row) in [(2, "regulations"), (3, "normative_documents")] {
        for (c, col) in [(1, "issued"), (2, "repealed"), (3, "in_force")] {
            t.push(s(r, r + 1, c, c + 1, &a(&format!("{row}.{col}"))));
        }
    }
    let mut r = 4;
    for (item, head, rows) in [
        (
            "第二十条第（五）项",
            "本年处理决定数量",
            vec![("行政许可", "licensing.decisions")],
        ),
        (
            "第二十条第（六）项",
            "本年处理决定数量",
            vec![
                ("行政处罚", "punishment.decisions"),
                ("行政强制", "coercion.decisions"),
            ],
        ),
        (
            "第二十条第（八）项",
            "本年收费金额（单位：万元）",
            vec![("行政事业性收费", "fees.amount_10k_yuan")],
        ),
    ] {
        t.push(s(r, r + 1, 0, 4, item));
        t.push(s(r + 1, r + 2, 0, 1, "信息内容"));
        t.push(s(r + 1, r + 2, 1, 4, head));
        r += 2;
        for (label, key) in rows {
            t.push(s(r, r + 1, 0, 1, label));
            t.push(s(r, r + 1, 1, 4, &a(key)));
            r += 1;
        }
    }
    t
}

/// The requests table with its three-row header (项目 over three rows, 申请人情况 over seven
/// columns, 法人或其他组织 over five).
pub fn requests(v: &BTreeMap<String, String>) -> Vec<Spec> {
    let cols = [
        "natural_person",
        "commercial",
        "research",
        "social_welfare",
        "legal_services",
        "other_org",
        "total",
    ];
    let mut t = vec![
        s(0, 3, 0, 3, "项目"),
        s(0, 1, 3, 10, "申请人情况"),
        s(1, 3, 3, 4, "自然人"),
        s(1, 2, 4, 9, "法人或其他组织"),
        s(1, 3, 9, 10, "总计"),
        s(2, 3, 4, 5, "商业\n企业"),
        s(2, 3, 5, 6, "科研\n机构"),
        s(2, 3, 6, 7, "社会公益组织"),
        s(2, 3, 7, 8, "法律服务机构"),
        s(2, 3, 8, 9, "其他"),
    ];
    let mut r = 3;
    let row = |t: &mut Vec<Spec>, r: &mut usize, key: &str, label: Option<(usize, &str)>| {
        if let Some((c0, l)) = label {
            t.push(s(*r, *r + 1, c0, 3, l));
        }
        for (k, c) in cols.iter().enumerate() {
            t.push(s(
                *r,
                *r + 1,
                3 + k,
                4 + k,
                &printed(v, &format!("requests.{key}.{c}")),
            ));
        }
        *r += 1;
    };
    row(
        &mut t,
        &mut r,
        "new_received",
        Some((0, "一、本年新收政府信息公开申请数量")),
    );
    row(
        &mut t,
        &mut r,
        "carried_over",
        Some((0, "二、上年结转政府信息公开申请数量")),
    );
    t.push(s(r, r + 22, 0, 1, "三、本年度办理结果"));
    row(&mut t, &mut r, "granted", Some((1, "（一）予以公开")));
    row(
        &mut t,
        &mut r,
        "partially_granted",
        Some((
            1,
            "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        )),
    );
    for (group, rows) in [
        (
            "（三）不予公开",
            vec![
                ("denied_state_secret", "1.属于国家秘密"),
                ("denied_law_forbidden", "2.其他法律行政法规禁止公开"),
                ("denied_three_safety", "3.危及“三安全一稳定”"),
                ("denied_third_party", "4.保护第三方合法权益"),
                ("denied_internal_affairs", "5.属于三类内部事务信息"),
                ("denied_process_info", "6.属于四类过程性信息"),
                ("denied_enforcement_file", "7.属于行政执法案卷"),
                ("denied_inquiry", "8.属于行政查询事项"),
            ],
        ),
        (
            "（四）无法提供",
            vec![
                ("unable_not_held", "1.本机关不掌握相关政府信息"),
                ("unable_need_creation", "2.没有现成信息需要另行制作"),
                ("unable_unclear", "3.补正后申请内容仍不明确"),
            ],
        ),
        (
            "（五）不予处理",
            vec![
                ("rejected_petition", "1.信访举报投诉类申请"),
                ("rejected_repeat", "2.重复申请"),
                ("rejected_publication", "3.要求提供公开出版物"),
                ("rejected_massive", "4.无正当理由大量反复申请"),
                (
                    "rejected_confirmation",
                    "5.要求行政机关确认或重新出具已获取信息",
                ),
            ],
        ),
        (
            "（六）其他处理",
            vec![
                (
                    "other_overdue_correction",
                    "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                ),
                (
                    "other_overdue_fee",
                    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
                ),
                ("other_other", "3.其他"),
            ],
        ),
    ] {
        t.push(s(r, r + rows.len(), 1, 2, group));
        for (key, label) in rows {
            row(&mut t, &mut r, key, Some((2, label)));
        }
    }
    row(&mut t, &mut r, "total_processed", Some((1, "（七）总计")));
    row(
        &mut t,
        &mut r,
        "carried_forward",
        Some((0, "四、结转下年度继续办理")),
    );
    t
}

/// The appeals table: a three-row header over the one row of numbers.
pub fn appeals(v: &BTreeMap<String, String>) -> Vec<Spec> {
    let mut t = vec![
        s(0, 1, 0, 5, "行政复议"),
        s(0, 1, 5, 15, "行政诉讼"),
        s(1, 2, 5, 10, "未经复议直接起诉"),
        s(1, 2, 10, 15, "复议后起诉"),
    ];
    let heads = [
        "结果\n维持",
        "结果\n纠正",
        "其他\n结果",
        "尚未\n审结",
        "总计",
    ];
    for (k, h) in heads.iter().enumerate() {
        t.push(s(1, 3, k, k + 1, h));
        t.push(s(2, 3, 5 + k, 6 + k, h));
        t.push(s(2, 3, 10 + k, 11 + k, h));
    }
    let keys = ["upheld", "corrected", "other", "pending", "total"];
    for (g, group) in ["review", "litigation_direct", "litigation_after_review"]
        .iter()
        .enumerate()
    {
        for (k, key) in keys.iter().enumerate() {
            t.push(s(
                3,
                4,
                g * 5 + k,
                g * 5 + k + 1,
                &v[&format!("appeals.cases.{group}_{key}")],
            ));
        }
    }
    t
}

fn esc(t: &str) -> String {
    t.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// One table as Word-exported HTML: `MsoNormal` paragraphs, nested `<span>`s, `&nbsp;` in
/// blank cells, `<o:p>`, one `<p>` per line of a cell.
pub fn html_table(cells: &[Spec]) -> String {
    let rows = cells.iter().map(|c| c.r1).max().unwrap_or(0);
    let mut h = String::from(
        "<table class=MsoNormalTable border=1 cellspacing=0 cellpadding=0 style='border-collapse:collapse;border:none'>\n",
    );
    for r in 0..rows {
        h.push_str(" <tr style='height:20.0pt'>\n");
        let mut row: Vec<&Spec> = cells.iter().filter(|c| c.r0 == r).collect();
        row.sort_by_key(|c| c.c0);
        for c in row {
            let span = |n: usize, attr: &str| {
                if n > 1 {
                    format!(" {attr}={n}")
                } else {
                    String::new()
                }
            };
            h.push_str(&format!(
                "  <td{}{} valign=top style='border:solid windowtext 1.0pt;padding:0cm 5.4pt'>",
                span(c.r1 - c.r0, "rowspan"),
                span(c.c1 - c.c0, "colspan")
            ));
            for l in &c.lines {
                if l.is_empty() {
                    h.push_str("<p class=MsoNormal align=center><span lang=EN-US style='font-size:10.5pt'>&nbsp;<o:p></o:p></span></p>");
                } else {
                    // text split over nested spans, the way Word writes runs
                    let chars: Vec<char> = l.chars().collect();
                    let (a, b) = chars.split_at(chars.len() / 2);
                    h.push_str(&format!(
                        "<p class=MsoNormal align=center style='text-align:center'><span style='font-size:10.5pt;font-family:宋体'><span lang=EN-US>{}</span></span><span\nstyle='font-family:宋体'>{}</span><span lang=EN-US><o:p></o:p></span></p>",
                        esc(&a.iter().collect::<String>()),
                        esc(&b.iter().collect::<String>())
                    ));
                }
            }
            h.push_str("</td>\n");
        }
        h.push_str(" </tr>\n");
    }
    h.push_str("</table>\n");
    h
}

fn para(t: &str) -> String {
    format!(
        "<p class=MsoNormal style='text-indent:32.0pt'><span style='font-family:仿宋_GB2312'>{}</span></p>\n",
        esc(t)
    )
}

/// The whole report as a Word-exported web page; `active` replaces the 主动公开 table (an image,
/// say) when given.
pub fn html_report(charset: &str, active_html: Option<&str>) -> String {
    let v = values();
    let mut h = format!(
        "<html xmlns:v=\"urn:schemas-microsoft-com:vml\" xmlns:o=\"urn:schemas-microsoft-com:office:office\">\n<head>\n<meta http-equiv=Content-Type content=\"text/html; charset={charset}\">\n<meta name=Generator content=\"Microsoft Word 15\">\n<title>{AGENCY}{YEAR}年政府信息公开工作年度报告</title>\n<style>\n<!-- p.MsoNormal {{margin:0cm;}} -->\n</style>\n<!--[if gte mso 9]><xml><o:shapedefaults v:ext=\"edit\" spidmax=\"1026\"/></xml><![endif]-->\n</head>\n<body lang=ZH-CN style='tab-interval:21.0pt'>\n<div class=WordSection1>\n"
    );
    h.push_str(&format!("<p class=MsoNormal align=center><b><span style='font-size:22.0pt;font-family:方正小标宋简体'>{AGENCY}<br>{YEAR}</span><span lang=EN-US>年政府信息公开工作年度报告</span></b></p>\n"));
    h.push_str(&para("一、总体情况"));
    h.push_str(&para(&format!("{YEAR}年，本机关认真贯彻落实《中华人民共和国政府信息公开条例》，全年主动公开政府信息1024条。")));
    h.push_str(&para("二、主动公开政府信息情况"));
    match active_html {
        Some(a) => h.push_str(a),
        None => h.push_str(&html_table(&active(&v))),
    }
    h.push_str(&para("三、收到和处理政府信息公开申请情况"));
    h.push_str(&html_table(&requests(&v)));
    h.push_str(&para("四、政府信息公开行政复议、行政诉讼情况"));
    h.push_str(&html_table(&appeals(&v)));
    h.push_str(&para("五、存在的主要问题及改进情况"));
    h.push_str(&para("信息公开的及时性有待提高。"));
    h.push_str("</div>\n</body>\n</html>\n");
    h
}

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// One table as WordprocessingML: `w:gridSpan` for columns, `w:vMerge` restart/continue cells
/// for rows (each continuation an empty cell of its own, as Word writes them).
pub fn docx_table(cells: &[Spec]) -> String {
    let rows = cells.iter().map(|c| c.r1).max().unwrap_or(0);
    let cols = cells.iter().map(|c| c.c1).max().unwrap_or(0);
    let mut x = format!(
        "<w:tbl><w:tblPr><w:tblW w:w=\"5000\" w:type=\"pct\"/></w:tblPr><w:tblGrid>{}</w:tblGrid>",
        "<w:gridCol w:w=\"600\"/>".repeat(cols)
    );
    for r in 0..rows {
        x.push_str("<w:tr>");
        let mut here: Vec<&Spec> = cells.iter().filter(|c| c.r0 <= r && r < c.r1).collect();
        here.sort_by_key(|c| c.c0);
        for c in here {
            let mut pr = String::new();
            if c.c1 - c.c0 > 1 {
                pr.push_str(&format!("<w:gridSpan w:val=\"{}\"/>", c.c1 - c.c0));
            }
            if c.r1 - c.r0 > 1 {
                pr.push_str(if r == c.r0 {
                    "<w:vMerge w:val=\"restart\"/>"
                } else {
                    "<w:vMerge/>"
                });
            }
            x.push_str(&format!(
                "<w:tc><w:tcPr><w:tcW w:w=\"600\" w:type=\"dxa\"/>{pr}</w:tcPr>"
            ));
            if r == c.r0 {
                for l in &c.lines {
                    x.push_str(&docx_para(l));
                }
            } else {
                x.push_str("<w:p/>");
            }
            x.push_str("</w:tc>");
        }
        x.push_str("</w:tr>");
    }
    x.push_str("</w:tbl>");
    x
}

/// A paragraph whose text is split over two runs.
fn docx_para(t: &str) -> String {
    let chars: Vec<char> = t.chars().collect();
    let (a, b) = chars.split_at(chars.len() / 2);
    format!(
        "<w:p><w:r><w:rPr><w:rFonts w:hint=\"eastAsia\"/></w:rPr><w:t xml:space=\"preserve\">{}</w:t></w:r><w:r><w:t>{}</w:t></w:r></w:p>",
        esc(&a.iter().collect::<String>()),
        esc(&b.iter().collect::<String>())
    )
}

pub fn docx_document() -> String {
    let v = values();
    let mut x = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document xmlns:w=\"{W}\"><w:body>"
    );
    x.push_str(&docx_para(&format!(
        "{AGENCY}{YEAR}年政府信息公开工作年度报告"
    )));
    x.push_str(&docx_para("一、总体情况"));
    x.push_str(&docx_para(
        "本机关认真贯彻落实《中华人民共和国政府信息公开条例》。",
    ));
    x.push_str(&docx_para("二、主动公开政府信息情况"));
    x.push_str(&docx_table(&active(&v)));
    x.push_str(&docx_para("三、收到和处理政府信息公开申请情况"));
    x.push_str(&docx_table(&requests(&v)));
    x.push_str(&docx_para("四、政府信息公开行政复议、行政诉讼情况"));
    x.push_str(&docx_table(&appeals(&v)));
    x.push_str(&docx_para("五、存在的主要问题及改进情况"));
    x.push_str("<w:sectPr/></w:body></w:document>");
    x
}

/// The values of a conversion, keyed `table.row.col`.
pub fn got(r: &nianbao::pipeline::ReportResult) -> BTreeMap<String, String> {
    r.cells
        .iter()
        .map(|c| (format!("{}.{}.{}", c.table, c.row, c.col), c.value.clone()))
        .collect()
}
