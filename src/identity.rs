//! Agency identity: the administrative division (GB/T 2260) a report's agency belongs to, its
//! level, and one canonical spelling of its name, so that 洪泽区人民政府 (one year) and
//! 淮安市洪泽区人民政府 (the next) come out as the same agency.
//!
//! The division table is `data/divisions.csv` (code, name, parent; province, city and county
//! levels), compiled into the binary; it is made by `scripts/make-divisions.py` from the
//! `adcodes.csv` of the PyPI package cpca 0.5.5 (MIT, `data/divisions.LICENSE-cpca`).
//!
//! The agency's name is read from its start as a chain of division names, each one inside the
//! previous (淮安市 then 洪泽区), written in full or without its suffix (淮安, 洪泽: see
//! [`SUFFIXES`]); the longest name wins at each position.  A name that several divisions share
//! (朝阳区: Beijing and Changchun) and that the chain so far does not settle stops the chain
//! and is reported, never guessed.  What follows the chain says the level: `人民政府` alone is
//! the division's government, a 乡/镇/街道 followed by 人民政府 or 办事处 is a township, anything
//! else (一个局, 办公室…) is a department.

use std::collections::HashMap;
use std::sync::OnceLock;

const DIVISIONS_CSV: &str = include_str!("../data/divisions.csv");

/// Suffixes dropped to make a division's short name (江苏省 -> 江苏, 广西壮族自治区 -> 广西).
/// Longest first; a short name must keep at least [`MIN_SHORT`] characters.
pub const SUFFIXES: &[&str] = &[
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "地区",
    "省",
    "市",
    "区",
    "县",
    "盟",
    "旗",
];
/// The shortest short name accepted (one character would match too much: 东, 南…).
pub const MIN_SHORT: usize = 2;
/// Province-level municipalities: their name stays in the canonical name (北京市朝阳区).
const MUNICIPALITIES: &[&str] = &["110000", "120000", "310000", "500000"];

/// The level of an agency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Province,
    City,
    County,
    /// A 乡, 镇 or 街道 (not in the division table: the code is its county's).
    Township,
    /// A department of a government (局, 委员会, 办公室…).
    Department,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Province => "省",
            Level::City => "市",
            Level::County => "县",
            Level::Township => "乡",
            Level::Department => "部门",
        }
    }
}

/// Why an identity is (partly) empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Doubt {
    /// The report has no agency (no title found).
    NoAgency,
    /// The name does not start with a division name.
    NoDivision,
    /// A division name several divisions share, not settled by the names before it.
    Ambiguous { name: String, codes: Vec<String> },
    /// A division's government not in the table (renamed or created after it: 偃师区, once
    /// 偃师市): the divisions above it are kept, the rest stays empty.
    UnknownDivision(String),
}

impl Doubt {
    /// The `identity` column of reports.csv.
    pub fn note(&self) -> String {
        match self {
            Doubt::NoAgency => "no_agency".into(),
            Doubt::NoDivision => "no_division".into(),
            Doubt::Ambiguous { name, codes } => format!("ambiguous:{name}:{}", codes.join("|")),
            Doubt::UnknownDivision(name) => format!("unknown_division:{name}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Identity {
    /// The name with its parent divisions in full (淮安市洪泽区人民政府); empty when unsure.
    pub canonical: String,
    pub province: String,
    pub city: String,
    pub county: String,
    /// The 6-digit code of the deepest division found.
    pub code: String,
    pub level: Option<Level>,
    pub doubt: Option<Doubt>,
}

impl Identity {
    pub fn note(&self) -> String {
        self.doubt.as_ref().map(Doubt::note).unwrap_or_default()
    }
    pub fn level_str(&self) -> &'static str {
        self.level.map(Level::as_str).unwrap_or("")
    }
}

struct Division {
    code: String,
    name: String,
    parent: Option<usize>,
}

struct Table {
    divisions: Vec<Division>,
    /// Full and short names -> divisions.
    by_name: HashMap<String, Vec<usize>>,
    longest: usize,
}

fn table() -> &'static Table {
    static T: OnceLock<Table> = OnceLock::new();
    T.get_or_init(|| {
        let mut divisions = Vec::new();
        let mut parents = Vec::new();
        for line in DIVISIONS_CSV.lines().skip(1) {
            let mut f = line.split(',');
            let (Some(code), Some(name), parent) = (f.next(), f.next(), f.next().unwrap_or(""))
            else {
                continue;
            };
            divisions.push(Division {
                code: code.into(),
                name: name.into(),
                parent: None,
            });
            parents.push(parent.to_string());
        }
        let at: HashMap<String, usize> = divisions
            .iter()
            .enumerate()
            .map(|(i, d)| (d.code.clone(), i))
            .collect();
        for (d, p) in divisions.iter_mut().zip(&parents) {
            d.parent = at.get(p).copied();
        }
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, d) in divisions.iter().enumerate() {
            by_name.entry(d.name.clone()).or_default().push(i);
            if let Some(short) = short_name(&d.name) {
                let v = by_name.entry(short).or_default();
                if !v.contains(&i) {
                    v.push(i);
                }
            }
        }
        let longest = by_name.keys().map(|k| k.chars().count()).max().unwrap_or(0);
        Table {
            divisions,
            by_name,
            longest,
        }
    })
}

