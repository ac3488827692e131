//! The export reader on realistic exports written for these tests: wide and long layouts,
//! several instruments in one file, missing codes, out-of-scale and malformed cells. Every
//! count, value and error line is asserted. Line numbers are file lines (header = line 1).
#![cfg(feature = "csv")]

use std::fmt::Write as _;

use therapeutic_alliance::export::{
    CellProblem, CourseCollector, ExportError, ExportReader, ExportScorer, ExportSpec,
    InstrumentColumns, ItemTable, Layout, MissingCodes, ReliabilityAccumulator,
};
use therapeutic_alliance::stats::{AlphaAccumulator, AlphaOptions, alpha_rows};
use therapeutic_alliance::{Answer, Instrument, Respondent, Responses};

fn inst(id: &str) -> Instrument {
    Instrument::builtin(id).unwrap()
}

fn wide_spec(codes: MissingCodes) -> ExportSpec {
    ExportSpec::builder("ClientID")
        .therapist("TherapistID")
        .session("Session")
        .date("Date")
        .instrument(InstrumentColumns::pattern(inst("wai-sr"), "WAI_{item}").unwrap())
        .instrument(InstrumentColumns::pattern(inst("ors"), "ORS_{item}").unwrap())
        .instrument(InstrumentColumns::pattern(inst("core-10"), "core{item}").unwrap())
        .missing(codes)
        .build()
        .unwrap()
}

/// A session-level export as a survey tool writes it: WAI-SR, ORS and CORE-10 side by side,
/// blanks, `NA`, `.`, `-99`, a typing error (55 on a 1–5 item), a word, a bad date.
const WIDE: &str = "\
ClientID,TherapistID,Session,Date,WAI_1,WAI_2,WAI_3,WAI_4,WAI_5,WAI_6,WAI_7,WAI_8,WAI_9,WAI_10,WAI_11,WAI_12,ORS_1,ORS_2,ORS_3,ORS_4,core1,core2,core3,core4,core5,core6,core7,core8,core9,core10
c-01,t-01,1,2025-01-06,4,4,4,4,4,4,4,4,4,4,4,4,5.0,5.0,5.0,5.0,1,1,1,1,1,1,1,1,1,1
c-01,t-01,2,2025-01-13,5,5,5,5,5,5,5,5,5,5,5,5,,,,,2,2,2,2,2,2,2,2,2,NA
c-02,t-01,1,2025-01-07,3,3,55,3,3,3,3,3,3,3,3,3,6.5,7.0,.,6.0,,,,,,,,,,
c-02,t-01,2,2025-01-14,-99,4,4,4,4,4,4,4,4,4,4,4,,,,,,,,,,,,,,
c-03,t-02,1,2025-13-01,4,4,4,4,4,4,4,4,4,4,4,4,,,,,,,,,,,,,,
c-03,t-02,2,2025-01-21,4,x,4,4,4,4,4,4,4,4,4,4,10.0,10.0,10.0,9.9,0,0,0,0,0,0,0,0,0,0
";

