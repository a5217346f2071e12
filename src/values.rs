//! Reading a table cell's text as a number, the way the template prints them.

/// What a cell's text says.
#[derive(Debug, Clone, PartialEq)]
pub enum Parsed {
    /// A number, normalised: ASCII digits, no thousands separators, as printed otherwise.
    Number(String),
    /// Printed blank, or a dash/slash meaning zero.
    Zero,
    /// Something that is not a number.
    Text,
}

/// Fold full-width forms to ASCII and drop all white space.
pub fn fold(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect()
}

/// Characters that, alone or repeated, mean "zero" in these tables.
fn is_zero_glyph(c: char) -> bool {
    matches!(
        c,
        '-' | '/' | '\u{2010}'
            ..='\u{2015}'
                | '\u{2212}'
                | '\u{2500}'
                | '\u{2501}'
                | '\u{30FC}'
                | '\u{4E00}'
                | '\u{FE58}'
                | '\u{FE63}'
                | '\\'
                | '_'
                | '~'
    )
}

pub fn parse(text: &str) -> Parsed {
    let s = fold(text);
    if s.is_empty() {
        return Parsed::Zero;
    }
    if s.chars().all(is_zero_glyph) && s.chars().count() <= 3 {
        return Parsed::Zero;
    }
    // thousands separators: 1,234 / 1，234 (the comma folded above)
    let t: String = s.chars().filter(|&c| c != ',').collect();
    let mut dots = 0;
    let ok = !t.is_empty()
        && t.chars().all(|c| {
            if c == '.' {
                dots += 1;
                true
            } else {
                c.is_ascii_digit()
            }
        })
        && dots <= 1
        && !t.starts_with('.')
        && !t.ends_with('.');
    if ok {
        if s.contains(',') && !thousands_ok(&s) {
            return Parsed::Text;
        }
        Parsed::Number(t)
    } else {
        Parsed::Text
    }
}

/// `1,234,567.5` is a number with separators; `1,23` is not.
fn thousands_ok(s: &str) -> bool {
    let int = s.split('.').next().unwrap_or("");
    let groups: Vec<&str> = int.split(',').collect();
    groups[0].len() <= 3 && !groups[0].is_empty() && groups[1..].iter().all(|g| g.len() == 3)
}

/// True when the text can stand in a value cell (number, zero glyph or blank).
pub fn is_value_like(text: &str) -> bool {
    !matches!(parse(text), Parsed::Text)
}

/// Characters OCR confuses inside numbers, and the digit each stands for.
pub const DIGIT_LOOKALIKES: &[(char, char)] = &[
    ('O', '0'),
    ('o', '0'),
    ('D', '0'),
    ('Q', '0'),
    ('〇', '0'),
    ('l', '1'),
    ('I', '1'),
    ('|', '1'),
    ('i', '1'),
    ('!', '1'),
    ('S', '5'),
    ('s', '5'),
    ('B', '8'),
    ('Z', '2'),
    ('z', '2'),
    ('G', '6'),
    ('b', '6'),
    ('g', '9'),
    ('q', '9'),
];

/// The number a text says as printed (a number or a zero glyph), as a float for sums.
pub fn number(text: &str) -> Option<f64> {
    match parse(text) {
        Parsed::Number(n) => n.parse().ok(),
        Parsed::Zero => Some(0.0),
        Parsed::Text => None,
    }
}

/// The digit a look-alike character stands for.
pub fn lookalike(c: char) -> Option<char> {
    DIGIT_LOOKALIKES
        .iter()
        .find(|(l, _)| *l == c)
        .map(|(_, d)| *d)
}

/// The number a text says when every look-alike letter in it is read as a digit (`l2` -> 12,
/// `O` -> 0); None when that is no number or the text needs no such reading.
pub fn lookalike_number(text: &str) -> Option<String> {
    let t = fold(text);
    if t.is_empty() {
        return None;
    }
    let mapped: String = t.chars().map(|c| lookalike(c).unwrap_or(c)).collect();
    match parse(&mapped) {
        Parsed::Number(n) if mapped != t => Some(n),
        _ => None,
    }
}

