//! The code list in `guide::json_contract` is the list of codes the `ErrorCode` impls return:
//! every code literal in those impls is documented, and every documented code exists.

use std::collections::BTreeSet;

/// The `"snake_case"` literals on the right of `=>` in the `fn code` bodies of `path`.
fn codes_in(path: &str) -> BTreeSet<String> {
    let text = std::fs::read_to_string(format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let mut out = BTreeSet::new();
    let mut in_code = false;
    let mut depth = 0isize;
    for line in text.lines() {
        if line.contains("fn code(&self)") {
            in_code = true;
            depth = 0;
        }
        if !in_code {
            continue;
        }
        depth += isize::try_from(line.matches('{').count()).unwrap_or(0)
            - isize::try_from(line.matches('}').count()).unwrap_or(0);
        let mut rest = line;
        while let Some(i) = rest.find('"') {
            let after = &rest[i + 1..];
            let Some(j) = after.find('"') else { break };
            let lit = &after[..j];
            if !lit.is_empty() && lit.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
                out.insert(lit.to_owned());
            }
            rest = &after[j + 1..];
        }
        if depth <= 0 && line.trim() == "}" {
            in_code = false;
        }
    }
    out
}

#[test]
fn the_documented_codes_are_the_codes() {
    let mut code: BTreeSet<String> = BTreeSet::new();
    for f in [
        "src/error_codes.rs",
        "src/document.rs",
        "src/stored.rs",
        "src/fhir/error.rs",
    ] {
        code.extend(codes_in(f));
    }
    let guide = std::fs::read_to_string(format!(
        "{}/src/guide/json_contract.rs",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let start = guide.find("Codes\n//! in use").unwrap();
    let end = guide[start..].find("\n//!\n//! ##").unwrap() + start;
    let documented: BTreeSet<String> = guide[start..end]
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect();
    let undocumented: Vec<_> = code.difference(&documented).collect();
    let stale: Vec<_> = documented.difference(&code).collect();
    assert!(
        undocumented.is_empty(),
        "codes missing from the guide: {undocumented:?}"
    );
    assert!(
        stale.is_empty(),
        "documented codes no error returns: {stale:?}"
    );
    assert!(code.len() > 40, "{code:?}");
}

/// Every error type has a code, and its document carries it (a few of each kind; the
/// previously uncoded types in full).
#[test]
fn every_error_type_becomes_a_document_with_its_code() {
    use therapeutic_alliance::{ErrorDocument, SessionDate};
    let date = "soon".parse::<SessionDate>().unwrap_err();
    assert_eq!(ErrorDocument::from_error(&date).code, "date_syntax");
    let date = SessionDate::new(2025, 2, 30).unwrap_err();
    assert_eq!(ErrorDocument::from_error(&date).code, "invalid_date");
    let stats = therapeutic_alliance::stats::StatsError::NonFinite {
        what: "x".into(),
        row: usize::MAX,
        value: f64::NAN,
    };
    let d = ErrorDocument::from_error(&stats);
    assert_eq!(
        (d.code.as_str(), d.line, d.value),
        ("non_finite", Some(u64::MAX), None)
    );
    let bytes = therapeutic_alliance::stats::AlphaAccumulator::new(3)
        .unwrap()
        .to_bytes();
    let mut bad = bytes.clone();
    let last = bad.len() - 1;
    bad[last] ^= 1;
    let e = therapeutic_alliance::stats::AlphaAccumulator::from_bytes(&bad).unwrap_err();
    assert_eq!(ErrorDocument::from_error(&e).code, "checksum_mismatch");
    let spec = "{\"id\": \"c\", \"instruments\": []}";
    #[cfg(feature = "csv")]
    {
        let e = serde_json::from_str::<therapeutic_alliance::export::ExportSpec>(spec);
        assert!(e.is_err());
        let e = therapeutic_alliance::export::ExportSpec::builder("c")
            .build()
            .unwrap_err();
        assert_eq!(ErrorDocument::from_error(&e).code, "no_instruments");
        let e = therapeutic_alliance::export::DateFormat::new("%d-%m").unwrap_err();
        assert_eq!(ErrorDocument::from_error(&e).code, "invalid_date_format");
    }
    let _ = spec;
}
