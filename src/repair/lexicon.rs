//! Text repair with a lexicon: the template's phrases (table, group, row and column labels,
//! section headings) and the field's vocabulary (政府信息公开, 依申请公开, page metadata such
//! as 发布日期, agency names and suffixes 局/委员会/人民政府/办公室 ...), plus sets of visually
//! confusable characters.
//!
//! Two rules, both only on words in OCR doubt (`confidence < DOUBT`):
//! - *Lexicon*: a stretch of text that differs from a lexicon phrase (3+ characters) in one
//!   character (two for phrases of 6+), each difference a confusable pair, is replaced by the
//!   phrase — unless the stretch is itself a phrase of the lexicon, or two phrases disagree on
//!   how to repair the same character.
//! - *Heading*: a run starting with a section numeral (一、 … 六、) whose confusion-aware
//!   similarity to the template's heading of that numeral is at least `HEADING_MIN` becomes
//!   that heading (headings are too garbled for the one-character rule; the numeral and the
//!   template's fixed order make the match unique).  A run that is merely a truncation of
//!   the heading (a line break) is left alone.
//!
//! A "run" is a sequence of words on one line with gaps narrower than half their height, so
//! that OCR's per-character words join and separate cells of a table row do not.

use super::{DOUBT, Repair};
use crate::model::{Page, Word};
use std::collections::HashMap;
use std::sync::OnceLock;

/// Groups of characters OCR confuses with each other (the ones met in these reports).
pub const CONFUSABLE: &[&str] = &[
    "据报掘拒",
    "期間朗",
    "已己巳",
    "未末",
    "日曰",
    "人入八",
    "土士",
    "干千于",
    "大太犬",
    "办为",
    "申中甲由",
    "请清情",
    "局居",
    "会合",
    "处外",
    "复夏",
    "议仪",
    "行门",
    "主王玉",
    "数教",
    "年午",
    "开升",
    "公么",
    "息急",
    "部郜",
    "府附",
    "机杌",
    "关美",
    "况沉",
    "诉诈",
    "讼松",
    "理埋",
    "政玫",
    "务各",
    "信倍",
    "委萎",
    "员贝",
    "厅斤",
    "室窒",
    "市币",
    "区匹",
    "县昙",
    "省眚",
    "局届",
];

/// Characters OCR confuses inside numbers (defined with the number reading, in `values`).
pub use crate::values::DIGIT_LOOKALIKES;

/// Section headings of the template, with the variants reports print.
pub const HEADINGS: &[&str] = &[
    "一、总体情况",
    "二、主动公开政府信息情况",
    "二、行政机关主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "三、行政机关收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "四、因政府信息公开工作被申请行政复议、提起行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "五、政府信息公开工作存在的主要问题及改进情况",
    "六、其他需要报告的事项",
];

/// The field's vocabulary beyond the template's labels.
pub const VOCABULARY: &[&str] = &[
    "政府信息公开",
    "政府信息",
    "依申请公开",
    "主动公开",
    "政务公开",
    "政府信息公开工作年度报告",
    "年度报告",
    "政府信息公开条例",
    "中华人民共和国",
    "政府信息公开指南",
    "政府信息公开制度",
    "政府信息公开申请",
    "法定主动公开内容",
    "政府网站",
    "政务新媒体",
    "行政复议",
    "行政诉讼",
    "发布日期",
    "发布机构",
    "成文日期",
    "信息来源",
    "索引号",
    "公开方式",
    "浏览次数",
    "组配分类",
    "政策解读",
    "信息处理费",
    "人民政府",
    "人民政府办公室",
    "办公室",
    "办公厅",
    "委员会",
    "人大代表建议",
    "政协提案",
    "本行政机关",
];

/// Agency names: departments as named across China, with their suffixes.
pub const AGENCIES: &[&str] = &[
    "大数据局",
    "数据局",
    "大数据中心",
    "发展和改革委员会",
    "教育局",
    "科学技术局",
    "工业和信息化局",
    "公安局",
    "民政局",
    "司法局",
    "财政局",
    "人力资源和社会保障局",
    "自然资源局",
    "自然资源和规划局",
    "生态环境局",
    "住房和城乡建设局",
    "交通运输局",
    "水利局",
    "水务局",
    "农业农村局",
    "商务局",
    "文化和旅游局",
    "卫生健康委员会",
    "退役军人事务局",
    "应急管理局",
    "审计局",
    "市场监督管理局",
    "统计局",
    "医疗保障局",
    "城市管理局",
    "综合行政执法局",
    "行政审批服务局",
    "政务服务管理局",
    "信访局",
    "国有资产监督管理委员会",
    "体育局",
    "林业局",
    "气象局",
    "税务局",
    "档案局",
    "民族宗教事务局",
    "人民防空办公室",
    "地方金融监督管理局",
    "乡村振兴局",
    "街道办事处",
];

