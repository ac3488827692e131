//! What an export looks like: its layout, which columns hold the id, session, date and
//! respondent, and which hold each instrument's items (by pattern or by an explicit list).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::codes::MissingCodes;
use super::error::SpecError;
use super::formats::{DateFormat, SessionPattern, digits_between};
use crate::instrument::Instrument;
use crate::session::Respondent;

/// The `{item}` placeholder of a column pattern.
pub const ITEM_PLACEHOLDER: &str = "{item}";

/// A column-name pattern with one `{item}` placeholder standing for the item number, e.g.
/// `WAI_{item}` (matches `WAI_1` … `WAI_12`) or `ors{item}`. Matching ignores ASCII case and
/// surrounding spaces; the number may not have leading zeros unless written in the pattern
/// (`Q0{item}` matches `Q01`).
///
/// ```
/// use therapeutic_alliance::export::ColumnPattern;
/// let p = ColumnPattern::new("WAI_{item}")?;
/// assert_eq!(p.item("wai_12"), Some(12));
/// assert_eq!(p.item("WAI_T1"), None);
/// assert_eq!(p.column(3), "WAI_3");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "String", into = "String")]
pub struct ColumnPattern {
    prefix: String,
    suffix: String,
}

impl ColumnPattern {
    /// Parses a pattern.
    ///
    /// # Errors
    /// [`SpecError::Pattern`] unless the pattern holds `{item}` exactly once.
    pub fn new(pattern: &str) -> Result<Self, SpecError> {
        let bad = || SpecError::Pattern {
            pattern: pattern.to_owned(),
        };
        let (prefix, suffix) = pattern
            .trim()
            .split_once(ITEM_PLACEHOLDER)
            .ok_or_else(bad)?;
        if suffix.contains(ITEM_PLACEHOLDER) {
            return Err(bad());
        }
        Ok(Self {
            prefix: prefix.to_owned(),
            suffix: suffix.to_owned(),
        })
    }

    /// The item number a column name matches, if any.
    #[must_use]
    pub fn item(&self, column: &str) -> Option<u16> {
        let digits = digits_between(column, &self.prefix, &self.suffix)?;
        if digits.len() > 1 && digits[0] == b'0' {
            return None;
        }
        std::str::from_utf8(digits).ok()?.parse().ok()
    }

    /// The column name for `item`.
    #[must_use]
    pub fn column(&self, item: u16) -> String {
        format!("{}{item}{}", self.prefix, self.suffix)
    }
}

impl TryFrom<String> for ColumnPattern {
    type Error = SpecError;
    fn try_from(s: String) -> Result<Self, SpecError> {
        Self::new(&s).map_err(crate::document::raised)
    }
}

impl From<ColumnPattern> for String {
    fn from(p: ColumnPattern) -> String {
        format!("{}{ITEM_PLACEHOLDER}{}", p.prefix, p.suffix)
    }
}

/// How an instrument's items are found among the columns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", tag = "kind")]
#[non_exhaustive]
pub enum ItemColumns {
    /// Columns named by a pattern such as `WAI_{item}`.
    Pattern {
        /// The pattern.
        pattern: ColumnPattern,
    },
    /// An explicit column name per item number.
    Named {
        /// Item number → column name.
        columns: BTreeMap<u16, String>,
    },
}

impl ItemColumns {
    /// The item a column (wide) or item cell (long) names.
    pub(crate) fn item(&self, name: &str) -> Option<u16> {
        match self {
            Self::Pattern { pattern } => pattern.item(name),
            Self::Named { columns } => columns
                .iter()
                .find(|(_, c)| c.trim().eq_ignore_ascii_case(name.trim()))
                .map(|(&i, _)| i),
        }
    }

    /// How the columns are described in an error.
    pub(crate) fn describe(&self) -> String {
        match self {
            Self::Pattern { pattern } => String::from(pattern.clone()),
            Self::Named { columns } => {
                let names: Vec<&str> = columns.values().map(String::as_str).collect();
                names.join(", ")
            }
        }
    }
}

/// One instrument of an export: the instrument, where its items are and who answers it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct InstrumentColumns {
    /// The instrument.
    pub instrument: Instrument,
    /// Its item columns.
    pub items: ItemColumns,
    /// Who answers it when the export has no respondent column (a respondent column overrides).
    pub respondent: Respondent,
}

