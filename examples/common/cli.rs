//! Command-line parsing shared by the example programs, on `lexopt` (a dev-dependency with no
//! dependencies of its own).
//!
//! Each example declares its options once ([`Cli`]): the parser accepts exactly those, and
//! `--help` / `-h` prints every one with its default. An unknown option, a missing value or a
//! value that does not parse is an error naming the option (the program exits with status 2).
//!
//! Shared vocabulary (use these names, nothing else, for these meanings): `--instrument ID`,
//! `--definition FILE.json`, `--id COLUMN`, `--session COLUMN`, `--date COLUMN`,
//! `--missing CODES`, `--json`, `--csv FILE`, `--out DIR`.
#![allow(dead_code)]

use std::ffi::OsString;
use std::fmt::Write as _;

/// One option of a program.
#[derive(Debug, Clone, Copy)]
pub struct Opt {
    /// Long name without the dashes, e.g. `"instrument"`.
    pub name: &'static str,
    /// The value's placeholder (`Some("ID")`), or `None` for a switch.
    pub value: Option<&'static str>,
    /// The default, as shown in `--help` (`""` for none).
    pub default: &'static str,
    /// What it does.
    pub help: &'static str,
}

impl Opt {
    /// An option taking a value.
    pub const fn value(
        name: &'static str,
        placeholder: &'static str,
        default: &'static str,
        help: &'static str,
    ) -> Self {
        Self {
            name,
            value: Some(placeholder),
            default,
            help,
        }
    }

    /// A switch (off by default).
    pub const fn switch(name: &'static str, help: &'static str) -> Self {
        Self {
            name,
            value: None,
            default: "off",
            help,
        }
    }
}

/// A program's command line: what `--help` shows and what the parser accepts.
#[derive(Debug, Clone, Copy)]
pub struct Cli {
    /// Program name.
    pub name: &'static str,
    /// One line saying what it does.
    pub about: &'static str,
    /// Positional arguments, e.g. `"[FILE.csv]"` (`""` for none).
    pub positional: &'static str,
    /// Most positional arguments accepted.
    pub max_positional: usize,
    /// The options.
    pub options: &'static [Opt],
    /// Further text after the options (output columns, examples), `""` for none.
    pub notes: &'static str,
}

/// What the parser found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Parsed {
    values: Vec<(&'static str, String)>,
    switches: Vec<&'static str>,
    positional: Vec<String>,
}

/// The outcome of parsing: run with the options, or print the help and exit 0.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Run.
    Run(Parsed),
    /// `--help` was given: this text.
    Help(String),
}

impl Cli {
    /// The `--help` text: usage, every option with its placeholder and default, notes.
    pub fn help(&self) -> String {
        let mut s = format!(
            "{} — {}\n\nUsage: {} [OPTIONS]",
            self.name, self.about, self.name
        );
        if !self.positional.is_empty() {
            let _ = write!(s, " {}", self.positional);
        }
        s.push_str("\n\nOptions:\n");
        let width = self
            .options
            .iter()
            .map(|o| o.name.len() + o.value.map_or(0, |v| v.len() + 1))
            .max()
            .unwrap_or(0)
            .max(4);
        for o in self.options {
            let left = match o.value {
                Some(v) => format!("{} {v}", o.name),
                None => o.name.to_owned(),
            };
            let default = if o.default.is_empty() {
                String::new()
            } else {
                format!(" [default: {}]", o.default)
            };
            let _ = writeln!(s, "  --{left:<width$}  {}{default}", o.help);
        }
        let _ = writeln!(s, "  --{:<width$}  print this help and exit", "help, -h");
        if !self.notes.is_empty() {
            s.push('\n');
            s.push_str(self.notes.trim_end());
            s.push('\n');
        }
        s
    }

    /// Parses `std::env::args()`; prints the help and exits 0 on `--help`, prints the error
    /// and exits 2 on a bad command line.
    pub fn parse(&self) -> Parsed {
        match self.parse_from(std::env::args_os().skip(1)) {
            Ok(Outcome::Run(p)) => p,
            Ok(Outcome::Help(text)) => {
                print!("{text}");
                std::process::exit(0);
            }
            Err(e) => {
                eprintln!("{}: {e} (see --help)", self.name);
                std::process::exit(2);
            }
        }
    }

