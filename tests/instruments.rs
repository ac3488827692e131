//! The instrument model: catalogue contents, validation, serde, norms and presets.

mod common;

use therapeutic_alliance::catalogue::{
    BUILTIN_IDS, BlriForm, BlriKey, BlriKeyItem, BlriSubscale, CORE_10_RC_CYP_IAPT_2015,
    CORS_RC_CYP_IAPT_2015, OrsAge, wai_sr_rivet_bands,
};
use therapeutic_alliance::{
    Aggregation, Band, Comparison, Cutoff, Direction, Instrument, InstrumentBuilder,
    InstrumentError, Item, Keying, MissingRule, Norms, ResponseScale, Verification,
};

fn builtin(id: &str) -> Instrument {
    Instrument::builtin(id).unwrap()
}

#[test]
fn every_builtin_builds_and_is_documented() {
    assert_eq!(Instrument::all_builtin().len(), BUILTIN_IDS.len());
    for id in BUILTIN_IDS {
        let i = builtin(id);
        assert_eq!(i.id(), id);
        assert!(!i.name().is_empty(), "{id}");
        assert!(i.citation().len() > 20, "{id} citation");
        assert!(i.licence().len() > 20, "{id} licence");
        assert!(!i.notes().is_empty(), "{id} notes");
    }
    assert!(Instrument::builtin("WAI-SR").is_none());
    assert!(Instrument::builtin("").is_none());
}

#[test]
fn verification_status_is_stated_honestly() {
    assert_eq!(builtin("wai-sr").verification(), Verification::Verified);
    assert_eq!(builtin("wai-sr-t").verification(), Verification::Unverified);
    assert_eq!(builtin("wai").verification(), Verification::Secondary);
    assert_eq!(builtin("care").verification(), Verification::Secondary);
    assert_eq!(builtin("core-om").verification(), Verification::Primary);
    assert!(builtin("wai-sr-t").notes().contains("UNVERIFIED"));
}

#[test]
fn structures_match_the_facts() {
    let w = builtin("wai-sr");
    assert_eq!(w.item_count(), 12);
    assert_eq!(w.scale(), ResponseScale::likert(1, 5));
    let names: Vec<&str> = w.subscales().iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["task", "bond", "goal"]);
    assert_eq!(w.total_range(), (12.0, 60.0));
    assert_eq!(w.subscale_range(0), Some((4.0, 20.0)));
    let task: Vec<u16> = w
        .items()
        .iter()
        .filter(|i| i.subscale.as_deref() == Some("task"))
        .map(|i| i.number)
        .collect();
    assert_eq!(task, [1, 2, 10, 12]);
    assert!(w.items().iter().all(|i| i.keying == Keying::Positive));

    let wai = builtin("wai");
    assert_eq!(wai.item_count(), 36);
    assert_eq!(wai.total_range(), (36.0, 252.0));
    let rev: Vec<u16> = wai
        .items()
        .iter()
        .filter(|i| i.keying == Keying::Reverse)
        .map(|i| i.number)
        .collect();
    assert_eq!(rev, [1, 3, 7, 9, 10, 11, 12, 15, 20, 27, 29, 31, 33, 34]);

    let om = builtin("core-om");
    assert_eq!(om.item_count(), 34);
    assert_eq!(om.total_range(), (0.0, 40.0));
    assert_eq!(om.subscales()[1].name, "problems");
    assert_eq!(om.subscales()[1].max_missing, 1);
    assert_eq!(om.subscales()[0].max_missing, 0);
    assert_eq!(om.missing_rule(), MissingRule::Prorate { max_missing: 3 });

    assert_eq!(builtin("core-10").total_range(), (0.0, 40.0));
    assert_eq!(builtin("phq-9").total_range(), (0.0, 27.0));
    assert_eq!(builtin("gad-7").total_range(), (0.0, 21.0));
    assert_eq!(builtin("care").total_range(), (10.0, 50.0));
    assert!(builtin("care").has_does_not_apply());
    assert_eq!(builtin("srs").total_range(), (0.0, 40.0));
    assert_eq!(
        builtin("srs").cutoff(),
        Some(Cutoff::new(Comparison::Less, 36.0))
    );
}

#[test]
fn every_builtin_round_trips_through_json() {
    for i in Instrument::all_builtin() {
        let json = serde_json::to_string(&i).unwrap();
        let back: Instrument = serde_json::from_str(&json).unwrap();
        assert_eq!(back, i, "{}", i.id());
    }
}

