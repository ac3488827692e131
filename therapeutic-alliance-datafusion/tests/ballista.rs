//! The same SQL on a Ballista cluster (scheduler and executor in this process, gRPC on
//! loopback) gives the results of local DataFusion.
//!
//! The functions must be in the cluster's function registries as well as in the client's
//! context: the `SessionState` handed to `standalone_with_state` feeds the in-process
//! scheduler's and executor's registries, and `upgrade_for_ballista` resets the client's
//! functions to Ballista's defaults, so the context gets them again. A multi-node cluster does
//! the same with each process's registry (see the README).

mod common;

use std::io::Write;

use ballista::prelude::{SessionConfigExt, SessionContextExt};
use datafusion::arrow::array::RecordBatch;
use datafusion::execution::SessionStateBuilder;
use datafusion::prelude::{CsvReadOptions, SessionConfig, SessionContext};

use common::*;

fn write_csv(rows: &[Row]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "ta-datafusion-ballista-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("t.csv");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    let cell = |v: Option<f64>| v.map_or(String::new(), |v| v.to_string());
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
    path
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
async fn ballista_standalone_cluster_gives_local_results() {
    let rows = table(17, &[120, 45, 1, 260, 80], 0.03);
    let path = write_csv(&rows);
    let path_str = path.to_str().unwrap();
    let schema = schema();
    let options = CsvReadOptions::new().schema(&schema);

    // Local DataFusion.
    let local = context(4);
    local
        .register_csv("t", path_str, options.clone())
        .await
        .unwrap();
    let want = query(&local, SQL).await;

    // Ballista: register in the state (scheduler and executor registries) and in the client.
    let config = SessionConfig::new_with_ballista().with_target_partitions(4);
    let mut state = SessionStateBuilder::new()
        .with_default_features()
        .with_config(config)
        .build();
    therapeutic_alliance_datafusion::register_all_in(&mut state).unwrap();
    let cluster = SessionContext::standalone_with_state(state).await.unwrap();
    therapeutic_alliance_datafusion::register_all(&cluster);
    cluster.register_csv("t", path_str, options).await.unwrap();
    let got = query(&cluster, SQL).await;

    assert_eq!(got.num_rows(), 5);
    assert_same(&got, &want);
    let _ = std::fs::remove_dir_all(path.parent().unwrap());
}
