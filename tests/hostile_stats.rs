//! Hostile sizes and counts for the statistics entry points (issue 14, items 4 and 5): each
//! of these panicked, aborted or hung before.

use therapeutic_alliance::stats::{
    AlphaAccumulator, AlphaOptions, IccAccumulator, StatsError, alpha,
};

#[test]
fn impossible_item_counts_are_errors_not_aborts() {
    // capacity overflow (usize::MAX²) and a 34 GB request (2^16 items: 2 × 2^32 f64)
    for n in [usize::MAX, 1 << 33, 1 << 16] {
        match AlphaAccumulator::new(n) {
            Err(StatsError::TooLarge { what, .. }) => assert_eq!(what, "items"),
            Ok(_) if n == 1 << 16 => {} // a machine with that much memory may serve it
            other => panic!("{n}: {other:?}"),
        }
    }
    assert!(matches!(
        IccAccumulator::new(usize::MAX),
        Err(StatsError::TooLarge { .. })
    ));
    // alpha on no data with a huge item count: refused before anything is allocated
    assert!(alpha(&[], usize::MAX, &AlphaOptions::new()).is_err());
    assert!(alpha(&[1.0, 2.0], usize::MAX, &AlphaOptions::new()).is_err());
}

#[test]
fn self_merge_stops_at_exact_counts() {
    // merging an accumulator with itself doubles its count; past 2^53 rows the f64 weights
    // stop counting exactly, and finish() hung in statrs' inverse incomplete beta
    let mut acc = AlphaAccumulator::new(3).unwrap();
    acc.push_rows(&[1.0, 2.0, 3.0, 2.0, 2.0, 4.0, 3.0, 1.0, 2.0, 4.0, 4.0, 5.0])
        .unwrap();
    let mut merges = 0;
    loop {
        let copy = acc.clone();
        match acc.merge(&copy) {
            Ok(()) => merges += 1,
            Err(e) => {
                assert!(matches!(e, StatsError::TooLarge { .. }), "{e}");
                break;
            }
        }
        assert!(merges < 64, "merge never refused");
    }
    assert!(acc.count() <= 1 << 53);
    // finish terminates on the largest exact count, with finite numbers
    let a = acc.finish(&AlphaOptions::new()).unwrap();
    assert!(a.raw_alpha.is_finite());
    assert!(a.ci_lb.is_finite() && a.ci_ub.is_finite());

    let mut icc = IccAccumulator::new(2).unwrap();
    icc.push(&[1.0, 2.0]).unwrap();
    icc.push(&[2.0, 2.5]).unwrap();
    icc.push(&[4.0, 3.0]).unwrap();
    let mut refused = false;
    for _ in 0..64 {
        let copy = icc.clone();
        if icc.merge(&copy).is_err() {
            refused = true;
            break;
        }
    }
    assert!(refused);
}