impl InstrumentColumns {
    /// `instrument`'s items in columns matching `pattern`, answered by the client.
    ///
    /// # Errors
    /// [`SpecError::Pattern`] for a pattern without exactly one `{item}`.
    pub fn pattern(instrument: Instrument, pattern: &str) -> Result<Self, SpecError> {
        Ok(Self {
            instrument,
            items: ItemColumns::Pattern {
                pattern: ColumnPattern::new(pattern)?,
            },
            respondent: Respondent::Client,
        })
    }

    /// `instrument`'s items in the named columns (item number → column), answered by the
    /// client.
    #[must_use]
    pub fn named(instrument: Instrument, columns: BTreeMap<u16, String>) -> Self {
        Self {
            instrument,
            items: ItemColumns::Named { columns },
            respondent: Respondent::Client,
        }
    }

    /// The same, answered by `respondent`.
    #[must_use]
    pub fn respondent(mut self, respondent: Respondent) -> Self {
        self.respondent = respondent;
        self
    }
}

/// How records are laid out.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", tag = "kind")]
#[non_exhaustive]
pub enum Layout {
    /// One row per administration (or per session, with several instruments side by side);
    /// item columns are found by each instrument's [`ItemColumns`]. An instrument whose item
    /// cells in a row are all missing was not given in that session and yields nothing.
    #[default]
    Wide,
    /// One row per answer: the `item` column holds the item and the `value` column its
    /// answer. Without an `instrument` column the item cell is the item's column name
    /// (matched with each instrument's [`ItemColumns`], e.g. `WAI_3`). With one (a tidy
    /// `client, session, date, instrument, item, value` export), the instrument cell names the
    /// instrument (its id, ASCII case and `-`/`_` ignored: `WAI_SR` is `wai-sr`) and the item
    /// cell its item **number** (`3`) or its column name. The rows of one administration
    /// (same id, session and respondent) must be consecutive, as an export sorted by client
    /// and session is; the file is still read as a stream.
    Long {
        /// The column holding the item.
        item: String,
        /// The column holding the answer.
        value: String,
        /// The column naming the instrument, if the export has one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        instrument: Option<String>,
    },
}

/// A validated description of an export; build it with [`ExportSpec::builder`] or
/// deserialise a mapping document (same validation):
///
/// ```
/// use therapeutic_alliance::export::ExportSpec;
/// let spec: ExportSpec = serde_json::from_str(r#"{
///   "id": "ClientID", "session": "Session", "date": "Date",
///   "instruments": [
///     {"instrument": "wai-sr", "columns": "WAI_{item}"},
///     {"instrument": "ors", "columns": "ORS_{item}"}
///   ],
///   "missing": {"missing": ["", "NA", ".", "-99"]}
/// }"#)?;
/// assert_eq!(spec.instruments().len(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// Mapping document fields: `layout` (`{"kind": "wide"}`, the default, or `{"kind": "long",
/// "item": COLUMN, "value": COLUMN}` with an optional `"instrument": COLUMN`), `id`
/// (required), `session`, `date`, `respondent`, `therapist` (optional column names),
/// `session_pattern` (e.g. `"session_{n}_arm_1"`, see [`SessionPattern`]), `date_format`
/// (e.g. `"%d-%m-%Y"`, see [`DateFormat`]), `instruments` (each: `instrument`, a built-in id;
/// `columns`, a pattern, or `items`, an object of item number → column name; optional
/// `respondent`, default `"client"`) and `missing` (a [`MissingCodes`] object; defaults
/// as documented there). Unknown fields are errors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "SpecDocument", into = "SpecDocument")]
pub struct ExportSpec {
    pub(crate) layout: Layout,
    pub(crate) id: String,
    pub(crate) session: Option<String>,
    pub(crate) date: Option<String>,
    pub(crate) respondent: Option<String>,
    pub(crate) therapist: Option<String>,
    pub(crate) session_pattern: Option<SessionPattern>,
    pub(crate) date_format: Option<DateFormat>,
    pub(crate) instruments: Vec<InstrumentColumns>,
    pub(crate) codes: MissingCodes,
}

