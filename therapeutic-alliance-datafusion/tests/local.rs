//! The SQL aggregates equal the core crate's in-memory functions, whatever the partitioning
//! (target_partitions 1, 2, 7), the batch sizes and the row order.

mod common;

use common::*;
use datafusion::arrow::array::Array;
use therapeutic_alliance::stats::{
    AlphaOptions, CorrelationOptions, IccOptions, alpha, correlate, icc,
};

/// Tolerance of the comparisons with the core (relative).
const TOL: f64 = 1e-12;

const SQL: &str = "SELECT counsellor, \
    cronbach_alpha(i1, i2, i3, i4, i5) AS a, \
    icc(r1, r2, r3, r4) AS c, \
    pearson(x, y) AS p \
    FROM t GROUP BY counsellor ORDER BY counsellor";

async fn check(rows: &[Row], partitions: usize, target_partitions: usize, batch_rows: usize) {
    let ctx = context(target_partitions);
    ctx.register_table(
        "t",
        std::sync::Arc::new(mem_table(rows, partitions, batch_rows)),
    )
    .unwrap();
    let out = query(&ctx, SQL).await;
    let groups = by_group(rows);
    assert_eq!(
        strings(&out, "counsellor"),
        groups.iter().map(|g| g.0.clone()).collect::<Vec<_>>()
    );
    let (a, c, p) = (structs(&out, "a"), structs(&out, "c"), structs(&out, "p"));
    for (i, (g, rows)) in groups.iter().enumerate() {
        let ctx = format!(
            "{g} (partitions {partitions}, target {target_partitions}, batch {batch_rows})"
        );
        check_alpha(&ctx, &a, i, rows);
        check_icc(&ctx, &c, i, rows);
        check_pearson(&ctx, &p, i, rows);
    }
}

fn check_alpha(ctx: &str, a: &datafusion::arrow::array::StructArray, i: usize, rows: &[Row]) {
    let (data, incomplete) = complete(rows, |r| r.items);
    let names: Vec<String> = (1..=ITEMS).map(|j| format!("V{j}")).collect();
    assert_eq!(
        field(a, "n_incomplete", i),
        Some(incomplete as f64),
        "{ctx}"
    );
    assert_eq!(field(a, "n_items", i), Some(ITEMS as f64), "{ctx}");
    match alpha(&data, ITEMS, &AlphaOptions::new()) {
        Ok(want) => {
            assert_eq!(text(a, "error", i), None, "{ctx}");
            assert_eq!(field(a, "n", i), Some(want.n as f64), "{ctx}");
            for (name, w) in [
                ("raw_alpha", Some(want.raw_alpha)),
                ("std_alpha", Some(want.std_alpha)),
                ("g6", Some(want.g6)),
                ("average_r", Some(want.average_r)),
                ("s_n", Some(want.s_n)),
                ("median_r", Some(want.median_r)),
                ("var_r", Some(want.var_r)),
                ("ase", Some(want.ase)),
                ("ci_lb", Some(want.ci_lb)),
                ("ci_ub", Some(want.ci_ub)),
                ("ci_lb_ase", Some(want.ci_lb_ase)),
                ("ci_ub_ase", Some(want.ci_ub_ase)),
                ("level", Some(want.level)),
                ("mean", Some(want.mean)),
                ("sd", Some(want.sd)),
                ("omega_total", want.omega_total),
            ] {
                close(&format!("{ctx} alpha {name}"), field(a, name, i), w, TOL);
            }
            let items = items(a, i);
            assert_eq!(items.len(), ITEMS);
            for (j, w) in want.items.iter().enumerate() {
                assert_eq!(text(&items, "item", j).as_deref(), Some(names[j].as_str()));
                for (name, w) in [
                    ("raw_alpha_if_dropped", Some(w.raw_alpha_if_dropped)),
                    ("std_alpha_if_dropped", Some(w.std_alpha_if_dropped)),
                    ("g6_if_dropped", Some(w.g6_if_dropped)),
                    ("ase_if_dropped", w.ase_if_dropped),
                    ("raw_r", Some(w.raw_r)),
                    ("std_r", Some(w.std_r)),
                    ("r_cor", w.r_cor),
                    ("r_drop", Some(w.r_drop)),
                    ("mean", Some(w.mean)),
                    ("sd", Some(w.sd)),
                ] {
                    close(
                        &format!("{ctx} item {j} {name}"),
                        field(&items, name, j),
                        w,
                        TOL,
                    );
                }
            }
        }
        Err(e) => {
            // With no complete row the in-memory function says "input is empty" where the
            // accumulator counts the rows it needs; otherwise the messages are the same.
            let got = text(a, "error", i).expect("an error");
            if !data.is_empty() {
                assert_eq!(got, e.to_string(), "{ctx}");
            }
            assert_eq!(field(a, "raw_alpha", i), None, "{ctx}");
        }
    }
}