#[test]
fn wide_mixed_instruments_every_record_and_error() {
    let spec = wide_spec(MissingCodes::default());
    let mut reader = ExportReader::new(WIDE.as_bytes(), spec.clone()).unwrap();
    let mut scorer = ExportScorer::new(&spec);
    let mut seen = Vec::new();
    while let Some(rec) = reader.next_record().unwrap() {
        let outcome = scorer
            .full_score(&rec)
            .map(|s| s.map(|s| (s.total, s.prorated)));
        seen.push((
            rec.line,
            rec.id.to_owned(),
            rec.session,
            rec.instrument.id().to_owned(),
            rec.therapist.map(str::to_owned),
            rec.missing(),
            rec.rejected.len(),
            outcome.map(|o| o.map_err(|e| e.to_string())),
        ));
    }
    let ok = |t: f64, p: bool| Some(Ok((t, p)));
    let want = vec![
        (
            2,
            "c-01".into(),
            Some(1),
            "wai-sr".into(),
            Some("t-01".into()),
            0,
            0,
            ok(48.0, false),
        ),
        (
            2,
            "c-01".into(),
            Some(1),
            "ors".into(),
            Some("t-01".into()),
            0,
            0,
            ok(20.0, false),
        ),
        // CORE-10 items 2 and 3 are reverse keyed (4 - x): 8 x 1 + 2 x 3
        (
            2,
            "c-01".into(),
            Some(1),
            "core-10".into(),
            Some("t-01".into()),
            0,
            0,
            ok(14.0, false),
        ),
        (
            3,
            "c-01".into(),
            Some(2),
            "wai-sr".into(),
            Some("t-01".into()),
            0,
            0,
            ok(60.0, false),
        ),
        // one NA: prorated by the CORE rule, 10 x 18 / 9
        (
            3,
            "c-01".into(),
            Some(2),
            "core-10".into(),
            Some("t-01".into()),
            1,
            0,
            ok(20.0, true),
        ),
        // 55 is a rejected cell: the administration is not scored
        (
            4,
            "c-02".into(),
            Some(1),
            "wai-sr".into(),
            Some("t-01".into()),
            1,
            1,
            None,
        ),
        // "." is missing and the ORS has no missing-data rule
        (
            4,
            "c-02".into(),
            Some(1),
            "ors".into(),
            Some("t-01".into()),
            1,
            0,
            Some(Err(
                "ors: 1 of 4 items missing (first: item 3), at most 0 allowed".into(),
            )),
        ),
        // -99 is not a missing code by default: out of scale
        (
            5,
            "c-02".into(),
            Some(2),
            "wai-sr".into(),
            Some("t-01".into()),
            1,
            1,
            None,
        ),
        // line 6: a bad date rejects nothing (scored, with no date); line 7: "x"
        (
            6,
            "c-03".into(),
            Some(1),
            "wai-sr".into(),
            Some("t-02".into()),
            0,
            0,
            ok(48.0, false),
        ),
        (
            7,
            "c-03".into(),
            Some(2),
            "wai-sr".into(),
            Some("t-02".into()),
            1,
            1,
            None,
        ),
        (
            7,
            "c-03".into(),
            Some(2),
            "ors".into(),
            Some("t-02".into()),
            0,
            0,
            ok(39.9, false),
        ),
        (
            7,
            "c-03".into(),
            Some(2),
            "core-10".into(),
            Some("t-02".into()),
            0,
            0,
            ok(8.0, false),
        ),
    ];
    assert_eq!(seen.len(), want.len());
    for (got, want) in seen.iter().zip(&want) {
        assert_eq!(got, want);
    }
    let t = reader.tally();
    assert_eq!(t.rows, 6);
    assert_eq!(t.rows_rejected, 0);
    assert_eq!(t.administrations, 12);
    assert_eq!(t.administrations_rejected, 3);
    // line 3 ORS, line 4 CORE, line 5 ORS and CORE, line 6 ORS and CORE
    assert_eq!(t.not_administered, 6);
    assert_eq!(t.rejected_cells, 4);
    let messages: Vec<String> = reader
        .rejections()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        messages,
        [
            "line 4, column WAI_3: \"55\" is outside the scale 1..=5",
            "line 5, column WAI_1: \"-99\" is outside the scale 1..=5",
            "line 6, column Date: \"2025-13-01\" is not a date (YYYY-MM-DD)",
            "line 7, column WAI_2: \"x\" is not a number or a missing-value code",
        ]
    );
    assert_eq!(
        reader.rejections()[0].problem,
        CellProblem::OutOfScale {
            scale: "1..=5".into()
        }
    );
}

#[test]
fn opt_in_missing_code_turns_minus_99_into_a_missing_answer() {
    let spec = wide_spec(MissingCodes::default().with_missing("-99"));
    let mut reader = ExportReader::new(WIDE.as_bytes(), spec).unwrap();
    let mut line5 = None;
    while let Some(rec) = reader.next_record().unwrap() {
        if rec.line == 5 {
            line5 = Some((
                rec.is_usable(),
                rec.missing(),
                rec.answers[0],
                rec.answers[1],
            ));
        }
    }
    assert_eq!(line5, Some((true, 1, Answer::Missing, Answer::Value(4.0))));
    assert_eq!(reader.tally().rejected_cells, 3);
}