/// Marks OCR leaves at the edges of a number: a speck read as a dot or comma, a ruling
/// remnant read as a dash, 一 or a square bracket, a quote.  Inside a number they are not
/// stripped.
pub fn is_edge_mark(c: char) -> bool {
    matches!(
        c,
        '.' | ','
            | '['
            | ']'
            | '\u{00B7}'
            | '\u{3002}'
            | '\u{3001}'
            | '\''
            | '`'
            | '"'
            | ':'
            | ';'
            | '\u{2018}'
            | '\u{2019}'
            | '\u{201C}'
            | '\u{201D}'
    ) || is_zero_glyph(c)
}

/// The number a text says once stray marks at its ends are dropped and look-alike letters are
/// read as digits (`.20` -> 20, `18.` -> 18, `0一` -> 0, `l2'` -> 12); None when that is no
/// number or the text needs no such reading.  In a `decimal` cell a leading dot is the
/// decimal point of a lost 0 (`.20` -> 0.20), not a stray mark.
pub fn cleaned_number(text: &str, decimal: bool) -> Option<String> {
    let t = fold(text);
    let mapped: String = t.chars().map(|c| lookalike(c).unwrap_or(c)).collect();
    let core = mapped.trim_matches(is_edge_mark);
    if core.is_empty() || !core.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let head = mapped.trim_end_matches(is_edge_mark);
    let core = match head.strip_prefix('.') {
        Some(rest) if decimal && rest.starts_with(|c: char| c.is_ascii_digit()) => {
            format!("0.{rest}")
        }
        _ => core.to_string(),
    };
    match parse(&core) {
        Parsed::Number(n) if core != t => Some(n),
        _ => None,
    }
}

/// A value cell as far as table reading goes: value-like text, or, when the words are not
/// certain (OCR), a number with look-alike letters (the repair stage reads it).
pub fn value_like(text: &str, confidence: f32) -> bool {
    is_value_like(text) || (confidence < 1.0 && lookalike_number(text).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(parse("21"), Parsed::Number("21".into()));
        assert_eq!(parse(" 7730.28 "), Parsed::Number("7730.28".into()));
        assert_eq!(parse("1,234"), Parsed::Number("1234".into()));
        assert_eq!(parse("１２３"), Parsed::Number("123".into()));
        assert_eq!(parse("0"), Parsed::Number("0".into()));
    }

    #[test]
    fn zero_glyphs() {
        for z in ["", "—", "-", "－", "/", "——", "／", " "] {
            assert_eq!(parse(z), Parsed::Zero, "{z:?}");
        }
    }

    #[test]
    fn not_numbers() {
        for t in ["总计", "1.2.3", "12a", "1,23", ".5", "自然人"] {
            assert_eq!(parse(t), Parsed::Text, "{t:?}");
        }
    }

    #[test]
    fn cleaned_numbers() {
        assert_eq!(cleaned_number(".20", false).as_deref(), Some("20"));
        assert_eq!(cleaned_number(".20", true).as_deref(), Some("0.20"));
        assert_eq!(cleaned_number("18.", false).as_deref(), Some("18"));
        assert_eq!(cleaned_number("0一", false).as_deref(), Some("0"));
        assert_eq!(cleaned_number("'l2", false).as_deref(), Some("12"));
        assert_eq!(cleaned_number("O", false).as_deref(), Some("0"));
        // a broken ruling beside a number read as a bracket
        assert_eq!(cleaned_number("[1328", false).as_deref(), Some("1328"));
        assert_eq!(cleaned_number("62]", false).as_deref(), Some("62"));
        // a number inside is kept as it is; nothing to clean, or not a number
        assert_eq!(cleaned_number("12", false), None);
        assert_eq!(cleaned_number("1.5", true), None);
        for t in [
            "总计", "1.2.3", "—", "..", "1人", "人1", "1 2a", "[", "1[2", "(4",
        ] {
            assert_eq!(cleaned_number(t, false), None, "{t:?}");
        }
    }
}