    /// Parses an explicit argument list (testable).
    ///
    /// # Errors
    /// A message naming the unknown option, the option missing its value, or the stray
    /// argument.
    pub fn parse_from<I>(&self, args: I) -> Result<Outcome, String>
    where
        I: IntoIterator,
        I::Item: Into<OsString>,
    {
        use lexopt::Arg;
        let mut parser = lexopt::Parser::from_args(args);
        let mut out = Parsed::default();
        loop {
            let arg = parser.next().map_err(|e| e.to_string())?;
            let Some(arg) = arg else { break };
            match arg {
                Arg::Short('h') | Arg::Long("help") => return Ok(Outcome::Help(self.help())),
                Arg::Long(name) => {
                    let name = name.to_owned();
                    let Some(opt) = self.options.iter().find(|o| o.name == name) else {
                        return Err(match self.closest(&name) {
                            Some(near) => {
                                format!("unknown option --{name} (did you mean --{near}?)")
                            }
                            None => format!("unknown option --{name}"),
                        });
                    };
                    if opt.value.is_some() {
                        let v = parser
                            .value()
                            .map_err(|_| format!("option --{name} needs a value"))?;
                        let v = v
                            .into_string()
                            .map_err(|_| format!("option --{name}: the value is not UTF-8"))?;
                        out.values.push((opt.name, v));
                    } else {
                        if parser.optional_value().is_some() {
                            return Err(format!("option --{name} takes no value"));
                        }
                        if !out.switches.contains(&opt.name) {
                            out.switches.push(opt.name);
                        }
                    }
                }
                Arg::Short(c) => return Err(format!("unknown option -{c}")),
                Arg::Value(v) => {
                    let v = v
                        .into_string()
                        .map_err(|_| "an argument is not UTF-8".to_owned())?;
                    if out.positional.len() >= self.max_positional {
                        return Err(format!("unexpected argument {v:?}"));
                    }
                    out.positional.push(v);
                }
            }
        }
        Ok(Outcome::Run(out))
    }
}

impl Cli {
    /// The known option (or `help`) closest to `name`, if one is near enough to be a typo: at
    /// most a third of its length in edits (insertion, deletion, substitution, transposition
    /// of neighbours), at least one.
    pub fn closest(&self, name: &str) -> Option<&'static str> {
        let limit = (name.chars().count() / 3).max(1);
        self.options
            .iter()
            .map(|o| o.name)
            .chain(["help"])
            .map(|known| (edit_distance(name, known), known))
            .filter(|&(d, _)| d <= limit)
            .min_by_key(|&(d, _)| d)
            .map(|(_, known)| known)
    }
}

/// The optimal-string-alignment distance of `a` and `b`: insertions, deletions, substitutions
/// and transpositions of neighbouring characters, each one edit (`knah` → `knha` is 1).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    // three rows of the dynamic programme: i - 2, i - 1, i
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(before[j - 2] + 1);
            }
            cur[j] = d;
        }
        std::mem::swap(&mut before, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

impl Parsed {
    /// Whether the switch `--name` was given.
    pub fn flag(&self, name: &str) -> bool {
        self.switches.contains(&name)
    }

    /// The value of `--name VALUE` (the last one when repeated).
    pub fn value(&self, name: &str) -> Option<&str> {
        self.values
            .iter()
            .rev()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a repeatable option, in order.
    pub fn values(&self, name: &str) -> Vec<&str> {
        self.values
            .iter()
            .filter(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The value of `--name` parsed as `T`.
    ///
    /// # Errors
    /// A message naming the option and the value.
    pub fn parsed<T: std::str::FromStr>(&self, name: &str) -> Result<Option<T>, String> {
        self.value(name)
            .map(|v| {
                v.trim()
                    .parse::<T>()
                    .map_err(|_| format!("option --{name}: {v:?} is not valid"))
            })
            .transpose()
    }

    /// The positional arguments.
    pub fn positional(&self) -> &[String] {
        &self.positional
    }

    /// The first positional argument, if any.
    pub fn file(&self) -> Option<&str> {
        self.positional.first().map(String::as_str)
    }
}