#[test]
fn reliability_of_an_export_matches_alpha_on_the_same_rows() {
    // eight clients, WAI-SR only; one blank (left out of the total and the goal subscale,
    // kept for task and bond) and one typing error (rejected: not in any alpha)
    let rows = [
        [4, 4, 5, 4, 5, 4, 4, 4, 5, 4, 4, 4],
        [3, 3, 3, 2, 3, 3, 3, 2, 3, 3, 2, 3],
        [5, 5, 5, 5, 4, 5, 5, 5, 5, 4, 5, 5],
        [2, 3, 2, 2, 3, 2, 2, 3, 2, 2, 2, 3],
        [4, 3, 4, 4, 4, 3, 4, 4, 4, 3, 4, 4],
        [1, 2, 2, 1, 2, 1, 2, 2, 1, 2, 1, 1],
        [3, 4, 3, 3, 4, 3, 4, 3, 3, 3, 3, 4],
        [5, 4, 4, 5, 5, 4, 5, 4, 4, 5, 5, 5],
    ];
    let mut csv = String::from("id,session");
    for i in 1..=12 {
        write!(csv, ",wai{i}").unwrap();
    }
    csv.push('\n');
    for (r, row) in rows.iter().enumerate() {
        write!(csv, "c{r},1").unwrap();
        for (i, x) in row.iter().enumerate() {
            match (r, i) {
                (6, 10) => csv.push_str(",NA"),
                _ => write!(csv, ",{x}").unwrap(),
            }
        }
        csv.push('\n');
    }
    csv.push_str("c9,1,4,4,4,4,4,4,4,4,4,4,4,44\n"); // line 10
    let wai = inst("wai-sr");
    let spec = ExportSpec::builder("id")
        .session("session")
        .instrument(InstrumentColumns::pattern(wai.clone(), "wai{item}").unwrap())
        .build()
        .unwrap();
    let mut reader = ExportReader::new(csv.as_bytes(), spec).unwrap();
    let mut acc = ReliabilityAccumulator::new(&wai).unwrap();
    while let Some(rec) = reader.next_record().unwrap() {
        if rec.is_usable() {
            acc.push(rec.answers);
        }
    }
    assert_eq!(
        reader.rejections()[0].to_string(),
        "line 10, column wai12: \"44\" is outside the scale 1..=5"
    );
    let tables = acc.finish(&AlphaOptions::new().without_omega());
    let names: Vec<&str> = tables.iter().map(|t| t.scale.as_str()).collect();
    assert_eq!(names, ["total", "task", "bond", "goal"]);
    let as_f = |r: &[i32; 12], items: &[usize]| -> Vec<f64> {
        items.iter().map(|&i| f64::from(r[i - 1])).collect()
    };
    for (t, items) in tables.iter().zip([
        (1..=12).collect::<Vec<usize>>(),
        vec![1, 2, 10, 12],
        vec![3, 5, 7, 9],
        vec![4, 6, 8, 11],
    ]) {
        let complete: Vec<Vec<f64>> = rows
            .iter()
            .enumerate()
            .filter(|(r, _)| !(*r == 6 && items.contains(&11)))
            .map(|(_, row)| as_f(row, &items))
            .collect();
        let want = alpha_rows(&complete, &AlphaOptions::new().without_omega()).unwrap();
        let got = t.alpha.as_ref().unwrap();
        assert_eq!(t.n, complete.len(), "{}", t.scale);
        assert_eq!(t.incomplete, 8 - complete.len(), "{}", t.scale);
        assert!(
            (got.raw_alpha - want.raw_alpha).abs() < 1e-12,
            "{}",
            t.scale
        );
        assert!(
            (got.std_alpha - want.std_alpha).abs() < 1e-12,
            "{}",
            t.scale
        );
    }
    assert_eq!(tables[0].n, 7);
    assert_eq!(tables[1].n, 8);
    assert_eq!(tables[3].n, 7);
}

