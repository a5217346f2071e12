//! The flags on a template cell, as typed values from the stage that raises them (template
//! mapping, repair, checks, `verify`, a person's corrections) to the output, which renders them
//! as cells.csv's `;`-separated `flags` (`output::flags_field`).  Where flags are read back from
//! a CSV or a stored result (corrections, review, state), [`Flag::parse`] turns them into these
//! values again.  The strings are part of the output format: users and tests depend on them, so
//! [`Flag::name`] must not change a name.

use std::borrow::Cow;
use std::fmt;

/// One flag on a cell.  Facts say how the value came to be; doubts (raised by `verify`, only on
/// values read by OCR or from a text dump that the checks do not confirm) say why a person
/// should look at it; decisions are a person's.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Flag {
    // --- facts about the cell ---
    /// `derived:group_printed_as_one_zero_row`: the report prints a group (（六）其他处理) as one
    /// row of zeros; its sub-rows are 0, derived, not read.
    DerivedZeroGroup,
    /// `unknown:group_printed_as_one_nonzero_row`: the group is printed as one row with numbers
    /// other than zero: the sub-rows' split is unknown and their values stay empty.
    UnknownNonzeroGroup,
    /// `not_found`: the cell was not found in the document (value empty, never a guessed 0).
    NotFound,
    /// `unparseable`: the text read is not a number (value empty).
    Unparseable,
    /// `decimal_in_count`: a fraction where the template wants a count.
    DecimalInCount,
    /// `repaired`: the repair stage changed the cell (repairs.csv says how and why).
    Repaired,
    /// `inferred`: not read; the value is the one the template's arithmetic determines.
    Inferred,
    /// `conflicting_duplicate`: the report prints the cell twice with different values.
    ConflictingDuplicate,
    /// `layout_from_text_alignment`: a table without rulings, cells placed by text alignment.
    LayoutFromTextAlignment,
    /// `check_failed:<check>:<subject>`: a suspect of a failed check (`checks`, `verify`).
    CheckFailed { check: String, subject: String },

    // --- doubts (`verify`) ---
    /// `unverified`: no check confirms the value (a cell of its row or column is missing or
    /// inferred) and none fails.
    Unverified,
    /// `partly_verified`: a value other than 0 that one check confirms while another cannot be
    /// evaluated (a whole row may have landed under the wrong label).
    PartlyVerified,
    /// `low_confidence`: the producer's word confidence is below `verify::LOW`.
    LowConfidence,
    /// `malformed_number`: digits split by a space (`0 60`) or a leading zero (`060`).
    MalformedNumber,
    /// `numbers_in_label`: the row's label holds digits beyond its numbering: the row's numbers
    /// may have shifted.
    NumbersInLabel,
    /// `row_by_position`: the row's label was unreadable; the row was placed by the template's
    /// row order (dropped when a column check confirms the cell).
    RowByPosition,
    /// `row_incomplete`: no check covers the cell (the active table) and another cell of its
    /// row was not read.
    RowIncomplete,
    /// `irregular_cell`: no check covers the cell, its value is 0 and its cell does not fit its
    /// table's grid (a sliver, half a row, a row cut short): the value may be printed beside it.
    IrregularCell,
    /// `column_by_position`: no header was seen, or an OCR header lost a column: columns taken
    /// in template order (dropped when a check over the cell confirms it).
    ColumnByPosition,
    /// `column_by_header_order`: the header cell over the column was illegible; the column is
    /// the one the printed order of the legible header cells leaves it (dropped when a check
    /// over the cell confirms it).
    ColumnByHeaderOrder,
    /// `total_column_by_sums`: the columns were taken in order without a header, and the row
    /// sums show the total printed in another column than the template's (总计 first): the
    /// cells were placed by those sums.
    TotalColumnBySums,
    /// `appeals_group_by_sum`: the appeals header placed none of the row's numbers; five at the
    /// row's start or end whose first four sum to the fifth were taken as that group (the sum
    /// that placed them cannot confirm them).
    GroupBySum,

    // --- a person's decisions (`corrections`) ---
    /// `confirmed`: a person confirmed the value read.
    Confirmed,
    /// `corrected`: a person typed the value (raw keeps the text as read).
    Corrected,

    /// A flag this version does not know (read back from a file another version wrote): kept as
    /// read, so that nothing is lost on the way through.
    Other(String),
}

