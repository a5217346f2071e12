//! Page text in reading order, and what the title says (agency, year).

use crate::model::{Page, Word};

/// The page's words as lines, top to bottom; words far apart on a line are separated by a space.
pub fn page_lines(page: &Page) -> Vec<String> {
    lines(&page.words)
}

pub fn lines(words: &[Word]) -> Vec<String> {
    let mut idx: Vec<usize> = (0..words.len()).collect();
    idx.sort_by(|&a, &b| words[a].bbox.cy().total_cmp(&words[b].bbox.cy()));
    let mut rows: Vec<Vec<usize>> = Vec::new();
    let mut row_cy = 0.0f32;
    let mut row_h = 0.0f32;
    for i in idx {
        let b = &words[i].bbox;
        let h = b.height().max(1.0);
        let same = !rows.is_empty() && (b.cy() - row_cy).abs() <= 0.5 * h.min(row_h);
        if same {
            if let Some(r) = rows.last_mut() {
                r.push(i);
            }
        } else {
            rows.push(vec![i]);
            row_cy = b.cy();
            row_h = h;
        }
    }
    rows.into_iter()
        .map(|mut r| {
            r.sort_by(|&a, &b| words[a].bbox.x0.total_cmp(&words[b].bbox.x0));
            let mut s = String::new();
            let mut last: Option<&Word> = None;
            for i in r {
                let w = &words[i];
                if last.is_some_and(|p: &Word| spaced(p, w)) {
                    s.push(' ');
                }
                s.push_str(&w.text);
                last = Some(w);
            }
            s
        })
        .collect()
}

/// Whether a line's text puts a space between two words: when they are far apart (more than
/// `FAR_GAP` of the height: a gap in Chinese text, which has no spaces), or, between Latin
/// letters and digits (an English report, `GB/T 33190`), when the gap is at least
/// `LATIN_SPACE_GAP` of the height (a space glyph; the words of a run are split at spaces).
pub fn spaced(prev: &Word, w: &Word) -> bool {
    let gap = w.bbox.x0 - prev.bbox.x1;
    let h = w.bbox.height();
    let latin = |c: Option<char>| {
        c.is_some_and(|c| c.is_ascii_alphanumeric() || (c.is_alphabetic() && (c as u32) < 0x2E80))
    };
    gap > FAR_GAP * h
        || (gap >= LATIN_SPACE_GAP * h
            && latin(prev.text.chars().last())
            && latin(w.text.chars().next()))
}

pub const FAR_GAP: f32 = 0.8;
pub const LATIN_SPACE_GAP: f32 = 0.15;

/// Agency and year from the report's title: the text before 政府信息公开工作年度报告 on the
/// first page, e.g. `淮安市人民政府 2024 年` or `2023年洪泽区...`.
///
/// OCR'd titles are often damaged at their end (年度报告 read as 年度报人-, 年TY度报, 年万了)
/// and the first page's prose cites 《中华人民共和国政府信息公开工作年度报告格式》, so the title
/// is the earliest of: the full phrase not preceded by 共和国 (that citation), or a year
/// `2022年` directly followed by 政府信息 / 政务公开 (the part of the title OCR keeps).
pub fn title_info(first_lines: &[String]) -> (Option<String>, Option<u32>) {
    let joined: String = first_lines
        .iter()
        .take(12)
        .map(|l| l.split_whitespace().collect::<String>())
        .collect();
    let joined = ascii_years(&joined);
    let Some(pos) = title_anchor(&joined) else {
        return (None, None);
    };
    let head: Vec<char> = joined[..pos].chars().collect();
    let head: Vec<char> = head[head.len().saturating_sub(40)..].to_vec();
    // find the last 4-digit year in the head
    let mut year = None;
    let mut year_at = None;
    for i in (0..head.len().saturating_sub(3)).rev() {
        let s: String = head[i..i + 4].iter().collect();
        if s.chars().all(|c| c.is_ascii_digit())
            && (i + 4 >= head.len() || !head[i + 4].is_ascii_digit())
            && (i == 0 || !head[i - 1].is_ascii_digit())
            && let Ok(y) = s.parse::<u32>()
            && (2000..=2100).contains(&y)
        {
            year = Some(y);
            year_at = Some(i);
            break;
        }
    }
    let agency: String = match year_at {
        Some(i) => {
            let before: String = head[..i].iter().collect();
            let after: String = head[i + 4..].iter().collect();
            let after = after
                .trim_start_matches('年')
                .trim_start_matches('度')
                .to_string();
            if before.chars().count() >= 2 {
                before
            } else {
                after
            }
        }
        None => head.iter().collect(),
    };
    let agency = agency
        .trim_matches(|c: char| c.is_whitespace() || "《》“”\"：:".contains(c))
        .to_string();
    // keep only the tail that looks like a name (text after a sentence break)
    let agency = agency
        .rsplit(['。', '，', ',', '）', ')'])
        .next()
        .unwrap_or("")
        .to_string();
    ((agency.chars().count() >= 2).then_some(agency), year)
}

