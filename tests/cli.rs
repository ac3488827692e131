//! The examples' argument parser (`examples/common/cli.rs`): `--help` lists every option with
//! its default; unknown options (with the closest known one), missing values and stray
//! arguments are errors naming them. With the `csv` feature (every example builds), each
//! example program is run as a user runs it: `--help` exits 0 before touching any file, and a
//! bad command line exits 2 naming the problem. Tables of any cell width print.

#[cfg(feature = "csv")]
mod common;
#[path = "../examples/common/mod.rs"]
mod examples_common;

use examples_common::cli::{self, Cli, Opt, Outcome};

const CLI: Cli = Cli {
    name: "demo",
    about: "a demonstration",
    positional: "[FILE.csv]",
    max_positional: 1,
    options: &[
        Opt::value("instrument", "ID", "wai-sr", "the instrument"),
        Opt::value("out", "DIR", "out", "where files go"),
        Opt::switch("json", "print JSON"),
    ],
    notes: "Columns: total = the sum.",
};

fn run(args: &[&str]) -> Result<Outcome, String> {
    CLI.parse_from(args.iter().copied())
}

#[test]
fn help_lists_every_option_with_its_default() {
    for flag in ["--help", "-h"] {
        let Ok(Outcome::Help(text)) = run(&["--json", flag]) else {
            panic!("no help for {flag}");
        };
        assert!(text.contains("--instrument ID"), "{text}");
        assert!(text.contains("[default: wai-sr]"), "{text}");
        assert!(text.contains("--out DIR"), "{text}");
        assert!(text.contains("--json"), "{text}");
        assert!(text.contains("Columns: total = the sum."), "{text}");
    }
}

#[test]
fn values_switches_and_positional() {
    let Ok(Outcome::Run(p)) = run(&["data.csv", "--instrument", "ors", "--json", "--out=x"]) else {
        panic!("did not parse");
    };
    assert_eq!(p.value("instrument"), Some("ors"));
    assert_eq!(p.value("out"), Some("x"));
    assert!(p.flag("json"));
    assert_eq!(p.file(), Some("data.csv"));
    let Ok(Outcome::Run(p)) = run(&["--instrument", "a", "--instrument", "b"]) else {
        panic!("did not parse");
    };
    assert_eq!(p.values("instrument"), ["a", "b"]);
    assert_eq!(p.value("instrument"), Some("b"));
    assert_eq!(
        p.parsed::<f64>("instrument"),
        Err("option --instrument: \"b\" is not valid".into())
    );
}

#[test]
fn bad_command_lines_are_errors_naming_the_problem() {
    assert_eq!(
        run(&["--pairwize"]),
        Err("unknown option --pairwize".into())
    );
    assert_eq!(
        run(&["--jsno"]),
        Err("unknown option --jsno (did you mean --json?)".into())
    );
    assert_eq!(
        run(&["--instrumnet", "x"]),
        Err("unknown option --instrumnet (did you mean --instrument?)".into())
    );
    assert_eq!(run(&["-x"]), Err("unknown option -x".into()));
    assert_eq!(run(&["--out"]), Err("option --out needs a value".into()));
    assert_eq!(
        run(&["--json=yes"]),
        Err("option --json takes no value".into())
    );
    assert_eq!(
        run(&["a.csv", "b.csv"]),
        Err("unexpected argument \"b.csv\"".into())
    );
}

#[test]
fn the_closest_option_is_a_small_edit_away() {
    const META: Cli = Cli {
        name: "meta",
        about: "",
        positional: "",
        max_positional: 0,
        options: &[
            Opt::switch("knha", ""),
            Opt::value("level", "L", "0.95", ""),
            Opt::value("method", "M", "reml", ""),
        ],
        notes: "",
    };
    assert_eq!(cli::edit_distance("knah", "knha"), 1); // a transposition is one edit
    assert_eq!(cli::edit_distance("methd", "method"), 1);
    assert_eq!(cli::edit_distance("", "out"), 3);
    assert_eq!(cli::edit_distance("lower-better", "lower-is-better"), 3);
    assert_eq!(cli::edit_distance("json", "json"), 0);
    assert_eq!(META.closest("knah"), Some("knha"));
    assert_eq!(META.closest("methd"), Some("method"));
    assert_eq!(META.closest("hlep"), Some("help"));
    assert_eq!(META.closest("bogus"), None);
    assert_eq!(META.closest("x"), None);
    assert_eq!(
        META.parse_from(["--knah"]),
        Err("unknown option --knah (did you mean --knha?)".into())
    );
}

