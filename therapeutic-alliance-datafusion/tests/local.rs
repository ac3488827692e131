//! The SQL aggregates equal the core crate's in-memory functions, whatever the partitioning
//! (target_partitions 1, 2, 7), the batch sizes and the row order.

mod common;

use common::*;
use datafusion::arrow::array::Array;

const SQL: &str = "SELECT counsellor, \
    cronbach_alpha(i1, i2, i3, i4, i5) AS a, \
    icc(r1, r2, r3, r4) AS c, \
    pearson(x, y) AS p \
    FROM t GROUP BY counsellor ORDER BY counsellor";

async fn check(rows: &[Row], partitions: usize, target_partitions: usize, batch_rows: usize) {
    check_within(rows, partitions, target_partitions, batch_rows, TOL).await;
}

/// [`check`] with tolerance `tol` (0: bit-identical).
async fn check_within(
    rows: &[Row],
    partitions: usize,
    target_partitions: usize,
    batch_rows: usize,
    tol: f64,
) {
    let ctx = context(target_partitions);
    ctx.register_table(
        "t",
        std::sync::Arc::new(mem_table(rows, partitions, batch_rows)),
    )
    .unwrap();
    let out = query(&ctx, SQL).await;
    let what = format!("partitions {partitions}, target {target_partitions}, batch {batch_rows}");
    check_grouped(&out, rows, &what, tol);
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

/// On integer data (every value within the core's exact limit, 2^20) the core accumulators keep
/// exact integer sums, so the engine's results are bit-identical to the in-memory functions
/// whatever the partitioning, batch size and row order.
#[tokio::test]
async fn integer_data_gives_bit_identical_results_for_every_partitioning() {
    let mut rows = integer_table(23, &SIZES, 0.03);
    for (partitions, target, batch) in [(1, 1, 1000), (2, 2, 33), (4, 7, 64), (7, 7, 5)] {
        check_within(&rows, partitions, target, batch, 0.0).await;
    }
    shuffle(&mut rows, 9);
    for target in [1, 2, 7] {
        check_within(&rows, 3, target, 19, 0.0).await;
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
        check_alpha(&what, &structs(&out, "a"), 0, &rows, TOL);
        check_icc(&what, &structs(&out, "c"), 0, &rows, TOL);
        check_pearson(&what, &structs(&out, "p"), 0, &rows, TOL);
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
        check_alpha(&format!("filter {g}"), &a, i, &kept, TOL);
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
    let err = query_error(
        &ctx,
        "SELECT pearson(a, b) FROM (VALUES (1.0, 2.0), (2.0, 'NaN'::double), (3.0, 1.0)) AS v(a, b)",
    )
    .await;
    assert!(err.contains("pearson: argument 2 is NaN"), "{err}");
}

/// The message of the error `sql` fails with when run.
async fn query_error(ctx: &datafusion::prelude::SessionContext, sql: &str) -> String {
    ctx.sql(sql)
        .await
        .unwrap()
        .collect()
        .await
        .unwrap_err()
        .to_string()
}

/// In a `GROUP BY`, a NaN in a row the aggregate reads is an error naming the argument; a NaN
/// in a row its `FILTER` leaves out is never read.
#[tokio::test]
async fn grouped_nan_is_an_error_unless_filtered_out() {
    let ctx = context(1);
    let values = "(VALUES (1, 1.0, 2.0), (1, 2.0, 'NaN'::double), (1, 3.0, 1.0), (1, 4.0, 3.0), \
        (2, 1.0, 1.0), (2, 2.0, 3.0), (2, 3.0, 2.0)) AS v(g, a, b)";
    let err = query_error(
        &ctx,
        &format!("SELECT g, pearson(a, b) FROM {values} GROUP BY g"),
    )
    .await;
    assert!(err.contains("pearson: argument 2 is NaN"), "{err}");
    let out = query(
        &ctx,
        &format!(
            "SELECT g, pearson(a, b) FILTER (WHERE a <> 2.0 OR g = 2) AS p FROM {values} \
             GROUP BY g ORDER BY g"
        ),
    )
    .await;
    assert_eq!(out.num_rows(), 2);
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