fn short_name(name: &str) -> Option<String> {
    let s = SUFFIXES.iter().find_map(|s| name.strip_suffix(s))?;
    (s.chars().count() >= MIN_SHORT).then(|| s.to_string())
}

fn level_of(code: &str) -> Level {
    if code.ends_with("0000") {
        Level::Province
    } else if code.ends_with("00") {
        Level::City
    } else {
        Level::County
    }
}

fn is_within(t: &Table, mut d: usize, ancestor: usize) -> bool {
    while let Some(p) = t.divisions[d].parent {
        if p == ancestor {
            return true;
        }
        d = p;
    }
    false
}

/// The identity of an agency name as the title gives it.
pub fn identify(agency: &str) -> Identity {
    let chars: Vec<char> = agency.chars().filter(|c| !c.is_whitespace()).collect();
    if chars.is_empty() {
        return Identity {
            doubt: Some(Doubt::NoAgency),
            ..Default::default()
        };
    }
    let t = table();
    let mut chain: Vec<usize> = Vec::new();
    let mut pos = 0;
    let mut doubt = None;
    'chain: while pos < chars.len() {
        for len in (MIN_SHORT..=t.longest.min(chars.len() - pos)).rev() {
            let s: String = chars[pos..pos + len].iter().collect();
            let Some(ids) = t.by_name.get(&s) else {
                continue;
            };
            // a short name followed by a suffix is another division's name (偃师 in 偃师区)
            let short = !ids.iter().any(|&i| t.divisions[i].name == s);
            if short
                && chars
                    .get(pos + len)
                    .is_some_and(|c| DIVISION_ENDS.contains(*c))
            {
                continue;
            }
            let inside: Vec<usize> = ids
                .iter()
                .copied()
                .filter(|&i| chain.last().is_none_or(|&l| is_within(t, i, l)))
                .collect();
            match inside.as_slice() {
                [] => continue,
                [one] => {
                    chain.push(*one);
                    pos += len;
                    continue 'chain;
                }
                many => {
                    // the next name may settle it (淮安 is 淮安市 and 淮安区; 淮安洪泽区: 淮安市)
                    let next: Vec<usize> = many
                        .iter()
                        .copied()
                        .filter(|&c| continues_in(t, &chars[pos + len..], c))
                        .collect();
                    if let [one] = next.as_slice() {
                        chain.push(*one);
                        pos += len;
                        continue 'chain;
                    }
                    let mut codes: Vec<String> =
                        many.iter().map(|&i| t.divisions[i].code.clone()).collect();
                    codes.sort();
                    doubt = Some(Doubt::Ambiguous { name: s, codes });
                    break 'chain;
                }
            }
        }
        break;
    }
    let Some(&deepest) = chain.last() else {
        return Identity {
            doubt: Some(doubt.unwrap_or(Doubt::NoDivision)),
            ..Default::default()
        };
    };
    // the full ancestry, top down (the agency may have left parents out)
    let mut line = vec![deepest];
    while let Some(p) = t.divisions[*line.last().unwrap_or(&deepest)].parent {
        line.push(p);
    }
    line.reverse();
    let mut id = Identity {
        code: t.divisions[deepest].code.clone(),
        doubt,
        ..Default::default()
    };
    for &d in &line {
        let div = &t.divisions[d];
        match level_of(&div.code) {
            Level::Province => id.province.clone_from(&div.name),
            Level::City => id.city.clone_from(&div.name),
            _ => id.county.clone_from(&div.name),
        }
    }
    if id.doubt.is_some() {
        // the chain stopped at an ambiguous name: what follows is not known to be the agency
        return id;
    }
    let rest: String = chars[pos..].iter().collect();
    if let Some(name) = unknown_division(&rest) {
        id.doubt = Some(Doubt::UnknownDivision(name));
        return id;
    }
    id.level = Some(if rest.is_empty() || rest == "人民政府" {
        level_of(&id.code)
    } else if is_township(&rest) {
        Level::Township
    } else {
        Level::Department
    });
    let keep_province =
        line.len() == 1 || MUNICIPALITIES.contains(&t.divisions[line[0]].code.as_str());
    let prefix: String = line
        .iter()
        .skip(usize::from(!keep_province))
        .map(|&d| t.divisions[d].name.as_str())
        .collect();
    id.canonical = prefix + &rest;
    id
}