/// The same administrations in the long layout: one row per answer, item names as the
/// wide columns, sorted by client and session (the order an export tool writes).
const LONG: &str = "\
ClientID,Session,Date,Item,Answer
c-01,1,2025-01-06,ORS_1,5.0
c-01,1,2025-01-06,ORS_2,5.5
c-01,1,2025-01-06,ORS_3,NA
c-01,1,2025-01-06,ORS_4,6.0
c-01,1,2025-01-06,SRS_1,9.0
c-01,1,2025-01-06,SRS_2,9.5
c-01,1,2025-01-06,SRS_3,9.0
c-01,1,2025-01-06,SRS_4,8.5
c-01,2,2025-01-13,ORS_1,6.0
c-01,2,2025-01-13,ORS_2,6.5
c-01,2,2025-01-13,ORS_3,7.0
c-01,2,2025-01-13,ORS_4,6.5
c-01,2,2025-01-13,ORS_4,6.6
c-02,1,2025-01-07,ORS_1,11
c-02,1,2025-01-07,ORS_2,4.0
c-02,1,2025-01-07,ORS_3,4.0
c-02,1,2025-01-07,ORS_4,4.0
c-02,1,2025-01-07,SRS_9,4.0
c-02,2,2025-01-14,SRS_1,10.0
c-02,2,2025-01-14,SRS_2,10.0
c-02,2,2025-01-14,SRS_3,10.0
c-02,2,2025-01-14,SRS_4,10.0
c-01,1,2025-01-06,SRS_1,9.0
";

#[test]
fn long_layout_groups_rows_into_administrations() {
    let spec = ExportSpec::builder("ClientID")
        .session("Session")
        .date("Date")
        .layout(Layout::Long {
            item: "Item".into(),
            value: "Answer".into(),
            instrument: None,
        })
        .instrument(InstrumentColumns::pattern(inst("ors"), "ORS_{item}").unwrap())
        .instrument(InstrumentColumns::pattern(inst("srs"), "SRS_{item}").unwrap())
        .build()
        .unwrap();
    let mut reader = ExportReader::new(LONG.as_bytes(), spec.clone()).unwrap();
    let mut scorer = ExportScorer::new(&spec);
    let mut seen = Vec::new();
    while let Some(rec) = reader.next_record().unwrap() {
        let total = scorer
            .score(&rec)
            .and_then(|s| s.ok().map(|s| (s.score.total * 10.0).round() / 10.0));
        seen.push((
            rec.line,
            rec.id.to_owned(),
            rec.session,
            rec.instrument.id().to_owned(),
            rec.missing(),
            rec.rejected.len(),
            total,
        ));
    }
    assert_eq!(
        seen,
        [
            (2, "c-01".into(), Some(1), "ors".into(), 1, 0, None),
            (2, "c-01".into(), Some(1), "srs".into(), 0, 0, Some(36.0)),
            (10, "c-01".into(), Some(2), "ors".into(), 0, 1, None),
            (15, "c-02".into(), Some(1), "ors".into(), 1, 1, None),
            (20, "c-02".into(), Some(2), "srs".into(), 0, 0, Some(40.0)),
        ]
    );
    let messages: Vec<String> = reader
        .rejections()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        messages,
        [
            "line 14, column Item: \"ORS_4\" answers an item already answered on line 13",
            "line 19, column Item: \"SRS_9\" names no item of the listed instruments",
            "line 15, column Answer: \"11\" is outside the scale 0.0..=10.0",
            "line 24, column ClientID: \"c-01\" continues an administration whose rows ended earlier (sort the export by id and session)",
        ]
    );
    let t = reader.tally();
    assert_eq!(t.rows, 23);
    assert_eq!(t.administrations, 5);
    assert_eq!(t.administrations_rejected, 2);
    assert_eq!(t.rows_rejected, 2);
    assert_eq!(t.rejected_cells, 4);
    assert_eq!(t.not_administered, 0);
}

#[test]
fn courses_from_an_export_hold_every_scored_session() {
    let spec = wide_spec(MissingCodes::default());
    let mut reader = ExportReader::new(WIDE.as_bytes(), spec.clone()).unwrap();
    let mut scorer = ExportScorer::new(&spec);
    let mut courses = CourseCollector::new();
    while let Some(rec) = reader.next_record().unwrap() {
        if let Some(Ok(score)) = scorer.full_score(&rec) {
            courses.push(&rec, score);
        }
    }
    let (courses, errors) = courses.finish();
    // line 6 has no readable date: scored, but it cannot join a course
    assert_eq!(
        errors,
        [therapeutic_alliance::export::CourseRecordError::NoSessionOrDate { line: 6 }]
    );
    assert_eq!(courses.len(), 2);
    assert_eq!(courses[0].client().as_str(), "c-01");
    assert_eq!(
        courses[0].series_by("wai-sr", Respondent::Client),
        [(1, 48.0), (2, 60.0)]
    );
    assert_eq!(courses[0].series("core-10"), [(1, 14.0), (2, 20.0)]);
    assert_eq!(courses[0].counsellor().as_str(), "t-01");
    assert_eq!(courses[1].client().as_str(), "c-03");
    assert_eq!(courses[1].len(), 1);
    assert_eq!(courses[1].series("ors"), [(2, 39.9)]);
}

