//! SQL over the bundled synthetic data set with DataFusion: Cronbach's alpha per instrument and
//! per counsellor, the client–therapist ICC of the alliance, and the alliance–outcome
//! correlation per counsellor — from a Parquet file and from the CSV, with the same numbers.
//!
//! ```sh
//! cargo run -p therapeutic-alliance-datafusion --example sql -- [--data DIR] [--out DIR]
//! ```
//!
//! `--data` is the synthetic data folder (default: the core crate's
//! `examples/data/synthetic`, with `administrations.csv` and `totals.csv`). The example converts
//! the administrations to Parquet in `--out` (default: the system temp directory), runs every
//! query on the Parquet file and on the CSV, checks that both give the same result, and prints
//! it. Table 1 is the quickstart's step 4 (`cargo run --example quickstart`: alpha of each
//! instrument at each client's first administration) and table 5 the between-client
//! correlation of `cargo run --example cookbook_within_between`, computed here in SQL.

use std::error::Error;
use std::path::PathBuf;
use std::sync::Arc;

use datafusion::arrow::array::{Array, AsArray, RecordBatch};
use datafusion::arrow::compute::{cast, concat_batches};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::dataframe::DataFrameWriteOptions;
use datafusion::prelude::{CsvReadOptions, ParquetReadOptions, SessionContext};
use therapeutic_alliance::Instrument;

type AppResult<T = ()> = Result<T, Box<dyn Error>>;

const HELP: &str = "\
SQL over the synthetic data set with DataFusion (alpha, ICC, correlation per counsellor)

usage: sql [--data DIR] [--out DIR]

  --data DIR   folder with administrations.csv and totals.csv
               (default: the core crate's examples/data/synthetic)
  --out DIR    where the Parquet copy is written (default: the system temp directory)
  --help       this text";

struct Args {
    data: PathBuf,
    out: PathBuf,
}

fn parse_args() -> AppResult<Option<Args>> {
    let mut data = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/data/synthetic");
    let mut out = std::env::temp_dir();
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--help" | "-h" => return Ok(None),
            "--data" => data = it.next().ok_or("option --data needs a value")?.into(),
            "--out" => out = it.next().ok_or("option --out needs a value")?.into(),
            other => return Err(format!("unknown argument {other:?} (see --help)").into()),
        }
    }
    Ok(Some(Args { data, out }))
}

/// Instruments of the synthetic data whose alpha the quickstart reports, in its order.
const INSTRUMENTS: [&str; 7] = ["care", "gad-7", "ors", "phq-9", "srs", "wai-sr", "wai-sr-t"];

