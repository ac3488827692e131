//! The examples' argument parser (`examples/common/cli.rs`): `--help` lists every option with
//! its default; unknown options, missing values and stray arguments are errors naming them.

#[path = "../examples/common/cli.rs"]
mod cli;

use cli::{Cli, Opt, Outcome};

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