#[test]
fn header_problems_are_errors_naming_the_column() {
    let spec = wide_spec(MissingCodes::default());
    let no_session = "ClientID,TherapistID,Date,WAI_1\n";
    assert_eq!(
        ExportReader::new(no_session.as_bytes(), spec.clone())
            .unwrap_err()
            .to_string(),
        "line 1: no column \"Session\" (the session column)"
    );
    let mut header = String::from("ClientID,TherapistID,Session,Date");
    for i in 1..=11 {
        write!(header, ",WAI_{i}").unwrap();
    }
    header.push('\n');
    assert_eq!(
        ExportReader::new(header.as_bytes(), spec.clone()).unwrap_err(),
        ExportError::MissingColumn {
            column: "WAI_12".into(),
            role: "item"
        }
    );
    header.pop();
    header.push_str(",WAI_12,wai_12\n");
    assert_eq!(
        ExportReader::new(header.as_bytes(), spec.clone())
            .unwrap_err()
            .to_string(),
        "line 1: columns \"WAI_12\" and \"wai_12\" both hold item 12 of wai-sr"
    );
    header.truncate(header.len() - ",wai_12\n".len());
    header.push('\n');
    assert_eq!(
        ExportReader::new(header.as_bytes(), spec)
            .unwrap_err()
            .to_string(),
        "line 1: no column matches ORS_{item} for ors"
    );
}

#[test]
fn ragged_rows_and_bad_ids_reject_their_row_only() {
    let srs = inst("srs");
    let spec = ExportSpec::builder("id")
        .instrument(
            InstrumentColumns::pattern(srs, "q{item}")
                .unwrap()
                .respondent(Respondent::Client),
        )
        .build()
        .unwrap();
    let data = "id,q1,q2,q3,q4\nc1,9,9,9,9\nc2,9,9\nbad id,9,9,9,9\n\"c4\",\"9\",9,9,9.5\n";
    let mut reader = ExportReader::new(data.as_bytes(), spec).unwrap();
    let mut lines = Vec::new();
    while let Some(rec) = reader.next_record().unwrap() {
        lines.push((rec.line, rec.id.to_owned(), rec.respondent));
    }
    assert_eq!(
        lines,
        [
            (2, "c1".into(), Respondent::Client),
            (5, "c4".into(), Respondent::Client)
        ]
    );
    let messages: Vec<String> = reader
        .rejections()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        messages,
        [
            "line 3, column q2: \"9\" ends a row whose field count differs from the header's 5",
            "line 4, column id: \"bad id\" is not a valid id",
        ]
    );
}

#[test]
fn item_table_streams_complete_rows_into_alpha() {
    let data = "respondent,i1,i2,i3\nr1,1,2,2\nr2,3,3,4\nr3,.,1,1\nr4,5,4,55\nr5,4,5,5\nr6,2,2,3\n";
    let mut table = ItemTable::new(data.as_bytes(), MissingCodes::default(), None).unwrap();
    let mut acc = AlphaAccumulator::new(3).unwrap();
    let tally = table.accumulate_complete(&mut acc).unwrap();
    // without an instrument there is no scale: 55 is a number
    assert_eq!(
        (tally.rows, tally.complete, tally.incomplete, tally.rejected),
        (6, 5, 1, 0)
    );
    let got = acc.finish(&AlphaOptions::new().without_omega()).unwrap();
    let rows = [
        [1.0, 2.0, 2.0],
        [3.0, 3.0, 4.0],
        [5.0, 4.0, 55.0],
        [4.0, 5.0, 5.0],
        [2.0, 2.0, 3.0],
    ];
    let want = alpha_rows(&rows, &AlphaOptions::new().without_omega()).unwrap();
    assert!((got.raw_alpha - want.raw_alpha).abs() < 1e-12);
    let names = ["i2".to_owned(), "I3".to_owned()];
    let mut two = ItemTable::new(data.as_bytes(), MissingCodes::default(), Some(&names)).unwrap();
    assert_eq!(two.item_names(), ["i2", "i3"]);
    let row = two.next_row().unwrap().unwrap();
    assert_eq!((row.line, row.values), (2, &[Some(2.0), Some(2.0)][..]));
}