#[test]
fn deserialisation_validates() {
    let ok = r#"{"id":"x","name":"X","scale":{"likert":{"min":1,"max":5}},
                 "items":[{"number":1},{"number":2}],"polarity":"higher_is_better"}"#;
    let i: Instrument = serde_json::from_str(ok).unwrap();
    assert_eq!(i.verification(), Verification::Unverified);
    let dup = ok.replace(r#"{"number":2}"#, r#"{"number":1}"#);
    let err = serde_json::from_str::<Instrument>(&dup).unwrap_err();
    assert!(err.to_string().contains("item 1 is defined twice"), "{err}");
    let bad_scale = ok.replace(r#""min":1"#, r#""min":6"#);
    assert!(serde_json::from_str::<Instrument>(&bad_scale).is_err());
    let unknown_field = ok.replace(r#""id":"x""#, r#""id":"x","wording":"no""#);
    assert!(serde_json::from_str::<Instrument>(&unknown_field).is_err());
}

fn base() -> InstrumentBuilder {
    InstrumentBuilder::new("t", "Test", ResponseScale::likert(1, 5)).items(1..=4)
}

#[test]
fn builder_rejects_invalid_definitions() {
    let e = |b: InstrumentBuilder| b.build().unwrap_err();
    assert!(matches!(
        e(base().items([2])),
        InstrumentError::DuplicateItem { item: 2, .. }
    ));
    assert!(matches!(
        e(base().reverse(&[9])),
        InstrumentError::UnknownItem { item: 9, .. }
    ));
    assert!(matches!(
        e(base().item(Item {
            number: 5,
            subscale: Some("nope".into()),
            keying: Keying::Positive
        })),
        InstrumentError::UnknownSubscale { item: 5, .. }
    ));
    for b in [
        base().id(""),
        base().id("has space"),
        base().name(" "),
        InstrumentBuilder::new("t", "T", ResponseScale::likert(1, 5)),
        base().items([0]),
        base().scale(ResponseScale::visual_analogue(0.0, f64::NAN)),
        base().scale(ResponseScale::bipolar(0)),
        base().missing(MissingRule::Prorate { max_missing: 4 }),
        base()
            .subscale("Bad Name", 0)
            .subscale_items("Bad Name", &[5]),
        base().subscale("empty", 0),
        base().subscale_items("s", &[5, 6]).subscale("s", 1),
        base()
            .subscale_items("s", &[5, 6])
            .subscale("s", 2)
            .missing(MissingRule::Prorate { max_missing: 1 }),
        base().cutoff(Cutoff::new(Comparison::GreaterOrEqual, 10.0)),
        base().cutoff(Cutoff::new(Comparison::Less, f64::INFINITY)),
        base().bands(vec![Band::new("a", 4.0), Band::new("b", 4.0)]),
        base().bands(vec![Band::new("a", 5.0)]),
        base().bands(vec![Band::new("a", 4.0), Band::new("b", 21.0)]),
        base().bands(vec![Band::new("", 4.0)]),
        base().norms(Norms::new(10.0, 0.0, 0.8)),
        base().norms(Norms::new(10.0, 2.0, 1.0)),
        base().reliable_change(-1.0),
        base().total(Aggregation::ScaledMean { factor: 0.0 }),
    ] {
        assert!(b.clone().build().is_err(), "{b:?}");
    }
    let msg = base().items([2]).build().unwrap_err().to_string();
    assert_eq!(msg, "instrument t: item 2 is defined twice");
}

#[test]
fn reliable_change_threshold_matches_r_golden() {
    let v = common::golden::json("expected_rci.json");
    let sd = v["sample"]["sd_pre"].as_f64().unwrap();
    let r = v["settings"]["reliability"].as_f64().unwrap();
    let expected = v["pieces"]["threshold_raw_1.96"].as_f64().unwrap();
    let inst = base()
        .direction(Direction::HigherIsBetter)
        .norms(Norms::new(81.0, sd, r))
        .build()
        .unwrap();
    let got = inst.reliable_change_threshold().unwrap();
    let rel = ((got - expected) / expected).abs();
    assert!(rel < 1e-13, "got {got}, expected {expected}, rel {rel:e}");
}

#[test]
fn published_reliable_change_and_presets() {
    assert_eq!(builtin("core-om").reliable_change_threshold(), Some(5.0));
    assert_eq!(builtin("core-10").reliable_change_threshold(), Some(6.0));
    assert_eq!(builtin("ors").reliable_change_threshold(), Some(5.0));
    assert_eq!(builtin("phq-9").reliable_change_threshold(), Some(6.0));
    assert_eq!(builtin("gad-7").reliable_change_threshold(), Some(4.0));
    assert_eq!(builtin("wai-sr").reliable_change_threshold(), None);
    let cyp = builtin("core-10")
        .with_reliable_change(Some(CORE_10_RC_CYP_IAPT_2015))
        .unwrap();
    assert_eq!(cyp.reliable_change_threshold(), Some(5.0));
    let child = Instrument::ors(OrsAge::Child).unwrap();
    assert_eq!(child.cutoff(), Some(Cutoff::new(Comparison::Less, 32.0)));
    assert_eq!(child.reliable_change_threshold(), None);
    let child = child
        .with_reliable_change(Some(CORS_RC_CYP_IAPT_2015))
        .unwrap();
    assert_eq!(child.reliable_change_threshold(), Some(10.0));
    assert_eq!(Instrument::ors(OrsAge::Adult).unwrap(), builtin("ors"));
    // Norms take precedence over the published figure.
    let normed = builtin("core-10")
        .with_norms(Some(Norms::new(15.0, 5.0, 0.9)))
        .unwrap();
    let t = normed.reliable_change_threshold().unwrap();
    assert!((t - 1.96 * 5.0 * (0.2f64).sqrt()).abs() < 1e-12);
    assert!(
        builtin("srs")
            .with_cutoff(Some(Cutoff::new(Comparison::Greater, 1.0)))
            .is_err()
    );
}

#[test]
fn vendor_bands_are_opt_in() {
    let w = builtin("wai-sr");
    assert!(w.bands().is_empty());
    let w = w.with_bands(wai_sr_rivet_bands()).unwrap();
    assert_eq!(w.band_for(35.0).unwrap().label, "weak");
    assert_eq!(w.band_for(36.0).unwrap().label, "moderate");
    assert_eq!(w.band_for(48.0).unwrap().label, "strong");
}

fn placeholder_key(n: u16) -> BlriKey {
    BlriKey {
        items: (1..=n)
            .map(|i| BlriKeyItem {
                item: i,
                subscale: BlriSubscale::ALL[usize::from(i % 4)],
                keying: if i % 2 == 0 {
                    Keying::Reverse
                } else {
                    Keying::Positive
                },
            })
            .collect(),
    }
}

#[test]
fn blri_takes_its_key_from_the_user() {
    let i = Instrument::blri(BlriForm::Os64, &placeholder_key(64)).unwrap();
    assert_eq!(i.id(), "blri-os-64");
    assert_eq!(i.scale(), ResponseScale::bipolar(3));
    assert_eq!(i.total_range(), (-192.0, 192.0));
    let names: Vec<&str> = i.subscales().iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "empathic_understanding",
            "level_of_regard",
            "unconditionality_of_regard",
            "congruence"
        ]
    );
    assert_eq!(i.verification(), Verification::Unverified);
    // Wrong length, duplicates, out of range, an empty subscale.
    assert!(Instrument::blri(BlriForm::Os40, &placeholder_key(64)).is_err());
    let mut k = placeholder_key(40);
    k.items[1].item = 1;
    assert!(Instrument::blri(BlriForm::Os40, &k).is_err());
    let mut k = placeholder_key(40);
    k.items[0].item = 41;
    assert!(Instrument::blri(BlriForm::Os40, &k).is_err());
    let mut k = placeholder_key(40);
    for line in &mut k.items {
        line.subscale = BlriSubscale::Congruence;
    }
    assert!(Instrument::blri(BlriForm::Os40, &k).is_err());
    // The documented JSON template parses.
    let json = r#"{"items": [{"item": 1, "subscale": "level_of_regard", "keying": "positive"},
                  {"item": 2, "subscale": "empathic_understanding", "keying": "reverse"},
                  {"item": 3, "subscale": "congruence"}]}"#;
    let key: BlriKey = serde_json::from_str(json).unwrap();
    assert_eq!(key.items[2].keying, Keying::Positive);
}

#[test]
fn types_are_send_sync() {
    fn check<T: Send + Sync>() {}
    check::<Instrument>();
    check::<InstrumentBuilder>();
    check::<InstrumentError>();
}