/// A phrase must have at least this many characters to repair with.
pub const MIN_PHRASE: usize = 3;
/// Least confusion-aware similarity for a heading repair.
pub const HEADING_MIN: f32 = 0.6;

/// Full-width forms to ASCII, one char to one char (positions are kept).
fn fold_char(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

pub fn confusable(a: char, b: char) -> bool {
    a != b && CONFUSABLE.iter().any(|g| g.contains(a) && g.contains(b))
}

/// Strip a numbering prefix (一、 （一） (一) 1. 1、) from a label.
fn strip_numbering(s: &str) -> String {
    let s: String = s.chars().map(fold_char).collect();
    let mut t = s.as_str();
    if let Some(rest) = t.strip_prefix('(')
        && let Some(p) = rest.find(')')
    {
        t = &rest[p + 1..];
    }
    let head: String = t
        .chars()
        .take_while(|c| c.is_ascii_digit() || "一二三四五六七八九十".contains(*c))
        .collect();
    if !head.is_empty() {
        let rest = &t[head.len()..];
        if let Some(r) = rest.strip_prefix('.').or_else(|| rest.strip_prefix('、')) {
            t = r;
        }
    }
    t.to_string()
}

/// Every phrase of the lexicon (folded), longest first.
pub fn lexicon() -> &'static Vec<Vec<char>> {
    static L: OnceLock<Vec<Vec<char>>> = OnceLock::new();
    L.get_or_init(|| {
        let s = crate::schema::schema();
        let mut phrases: Vec<String> = Vec::new();
        for t in s.tables() {
            phrases.push(strip_numbering(&t.label));
            for r in &t.rows {
                // long labels: their clauses (split at punctuation) are phrases too
                let core = strip_numbering(&r.label);
                phrases.extend(
                    core.split(['(', ')', '、', ',', '，', '“', '”', '"'])
                        .map(str::to_string),
                );
                phrases.push(core);
                if let Some(g) = &r.group {
                    phrases.push(strip_numbering(g));
                }
                for c in &r.cols {
                    phrases.push(c.1.split('（').next().unwrap_or("").to_string());
                }
            }
        }
        phrases.extend(HEADINGS.iter().map(|h| strip_numbering(h)));
        phrases.extend(VOCABULARY.iter().map(|s| s.to_string()));
        phrases.extend(AGENCIES.iter().map(|s| s.to_string()));
        let mut out: Vec<Vec<char>> = phrases
            .iter()
            .map(|p| {
                p.chars()
                    .map(fold_char)
                    .filter(|c| !c.is_whitespace())
                    .collect::<Vec<char>>()
            })
            .filter(|p| p.len() >= MIN_PHRASE)
            .collect();
        out.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        out.dedup();
        out
    })
}

fn is_phrase(w: &[char]) -> bool {
    lexicon().iter().any(|p| p.as_slice() == w)
}

/// A character change: position in the run, old and new character, the phrase that says so.
#[derive(Debug, Clone, PartialEq)]
pub struct Fix {
    pub start: usize,
    pub phrase: String,
    /// (position, from, to)
    pub changes: Vec<(usize, char, char)>,
}