#[test]
fn does_not_apply_only_where_the_instrument_offers_it() {
    let spec = ExportSpec::builder("id")
        .instrument(InstrumentColumns::pattern(inst("care"), "care{item}").unwrap())
        .instrument(InstrumentColumns::pattern(inst("gad-7"), "gad{item}").unwrap())
        .build()
        .unwrap();
    let mut header = String::from("id");
    for i in 1..=10 {
        write!(header, ",care{i}").unwrap();
    }
    for i in 1..=7 {
        write!(header, ",gad{i}").unwrap();
    }
    let data = format!("{header}\nc1,5,5,5,5,5,DNA,5,5,5,5,1,1,1,dna,1,1,1\n");
    let mut reader = ExportReader::new(data.as_bytes(), spec.clone()).unwrap();
    let mut scorer = ExportScorer::new(&spec);
    let care = reader.next_record().unwrap().unwrap();
    assert_eq!(care.answers[5], Answer::DoesNotApply);
    let s = scorer.full_score(&care).unwrap().unwrap();
    // mean replacement: 9 x 5 + 5
    assert_eq!((s.total, s.imputed), (50.0, 1));
    let gad = reader.next_record().unwrap().unwrap();
    assert_eq!(
        gad.rejected[0].to_string(),
        "line 2, column gad4: \"dna\" means \"does not apply\", which this instrument does not offer"
    );
    // the reader's answers equal what Responses would give the scorer directly
    let r: Responses = (1..=7).map(|i| (i, Answer::Value(1.0))).collect();
    assert_eq!(inst("gad-7").score(&r).unwrap().total, 7.0);
}

#[test]
fn tidy_long_export_with_an_instrument_column() {
    let text = "\
client,session,date,instrument,item,value
c-01,session_1_arm_1,08/01/2025,SRS,1,9.0
c-01,session_1_arm_1,08/01/2025,SRS,2,9.5
c-01,session_1_arm_1,08/01/2025,srs,SRS_3,9.0
c-01,session_1_arm_1,08/01/2025,SRS,4,8.5
c-01,session_1_arm_1,08/01/2025,ORS,1,5.0
c-01,session_1_arm_1,08/01/2025,ORS,2,5.0
c-01,session_1_arm_1,08/01/2025,ORS,3,5.0
c-01,session_1_arm_1,08/01/2025,ORS,4,5.0
c-01,session_1_arm_1,08/01/2025,GAD-7,1,2
c-01,session_2_arm_1,15/01/2025,SRS,5,9.0
";
    let spec = ExportSpec::builder("client")
        .session("session")
        .date("date")
        .session_pattern(
            therapeutic_alliance::export::SessionPattern::new("session_{n}_arm_1").unwrap(),
        )
        .date_format(therapeutic_alliance::export::DateFormat::new("%d/%m/%Y").unwrap())
        .layout(Layout::Long {
            item: "item".into(),
            value: "value".into(),
            instrument: Some("instrument".into()),
        })
        .instrument(InstrumentColumns::pattern(inst("srs"), "SRS_{item}").unwrap())
        .instrument(InstrumentColumns::pattern(inst("ors"), "ORS_{item}").unwrap())
        .build()
        .unwrap();
    let mut reader = ExportReader::new(text.as_bytes(), spec.clone()).unwrap();
    let mut scorer = ExportScorer::new(&spec);
    let mut got = Vec::new();
    while let Some(rec) = reader.next_record().unwrap() {
        let total = scorer
            .full_score(&rec)
            .and_then(Result::ok)
            .map(|s| s.total);
        got.push((
            rec.instrument.id().to_owned(),
            rec.session,
            rec.date.map(|d| d.to_string()),
            total,
        ));
    }
    assert_eq!(
        got,
        [
            (
                "srs".to_owned(),
                Some(1),
                Some("2025-01-08".to_owned()),
                Some(36.0)
            ),
            (
                "ors".to_owned(),
                Some(1),
                Some("2025-01-08".to_owned()),
                Some(20.0)
            ),
        ]
    );
    let messages: Vec<String> = reader
        .rejections()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        messages,
        [
            "line 10, column instrument: \"GAD-7\" names no instrument of the description",
            "line 11, column item: \"5\" names no item of the listed instruments",
        ]
    );
}

