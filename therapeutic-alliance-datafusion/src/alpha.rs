//! `cronbach_alpha(i1, …, ik)`.

use std::sync::LazyLock;

use datafusion::arrow::datatypes::{Field, Fields};
use datafusion::common::{Result, ScalarValue};
use therapeutic_alliance::stats::{Alpha, AlphaAccumulator, AlphaOptions};

use crate::aggregate::Statistic;
use crate::output::{self, count, float, n, num, opt, s, text};
use crate::state::Part;

/// Cronbach's alpha (psych `alpha`), see [`crate::cronbach_alpha_udaf`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct CronbachAlpha;

static ITEM_FIELDS: LazyLock<Fields> = LazyLock::new(|| {
    Fields::from(vec![
        text("item"),
        count("n"),
        float("raw_alpha_if_dropped"),
        float("std_alpha_if_dropped"),
        float("g6_if_dropped"),
        float("average_r_if_dropped"),
        float("s_n_if_dropped"),
        float("ase_if_dropped"),
        float("var_r_if_dropped"),
        float("median_r_if_dropped"),
        float("raw_r"),
        float("std_r"),
        float("r_cor"),
        float("r_drop"),
        float("mean"),
        float("sd"),
    ])
});

static FIELDS: LazyLock<Fields> = LazyLock::new(|| {
    Fields::from(vec![
        count("n"),
        count("n_rows"),
        count("n_incomplete"),
        count("n_items"),
        float("raw_alpha"),
        float("std_alpha"),
        float("g6"),
        float("average_r"),
        float("s_n"),
        float("median_r"),
        float("var_r"),
        float("ase"),
        float("ci_lb"),
        float("ci_ub"),
        float("level"),
        float("ci_lb_ase"),
        float("ci_ub_ase"),
        float("mean"),
        float("sd"),
        float("omega_total"),
        Field::new("items", output::struct_list_type(&ITEM_FIELDS), true),
        text("error"),
    ])
});

/// The result row of an alpha computed by the core.
fn row(a: &Alpha, incomplete: u64, n_items: usize) -> Result<Vec<ScalarValue>> {
    let items: Vec<Vec<ScalarValue>> = a
        .items
        .iter()
        .map(|i| {
            vec![
                s(&i.item),
                n(i.n),
                num(i.raw_alpha_if_dropped),
                num(i.std_alpha_if_dropped),
                num(i.g6_if_dropped),
                num(i.average_r_if_dropped),
                num(i.s_n_if_dropped),
                opt(i.ase_if_dropped),
                opt(i.var_r_if_dropped),
                num(i.median_r_if_dropped),
                num(i.raw_r),
                num(i.std_r),
                opt(i.r_cor),
                num(i.r_drop),
                num(i.mean),
                num(i.sd),
            ]
        })
        .collect();
    Ok(vec![
        n(a.n),
        n(a.n_rows),
        ScalarValue::UInt64(Some(incomplete)),
        n(n_items),
        num(a.raw_alpha),
        num(a.std_alpha),
        num(a.g6),
        num(a.average_r),
        num(a.s_n),
        num(a.median_r),
        opt(a.var_r),
        num(a.ase),
        num(a.ci_lb),
        num(a.ci_ub),
        num(a.level),
        num(a.ci_lb_ase),
        num(a.ci_ub_ase),
        num(a.mean),
        num(a.sd),
        opt(a.omega_total),
        output::struct_list(&ITEM_FIELDS, &items)?,
        ScalarValue::Utf8(None),
    ])
}

impl Statistic for CronbachAlpha {
    type Acc = AlphaAccumulator;
    const NAME: &'static str = "cronbach_alpha";
    const MIN_ARGS: usize = 2;
    const MAX_ARGS: Option<usize> = Some(1024);

    fn fields() -> Fields {
        FIELDS.clone()
    }

    fn finish(&self, part: &Part<AlphaAccumulator>) -> Result<Vec<ScalarValue>> {
        let acc = &part.acc;
        // Items are named V1 … Vk in argument order, as psych names unnamed columns: the
        // engine may rename argument expressions (common subexpressions), so their names are
        // not reliable.
        match acc.finish(&AlphaOptions::new()) {
            Ok(a) => row(&a, part.incomplete, acc.n_items()),
            Err(e) => {
                let f = Self::fields();
                let mut r = output::nulls(&f)?;
                output::set(&f, &mut r, "n", n(acc.count()));
                output::set(&f, &mut r, "n_rows", n(acc.count()));
                output::set(
                    &f,
                    &mut r,
                    "n_incomplete",
                    ScalarValue::UInt64(Some(part.incomplete)),
                );
                output::set(&f, &mut r, "n_items", n(acc.n_items()));
                output::set(&f, &mut r, "error", s(&e.to_string()));
                Ok(r)
            }
        }
    }
}
