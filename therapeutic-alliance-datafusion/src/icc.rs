//! `icc(r1, …, rk)`.

use std::sync::LazyLock;

use datafusion::arrow::datatypes::{DataType, Field, Fields};
use datafusion::common::{Result, ScalarValue};
use therapeutic_alliance::stats::{Icc, IccAccumulator, IccKind, IccOptions};

use crate::aggregate::Statistic;
use crate::output::{self, count, float, n, num, s, text};
use crate::state::Part;

/// The six intraclass correlations (psych `ICC`), see [`crate::icc_udaf`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct IntraclassCorrelation;

/// Result field of each form, in [`IccKind::ALL`] order.
const FORM_NAMES: [&str; 6] = ["icc1", "icc2", "icc3", "icc1k", "icc2k", "icc3k"];

static FORM_FIELDS: LazyLock<Fields> = LazyLock::new(|| {
    Fields::from(vec![
        float("icc"),
        float("f"),
        float("df1"),
        float("df2"),
        float("p"),
        float("ci_lb"),
        float("ci_ub"),
    ])
});

static FIELDS: LazyLock<Fields> = LazyLock::new(|| {
    let mut f = vec![
        count("n_targets"),
        count("n_raters"),
        count("n_incomplete"),
        float("level"),
        float("msr"),
        float("msc"),
        float("mse"),
        float("msw"),
    ];
    f.extend(
        FORM_NAMES
            .iter()
            .map(|name| Field::new(*name, DataType::Struct(FORM_FIELDS.clone()), true)),
    );
    f.push(text("error"));
    Fields::from(f)
});

fn row(icc: &Icc, incomplete: u64) -> Result<Vec<ScalarValue>> {
    let mut r = vec![
        n(icc.n_targets),
        n(icc.n_raters),
        ScalarValue::UInt64(Some(incomplete)),
        num(icc.level),
        num(icc.ms.msr),
        num(icc.ms.msc),
        num(icc.ms.mse),
        num(icc.ms.msw),
    ];
    for kind in IccKind::ALL {
        let value = match icc.form(kind) {
            Some(f) => output::struct_scalar(
                &FORM_FIELDS,
                vec![
                    num(f.icc),
                    num(f.f),
                    num(f.df1),
                    num(f.df2),
                    num(f.p),
                    num(f.ci_lb),
                    num(f.ci_ub),
                ],
            )?,
            None => ScalarValue::try_from(&DataType::Struct(FORM_FIELDS.clone()))?,
        };
        r.push(value);
    }
    r.push(ScalarValue::Utf8(None));
    Ok(r)
}

impl Statistic for IntraclassCorrelation {
    type Acc = IccAccumulator;
    const NAME: &'static str = "icc";
    const MIN_ARGS: usize = 2;
    const MAX_ARGS: Option<usize> = Some(4096);

    fn fields() -> Fields {
        FIELDS.clone()
    }

    fn finish(&self, part: &Part<IccAccumulator>) -> Result<Vec<ScalarValue>> {
        let acc = &part.acc;
        match acc.finish(&IccOptions::new()) {
            Ok(icc) => row(&icc, part.incomplete),
            Err(e) => {
                let f = Self::fields();
                let mut r = output::nulls(&f)?;
                output::set(&f, &mut r, "n_targets", n(acc.count()));
                output::set(&f, &mut r, "n_raters", n(acc.n_raters()));
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
