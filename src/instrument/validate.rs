//! Validation of an instrument definition: the one path from a [`Spec`] (built, deserialised or
//! from the catalogue) to an [`Instrument`] with its compiled, scoring-ready form.

use super::critical::{CriticalSet, CriticalTarget};
use super::{
    Aggregation, CompiledItem, CompiledTarget, Instrument, InstrumentError, MissingRule,
    NO_SUBSCALE, Norms, ResponseScale, Spec, rules,
};

impl TryFrom<Spec> for Instrument {
    type Error = InstrumentError;
    fn try_from(spec: Spec) -> Result<Self, InstrumentError> {
        Self::from_spec(spec).map_err(crate::document::raised)
    }
}

impl From<Instrument> for Spec {
    fn from(i: Instrument) -> Self {
        i.spec
    }
}

fn is_snake_case(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some('a'..='z'))
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_'))
}

fn aggregation_ok(a: Aggregation) -> bool {
    match a {
        Aggregation::ScaledMean { factor } => factor.is_finite() && factor != 0.0,
        _ => true,
    }
}

/// Range of a score of `n` items under `agg`.
pub(super) fn score_range(scale: ResponseScale, agg: Aggregation, n: usize) -> (f64, f64) {
    let (lo, hi) = scale.bounds();
    let n_f = n as f64;
    let (a, b) = (agg.apply(lo * n_f, n), agg.apply(hi * n_f, n));
    (a.min(b), a.max(b))
}

/// Resolves each critical rule's target to a position or subscale index.
fn compile_critical(
    spec: &Spec,
    items: &[CompiledItem],
) -> Result<Vec<CompiledTarget>, InstrumentError> {
    let bad = |reason: String| InstrumentError::invalid(&spec.id, reason);
    if spec.critical.len() > CriticalSet::MAX_RULES {
        return Err(bad(format!(
            "declares {} critical rules, at most {} allowed",
            spec.critical.len(),
            CriticalSet::MAX_RULES
        )));
    }
    let mut out = Vec::with_capacity(spec.critical.len());
    for (k, rule) in spec.critical.iter().enumerate() {
        if spec.critical[..k].iter().any(|r| r.id() == rule.id()) {
            return Err(bad(format!(
                "critical rule {} is declared twice",
                rule.id()
            )));
        }
        let target = match rule.target() {
            CriticalTarget::Item { item } => match items.binary_search_by_key(item, |i| i.number) {
                Ok(pos) => CompiledTarget::Position(pos),
                Err(_) => {
                    return Err(bad(format!(
                        "critical rule {} names item {item}, which is not defined",
                        rule.id()
                    )));
                }
            },
            CriticalTarget::Subscale { name } => {
                match spec.subscales.iter().position(|s| &s.name == name) {
                    Some(i) => CompiledTarget::Subscale(i),
                    None => {
                        return Err(bad(format!(
                            "critical rule {} names subscale {name:?}, which is not defined",
                            rule.id()
                        )));
                    }
                }
            } // `CriticalTarget` is non-exhaustive for users, not inside the crate.
        };
        out.push(target);
    }
    Ok(out)
}