#[test]
fn local_dates_without_a_format_are_named_ambiguous() {
    let text = "ClientID,Session,Date,SRS_1,SRS_2,SRS_3,SRS_4\nc-1,1,26-01-2025,9,9,9,9\nc-1,2,soon,9,9,9,9\n";
    let spec = ExportSpec::builder("ClientID")
        .session("Session")
        .date("Date")
        .instrument(InstrumentColumns::pattern(inst("srs"), "SRS_{item}").unwrap())
        .build()
        .unwrap();
    let mut reader = ExportReader::new(text.as_bytes(), spec).unwrap();
    let mut n = 0;
    while let Some(rec) = reader.next_record().unwrap() {
        assert!(rec.is_usable() && rec.date.is_none());
        n += 1;
    }
    assert_eq!(n, 2, "a bad date rejects nothing");
    let p: Vec<&CellProblem> = reader.rejections().iter().map(|e| &e.problem).collect();
    assert_eq!(p, [&CellProblem::LocalDate, &CellProblem::InvalidDate]);
    assert!(reader.rejections()[0].to_string().contains("%d-%m-%Y"));
}

#[test]
fn values_near_the_f64_range_are_accumulated_whole_never_fewer_rows() {
    // an item table of plain numbers: 1e200 and -1e200 square beyond f64, but the accumulator
    // holds each item in a shifted, power-of-two-scaled frame: every row is accumulated
    let data = "id,i1,i2\na,1e200,1\nb,-1e200,2\nc,3,3\n";
    let mut table = ItemTable::new(data.as_bytes(), MissingCodes::default(), None).unwrap();
    let mut acc = AlphaAccumulator::new(2).unwrap();
    table.accumulate_complete(&mut acc).unwrap();
    assert_eq!(acc.count(), 3);
    // an instrument whose scale allows such values: alpha of all three rows (finite), never
    // alpha of fewer rows
    let vas = therapeutic_alliance::InstrumentBuilder::new(
        "vas-2",
        "VAS",
        therapeutic_alliance::ResponseScale::visual_analogue(-1e200, 1e200),
    )
    .items(1..=2)
    .build()
    .unwrap();
    let mut rel = ReliabilityAccumulator::new(&vas).unwrap();
    for row in [[1e200, 1.0], [-1e200, 2.0], [3.0, 3.0]] {
        rel.push(&row.map(Answer::Value));
    }
    let out = rel.finish(&AlphaOptions::new());
    // items 1e200 apart in scale: in double precision the second item's share of the total
    // is below rounding, so alpha's standard error is undefined (psych gets Inf/NaN): a
    // typed error, the same on both doors, and never the alpha of fewer rows
    let direct = acc.finish(&AlphaOptions::new());
    match (&out[0].alpha, &direct) {
        (Ok(a), Ok(d)) => {
            assert_eq!((a.n, d.n), (3, 3));
            assert!((a.raw_alpha - d.raw_alpha).abs() < 1e-12);
        }
        (Err(a), Err(d)) => {
            assert_eq!(a.code, "singular", "{a:?}");
            assert!(
                matches!(d, therapeutic_alliance::stats::StatsError::Singular { .. }),
                "{d:?}"
            );
        }
        other => panic!("{other:?}"),
    }
    // items near ±f64::MAX: accumulated whole (differences computed on halves), and alpha
    // is a typed error naming the data
    let mut huge = AlphaAccumulator::new(2).unwrap();
    huge.push_rows(&[f64::MAX, f64::MAX, -f64::MAX, -f64::MAX, 0.0, 1.0])
        .unwrap();
    assert_eq!(huge.count(), 3);
    let e = huge.finish(&AlphaOptions::new()).unwrap_err();
    assert!(!e.to_string().contains("parameter"), "{e:?}");
}