/// True when `rest` starts with the name of a division inside `within`.
fn continues_in(t: &Table, rest: &[char], within: usize) -> bool {
    (MIN_SHORT..=t.longest.min(rest.len())).any(|len| {
        let s: String = rest[..len].iter().collect();
        t.by_name
            .get(&s)
            .is_some_and(|ids| ids.iter().any(|&i| is_within(t, i, within)))
    })
}

/// Last characters of division names (what follows a short name when it is not one).
const DIVISION_ENDS: &str = "省市区县州盟旗";

/// `偃师区人民政府` after the known divisions: a division (name ending in 区, 县, 市 or 旗, at
/// most 8 characters) whose government this is, but which the table does not know.
fn unknown_division(rest: &str) -> Option<String> {
    let head = rest.strip_suffix("人民政府")?;
    let n = head.chars().count();
    (2..=8).contains(&n).then_some(())?;
    head.ends_with(['区', '县', '市', '旗'])
        .then(|| head.to_string())
}

/// `三河镇人民政府`, `高良涧街道办事处`, `黄集乡`: a township's name and its government.
fn is_township(rest: &str) -> bool {
    for mark in ["街道", "镇", "乡"] {
        if let Some(i) = rest.find(mark) {
            let after = &rest[i + mark.len()..];
            if i > 0 && ["", "人民政府", "办事处", "街道办事处"].contains(&after) {
                return true;
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn county_with_or_without_its_city() {
        let a = identify("洪泽区人民政府");
        let b = identify("淮安市洪泽区人民政府");
        assert_eq!(a, b);
        assert_eq!(a.canonical, "淮安市洪泽区人民政府");
        assert_eq!(
            (
                a.province.as_str(),
                a.city.as_str(),
                a.county.as_str(),
                a.code.as_str()
            ),
            ("江苏省", "淮安市", "洪泽区", "320813")
        );
        assert_eq!(a.level, Some(Level::County));
        assert_eq!(a.note(), "");
    }

    #[test]
    fn short_names_levels_and_departments() {
        let p = identify("江苏省人民政府");
        assert_eq!(
            (p.canonical.as_str(), p.code.as_str(), p.level),
            ("江苏省人民政府", "320000", Some(Level::Province))
        );
        let c = identify("淮安市人民政府");
        assert_eq!(
            (c.canonical.as_str(), c.level_str()),
            ("淮安市人民政府", "市")
        );
        let d = identify("宝鸡市粮食和物资储备局");
        assert_eq!(
            (d.canonical.as_str(), d.code.as_str(), d.level_str()),
            ("宝鸡市粮食和物资储备局", "610300", "部门")
        );
        // short names: 淮安 for 淮安市
        assert_eq!(
            identify("淮安洪泽区人民政府").canonical,
            "淮安市洪泽区人民政府"
        );
        // county-level city inside a city, both named
        let z = identify("宜昌市枝江市人民政府");
        assert_eq!(
            (z.code.as_str(), z.canonical.as_str()),
            ("420583", "宜昌市枝江市人民政府")
        );
        // municipality districts keep the municipality
        let b = identify("北京市朝阳区人民政府");
        assert_eq!(
            (b.canonical.as_str(), b.code.as_str(), b.city.as_str()),
            ("北京市朝阳区人民政府", "110105", "")
        );
        let t = identify("洪泽区高良涧街道办事处");
        assert_eq!(
            (t.level, t.code.as_str()),
            (Some(Level::Township), "320813")
        );
    }

    #[test]
    fn ambiguous_and_unknown_names_stay_empty_and_say_why() {
        let a = identify("朝阳区人民政府");
        assert_eq!(a.canonical, "");
        assert_eq!(a.code, "");
        assert_eq!(a.level, None);
        assert_eq!(a.note(), "ambiguous:朝阳区:110105|220104");
        let n = identify("国家税务总局");
        assert_eq!(
            (n.canonical.as_str(), n.code.as_str(), n.note().as_str()),
            ("", "", "no_division")
        );
        assert_eq!(identify("").note(), "no_agency");
        // a district newer than the table (偃师市 became 偃师区): the city is kept, not 偃师市
        let y = identify("洛阳市偃师区人民政府");
        assert_eq!(
            (
                y.city.as_str(),
                y.county.as_str(),
                y.canonical.as_str(),
                y.level
            ),
            ("洛阳市", "", "", None)
        );
        assert_eq!(y.note(), "unknown_division:偃师区");
        // its department: the short name 偃师 is not read into 偃师市 either
        assert_eq!(identify("洛阳市偃师区教育局").county, "");
        // a province settles the ambiguous county, its city is filled in from the table
        let j = identify("吉林省长春市朝阳区人民政府");
        assert_eq!(
            (j.code.as_str(), j.city.as_str(), j.note().as_str()),
            ("220104", "长春市", "")
        );
    }
}
