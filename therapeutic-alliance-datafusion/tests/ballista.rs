//! The same SQL on a Ballista cluster (a scheduler and two executors in this process, talking
//! gRPC and Arrow Flight on loopback, the partial states travelling between them as the core
//! accumulators' bytes) gives the results of local DataFusion, and on integer data the core's
//! in-memory results bit for bit.
//!
//! The functions must be in the cluster's function registries as well as in the client's
//! context: the `SessionState` handed to the scheduler and the executors feeds their
//! registries, and `upgrade_for_ballista` resets the client's functions to Ballista's
//! defaults, so the context gets them again. A multi-node cluster does the same with each
//! process's registry (see the README).

mod common;

use std::io::Write;

use ballista::extension::SessionStateExt;
use ballista::prelude::SessionConfigExt;
use ballista_core::serde::protobuf::scheduler_grpc_client::SchedulerGrpcClient;
use datafusion::arrow::array::RecordBatch;
use datafusion::execution::SessionStateBuilder;
use datafusion::prelude::{CsvReadOptions, SessionConfig, SessionContext};

use common::*;

/// A scheduler and `executors` executors (one task slot each, so the tasks of a stage spread
/// over them) on loopback, every one with this crate's functions in its registry, and a client
/// context connected to them.
async fn cluster(executors: usize, target_partitions: usize) -> SessionContext {
    let config = SessionConfig::new_with_ballista().with_target_partitions(target_partitions);
    let mut state = SessionStateBuilder::new()
        .with_default_features()
        .with_config(config)
        .build();
    therapeutic_alliance_datafusion::register_all_in(&mut state).unwrap();
    let addr = ballista_scheduler::standalone::new_standalone_scheduler_from_state(&state)
        .await
        .unwrap();
    let url = format!("http://localhost:{}", addr.port());
    for _ in 0..executors {
        let scheduler = loop {
            match SchedulerGrpcClient::connect(url.clone()).await {
                Ok(s) => break s,
                Err(_) => tokio::time::sleep(std::time::Duration::from_millis(50)).await,
            }
        };
        ballista_executor::new_standalone_executor_from_state(scheduler, 1, &state)
            .await
            .unwrap();
    }
    let ctx = SessionContext::new_with_state(state.upgrade_for_ballista(url).unwrap());
    therapeutic_alliance_datafusion::register_all(&ctx);
    ctx
}

/// Writes `rows` as `files` CSV files (consecutive slices) into a new directory, which is
/// returned: a table of `files` scan partitions.
fn write_csv(rows: &[Row], files: usize) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "ta-datafusion-ballista-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let cell = |v: Option<f64>| v.map_or(String::new(), |v| v.to_string());
    for (k, chunk) in rows
        .chunks(rows.len().div_ceil(files.max(1)).max(1))
        .enumerate()
    {
        write_file(&dir.join(format!("t{k}.csv")), chunk, cell);
    }
    dir
}

fn write_file(path: &std::path::Path, rows: &[Row], cell: impl Fn(Option<f64>) -> String) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(f, "counsellor,i1,i2,i3,i4,i5,r1,r2,r3,r4,x,y").unwrap();
    for r in rows {
        let mut line = vec![r.group.clone()];
        line.extend(
            r.items
                .iter()
                .map(|v| v.map_or(String::new(), |v| (v as i64).to_string())),
        );
        line.extend(r.ratings.iter().map(|&v| cell(v)));
        line.push(cell(r.x));
        line.push(cell(r.y));
        writeln!(f, "{}", line.join(",")).unwrap();
    }
    f.flush().unwrap();
}

const SQL: &str = "SELECT counsellor, \
    cronbach_alpha(i1, i2, i3, i4, i5) AS a, \
    icc(r1, r2, r3, r4) AS c, \
    pearson(x, y) AS p, \
    min(score_instrument('gad-7', i1 - 1, i2 - 1, i3 - 1, i4 - 1, i5 - 1, i1 - 1, i2 - 1)['total']) AS lowest \
    FROM t GROUP BY counsellor ORDER BY counsellor";

fn assert_same(cluster: &RecordBatch, local: &RecordBatch) {
    assert_eq!(cluster.schema(), local.schema());
    for (f, (x, y)) in cluster
        .schema()
        .fields()
        .iter()
        .zip(cluster.columns().iter().zip(local.columns()))
    {
        assert_arrays_close(f.name(), x.as_ref(), y.as_ref(), 1e-12);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_executor_cluster_gives_local_results() {
    let rows = table(17, &[120, 45, 1, 260, 80], 0.03);
    let path = write_csv(&rows, 3);
    let path_str = &format!("{}/", path.display());
    let schema = schema();
    let options = CsvReadOptions::new().schema(&schema);

    // Local DataFusion.
    let local = context(4);
    local
        .register_csv("t", path_str, options.clone())
        .await
        .unwrap();
    let want = query(&local, SQL).await;

    let cluster = cluster(2, 4).await;
    cluster.register_csv("t", path_str, options).await.unwrap();
    let got = query(&cluster, SQL).await;

    assert_eq!(got.num_rows(), 5);
    assert_same(&got, &want);
    let _ = std::fs::remove_dir_all(&path);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_executor_cluster_is_bit_identical_to_the_core_on_integer_data() {
    let mut rows = integer_table(29, &[150, 60, 1, 240, 90, 33], 0.03);
    shuffle(&mut rows, 5);
    // four files, four scan tasks: every group's rows are split over the executors' partial
    // aggregates, whose states the final aggregates merge
    let path = write_csv(&rows, 4);
    let path_str = &format!("{}/", path.display());
    let schema = schema();
    let cluster = cluster(2, 7).await;
    cluster
        .register_csv("t", path_str, CsvReadOptions::new().schema(&schema))
        .await
        .unwrap();
    let got = query(
        &cluster,
        "SELECT counsellor, cronbach_alpha(i1, i2, i3, i4, i5) AS a, icc(r1, r2, r3, r4) AS c, \
         pearson(x, y) AS p FROM t GROUP BY counsellor ORDER BY counsellor",
    )
    .await;
    check_grouped(&got, &rows, "ballista, 2 executors, target 7", 0.0);
    let _ = std::fs::remove_dir_all(&path);
}