#[test]
fn no_cell_width_makes_a_table_panic() {
    let wide = "x".repeat(70_000);
    let text = examples_common::format_table(&["id", "n"], &[vec![wide.clone(), "1".into()]]);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "header, rule, row");
    assert_eq!(lines[0], format!("{}id  n", " ".repeat(70_000 - 2)));
    assert_eq!(lines[1], "-".repeat(70_000 + 2 + 1));
    assert_eq!(lines[2], format!("{wide}  1"));
    // right-aligned by characters, not bytes
    let text = examples_common::format_table(&["a"], &[vec!["é".into()], vec!["xyz".into()]]);
    assert_eq!(text, "  a\n---\n  é\nxyz\n");
}

#[test]
fn table_numbers_print_as_format_does() {
    let mut xs = vec![
        0.0,
        1.0,
        -1.0,
        0.5,
        2.25,
        -3.75,
        38.3,
        1e15,
        123_456.789,
        0.005,
        0.015,
    ];
    xs.extend((0..2000).map(|k| f64::from(k) * 0.01 - 10.0));
    xs.extend((0..500).map(|k| f64::from(k) / 3.0));
    xs.extend((0..500).map(|k| f64::from(k) * 0.125 - 31.0));
    for x in xs {
        for d in 0..=4 {
            assert_eq!(
                examples_common::fmt(x, d),
                format!("{x:.d$}"),
                "{x} to {d} decimals"
            );
        }
    }
    assert_eq!(examples_common::fmt(-0.0, 2), "-0.00");
    assert_eq!(examples_common::fmt(f64::NAN, 2), "NA");
    let mut s = String::new();
    for n in [0, 7, 10, 99, 100, 4096, u64::MAX] {
        s.clear();
        examples_common::push_uint(&mut s, n);
        assert_eq!(s, n.to_string());
    }
}

/// Every example program, run as a user runs it.
#[cfg(feature = "csv")]
mod tools {
    use std::collections::BTreeMap;
    use std::path::{Path, PathBuf};
    use std::process::{Command, Output};
    use std::sync::OnceLock;

    use super::common::tools::{self, scratch};

    /// Every example: its options (a value option ends with `=`), a typo and the option it
    /// must suggest.
    const EXAMPLES: &[(&str, &[&str], &str, &str)] = &[
        (
            "change",
            &[
                "reliability=",
                "method=",
                "critical=",
                "inclusive",
                "lower-is-better",
                "functional-mean=",
                "functional-sd=",
                "clinical-mean=",
                "clinical-sd=",
                "cutoff=",
                "json",
            ],
            "methd",
            "method",
        ),
        (
            "cookbook_alerts",
            &["rupture-points=", "json"],
            "rupture-point",
            "rupture-points",
        ),
        (
            "cookbook_batch",
            &["instrument=", "json"],
            "instrumnet",
            "instrument",
        ),
        (
            "cookbook_custom_instrument",
            &["blri-key=", "json"],
            "blri-kye",
            "blri-key",
        ),
        (
            "cookbook_within_between",
            &["alliance=", "outcome=", "mixed", "json"],
            "alliace",
            "alliance",
        ),
        (
            "correlate",
            &[
                "x=",
                "y=",
                "spearman",
                "kendall",
                "level=",
                "t-approx",
                "bonett-wright",
                "normal",
                "continuity",
                "json",
            ],
            "spearmn",
            "spearman",
        ),
        ("course_report", &["json"], "jsno", "json"),
        ("generate_data", &["seed=", "out=", "json"], "sed", "seed"),
        (
            "icc",
            &["drop-incomplete", "level=", "json"],
            "levle",
            "level",
        ),
        (
            "meta",
            &["method=", "knha", "level=", "json"],
            "knah",
            "knha",
        ),
        (
            "monitor",
            &[
                "alliance=",
                "outcome=",
                "rupture-points=",
                "rc=",
                "band=",
                "lower-is-better",
                "alliance-cutoff=",
                "out=",
                "json",
            ],
            "lower-better",
            "lower-is-better",
        ),
        (
            "parallel_alpha",
            &["threads=", "rows=", "out=", "json"],
            "thread",
            "threads",
        ),
        (
            "quickstart",
            &[
                "data=",
                "out=",
                "client=",
                "rupture-points=",
                "ors-reliability=",
                "phq-9-reliability=",
                "json",
            ],
            "clinet",
            "client",
        ),
        (
            "reliability",
            &["keys=", "pairwise", "pairwise-cov2cor", "json"],
            "pairwize",
            "pairwise",
        ),
        (
            "score",
            &["instrument=", "definition=", "json", "csv="],
            "instrumen",
            "instrument",
        ),
        (
            "workbench",
            &[
                "id=",
                "session=",
                "date=",
                "instrument=",
                "missing=",
                "prorate=",
                "out=",
                "json",
            ],
            "prorat",
            "prorate",
        ),
    ];

