//! Rogers' core conditions profiles.
mod common;

use common::domain::{date, score, session};
use proptest::prelude::*;
use therapeutic_alliance::{
    Administration, Condition, ConditionMeasure, ConditionsError, CoreConditions,
    FacilitativeThresholds, Respondent, Responses,
};

const BLRI: [(&str, f64); 4] = [
    ("empathic_understanding", 14.0),
    ("level_of_regard", 18.0),
    ("unconditionality_of_regard", -2.0),
    ("congruence", 11.0),
];

#[test]
fn from_blri_keeps_regard_split() {
    let p = CoreConditions::from_blri(&score("blri-os40", 41.0, &BLRI)).unwrap();
    assert_eq!(p.empathy().unwrap().value(), 14.0);
    assert_eq!(p.level_of_regard().unwrap().value(), 18.0);
    assert_eq!(p.unconditionality_of_regard().unwrap().value(), -2.0);
    assert_eq!(p.congruence().unwrap().measure(), ConditionMeasure::Blri);
    // No BLRI threshold is published: the caller must supply one.
    let t = FacilitativeThresholds::new();
    assert!(matches!(
        p.reaches_facilitative(Condition::Congruence, &t),
        Err(ConditionsError::NoThreshold {
            measure: ConditionMeasure::Blri,
            ..
        })
    ));
    let t = t
        .blri(Condition::Congruence, 10.0)
        .blri(Condition::UnconditionalityOfRegard, 0.0);
    assert!(p.reaches_facilitative(Condition::Congruence, &t).unwrap());
    assert!(
        !p.reaches_facilitative(Condition::UnconditionalityOfRegard, &t)
            .unwrap()
    );
    let a = p.assess(&t).unwrap();
    assert_eq!(a.len(), 4);
    assert_eq!(a[0].facilitative, None);
}

#[test]
fn from_blri_names_missing_subscale() {
    let e = CoreConditions::from_blri(&score("blri", 10.0, &BLRI[..3])).unwrap_err();
    assert_eq!(
        e.to_string(),
        "score of \"blri\" has no subscale \"congruence\""
    );
}

#[test]
fn care_range_and_threshold() {
    assert!(CoreConditions::from_care(&score("care", 9.0, &[])).is_err());
    assert!(CoreConditions::from_care(&score("care", 50.5, &[])).is_err());
    let p = CoreConditions::from_care(&score("care", 40.0, &[])).unwrap();
    assert!(
        p.reaches_facilitative(Condition::Empathy, &FacilitativeThresholds::new())
            .is_err()
    );
    assert!(
        p.reaches_facilitative(
            Condition::Empathy,
            &FacilitativeThresholds::new().care(40.0)
        )
        .unwrap()
    );
}

#[test]
fn from_session_merges_measures() {
    let adm = |id: &str, who, total, subs: &[(&str, f64)]| {
        Administration::new(id, who, Responses::new(), Some(score(id, total, subs))).unwrap()
    };
    let s = session("c", "t", 1, date(2025, 1, 1))
        .with_administration(adm("srs", Respondent::Client, 36.0, &[]))
        .unwrap();
    assert_eq!(CoreConditions::from_session(&s).unwrap(), None);
    let s = s
        .with_administration(adm("blri-mini", Respondent::Client, 41.0, &BLRI))
        .unwrap()
        .with_administration(adm("Carkhuff", Respondent::Observer, 3.0, &[]))
        .unwrap();
    let p = CoreConditions::from_session(&s).unwrap().unwrap();
    assert_eq!(p.empathy().unwrap().measure(), ConditionMeasure::Carkhuff);
    assert_eq!(p.congruence().unwrap().value(), 11.0);
    let bad = session("c", "t", 2, date(2025, 1, 2))
        .with_administration(adm("truax", Respondent::Observer, 12.0, &[]))
        .unwrap();
    assert!(CoreConditions::from_session(&bad).is_err());
}

#[test]
fn json_round_trip_validates() {
    let p = CoreConditions::from_truax(6.5).unwrap();
    let json = serde_json::to_string(&p).unwrap();
    assert_eq!(json, r#"{"empathy":{"measure":"truax","value":6.5}}"#);
    assert_eq!(serde_json::from_str::<CoreConditions>(&json).unwrap(), p);
    assert!(
        serde_json::from_str::<CoreConditions>(r#"{"empathy":{"measure":"carkhuff","value":7}}"#)
            .is_err()
    );
}

proptest! {
    #[test]
    fn any_value_is_handled(x in proptest::num::f64::ANY, t in proptest::num::f64::ANY) {
        for p in [CoreConditions::from_carkhuff(x), CoreConditions::from_truax(x)].into_iter().flatten() {
            prop_assert!(x.is_finite());
            let th = FacilitativeThresholds::new().carkhuff(t).truax(t);
            let r = p.reaches_facilitative(Condition::Empathy, &th);
            prop_assert_eq!(r.is_ok(), t.is_finite());
            if let Ok(b) = r { prop_assert_eq!(b, x >= t); }
        }
    }

    #[test]
    fn carkhuff_facilitative_iff_at_least_three(x in 1.0f64..=5.0) {
        let p = CoreConditions::from_carkhuff(x).unwrap();
        prop_assert_eq!(p.reaches_facilitative(Condition::Empathy, &FacilitativeThresholds::new()).unwrap(), x >= 3.0);
    }
}