impl ExportSpec {
    /// A builder; `id` names the client id column.
    #[must_use]
    pub fn builder(id: impl Into<String>) -> ExportSpecBuilder {
        ExportSpecBuilder {
            spec: Self {
                layout: Layout::Wide,
                id: id.into(),
                session: None,
                date: None,
                respondent: None,
                therapist: None,
                session_pattern: None,
                date_format: None,
                instruments: Vec::new(),
                codes: MissingCodes::default(),
            },
        }
    }

    /// How session numbers are read from text, if the session column holds text.
    #[must_use]
    pub fn session_pattern(&self) -> Option<&SessionPattern> {
        self.session_pattern.as_ref()
    }

    /// The order the export writes its dates in, if not ISO 8601.
    #[must_use]
    pub fn date_format(&self) -> Option<&DateFormat> {
        self.date_format.as_ref()
    }

    /// The layout.
    #[must_use]
    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// The id column.
    #[must_use]
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The session-number column, if any.
    #[must_use]
    pub fn session(&self) -> Option<&str> {
        self.session.as_deref()
    }

    /// The date column, if any.
    #[must_use]
    pub fn date(&self) -> Option<&str> {
        self.date.as_deref()
    }

    /// The respondent column, if any.
    #[must_use]
    pub fn respondent(&self) -> Option<&str> {
        self.respondent.as_deref()
    }

    /// The therapist (counsellor) id column, if any.
    #[must_use]
    pub fn therapist(&self) -> Option<&str> {
        self.therapist.as_deref()
    }

    /// The instruments, in the order administrations are reported within a row.
    #[must_use]
    pub fn instruments(&self) -> &[InstrumentColumns] {
        &self.instruments
    }

    /// The missing-value codes.
    #[must_use]
    pub fn missing(&self) -> &MissingCodes {
        &self.codes
    }
}

/// Builds an [`ExportSpec`]; [`ExportSpecBuilder::build`] validates.
#[derive(Debug, Clone)]
pub struct ExportSpecBuilder {
    spec: ExportSpec,
}

impl ExportSpecBuilder {
    /// The layout (default [`Layout::Wide`]).
    #[must_use]
    pub fn layout(mut self, layout: Layout) -> Self {
        self.spec.layout = layout;
        self
    }

    /// The session-number column.
    #[must_use]
    pub fn session(mut self, column: impl Into<String>) -> Self {
        self.spec.session = Some(column.into());
        self
    }

    /// The date column (ISO 8601 `YYYY-MM-DD` unless a [`date_format`](Self::date_format)
    /// is given).
    #[must_use]
    pub fn date(mut self, column: impl Into<String>) -> Self {
        self.spec.date = Some(column.into());
        self
    }

    /// Session numbers are read from the session column's text with `pattern` (REDCap's
    /// `redcap_event_name`: `session_{n}_arm_1`) instead of as plain numbers.
    #[must_use]
    pub fn session_pattern(mut self, pattern: SessionPattern) -> Self {
        self.spec.session_pattern = Some(pattern);
        self
    }

    /// Dates are written in `format` (e.g. `%d-%m-%Y`) instead of ISO 8601.
    #[must_use]
    pub fn date_format(mut self, format: DateFormat) -> Self {
        self.spec.date_format = Some(format);
        self
    }

    /// The respondent column (`client`, `therapist`, `observer`; case-insensitive).
    #[must_use]
    pub fn respondent(mut self, column: impl Into<String>) -> Self {
        self.spec.respondent = Some(column.into());
        self
    }

    /// The therapist (counsellor) id column.
    #[must_use]
    pub fn therapist(mut self, column: impl Into<String>) -> Self {
        self.spec.therapist = Some(column.into());
        self
    }

    /// Adds an instrument.
    #[must_use]
    pub fn instrument(mut self, columns: InstrumentColumns) -> Self {
        self.spec.instruments.push(columns);
        self
    }

    /// The missing-value codes (default [`MissingCodes::default`]).
    #[must_use]
    pub fn missing(mut self, codes: MissingCodes) -> Self {
        self.spec.codes = codes;
        self
    }