fn check_icc(ctx: &str, c: &datafusion::arrow::array::StructArray, i: usize, rows: &[Row]) {
    let (data, incomplete) = complete(rows, |r| r.ratings);
    assert_eq!(
        field(c, "n_incomplete", i),
        Some(incomplete as f64),
        "{ctx}"
    );
    match icc(&data, RATERS, &IccOptions::new()) {
        Ok(want) => {
            assert_eq!(text(c, "error", i), None, "{ctx}");
            assert_eq!(field(c, "n_targets", i), Some(want.n_targets as f64));
            for (name, w) in [
                ("msr", want.ms.msr),
                ("msc", want.ms.msc),
                ("mse", want.ms.mse),
                ("msw", want.ms.msw),
                ("level", want.level),
            ] {
                close(
                    &format!("{ctx} icc {name}"),
                    field(c, name, i),
                    Some(w),
                    TOL,
                );
            }
            for (form, w) in ["icc1", "icc2", "icc3", "icc1k", "icc2k", "icc3k"]
                .iter()
                .zip(&want.forms)
            {
                let s = sub(c, form, i);
                for (name, w) in [
                    ("icc", w.icc),
                    ("f", w.f),
                    ("df1", w.df1),
                    ("df2", w.df2),
                    ("p", w.p),
                    ("ci_lb", w.ci_lb),
                    ("ci_ub", w.ci_ub),
                ] {
                    close(
                        &format!("{ctx} {form} {name}"),
                        field(&s, name, 0),
                        Some(w),
                        TOL,
                    );
                }
            }
        }
        Err(e) => {
            let got = text(c, "error", i).expect("an error");
            if !data.is_empty() {
                assert_eq!(got, e.to_string(), "{ctx}");
            }
        }
    }
}

fn check_pearson(ctx: &str, p: &datafusion::arrow::array::StructArray, i: usize, rows: &[Row]) {
    let (data, incomplete) = complete(rows, |r| [r.x, r.y]);
    let (x, y): (Vec<f64>, Vec<f64>) = data.chunks(2).map(|c| (c[0], c[1])).unzip();
    assert_eq!(
        field(p, "n_incomplete", i),
        Some(incomplete as f64),
        "{ctx}"
    );
    match correlate(&x, &y, &CorrelationOptions::default()) {
        Ok(want) => {
            assert_eq!(text(p, "error", i), None, "{ctx}");
            assert_eq!(field(p, "n", i), Some(want.n as f64));
            for (name, w) in [
                ("r", Some(want.r)),
                ("t", Some(want.t).filter(|t| t.is_finite())),
                ("df", Some(want.df)),
                ("p", Some(want.p)),
                ("ci_lb", want.ci_lb),
                ("ci_ub", want.ci_ub),
                ("level", Some(want.conf_level)),
            ] {
                close(&format!("{ctx} pearson {name}"), field(p, name, i), w, TOL);
            }
        }
        Err(e) => {
            let got = text(p, "error", i).expect("an error");
            if !data.is_empty() {
                assert_eq!(got, e.to_string(), "{ctx}");
            }
        }
    }
}

/// Group sizes with a too-small group (one row) and a two-row group (errors in the struct).
const SIZES: [usize; 9] = [40, 130, 1, 75, 2, 300, 57, 12, 99];

#[tokio::test]
async fn grouped_results_equal_the_core_for_every_partitioning() {
    let rows = table(7, &SIZES, 0.03);
    for (partitions, target, batch) in [(1, 1, 1000), (1, 2, 50), (3, 2, 17), (4, 7, 64), (7, 7, 5)]
    {
        check(&rows, partitions, target, batch).await;
    }
}

#[tokio::test]
async fn shuffled_input_gives_the_same_results() {
    let mut rows = table(11, &SIZES, 0.05);
    for seed in [1, 2, 3] {
        shuffle(&mut rows, seed);
        for target in [1, 2, 7] {
            check(&rows, 3, target, 23).await;
        }
    }
}