    fn bin_dir() -> &'static Path {
        static DIR: OnceLock<PathBuf> = OnceLock::new();
        DIR.get_or_init(|| {
            let names: Vec<&str> = EXAMPLES.iter().map(|e| e.0).collect();
            tools::build_examples(&names)
        })
    }

    /// Runs example `name` with `args` in the current directory `cwd`.
    fn run(name: &str, cwd: &Path, args: &[&str]) -> Output {
        Command::new(bin_dir().join(name))
            .args(args)
            .current_dir(cwd)
            .output()
            .unwrap()
    }

    /// Every file under `dir` with its bytes.
    fn snapshot(dir: &Path, into: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                snapshot(&path, into);
            } else {
                into.insert(path.clone(), std::fs::read(&path).unwrap());
            }
        }
    }

    fn data_files() -> BTreeMap<PathBuf, Vec<u8>> {
        let mut files = BTreeMap::new();
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        snapshot(&root.join("examples").join("data"), &mut files);
        snapshot(&root.join("testdata"), &mut files);
        files
    }

    fn stderr(o: &Output) -> String {
        String::from_utf8_lossy(&o.stderr).into_owned()
    }

    #[test]
    fn every_example_has_help_and_refuses_bad_command_lines_without_touching_a_file() {
        let before = data_files();
        for &(name, options, typo, suggestion) in EXAMPLES {
            let cwd = scratch(name);
            let out_dir = cwd.join("out");
            let out_arg = out_dir.display().to_string();
            let takes_out = options.contains(&"out=");

            // --help and -h: exit 0, usage naming every option, before any file is touched
            for flag in ["--help", "-h"] {
                let mut args = Vec::new();
                if takes_out {
                    args.extend(["--out", out_arg.as_str()]);
                }
                args.push(flag);
                let o = run(name, &cwd, &args);
                let text = String::from_utf8_lossy(&o.stdout);
                assert!(o.status.success(), "{name} {flag}: {}", stderr(&o));
                assert!(
                    text.contains(&format!("Usage: {name}")),
                    "{name} {flag}: {text}"
                );
                for opt in options {
                    let opt = opt.trim_end_matches('=');
                    assert!(
                        text.contains(&format!("--{opt}")),
                        "{name} {flag}: no --{opt} in {text}"
                    );
                }
            }

            // an unknown option: exit 2, named, with the closest known one
            let o = run(name, &cwd, &[&format!("--{typo}")]);
            assert_eq!(o.status.code(), Some(2), "{name} --{typo}: {}", stderr(&o));
            let msg = stderr(&o);
            assert!(
                msg.contains(&format!(
                    "unknown option --{typo} (did you mean --{suggestion}?)"
                )),
                "{name}: {msg}"
            );
            let o = run(name, &cwd, &["--bogus-option-xyz"]);
            assert_eq!(o.status.code(), Some(2), "{name}: {}", stderr(&o));
            assert!(
                stderr(&o).contains("unknown option --bogus-option-xyz"),
                "{name}"
            );

            // a missing value: exit 2, naming the option
            if let Some(opt) = options.iter().find(|o| o.ends_with('=')) {
                let opt = opt.trim_end_matches('=');
                let o = run(name, &cwd, &[&format!("--{opt}")]);
                assert_eq!(o.status.code(), Some(2), "{name} --{opt}: {}", stderr(&o));
                assert!(
                    stderr(&o).contains(&format!("option --{opt} needs a value")),
                    "{name}: {}",
                    stderr(&o)
                );
            }

            // a stray argument: exit 2, naming it
            let o = run(name, &cwd, &["stray-1.csv", "stray-2.csv"]);
            assert_eq!(o.status.code(), Some(2), "{name} stray: {}", stderr(&o));
            assert!(
                stderr(&o).contains("unexpected argument \"stray-"),
                "{name}: {}",
                stderr(&o)
            );

            // nothing written: not in the current directory, not in --out
            let left: Vec<_> = std::fs::read_dir(&cwd)
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect();
            assert!(left.is_empty(), "{name} wrote {left:?}");
            let _ = std::fs::remove_dir_all(&cwd);
        }
        assert!(
            before == data_files(),
            "an example changed a bundled data file"
        );
    }

    /// omega on the slowly converging lsat6 subset is a number (it was `NA` without a word),
    /// and a Heywood case is printed with a warning.
    #[test]
    fn reliability_prints_omega_or_says_why_not() {
        use std::fmt::Write as _;
        let dir = scratch("reliability-omega");
        let lsat = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/lsat6_n30.csv");
        let o = run("reliability", &dir, &[lsat.to_str().unwrap()]);
        assert!(o.status.success(), "{}", stderr(&o));
        let text = String::from_utf8_lossy(&o.stdout);
        assert!(text.contains("0.348"), "{text}");
        assert!(!stderr(&o).contains("warning"), "{}", stderr(&o));
        // r12 = r13 = .9, r23 = .7 exactly (orthogonal contrasts u, v, w): a Heywood case
        let g: f64 = -0.11 / 0.19;
        let (a, b) = (0.19_f64.sqrt(), (0.19 * (1.0 - g * g)).sqrt());
        let mut csv = String::from("i1,i2,i3\n");
        for r in 0..8 {
            let c = |bit: u32| if r >> bit & 1 == 0 { 1.0 } else { -1.0 };
            let (u, v, w) = (c(2), c(1), c(0));
            let _ = writeln!(
                csv,
                "{u},{:.17},{:.17}",
                0.9 * u + a * v,
                0.9 * u + g * a * v + b * w
            );
        }
        let heywood = dir.join("heywood.csv");
        std::fs::write(&heywood, csv).unwrap();
        let o = run("reliability", &dir, &[heywood.to_str().unwrap()]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(stderr(&o).contains("Heywood case"), "{}", stderr(&o));
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A PHQ-9 file of `rows` rows, ids `c1`…; row `critical` answers item 9 with 2, the
    /// others 0; row 3 has a bad cell.
    fn phq_file(dir: &Path, rows: usize, critical: usize) -> PathBuf {
        use std::fmt::Write as _;
        let mut text = String::from("id,1,2,3,4,5,6,7,8,9\n");
        for r in 1..=rows {
            let item9 = if r == critical { 2 } else { 0 };
            let item1 = if r == 3 { "x" } else { "1" };
            let _ = writeln!(text, "c{r},{item1},1,1,1,1,1,1,1,{item9}");
        }
        let path = dir.join(format!("phq_{rows}.csv"));
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn score_streams_a_long_file_with_the_critical_items_after_the_table() {
        let dir = scratch("score-stream");
        let file = phq_file(&dir, 5000, 4500);
        let file = file.to_str().unwrap();
        let o = run("score", &dir, &["--instrument", "phq-9", file]);
        assert!(o.status.success(), "{}", stderr(&o));
        let text = String::from_utf8_lossy(&o.stdout);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[1],
            "critical items: listed after the table (more than 4096 rows: the file is streamed)"
        );
        let flag = lines
            .iter()
            .position(|l| l.starts_with("  row 4500 id c4500: critical phq9_item9: item 9 = 2"))
            .expect("the critical row is listed");
        let table_end = lines
            .iter()
            .position(|l| l.trim_start().starts_with("5000  c5000 "))
            .expect("the last row");
        assert!(flag > table_end, "the list follows the table");
        assert!(lines[flag - 1].starts_with("critical items: 1 of 5000 administrations"));
        assert_eq!(lines.last(), Some(&"5000 rows, 4999 scored, 1 rejected"));
        assert!(
            text.contains("item 1: \"x\" is not a number"),
            "the bad row's reason"
        );

        let o = run("score", &dir, &["--instrument", "phq-9", "--json", file]);
        assert!(o.status.success(), "{}", stderr(&o));
        let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let rows = json.as_array().unwrap();
        assert_eq!(rows.len(), 5000);
        assert_eq!(rows[4499]["critical"], serde_json::json!(["phq9_item9"]));
        assert_eq!(rows[4499]["total"], serde_json::json!(10.0));
        assert_eq!(
            rows[2]["error"],
            serde_json::json!("item 1: \"x\" is not a number")
        );
        // laid out as serde_json prints the whole array
        let text = String::from_utf8_lossy(&o.stdout);
        assert!(text.starts_with("[\n  {\n    \"row\": 1,\n    \"id\": \"c1\",\n"));
        assert!(text.ends_with("\n    \"critical\": []\n  }\n]\n"));
        assert!(
            text.contains("\n  },\n  {\n    \"row\": 4097,\n"),
            "across blocks"
        );

        let csv = dir.join("scores.csv");
        let o = run(
            "score",
            &dir,
            &[
                "--instrument",
                "phq-9",
                "--csv",
                csv.to_str().unwrap(),
                file,
            ],
        );
        assert!(o.status.success(), "{}", stderr(&o));
        let screen = String::from_utf8_lossy(&o.stdout);
        assert!(
            screen.contains("  row 4500 id c4500: critical phq9_item9"),
            "{screen}"
        );
        let written = std::fs::read_to_string(&csv).unwrap();
        assert_eq!(written.lines().count(), 5001);
        assert!(
            written
                .lines()
                .any(|l| l == "4500,c4500,phq9_item9,10.00,9,no,moderate,yes,")
        );

        // a short file: printed whole, critical items first
        let file = phq_file(&dir, 10, 5);
        let o = run(
            "score",
            &dir,
            &["--instrument", "phq-9", file.to_str().unwrap()],
        );
        let text = String::from_utf8_lossy(&o.stdout);
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            lines[1].starts_with("critical items: 1 of 10 administrations"),
            "{text}"
        );
        assert!(
            lines[2].starts_with("  row 5 id c5: critical phq9_item9"),
            "{text}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn score_lists_every_critical_row_of_a_long_file_in_order() {
        // 15,000 critical rows: more lines than score keeps in memory (1 MB), so it spills
        // them to a temporary file and still prints them all, in order, after the table
        use std::fmt::Write as _;
        let dir = scratch("score-spill");
        let mut text = String::from("id,1,2,3,4,5,6,7,8,9\n");
        for r in 1..=15_000 {
            let _ = writeln!(text, "c{r},1,1,1,1,1,1,1,1,3");
        }
        let file = dir.join("phq_all_critical.csv");
        std::fs::write(&file, text).unwrap();
        let child = Command::new(bin_dir().join("score"))
            .args(["--instrument", "phq-9", file.to_str().unwrap()])
            .current_dir(&dir)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let spill = std::env::temp_dir().join(format!(
            "therapeutic-alliance-score-critical-{}.txt",
            child.id()
        ));
        let o = child.wait_with_output().unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        let out = String::from_utf8_lossy(&o.stdout);
        let rows: Vec<usize> = out
            .lines()
            .filter_map(|l| l.strip_prefix("  row "))
            .map(|l| l.split(' ').next().unwrap().parse().unwrap())
            .collect();
        assert_eq!(rows, (1..=15_000).collect::<Vec<_>>());
        assert!(out.contains("critical items: 15000 of 15000 administrations"));
        assert!(!spill.exists(), "the temporary file is removed");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn score_prints_a_cell_of_any_width() {
        let dir = scratch("wide-cell");
        let csv = dir.join("wide.csv");
        let id = "c".repeat(70_000);
        std::fs::write(&csv, format!("id,1,2,3,4,5,6,7\n{id},1,1,1,1,1,1,1\n")).unwrap();
        let o = run(
            "score",
            &dir,
            &["--instrument", "gad-7", csv.to_str().unwrap()],
        );
        assert!(o.status.success(), "{}", stderr(&o));
        let text = String::from_utf8_lossy(&o.stdout);
        assert!(
            text.lines()
                .any(|l| l.starts_with("  1  ") && l.contains(&id)),
            "no row"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