/// Lexicon repairs of a run of text.  `doubt[i]` says whether character i may be changed.
pub fn lexicon_fixes(run: &[char], doubt: &[bool]) -> Vec<Fix> {
    let folded: Vec<char> = run.iter().map(|&c| fold_char(c)).collect();
    let mut at: HashMap<char, Vec<usize>> = HashMap::new();
    for (i, &c) in folded.iter().enumerate() {
        at.entry(c).or_default().push(i);
    }
    let mut fixes: Vec<Fix> = Vec::new();
    for p in lexicon() {
        let l = p.len();
        if l > folded.len() {
            continue;
        }
        let max_subs = if l >= 6 { 2 } else { 1 };
        let mut starts: Vec<usize> = Vec::new();
        for k in 0..=max_subs.min(l - 1) {
            if let Some(v) = at.get(&p[k]) {
                starts.extend(
                    v.iter()
                        .filter(|&&i| i >= k && i - k + l <= folded.len())
                        .map(|&i| i - k),
                );
            }
        }
        starts.sort();
        starts.dedup();
        'start: for s in starts {
            let w = &folded[s..s + l];
            let mut changes = Vec::new();
            for (j, (&a, &b)) in w.iter().zip(p.iter()).enumerate() {
                if a != b {
                    if changes.len() == max_subs
                        || !confusable(a, b)
                        || !doubt.get(s + j).copied().unwrap_or(false)
                    {
                        continue 'start;
                    }
                    changes.push((s + j, run[s + j], b));
                }
            }
            // at least one character must match on each side of a change (no edge guesses
            // on 3-character phrases) and the stretch must not be a phrase itself
            if changes.is_empty()
                || (l < 4 && changes.iter().any(|c| c.0 == s || c.0 == s + l - 1))
                || is_phrase(w)
            {
                continue;
            }
            fixes.push(Fix {
                start: s,
                phrase: p.iter().collect(),
                changes,
            });
        }
    }
    // characters two phrases want to repair differently: no repair there
    let mut want: HashMap<usize, Vec<char>> = HashMap::new();
    for f in &fixes {
        for c in &f.changes {
            let v = want.entry(c.0).or_default();
            if !v.contains(&c.2) {
                v.push(c.2);
            }
        }
    }
    fixes.retain(|f| f.changes.iter().all(|c| want[&c.0].len() == 1));
    // one fix per set of changes, the longest phrase as evidence (lexicon is longest first)
    let mut seen: std::collections::HashSet<Vec<(usize, char, char)>> =
        std::collections::HashSet::new();
    let mut out: Vec<Fix> = fixes
        .into_iter()
        .filter(|f| seen.insert(f.changes.clone()))
        .collect();
    out.sort_by_key(|f| f.start);
    out
}