impl Instrument {
    pub(super) fn from_spec(mut spec: Spec) -> Result<Self, InstrumentError> {
        let id = spec.id.clone();
        let bad = |reason: &str| InstrumentError::invalid(&id, reason);
        if spec.id.trim().is_empty() || spec.id.chars().any(char::is_whitespace) {
            return Err(bad("id must be non-empty and contain no whitespace"));
        }
        if spec.name.trim().is_empty() {
            return Err(bad("name must not be empty"));
        }
        if let Some(p) = spec.scale.problem() {
            return Err(bad(p));
        }
        if spec.items.is_empty() {
            return Err(bad("has no items"));
        }
        if spec.items.len() >= usize::from(NO_SUBSCALE) {
            return Err(bad("has too many items"));
        }
        if spec.subscales.len() >= usize::from(NO_SUBSCALE) {
            return Err(bad("has too many subscales"));
        }
        for (i, s) in spec.subscales.iter().enumerate() {
            if !is_snake_case(&s.name) {
                return Err(bad(&format!(
                    "subscale name {:?} is not lowercase snake_case",
                    s.name
                )));
            }
            if spec.subscales[..i].iter().any(|t| t.name == s.name) {
                return Err(bad(&format!("subscale {:?} is defined twice", s.name)));
            }
        }
        spec.items.sort_by_key(|it| it.number);
        let mut items = Vec::with_capacity(spec.items.len());
        let mut subscale_sizes = vec![0usize; spec.subscales.len()];
        for (k, it) in spec.items.iter().enumerate() {
            if it.number == 0 {
                return Err(bad("item numbers start at 1"));
            }
            if k > 0 && spec.items[k - 1].number == it.number {
                return Err(InstrumentError::DuplicateItem {
                    instrument: id,
                    item: it.number,
                });
            }
            let subscale = match &it.subscale {
                None => NO_SUBSCALE,
                Some(name) => {
                    let Some(pos) = spec.subscales.iter().position(|s| &s.name == name) else {
                        return Err(InstrumentError::UnknownSubscale {
                            instrument: id,
                            item: it.number,
                            subscale: name.clone(),
                        });
                    };
                    subscale_sizes[pos] += 1;
                    pos as u16
                }
            };
            items.push(CompiledItem {
                number: it.number,
                subscale,
                keying: it.keying,
            });
        }
        for (s, &n) in spec.subscales.iter().zip(&subscale_sizes) {
            if n == 0 {
                return Err(bad(&format!("subscale {:?} has no items", s.name)));
            }
            if s.max_missing >= n {
                return Err(bad(&format!(
                    "subscale {:?} allows {} missing of its {n} items",
                    s.name, s.max_missing
                )));
            }
            if s.max_missing > 0 && spec.missing == MissingRule::NoneAllowed {
                return Err(bad(&format!(
                    "subscale {:?} allows missing items but the missing rule allows none",
                    s.name
                )));
            }
        }
        let n = items.len();
        if spec.missing.max_missing() >= n {
            return Err(bad(&format!(
                "missing rule allows {} missing of {n} items",
                spec.missing.max_missing()
            )));
        }
        if !aggregation_ok(spec.total) || !aggregation_ok(spec.subscale_scores) {
            return Err(bad("scaled mean needs a finite, non-zero factor"));
        }
        let total_range = score_range(spec.scale, spec.total, n);
        // Bounds × items must stay finite (a visual analogue scale of 0..1e308 on two items
        // would sum to ∞ and score NaN), for the plain sum, the total and every subscale.
        let (lo, hi) = spec.scale.bounds();
        let sums_finite = (lo * n as f64).is_finite() && (hi * n as f64).is_finite();
        let ranges_finite = std::iter::once(total_range)
            .chain(
                subscale_sizes
                    .iter()
                    .map(|&k| score_range(spec.scale, spec.subscale_scores, k)),
            )
            .all(|(a, b)| a.is_finite() && b.is_finite());
        if !(sums_finite && ranges_finite) {
            return Err(bad(&format!(
                "the scale's bounds {lo}..{hi} times {n} items overflow: scores would not be finite"
            )));
        }
        if let Some(c) = spec.cutoff {
            if !c.value.is_finite() {
                return Err(bad("cutoff must be finite"));
            }
            if !c.agrees_with(spec.direction) {
                return Err(bad(&format!(
                    "cutoff {} {} flags the good end of the scale ({:?})",
                    c.comparison, c.value, spec.direction
                )));
            }
        }
        let tol = rules::TOLERANCE * total_range.0.abs().max(total_range.1.abs()).max(1.0);
        for (k, b) in spec.bands.iter().enumerate() {
            if b.label.trim().is_empty() {
                return Err(bad("band labels must not be empty"));
            }
            if !b.lower.is_finite() || b.lower > total_range.1 + tol {
                return Err(bad(&format!(
                    "band {:?} starts at {}, outside the total's range",
                    b.label, b.lower
                )));
            }
            if k == 0 && b.lower > total_range.0 + tol {
                return Err(bad(&format!(
                    "first band {:?} starts at {}, above the lowest total {}",
                    b.label, b.lower, total_range.0
                )));
            }
            if k > 0 && b.lower <= spec.bands[k - 1].lower {
                return Err(bad(
                    "bands must be in ascending order of their lower bounds",
                ));
            }
        }
        if let Some(p) = spec.norms.as_ref().and_then(Norms::problem) {
            return Err(bad(p));
        }
        if let Some(rc) = spec.reliable_change
            && !(rc.is_finite() && rc > 0.0)
        {
            return Err(bad("reliable change must be finite and positive"));
        }
        if let Some(d) = spec.alert_drop
            && !(d.is_finite() && d > 0.0)
        {
            return Err(bad("alert drop must be finite and positive"));
        }
        let critical_targets = compile_critical(&spec, &items)?;
        Ok(Self {
            spec,
            items,
            subscale_sizes,
            total_range,
            critical_targets,
        })
    }
}
