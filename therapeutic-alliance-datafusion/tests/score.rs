//! `score_instrument` equals the core crate's `Instrument::score`, row by row.

mod common;

use std::sync::Arc;

use datafusion::arrow::array::StructArray;
use datafusion::arrow::array::{
    Array, AsArray, Float64Array, Int64Array, RecordBatch, StringArray,
};
use datafusion::arrow::datatypes::{DataType, Field, Int64Type, Schema};
use datafusion::datasource::MemTable;
use therapeutic_alliance::{Answer, Instrument, Responses};

use common::{Rng, context, field, query, structs, text};

/// The `critical` rule ids of row `row` (`None` for a NULL list).
fn critical(s: &StructArray, row: usize) -> Option<Vec<String>> {
    let list = s
        .column_by_name("critical")
        .expect("critical")
        .as_list::<i32>();
    list.is_valid(row).then(|| {
        list.value(row)
            .as_string::<i32>()
            .iter()
            .map(|r| r.expect("a rule id").to_owned())
            .collect()
    })
}

fn cutoff_met(s: &StructArray, row: usize) -> Option<bool> {
    let c = s
        .column_by_name("cutoff_met")
        .expect("cutoff_met")
        .as_boolean();
    c.is_valid(row).then(|| c.value(row))
}

#[tokio::test]
async fn critical_lists_the_triggered_rule_ids() {
    let ctx = context(1);
    let out = query(
        &ctx,
        "SELECT score_instrument('phq-9', 0, 0, 0, 0, 0, 0, 0, 0, 1) AS hit, \
                score_instrument('phq-9', 3, 3, 3, 3, 3, 3, 3, 3, 0) AS quiet, \
                score_instrument('phq-9', 1, 1, 1, 1, 1, 1, 1, 1, 7) AS rejected",
    )
    .await;
    let hit = structs(&out, "hit");
    assert_eq!(critical(&hit, 0), Some(vec!["phq9_item9".to_owned()]));
    let quiet = structs(&out, "quiet");
    assert_eq!(critical(&quiet, 0), Some(vec![]));
    assert_eq!(cutoff_met(&quiet, 0), Some(true), "a total of 24");
    assert_eq!(cutoff_met(&hit, 0), Some(false), "a total of 1");
    let rejected = structs(&out, "rejected");
    assert!(text(&rejected, "rejection", 0).is_some());
    assert_eq!(critical(&rejected, 0), None);
    assert_eq!(cutoff_met(&rejected, 0), None);
}