/// Digits a title may write its year in, besides ASCII: full-width (２０２３) and Chinese
/// numerals (二〇二三, 二零二三; ○ and Ｏ are the zero as typed or read by OCR).
const CJK_DIGITS: &[(char, char)] = &[
    ('〇', '0'),
    ('零', '0'),
    ('○', '0'),
    ('Ｏ', '0'),
    ('一', '1'),
    ('二', '2'),
    ('三', '3'),
    ('四', '4'),
    ('五', '5'),
    ('六', '6'),
    ('七', '7'),
    ('八', '8'),
    ('九', '9'),
];

/// `text` with a year written in full-width digits or Chinese numerals turned into ASCII
/// digits: every full-width digit, and a run of exactly four Chinese numerals directly before
/// 年 (二〇二三年 -> 2023年; 三年 or 十二年 stay as they are).
pub fn ascii_years(text: &str) -> String {
    let mut chars: Vec<char> = text
        .chars()
        .map(|c| {
            if ('０'..='９').contains(&c) {
                char::from(b'0' + (c as u32 - '０' as u32) as u8)
            } else {
                c
            }
        })
        .collect();
    let digit = |c: char| CJK_DIGITS.iter().find(|(k, _)| *k == c).map(|(_, d)| *d);
    let mut i = 0;
    while i < chars.len() {
        let run = chars[i..]
            .iter()
            .take_while(|&&c| digit(c).is_some())
            .count();
        if run == 4 && chars.get(i + 4) == Some(&'年') {
            for c in &mut chars[i..i + 4] {
                *c = digit(*c).unwrap_or(*c);
            }
        }
        i += run.max(1);
    }
    chars.into_iter().collect()
}

/// The agency as the document spells it most often.  OCR misreads a title glyph now and then
/// (洪泽区 as 洪译区) while the prose repeats the name (本报告由淮安市洪泽区人民政府办公室…):
/// a spelling that differs from the title's in one CJK character and occurs at least twice and
/// more often than the title's own spelling in `text` (the document's lines) replaces it.
pub fn agency_by_vote(agency: &str, text: &str) -> String {
    let a: Vec<char> = agency.chars().collect();
    let t: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
    let n = a.len();
    if n < 3 || t.len() < n {
        return agency.to_string();
    }
    let mut exact = 0usize;
    let mut variants: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for w in t.windows(n) {
        let diff: Vec<usize> = (0..n).filter(|&i| w[i] != a[i]).collect();
        match diff.as_slice() {
            [] => exact += 1,
            [i] if !w[*i].is_ascii() && w[*i].is_alphabetic() && !a[*i].is_ascii() => {
                *variants.entry(w.iter().collect()).or_default() += 1
            }
            _ => {}
        }
    }
    match variants
        .into_iter()
        .max_by(|x, y| x.1.cmp(&y.1).then_with(|| y.0.cmp(&x.0)))
    {
        Some((v, k)) if k >= 2 && k > exact => v,
        _ => agency.to_string(),
    }
}

