//! `pearson(x, y)`.

use std::sync::LazyLock;

use datafusion::arrow::datatypes::Fields;
use datafusion::common::{Result, ScalarValue};
use therapeutic_alliance::stats::{Correlation, CorrelationAccumulator, CorrelationOptions};

use crate::aggregate::Statistic;
use crate::output::{self, count, float, n, num, opt, s, text};
use crate::state::Part;

/// Pearson's r (R `cor.test`), see [`crate::pearson_udaf`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct PearsonCorrelation;

static FIELDS: LazyLock<Fields> = LazyLock::new(|| {
    Fields::from(vec![
        float("r"),
        count("n"),
        count("n_incomplete"),
        float("t"),
        float("df"),
        float("p"),
        float("ci_lb"),
        float("ci_ub"),
        float("level"),
        text("error"),
    ])
});

fn row(c: &Correlation, incomplete: u64) -> Vec<ScalarValue> {
    vec![
        num(c.r),
        n(c.n),
        ScalarValue::UInt64(Some(incomplete)),
        opt(c.t),
        num(c.df),
        num(c.p),
        opt(c.ci_lb),
        opt(c.ci_ub),
        num(c.level),
        ScalarValue::Utf8(None),
    ]
}

impl Statistic for PearsonCorrelation {
    type Acc = CorrelationAccumulator;
    const NAME: &'static str = "pearson";
    const MIN_ARGS: usize = 2;
    const MAX_ARGS: Option<usize> = Some(2);

    fn fields() -> Fields {
        FIELDS.clone()
    }

    fn finish(&self, part: &Part<CorrelationAccumulator>) -> Result<Vec<ScalarValue>> {
        let acc = &part.acc;
        match acc.finish(&CorrelationOptions::default()) {
            Ok(c) => Ok(row(&c, part.incomplete)),
            Err(e) => {
                let f = Self::fields();
                let mut r = output::nulls(&f)?;
                output::set(&f, &mut r, "n", n(acc.count()));
                output::set(
                    &f,
                    &mut r,
                    "n_incomplete",
                    ScalarValue::UInt64(Some(part.incomplete)),
                );
                output::set(&f, &mut r, "error", s(&e.to_string()));
                Ok(r)
            }
        }
    }
}