#[tokio::test]
async fn scores_equal_the_core_with_missing_and_invalid_answers() {
    let phq = Instrument::builtin("phq-9").unwrap();
    let mut rng = Rng(42);
    let n = 400;
    let mut answers: Vec<Vec<Option<f64>>> = Vec::new();
    for _ in 0..n {
        answers.push(
            (0..9)
                .map(|_| match rng.below(40) {
                    0 => None,
                    1 => Some(4.0),
                    2 => Some(1.5),
                    _ => Some(rng.below(4) as f64),
                })
                .collect(),
        );
    }
    let mut fields = vec![
        Field::new("k", DataType::Int64, false),
        Field::new("instrument", DataType::Utf8, true),
    ];
    fields.extend((1..=9).map(|j| Field::new(format!("q{j}"), DataType::Float64, true)));
    let schema = Arc::new(Schema::new(fields));
    let ids: Vec<Option<&str>> = (0..n)
        .map(|i| match i % 50 {
            7 => Some("no-such-instrument"),
            8 => None,
            _ => Some("phq-9"),
        })
        .collect();
    let mut cols: Vec<Arc<dyn Array>> = vec![
        Arc::new(Int64Array::from_iter_values(0..n as i64)),
        Arc::new(StringArray::from(ids.clone())),
    ];
    for j in 0..9 {
        cols.push(Arc::new(
            answers.iter().map(|a| a[j]).collect::<Float64Array>(),
        ));
    }
    let batch = RecordBatch::try_new(schema.clone(), cols).unwrap();
    let table = MemTable::try_new(
        schema,
        vec![vec![batch.slice(0, 150)], vec![batch.slice(150, 250)]],
    )
    .unwrap();
    let ctx = context(3);
    ctx.register_table("t", Arc::new(table)).unwrap();
    let out = query(
        &ctx,
        "SELECT k, score_instrument(instrument, q1, q2, q3, q4, q5, q6, q7, q8, q9) AS s FROM t",
    )
    .await;
    let s = structs(&out, "s");
    let k = out.column_by_name("k").unwrap().as_primitive::<Int64Type>();
    assert_eq!(s.len(), n);
    let mut seen = [0usize; 3];
    for row in 0..n {
        let inst = text(&s, "instrument", row);
        let total = field(&s, "total", row);
        let rejection = text(&s, "rejection", row);
        let i = k.value(row) as usize;
        match ids[i] {
            None => {
                assert_eq!(rejection.as_deref(), Some("the instrument id is null"));
                seen[0] += 1;
            }
            Some("no-such-instrument") => {
                assert_eq!(
                    rejection.as_deref(),
                    Some("unknown instrument 'no-such-instrument'")
                );
                seen[1] += 1;
            }
            Some(_) => {
                assert_eq!(inst.as_deref(), Some("phq-9"));
                let responses: Responses = phq
                    .item_numbers()
                    .zip(&answers[i])
                    .map(|(num, a)| (num, a.map_or(Answer::Missing, Answer::Value)))
                    .collect();
                match phq.score(&responses) {
                    Ok(want) => {
                        seen[2] += 1;
                        assert_eq!(rejection, None, "row {i}");
                        assert_eq!(total, Some(want.total), "row {i}");
                        assert_eq!(text(&s, "band", row), want.band, "row {i}");
                        assert_eq!(field(&s, "answered", row), Some(want.answered as f64));
                        assert_eq!(field(&s, "imputed", row), Some(want.imputed as f64));
                        assert_eq!(cutoff_met(&s, row), want.cutoff_met, "row {i}");
                        let rules: Vec<String> =
                            want.critical.iter().map(|c| c.rule.clone()).collect();
                        assert_eq!(critical(&s, row), Some(rules), "row {i}");
                    }
                    Err(e) => {
                        assert_eq!(rejection, Some(e.to_string()), "row {i}");
                        assert_eq!(total, None);
                        assert_eq!(critical(&s, row), None, "row {i}");
                    }
                }
            }
        }
    }
    assert!(seen.iter().all(|&c| c > 0), "{seen:?}");
}

#[tokio::test]
async fn wrong_item_count_is_a_rejection_per_row() {
    let ctx = context(1);
    let out = query(&ctx, "SELECT score_instrument('gad-7', 1, 2, 3) AS s").await;
    let s = structs(&out, "s");
    assert_eq!(
        text(&s, "rejection", 0).as_deref(),
        Some("gad-7 has 7 items, 3 item columns given")
    );
}

#[tokio::test]
async fn subscales_are_listed_by_name() {
    let ctx = context(1);
    let out = query(
        &ctx,
        "SELECT score_instrument('wai-sr', 4, 5, 4, 3, 4, 4, 5, 3, 4, 5, 4, 4) AS s",
    )
    .await;
    let s = structs(&out, "s");
    assert_eq!(field(&s, "total", 0), Some(49.0));
    let subs = s
        .column_by_name("subscales")
        .unwrap()
        .as_list::<i32>()
        .value(0);
    let subs = subs.as_struct();
    let names: Vec<String> = (0..subs.len())
        .map(|j| text(subs, "name", j).unwrap())
        .collect();
    let bond = names.iter().position(|n| n == "bond").unwrap();
    assert_eq!(field(subs, "value", bond), Some(17.0));
}