fn items(n: usize) -> String {
    (1..=n)
        .map(|i| format!("item{i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The administrations as typed columns: items as DOUBLE (`dna`, "does not apply", and empty
/// cells are NULL).
fn typed_administrations(source: &str) -> String {
    let casts = (1..=12)
        .map(|i| format!("TRY_CAST(item{i} AS DOUBLE) AS item{i}"))
        .collect::<Vec<_>>()
        .join(", ");
    format!("SELECT client, therapist, session, instrument, respondent, {casts} FROM {source}")
}

fn queries() -> Vec<(&'static str, String)> {
    let per_instrument = INSTRUMENTS
        .iter()
        .map(|id| {
            let k = Instrument::builtin(id).map_or(0, |i| i.item_count());
            format!(
                "SELECT '{id}' AS instrument, {k} AS items, cronbach_alpha({}) AS a \
                 FROM first_adm WHERE instrument = '{id}'",
                items(k)
            )
        })
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    vec![
        (
            "1. Cronbach's alpha at each client's first administration (quickstart step 4)",
            format!(
                "WITH first_adm AS (SELECT * FROM (SELECT *, row_number() OVER \
                 (PARTITION BY client, instrument ORDER BY session) AS k FROM adm) WHERE k = 1) \
                 SELECT instrument, items, a['n'] AS n, a['raw_alpha'] AS raw_alpha, \
                 a['std_alpha'] AS std_alpha, a['ci_lb'] AS ci_lb, \
                 a['ci_ub'] AS ci_ub, a['error'] AS error \
                 FROM ({per_instrument}) ORDER BY instrument"
            ),
        ),
        (
            "2. WAI-SR (client) alpha per counsellor, every administration",
            format!(
                "SELECT therapist, a['n'] AS n, a['raw_alpha'] AS raw_alpha, \
                 a['std_alpha'] AS std_alpha, a['ci_lb'] AS ci_lb, \
                 a['ci_ub'] AS ci_ub, a['omega_total'] AS omega_total FROM \
                 (SELECT therapist, cronbach_alpha({}) AS a FROM adm \
                  WHERE instrument = 'wai-sr' GROUP BY therapist) ORDER BY therapist",
                items(12)
            ),
        ),
        (
            "3. ICC of the alliance: client (WAI-SR) and therapist (WAI-SR-T) totals per session",
            "WITH t AS (SELECT client, session, instrument, total FROM totals), \
             pairs AS (SELECT c.total AS client_total, th.total AS therapist_total \
               FROM t c JOIN t th ON c.client = th.client AND c.session = th.session \
               WHERE c.instrument = 'wai-sr' AND th.instrument = 'wai-sr-t') \
             SELECT x['n_targets'] AS targets, x['icc1']['icc'] AS icc1, \
             x['icc2']['icc'] AS icc2, x['icc2']['ci_lb'] AS icc2_ci_lb, \
             x['icc2']['ci_ub'] AS icc2_ci_ub, x['icc3']['icc'] AS icc3, \
             x['icc3k']['icc'] AS icc3k \
             FROM (SELECT icc(client_total, therapist_total) AS x FROM pairs)"
                .to_owned(),
        ),
        (
            "4. Alliance (WAI-SR) and next session's outcome (ORS) per counsellor",
            format!(
                "WITH {PAIRS} SELECT therapist, p['n'] AS n, p['r'] AS r, p['ci_lb'] AS ci_lb, \
                 p['ci_ub'] AS ci_ub, p['p'] AS p FROM \
                 (SELECT therapist, pearson(alliance, outcome) AS p FROM pairs GROUP BY therapist) \
                 ORDER BY therapist"
            ),
        ),
        (
            "5. Between-client correlation of client means (cookbook_within_between)",
            format!(
                "WITH {PAIRS}, means AS (SELECT client, avg(alliance) AS a, avg(outcome) AS o \
                 FROM pairs GROUP BY client) \
                 SELECT p['n'] AS clients, p['r'] AS r, p['ci_lb'] AS ci_lb, p['ci_ub'] AS ci_ub, \
                 p['p'] AS p FROM (SELECT pearson(a, o) AS p FROM means)"
            ),
        ),
    ]
}

/// Each client's WAI-SR total with the next session's ORS total, and the client's counsellor.
const PAIRS: &str = "counsellor AS (SELECT DISTINCT client, therapist FROM adm), \
    pairs AS (SELECT w.client, c.therapist, w.total AS alliance, o.total AS outcome \
      FROM totals w JOIN totals o ON w.client = o.client AND o.session = w.session + 1 \
      JOIN counsellor c ON c.client = w.client \
      WHERE w.instrument = 'wai-sr' AND o.instrument = 'ors')";

async fn run(ctx: &SessionContext, sql: &str) -> AppResult<RecordBatch> {
    let batches = ctx.sql(sql).await?.collect().await?;
    let schema = batches
        .first()
        .map_or_else(|| Arc::new(Schema::empty()), RecordBatch::schema);
    Ok(concat_batches(&schema, &batches)?)
}

fn cell(a: &dyn Array, i: usize) -> AppResult<String> {
    if a.is_null(i) {
        return Ok("-".to_owned());
    }
    Ok(if a.data_type() == &DataType::Float64 {
        format!(
            "{:.3}",
            a.as_primitive::<datafusion::arrow::datatypes::Float64Type>()
                .value(i)
        )
    } else {
        let s = cast(&a.slice(i, 1), &DataType::Utf8)?;
        s.as_string::<i32>().value(0).to_owned()
    })
}

fn format_table(batch: &RecordBatch) -> AppResult<String> {
    let schema = batch.schema();
    let mut rows = vec![
        schema
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect::<Vec<_>>(),
    ];
    for i in 0..batch.num_rows() {
        rows.push(
            batch
                .columns()
                .iter()
                .map(|c| cell(c.as_ref(), i))
                .collect::<AppResult<Vec<_>>>()?,
        );
    }
    let widths: Vec<usize> = (0..rows[0].len())
        .map(|j| rows.iter().map(|r| r[j].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for r in &rows {
        let line: Vec<String> = r
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        out.push_str("  ");
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    Ok(out)
}

fn administrations_schema() -> Schema {
    let mut f = vec![
        Field::new("client", DataType::Utf8, false),
        Field::new("therapist", DataType::Utf8, false),
        Field::new("session", DataType::Int64, false),
        Field::new("date", DataType::Utf8, false),
        Field::new("instrument", DataType::Utf8, false),
        Field::new("respondent", DataType::Utf8, false),
    ];
    f.extend((1..=12).map(|i| Field::new(format!("item{i}"), DataType::Utf8, true)));
    Schema::new(f)
}

fn totals_schema() -> Schema {
    Schema::new(vec![
        Field::new("client", DataType::Utf8, false),
        Field::new("session", DataType::Int64, false),
        Field::new("instrument", DataType::Utf8, false),
        Field::new("total", DataType::Float64, true),
    ])
}

/// A context with the functions, the CSV files as `adm_csv` / `totals`, and `adm` = the typed
/// administrations from `source` (`"csv"` or a Parquet path).
async fn context(args: &Args, parquet: Option<&str>) -> AppResult<SessionContext> {
    let ctx = SessionContext::new();
    therapeutic_alliance_datafusion::register_all(&ctx);
    let adm = args.data.join("administrations.csv");
    let totals = args.data.join("totals.csv");
    let adm_schema = administrations_schema();
    let totals_schema = totals_schema();
    ctx.register_csv(
        "adm_csv",
        adm.to_str().ok_or("non-UTF-8 path")?,
        CsvReadOptions::new().schema(&adm_schema),
    )
    .await?;
    ctx.register_csv(
        "totals",
        totals.to_str().ok_or("non-UTF-8 path")?,
        CsvReadOptions::new().schema(&totals_schema),
    )
    .await?;
    if let Some(path) = parquet {
        ctx.register_parquet("adm", path, ParquetReadOptions::default())
            .await?;
    } else {
        let view = ctx.sql(&typed_administrations("adm_csv")).await?;
        ctx.register_table("adm", view.into_view())?;
    }
    Ok(ctx)
}

#[tokio::main]
async fn main() -> AppResult {
    let Some(args) = parse_args()? else {
        println!("{HELP}");
        return Ok(());
    };
    // Parquet copy of the typed administrations.
    let csv_ctx = context(&args, None).await?;
    std::fs::create_dir_all(&args.out)?;
    let parquet = args.out.join("synthetic_administrations.parquet");
    let parquet_str = parquet.to_str().ok_or("non-UTF-8 path")?.to_owned();
    csv_ctx
        .sql("SELECT * FROM adm")
        .await?
        .write_parquet(
            &parquet_str,
            DataFrameWriteOptions::new().with_single_file_output(true),
            None,
        )
        .await?;
    let parquet_ctx = context(&args, Some(&parquet_str)).await?;
    println!(
        "Synthetic data: {} (Parquet copy: {})",
        args.data.display(),
        parquet.display()
    );
    for (title, sql) in queries() {
        let from_parquet = format_table(&run(&parquet_ctx, &sql).await?)?;
        let from_csv = format_table(&run(&csv_ctx, &sql).await?)?;
        if from_parquet != from_csv {
            return Err(format!(
                "{title}: Parquet and CSV results differ\n{from_parquet}\n{from_csv}"
            )
            .into());
        }
        print!("\n{title}\n{from_parquet}");
    }
    println!(
        "Every table was computed from the Parquet file and from the CSV, with the same numbers."
    );
    Ok(())
}