/// The flags without data, with their names (the output strings).
const NAMES: &[(Flag, &str)] = &[
    (
        Flag::DerivedZeroGroup,
        "derived:group_printed_as_one_zero_row",
    ),
    (
        Flag::UnknownNonzeroGroup,
        "unknown:group_printed_as_one_nonzero_row",
    ),
    (Flag::NotFound, "not_found"),
    (Flag::Unparseable, "unparseable"),
    (Flag::DecimalInCount, "decimal_in_count"),
    (Flag::Repaired, "repaired"),
    (Flag::Inferred, "inferred"),
    (Flag::ConflictingDuplicate, "conflicting_duplicate"),
    (Flag::LayoutFromTextAlignment, "layout_from_text_alignment"),
    (Flag::Unverified, "unverified"),
    (Flag::PartlyVerified, "partly_verified"),
    (Flag::LowConfidence, "low_confidence"),
    (Flag::MalformedNumber, "malformed_number"),
    (Flag::NumbersInLabel, "numbers_in_label"),
    (Flag::RowByPosition, "row_by_position"),
    (Flag::RowIncomplete, "row_incomplete"),
    (Flag::IrregularCell, "irregular_cell"),
    (Flag::ColumnByPosition, "column_by_position"),
    (Flag::ColumnByHeaderOrder, "column_by_header_order"),
    (Flag::TotalColumnBySums, "total_column_by_sums"),
    (Flag::GroupBySum, "appeals_group_by_sum"),
    (Flag::Confirmed, "confirmed"),
    (Flag::Corrected, "corrected"),
];

/// The prefix of [`Flag::CheckFailed`].
const CHECK_FAILED: &str = "check_failed:";

impl Flag {
    /// The flag a failed check puts on its suspects.
    pub fn check_failed(check: &str, subject: &str) -> Flag {
        Flag::CheckFailed {
            check: check.into(),
            subject: subject.into(),
        }
    }

    /// The flag as cells.csv writes it.
    pub fn name(&self) -> Cow<'static, str> {
        match self {
            Flag::CheckFailed { check, subject } => {
                Cow::Owned(format!("{CHECK_FAILED}{check}:{subject}"))
            }
            Flag::Other(s) => Cow::Owned(s.clone()),
            f => Cow::Borrowed(
                NAMES
                    .iter()
                    .find(|(g, _)| g == f)
                    .map(|(_, n)| *n)
                    .expect("every flag without data has a name in NAMES"),
            ),
        }
    }

    /// A flag as cells.csv writes it (the inverse of [`Flag::name`]); a name this version does
    /// not know is [`Flag::Other`].
    pub fn parse(s: &str) -> Flag {
        if let Some((_, f)) = NAMES.iter().map(|(f, n)| (n, f)).find(|(n, _)| **n == s) {
            return f.clone();
        }
        if let Some(rest) = s.strip_prefix(CHECK_FAILED) {
            let (check, subject) = rest.split_once(':').unwrap_or((rest, ""));
            return Flag::check_failed(check, subject);
        }
        Flag::Other(s.to_string())
    }

    /// cells.csv's `flags` field (`;`-separated, empty parts skipped) as flags.
    pub fn parse_list(field: &str) -> Vec<Flag> {
        field
            .split(';')
            .filter(|f| !f.is_empty())
            .map(Flag::parse)
            .collect()
    }

    /// A person's decision (`confirmed`, `corrected`).
    pub fn is_decision(&self) -> bool {
        matches!(self, Flag::Confirmed | Flag::Corrected)
    }

    /// A fact no person needs to confirm cell by cell: the sub-rows of a group printed as one
    /// row of zeros.
    pub fn is_settled_fact(&self) -> bool {
        *self == Flag::DerivedZeroGroup
    }
}

impl fmt::Display for Flag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_flag_reads_back_as_itself() {
        let mut all: Vec<Flag> = NAMES.iter().map(|(f, _)| f.clone()).collect();
        all.push(Flag::check_failed("row_total", "granted"));
        all.push(Flag::Other("from_a_later_version".into()));
        for f in all {
            assert_eq!(Flag::parse(&f.name()), f, "{f}");
        }
    }

    #[test]
    fn names_are_the_output_strings() {
        assert_eq!(Flag::NotFound.to_string(), "not_found");
        assert_eq!(
            Flag::DerivedZeroGroup.to_string(),
            "derived:group_printed_as_one_zero_row"
        );
        assert_eq!(
            Flag::check_failed("results_total", "granted").to_string(),
            "check_failed:results_total:granted"
        );
        let names: std::collections::HashSet<&str> = NAMES.iter().map(|(_, n)| *n).collect();
        assert_eq!(names.len(), NAMES.len(), "two flags share a name");
    }

    #[test]
    fn a_field_parses_into_its_flags() {
        assert_eq!(
            Flag::parse_list("low_confidence;;check_failed:balance:total;odd"),
            vec![
                Flag::LowConfidence,
                Flag::check_failed("balance", "total"),
                Flag::Other("odd".into())
            ]
        );
        assert!(Flag::parse_list("").is_empty());
    }
}
