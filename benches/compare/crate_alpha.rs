//! The crate's half of `benches/compare/run.sh`: reads the comparison CSV (untimed), then
//! times `stats::alpha` with full item statistics (and omega_total, which psych::alpha does
//! not compute) and `Instrument::score_flat` (WAI-SR: 12 items on 1..=5, total and three
//! subscales, every value validated), best of REPS runs; also alpha with the rows split over two
//! scoped threads (`AlphaAccumulator` per thread, merged).
//!
//! `cargo bench --bench compare_alpha -- FILE.csv [REPS]`; without a file it prints a note and
//! exits (so a plain `cargo bench` passes over it).

use std::hint::black_box;
use std::time::Instant;

use therapeutic_alliance::stats::{AlphaAccumulator, AlphaOptions, alpha};
use therapeutic_alliance::{FlatScores, Instrument};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    // Under a plain `cargo bench` (possibly with criterion's options for the other benches,
    // such as `--measurement-time 1`) there is no CSV: say so and do nothing.
    let Some(path) = args.first().filter(|a| {
        std::path::Path::new(a)
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
    }) else {
        println!("compare_alpha: no CSV given; see benches/compare/run.sh");
        return Ok(());
    };
    let reps: usize = args.get(1).map_or(Ok(3), |r| r.parse())?;
    let mut rdr = csv::Reader::from_path(path)?;
    let p = rdr.headers()?.len();
    let mut data = Vec::new();
    for rec in rdr.records() {
        for cell in &rec? {
            data.push(cell.trim().parse::<f64>()?);
        }
    }
    let best = |f: &mut dyn FnMut()| {
        (0..reps.max(1))
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed().as_secs_f64()
            })
            .fold(f64::INFINITY, f64::min)
    };
    let opts = AlphaOptions::new();
    let a = alpha(&data, p, &opts)?;
    let t_alpha = best(&mut || {
        black_box(alpha(black_box(&data), p, &opts).ok());
    });
    println!("crate_alpha {t_alpha:.6} {:.15}", a.raw_alpha);
    // The same with the rows split over two scoped threads, each filling an accumulator, merged.
    let half = data.len() / p / 2 * p;
    let (left, right) = data.split_at(half);
    let two = |part: &[f64]| -> Option<AlphaAccumulator> {
        let mut acc = AlphaAccumulator::new(p).ok()?;
        acc.push_rows(part).ok()?;
        Some(acc)
    };
    let mut a2 = None;
    let t_two = best(&mut || {
        let (l, r) = std::thread::scope(|s| {
            let h = s.spawn(|| two(black_box(left)));
            let r = two(black_box(right));
            (h.join().ok().flatten(), r)
        });
        if let (Some(mut l), Some(r)) = (l, r)
            && l.merge(&r).is_ok()
        {
            a2 = l.finish(&opts).ok();
        }
    });
    let raw2 = a2.map_or(f64::NAN, |a| a.raw_alpha);
    println!("crate_alpha_2_threads {t_two:.6} {raw2:.15}");
    let wai = Instrument::builtin("wai-sr").ok_or("wai-sr is built in")?;
    if p == wai.item_count() {
        let mut out = FlatScores::new();
        let t_score = best(&mut || wai.score_flat(black_box(&data), &mut out));
        println!("crate_score_flat {t_score:.6} -");
    }
    let t_floor = best(&mut || {
        let mut s = 0.0;
        for &x in black_box(&data) {
            s += x;
        }
        black_box(s);
    });
    println!("one_pass_sum_floor {t_floor:.6} -");
    Ok(())
}