/// Byte position in `joined` where the title's 政府信息公开… starts (see [`title_info`]).
fn title_anchor(joined: &str) -> Option<usize> {
    let citation = |p: usize| joined[..p].ends_with("共和国");
    let full = ["政府信息公开工作年度报告", "政府信息公开工作年报"]
        .iter()
        .filter_map(|a| {
            joined
                .match_indices(a)
                .map(|(p, _)| p)
                .find(|&p| !citation(p))
        })
        .min();
    // a year (4 ASCII digits, 年 or 年度) directly before 政府信息 / 政务公开
    let mut by_year = None;
    for a in ["政府信息", "政务公开"] {
        for (p, _) in joined.match_indices(a) {
            let head = joined[..p].trim_end_matches('度').trim_end_matches('年');
            if head.len() == joined[..p].len() {
                continue;
            }
            let digits = head
                .chars()
                .rev()
                .take_while(|c| c.is_ascii_digit())
                .count();
            if digits == 4 && by_year.is_none_or(|b| p < b) {
                by_year = Some(p);
                break;
            }
        }
    }
    match (full, by_year) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles() {
        let l = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            title_info(&l(&["淮安市人民政府", "2024 年政府信息公开工作年度报告"])),
            (Some("淮安市人民政府".into()), Some(2024))
        );
        assert_eq!(
            title_info(&l(&[
                "临朐县工业和信息化局2025年政府信息公开工",
                "作年度报告"
            ])),
            (Some("临朐县工业和信息化局".into()), Some(2025))
        );
        assert_eq!(
            title_info(&l(&["2023年洪泽区人民政府政府信息公开工作年度报告"])).1,
            Some(2023)
        );
        assert_eq!(title_info(&l(&["会议纪要"])), (None, None));
        // OCR: the title's end is damaged, the prose cites the format's full name
        let ocr = l(&[
            "当阳市人民政府2022年政府信息公开工作年度报",
            "人-",
            "本年度报告根据《中华人民共和国政府信息公开条例》《中华人民共",
            "和国政府信息公开工作年度报告格式》相关要求编制。",
        ]);
        assert_eq!(
            title_info(&ocr),
            (Some("当阳市人民政府".into()), Some(2022))
        );
        let ocr = l(&[
            "宝鸡市粮食和物资储备局2025年政府 信息TH",
            "度报告",
            "本报告由宝鸡市粮食和物资储备局根据",
        ]);
        assert_eq!(
            title_info(&ocr),
            (Some("宝鸡市粮食和物资储备局".into()), Some(2025))
        );
        let ocr = l(&[
            "宜昌市枝江市人民政府",
            "2022年政府信息公开工作年油汞让",
            "|",
            "根据规定，现公布宜昌市枝江市人民政府2022年政府信息公开工作年度报告。",
        ]);
        assert_eq!(
            title_info(&ocr),
            (Some("宜昌市枝江市人民政府".into()), Some(2022))
        );
    }

    #[test]
    fn years_in_chinese_numerals_and_full_width_digits() {
        let l = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        for t in [
            "洪泽区人民政府二〇二三年政府信息公开工作年度报告",
            "洪泽区人民政府二零二三年政府信息公开工作年度报告",
            "洪泽区人民政府２０２３年政府信息公开工作年度报告",
        ] {
            assert_eq!(
                title_info(&l(&[t])),
                (Some("洪泽区人民政府".into()), Some(2023)),
                "{t}"
            );
        }
        // numerals that are not a four-digit year stay text
        assert_eq!(ascii_years("三年来，十二年"), "三年来，十二年");
        assert_eq!(ascii_years("一二三四五年"), "一二三四五年");
        assert_eq!(
            title_info(&l(&["三门峡市人民政府政府信息公开工作年度报告"])),
            (Some("三门峡市人民政府".into()), None)
        );
    }

    #[test]
    fn spaces_between_latin_words_only() {
        use crate::model::BBox;
        let w =
            |t: &str, x0: f32, x1: f32| Word::text_layer(t.into(), BBox::new(x0, 0.0, x1, 10.0));
        // an English line: words split at space glyphs (a quarter em apart)
        let words = [
            w("Annual", 0.0, 30.0),
            w("Report", 33.0, 60.0),
            w("2023", 63.0, 83.0),
        ];
        assert_eq!(lines(&words), ["Annual Report 2023"]);
        // Chinese beside digits a quarter em apart: no space; far apart: a space
        let words = [
            w("2023", 0.0, 20.0),
            w("年度报告", 23.0, 63.0),
            w("附件", 80.0, 100.0),
        ];
        assert_eq!(lines(&words), ["2023年度报告 附件"]);
        // Latin words touching: one token
        let words = [w("GB", 0.0, 10.0), w("T", 10.5, 15.0)];
        assert_eq!(lines(&words), ["GBT"]);
    }

    #[test]
    fn agency_spelling_by_vote() {
        let text = "洪译区人民政府\n2023年政府信息公开工作年度报告\n本报告由淮安市洪泽区人民政府办公室根据…请与淮安市洪泽区人民政府办公室联系";
        assert_eq!(agency_by_vote("洪译区人民政府", text), "洪泽区人民政府");
        // a single other spelling is not enough; the title's own spelling wins ties
        assert_eq!(
            agency_by_vote("洪泽区人民政府", "洪泽区人民政府 淮安市洪译区人民政府"),
            "洪泽区人民政府"
        );
        let text = "洪泽区人民政府 洪泽区人民政府 洪译区人民政府 洪译区人民政府";
        assert_eq!(agency_by_vote("洪泽区人民政府", text), "洪泽区人民政府");
    }
}
