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
    matches!(c, '-' | '/' | '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{2500}' | '\u{2501}' | '\u{30FC}' | '\u{4E00}' | '\u{FE58}' | '\u{FE63}' | '\\' | '_' | '~')
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


/// The number a text says when every look-alike letter in it is read as a digit (`l2` -> 12,
/// `O` -> 0); None when that is no number or the text needs no such reading.
pub fn lookalike_number(text: &str) -> Option<String> {
    let t = fold(text);
    if t.is_empty() {
        return None;
    }
    let mapped: String = t.chars().map(|c| DIGIT_LOOKALIKES.iter().find(|(l, _)| *l == c).map(|(_, d)| *d).unwrap_or(c)).collect();
    match parse(&mapped) {
        Parsed::Number(n) if mapped != t => Some(n),
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
}