/// Confusion-aware similarity: Dice over an LCS where a confusable pair counts 0.8.
pub fn fuzzy_similarity(a: &[char], b: &[char]) -> f32 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let mut prev = vec![0f32; b.len() + 1];
    let mut cur = vec![0f32; b.len() + 1];
    for &ca in a {
        for (j, &cb) in b.iter().enumerate() {
            let m = if ca == cb {
                1.0
            } else if confusable(ca, cb) {
                0.8
            } else {
                0.0
            };
            cur[j + 1] = (prev[j] + m).max(prev[j + 1]).max(cur[j]);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    2.0 * prev[b.len()] / (a.len() + b.len()) as f32
}

fn heading_key(s: &[char]) -> Vec<char> {
    s.iter()
        .map(|&c| fold_char(c))
        .filter(|c| !c.is_whitespace() && !"。.,，:：;；".contains(*c))
        .collect()
}

/// The heading a garbled run stands for, with its similarity.
pub fn heading_fix(run: &[char]) -> Option<(String, f32)> {
    let key = heading_key(run);
    if key.len() < 4 || key[1] != '、' {
        return None;
    }
    let mut best: Option<(&str, f32)> = None;
    for h in HEADINGS {
        let hk: Vec<char> = heading_key(&h.chars().collect::<Vec<_>>());
        if hk[0] != key[0] {
            continue;
        }
        if hk == key || hk.starts_with(&key) || key.starts_with(&hk) {
            return None; // right already, or cut by a line break
        }
        let sim = fuzzy_similarity(&key, &hk);
        let ratio = key.len() as f32 / hk.len() as f32;
        if sim >= HEADING_MIN && (0.7..=1.4).contains(&ratio) && best.is_none_or(|b| sim > b.1) {
            best = Some((h, sim));
        }
    }
    best.map(|(h, s)| (h.to_string(), s))
}

/// Lines of a page's words (the grouping of `text::lines`), each as runs of word indices.
fn runs(words: &[Word]) -> Vec<Vec<Vec<usize>>> {
    let mut idx: Vec<usize> = (0..words.len()).collect();
    idx.sort_by(|&a, &b| words[a].bbox.cy().total_cmp(&words[b].bbox.cy()));
    let mut rows: Vec<Vec<usize>> = Vec::new();
    let (mut row_cy, mut row_h) = (0.0f32, 0.0f32);
    for i in idx {
        let b = &words[i].bbox;
        let h = b.height().max(1.0);
        if !rows.is_empty() && (b.cy() - row_cy).abs() <= 0.5 * h.min(row_h) {
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
            let mut out: Vec<Vec<usize>> = Vec::new();
            for i in r {
                let join = out.last().and_then(|run| run.last()).is_some_and(|&j| {
                    let h = words[i].bbox.height().min(words[j].bbox.height()).max(1.0);
                    // (never across a space text::lines puts between Latin words)
                    words[i].bbox.x0 - words[j].bbox.x1 <= 0.5 * h
                        && !crate::text::spaced(&words[j], &words[i])
                });
                match out.last_mut() {
                    Some(run) if join => run.push(i),
                    _ => out.push(vec![i]),
                }
            }
            out
        })
        .collect()
}

/// Repair the text of every page's words in doubt.  Returns what was changed.
pub fn repair_pages(pages: &mut [Page]) -> Vec<Repair> {
    let mut out = Vec::new();
    for p in pages.iter_mut() {
        if !p.words.iter().any(|w| w.confidence < DOUBT) {
            continue;
        }
        let number = p.number;
        for (li, line) in runs(&p.words).into_iter().enumerate() {
            let mut col = 0usize;
            let mut last: Option<usize> = None;
            for run in line {
                // where text::lines puts a space before the run
                if last.is_some_and(|j| crate::text::spaced(&p.words[j], &p.words[run[0]])) {
                    col += 1;
                }
                last = run.last().copied();
                let n_chars: usize = run.iter().map(|&i| p.words[i].text.chars().count()).sum();
                repair_run(&mut p.words, &run, number, li + 1, col, &mut out);
                col += n_chars;
            }
        }
    }
    out
}

/// Location `text:<page>:<line>:<column>` (1-based; column in characters of the line).
fn repair_run(
    words: &mut [Word],
    run: &[usize],
    page: u32,
    line: usize,
    col: usize,
    out: &mut Vec<Repair>,
) {
    let location = format!("text:{page}:{line}:{}", col + 1);
    if !run.iter().any(|&i| words[i].confidence < DOUBT) {
        return;
    }
    // the run's characters, each with its word and offset
    let mut chars: Vec<char> = Vec::new();
    let mut owner: Vec<(usize, usize)> = Vec::new();
    let mut doubt: Vec<bool> = Vec::new();
    for &i in run {
        for (k, c) in words[i].text.chars().enumerate() {
            chars.push(c);
            owner.push((i, k));
            doubt.push(words[i].confidence < DOUBT);
        }
    }
    let raw: String = chars.iter().collect();
    if run.iter().all(|&i| words[i].confidence < DOUBT)
        && let Some((h, sim)) = heading_fix(&chars)
    {
        words[run[0]].text = h.clone();
        for &i in &run[1..] {
            words[i].text.clear();
        }
        out.push(Repair {
            location,
            raw,
            repaired: h.clone(),
            reason: "heading".into(),
            evidence: format!(
                "template heading 「{h}」, confusion-aware similarity {sim:.2}; OCR doubt"
            ),
            cells: vec![],
        });
        return;
    }
    let fixes = lexicon_fixes(&chars, &doubt);
    if fixes.is_empty() {
        return;
    }
    // every change at once, word by word
    let mut new_text: HashMap<usize, Vec<char>> = HashMap::new();
    for f in &fixes {
        for &(pos, _, to) in &f.changes {
            let (w, k) = owner[pos];
            let cs = new_text
                .entry(w)
                .or_insert_with(|| words[w].text.chars().collect());
            if k < cs.len() {
                cs[k] = to;
            }
        }
    }
    for (w, cs) in new_text {
        words[w].text = cs.into_iter().collect();
    }
    for f in fixes {
        let before: String = chars[f.start..f.start + f.phrase.chars().count()]
            .iter()
            .collect();
        let pairs: Vec<String> = f
            .changes
            .iter()
            .map(|c| format!("{}→{}", c.1, c.2))
            .collect();
        out.push(Repair {
            location: format!("text:{page}:{line}:{}", col + f.start + 1),
            raw: before,
            repaired: f.phrase.clone(),
            reason: "lexicon".into(),
            evidence: format!(
                "lexicon phrase 「{}」; confusable {}; OCR doubt",
                f.phrase,
                pairs.join(" ")
            ),
            cells: vec![],
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{BBox, Source};

    fn v(s: &str) -> Vec<char> {
        s.chars().collect()
    }
    fn all(s: &str) -> Vec<bool> {
        vec![true; s.chars().count()]
    }
    fn word(text: &str, x: f32, conf: f32) -> Word {
        let n = text.chars().count() as f32;
        Word {
            text: text.into(),
            bbox: BBox::new(x, 0.0, x + 10.0 * n, 10.0),
            confidence: conf,
            source: Source::Ocr,
            alternatives: vec![],
        }
    }

    #[test]
    fn agency_name_fires() {
        let f = lexicon_fixes(
            &v("发布机构:济南市大数报局"),
            &all("发布机构:济南市大数报局"),
        );
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].changes, vec![(10, '报', '据')]);
        let f = lexicon_fixes(&v("发布日間: 2023-08-21"), &all("发布日間: 2023-08-21"));
        assert_eq!(f[0].phrase, "发布日期");
    }

    #[test]
    fn lexicon_must_not_fire() {
        // right already
        assert!(lexicon_fixes(&v("济南市大数据局"), &all("济南市大数据局")).is_empty());
        // not in doubt
        assert!(lexicon_fixes(&v("济南市大数报局"), &[false; 7]).is_empty());
        // a difference that is not a visual confusion (字 and 据 do not look alike)
        assert!(lexicon_fixes(&v("济南市大数字局"), &all("济南市大数字局")).is_empty());
        // a 3-character phrase gives no evidence about its own first or last character
        assert!(lexicon_fixes(&v("市教育居"), &all("市教育居")).is_empty());
        // a stretch that is a phrase itself stays (数据局 is not 'repaired' towards anything)
        assert!(lexicon_fixes(&v("政府信息公开"), &all("政府信息公开")).is_empty());
        // too many differences for a short phrase
        assert!(lexicon_fixes(&v("教报居"), &all("教报居")).is_empty());
    }

    #[test]
    fn headings() {
        let (h, s) = heading_fix(&v("二、门政机人工切公开政府自己情况")).unwrap();
        assert_eq!(h, "二、行政机关主动公开政府信息情况");
        assert!(s >= HEADING_MIN);
        // right, cut by a line break, another numbered line, or a different numeral
        assert!(heading_fix(&v("二、主动公开政府信息情况。")).is_none());
        assert!(heading_fix(&v("四、因政府信息公开工作被申请行政复议、提起行政诉讼情")).is_none());
        assert!(heading_fix(&v("三、出台目的")).is_none());
        assert!(heading_fix(&v("二、决策依据")).is_none());
    }

    #[test]
    fn pages_repair_only_words_in_doubt() {
        let mut p = Page::new(1, 600.0, 800.0, crate::model::PageKind::Scanned);
        p.words = vec![word("济南市大数报局", 0.0, 0.6)];
        let r = repair_pages(std::slice::from_mut(&mut p));
        assert_eq!(p.words[0].text, "济南市大数据局");
        assert_eq!(r.len(), 1);
        assert_eq!(
            (
                r[0].raw.as_str(),
                r[0].repaired.as_str(),
                r[0].reason.as_str()
            ),
            ("大数报局", "大数据局", "lexicon")
        );
        // text layer: never
        let mut p = Page::new(1, 600.0, 800.0, crate::model::PageKind::Digital);
        p.words = vec![word("济南市大数报局", 0.0, 1.0)];
        assert!(repair_pages(std::slice::from_mut(&mut p)).is_empty());
        assert_eq!(p.words[0].text, "济南市大数报局");
    }

    #[test]
    fn numbering_is_stripped() {
        assert_eq!(strip_numbering("（一）予以公开"), "予以公开");
        assert_eq!(strip_numbering("1.属于国家秘密"), "属于国家秘密");
        assert_eq!(
            strip_numbering("二、主动公开政府信息情况"),
            "主动公开政府信息情况"
        );
    }
}