#[tokio::test]
async fn without_group_by_one_accumulator_equals_the_core() {
    let rows = table(3, &[500], 0.02);
    for target in [1, 2, 7] {
        let ctx = context(target);
        ctx.register_table("t", std::sync::Arc::new(mem_table(&rows, 5, 37)))
            .unwrap();
        let out = query(
            &ctx,
            "SELECT cronbach_alpha(i1, i2, i3, i4, i5) AS a, icc(r1, r2, r3, r4) AS c, \
             pearson(x, y) AS p FROM t",
        )
        .await;
        let what = format!("no group by, target {target}");
        check_alpha(&what, &structs(&out, "a"), 0, &rows);
        check_icc(&what, &structs(&out, "c"), 0, &rows);
        check_pearson(&what, &structs(&out, "p"), 0, &rows);
    }
}

#[tokio::test]
async fn empty_input_gives_an_error_field_not_a_failure() {
    let rows = table(3, &[50], 0.0);
    let ctx = context(2);
    ctx.register_table("t", std::sync::Arc::new(mem_table(&rows, 2, 10)))
        .unwrap();
    let out = query(
        &ctx,
        "SELECT cronbach_alpha(i1, i2, i3) AS a FROM t WHERE x < -1e9",
    )
    .await;
    let a = structs(&out, "a");
    assert_eq!(field(&a, "n", 0), Some(0.0));
    assert!(text(&a, "error", 0).is_some());
    assert_eq!(field(&a, "raw_alpha", 0), None);
}

#[tokio::test]
async fn filter_clause_and_field_access_work() {
    let rows = table(5, &[200, 150], 0.0);
    let ctx = context(2);
    ctx.register_table("t", std::sync::Arc::new(mem_table(&rows, 2, 31)))
        .unwrap();
    let out = query(
        &ctx,
        "SELECT counsellor, cronbach_alpha(i1, i2, i3, i4, i5) FILTER (WHERE x > 40) AS a, \
         cronbach_alpha(i1, i2, i3, i4, i5)['raw_alpha'] AS raw \
         FROM t GROUP BY counsellor ORDER BY counsellor",
    )
    .await;
    let a = structs(&out, "a");
    for (i, (g, rows)) in by_group(&rows).iter().enumerate() {
        let kept: Vec<Row> = rows
            .iter()
            .filter(|r| r.x.unwrap() > 40.0)
            .cloned()
            .collect();
        check_alpha(&format!("filter {g}"), &a, i, &kept);
    }
    let raw = out.column_by_name("raw").unwrap();
    assert_eq!(
        raw.data_type(),
        &datafusion::arrow::datatypes::DataType::Float64
    );
}

#[tokio::test]
async fn bad_arguments_are_plan_errors() {
    let rows = table(5, &[20], 0.0);
    let ctx = context(1);
    ctx.register_table("t", std::sync::Arc::new(mem_table(&rows, 1, 31)))
        .unwrap();
    for (sql, needle) in [
        (
            "SELECT cronbach_alpha(i1) FROM t",
            "takes 2 to 1024 arguments, 1 given",
        ),
        ("SELECT pearson(x, y, x) FROM t", "takes 2 arguments"),
        ("SELECT icc(counsellor, r1) FROM t", "not a number"),
        ("SELECT score_instrument('phq-9') FROM t", "no item columns"),
    ] {
        let err = match ctx.sql(sql).await {
            Err(e) => e.to_string(),
            Ok(df) => df.collect().await.expect_err(sql).to_string(),
        };
        assert!(err.contains(needle), "{sql}: {err}");
    }
}

#[tokio::test]
async fn nan_is_an_error_naming_the_argument() {
    let ctx = context(1);
    let err = ctx
        .sql("SELECT pearson(a, b) FROM (VALUES (1.0, 2.0), (2.0, 'NaN'::double), (3.0, 1.0)) AS v(a, b)")
        .await
        .unwrap()
        .collect()
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("pearson: argument 2 is NaN"), "{err}");
}

mod random_splits {
    use super::*;
    use proptest::prelude::*;

    fn config() -> ProptestConfig {
        // Each case plans and runs a query: keep the default count modest.
        ProptestConfig {
            cases: ProptestConfig::default().cases.min(24),
            ..ProptestConfig::default()
        }
    }

    proptest! {
        #![proptest_config(config())]

        /// Any data, any partitioning of the table, any number of target partitions and any
        /// batch size: the engine's results equal the core's in-memory results.
        #[test]
        fn engine_results_equal_the_core_for_random_splits(
            seed in any::<u64>(),
            sizes in proptest::collection::vec(1usize..120, 1..6),
            partitions in 1usize..8,
            target in 1usize..8,
            batch in 1usize..90,
            missing in 0.0f64..0.1,
            shuffle_seed in any::<u64>(),
        ) {
            let mut rows = table(seed, &sizes, missing);
            shuffle(&mut rows, shuffle_seed);
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            rt.block_on(check(&rows, partitions, target, batch));
        }
    }
}