    /// Validates the description.
    ///
    /// # Errors
    /// [`SpecError::NoInstruments`], [`SpecError::EmptyColumn`] for an empty column name,
    /// [`SpecError::RepeatedColumn`] when one column is given two roles,
    /// [`SpecError::RepeatedInstrument`] for an instrument listed twice with the same
    /// respondent.
    pub fn build(self) -> Result<ExportSpec, SpecError> {
        let s = self.spec;
        if s.instruments.is_empty() {
            return Err(SpecError::NoInstruments);
        }
        let mut roles: Vec<(&str, &str)> = vec![("id", s.id.as_str())];
        for (role, c) in [
            ("session", &s.session),
            ("date", &s.date),
            ("respondent", &s.respondent),
            ("therapist", &s.therapist),
        ] {
            if let Some(c) = c {
                roles.push((role, c.as_str()));
            }
        }
        if let Layout::Long {
            item,
            value,
            instrument,
        } = &s.layout
        {
            roles.push(("item", item.as_str()));
            roles.push(("value", value.as_str()));
            if let Some(i) = instrument {
                roles.push(("instrument", i.as_str()));
            }
        }
        for (i, &(role, c)) in roles.iter().enumerate() {
            if c.trim().is_empty() {
                return Err(SpecError::EmptyColumn { role });
            }
            if let Some(&(other, _)) = roles[..i]
                .iter()
                .find(|(_, d)| d.trim().eq_ignore_ascii_case(c.trim()))
            {
                return Err(SpecError::RepeatedColumn {
                    column: c.to_owned(),
                    first: other,
                    second: role,
                });
            }
        }
        for (i, a) in s.instruments.iter().enumerate() {
            if s.instruments[..i]
                .iter()
                .any(|b| b.instrument.id() == a.instrument.id() && b.respondent == a.respondent)
            {
                return Err(SpecError::RepeatedInstrument {
                    instrument: a.instrument.id().to_owned(),
                });
            }
        }
        Ok(s)
    }
}

/// The serialised form of [`ExportSpec`] (the mapping document).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
struct SpecDocument {
    #[serde(default)]
    layout: Layout,
    id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    session: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    respondent: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    therapist: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    session_pattern: Option<SessionPattern>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    date_format: Option<DateFormat>,
    instruments: Vec<InstrumentDocument>,
    #[serde(default)]
    missing: MissingCodes,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
struct InstrumentDocument {
    instrument: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    columns: Option<ColumnPattern>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    items: Option<BTreeMap<u16, String>>,
    #[serde(default = "client")]
    respondent: Respondent,
}

fn client() -> Respondent {
    Respondent::Client
}

impl TryFrom<SpecDocument> for ExportSpec {
    type Error = SpecError;
    fn try_from(d: SpecDocument) -> Result<Self, SpecError> {
        let read = || -> Result<Self, SpecError> {
            let mut b = ExportSpec::builder(d.id)
                .layout(d.layout)
                .missing(d.missing);
            if let Some(p) = d.session_pattern {
                b = b.session_pattern(p);
            }
            if let Some(f) = d.date_format {
                b = b.date_format(f);
            }
            for (column, set) in [
                (d.session, ExportSpecBuilder::session as fn(_, String) -> _),
                (d.date, ExportSpecBuilder::date),
                (d.respondent, ExportSpecBuilder::respondent),
                (d.therapist, ExportSpecBuilder::therapist),
            ] {
                if let Some(c) = column {
                    b = set(b, c);
                }
            }
            for i in d.instruments {
                let instrument = Instrument::builtin(&i.instrument).ok_or_else(|| {
                    SpecError::UnknownInstrument {
                        instrument: i.instrument.clone(),
                    }
                })?;
                let items = match (i.columns, i.items) {
                    (Some(pattern), None) => ItemColumns::Pattern { pattern },
                    (None, Some(columns)) => ItemColumns::Named { columns },
                    _ => {
                        return Err(SpecError::ColumnsOrItems {
                            instrument: i.instrument,
                        });
                    }
                };
                b = b.instrument(InstrumentColumns {
                    instrument,
                    items,
                    respondent: i.respondent,
                });
            }
            b.build()
        };
        read().map_err(crate::document::raised)
    }
}

impl From<ExportSpec> for SpecDocument {
    fn from(s: ExportSpec) -> Self {
        Self {
            layout: s.layout,
            id: s.id,
            session: s.session,
            date: s.date,
            respondent: s.respondent,
            therapist: s.therapist,
            session_pattern: s.session_pattern,
            date_format: s.date_format,
            instruments: s
                .instruments
                .into_iter()
                .map(|i| {
                    let (columns, items) = match i.items {
                        ItemColumns::Pattern { pattern } => (Some(pattern), None),
                        ItemColumns::Named { columns } => (None, Some(columns)),
                    };
                    InstrumentDocument {
                        instrument: i.instrument.id().to_owned(),
                        columns,
                        items,
                        respondent: i.respondent,
                    }
                })
                .collect(),
            missing: s.codes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wai() -> Instrument {
        Instrument::builtin("wai-sr").unwrap()
    }

    #[test]
    fn patterns() {
        let p = ColumnPattern::new(" ors{item} ").unwrap();
        assert_eq!(p.item("ORS4"), Some(4));
        assert_eq!(p.item("ors"), None);
        assert_eq!(p.item("ors04"), None);
        assert_eq!(p.item("ors4x"), None);
        assert_eq!(p.item("ors99999"), None);
        let q = ColumnPattern::new("Q0{item}_t1").unwrap();
        assert_eq!(q.item("q07_T1"), Some(7));
        assert_eq!(String::from(q), "Q0{item}_t1");
        assert!(ColumnPattern::new("WAI_").is_err());
        assert!(ColumnPattern::new("{item}_{item}").is_err());
        assert_eq!(
            ColumnPattern::new("x").unwrap_err().to_string(),
            "column pattern \"x\" needs exactly one {item}"
        );
    }

    #[test]
    fn builder_validates() {
        let cols = InstrumentColumns::pattern(wai(), "WAI_{item}").unwrap();
        assert_eq!(
            ExportSpec::builder("id").build().unwrap_err(),
            SpecError::NoInstruments
        );
        let e = ExportSpec::builder("id")
            .session("ID")
            .instrument(cols.clone())
            .build()
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "column \"ID\" cannot be both the id and the session column"
        );
        let e = ExportSpec::builder("id")
            .instrument(cols.clone())
            .instrument(cols.clone())
            .build()
            .unwrap_err();
        assert_eq!(e.to_string(), "instrument wai-sr is listed twice");
        assert!(
            ExportSpec::builder("id")
                .instrument(cols.clone())
                .instrument(cols.respondent(Respondent::Therapist))
                .build()
                .is_ok()
        );
        assert!(
            ExportSpec::builder(" ")
                .instrument(InstrumentColumns::pattern(wai(), "W{item}").unwrap())
                .build()
                .is_err()
        );
    }

    #[test]
    fn mapping_document_round_trips() {
        let text = r#"{"layout": {"kind": "long", "item": "Item", "value": "Answer"},
            "id": "ClientID", "session": "Session",
            "instruments": [{"instrument": "wai-sr", "columns": "WAI_{item}"},
                            {"instrument": "srs", "items": {"1": "s_a", "2": "s_b", "3": "s_c", "4": "s_d"},
                             "respondent": "client"}]}"#;
        let spec: ExportSpec = serde_json::from_str(text).unwrap();
        assert_eq!(
            spec.layout(),
            &Layout::Long {
                item: "Item".into(),
                value: "Answer".into(),
                instrument: None,
            }
        );
        assert_eq!(spec.instruments()[1].items.item("S_C"), Some(3));
        let back: ExportSpec =
            serde_json::from_str(&serde_json::to_string(&spec).unwrap()).unwrap();
        assert_eq!(back, spec);
        for bad in [
            r#"{"id": "c", "instruments": [{"instrument": "nope", "columns": "x{item}"}]}"#,
            r#"{"id": "c", "instruments": [{"instrument": "srs"}]}"#,
            r#"{"id": "c", "instruments": [{"instrument": "srs", "columns": "x"}]}"#,
            r#"{"id": "c", "instruments": []}"#,
            r#"{"id": "c", "instruments": [{"instrument": "srs", "columns": "x{item}"}], "extra": 1}"#,
        ] {
            assert!(serde_json::from_str::<ExportSpec>(bad).is_err(), "{bad}");
        }
    }
}
