//! SVG chart of one course: alliance and outcome panels with cutoffs, the expected trajectory,
//! ruptures, sudden changes and alerts marked.
//!
//! The SVG is written by hand (about 300 lines, no dependency) rather than with `plotters`:
//! the chart is a fixed two-panel layout of lines and markers, and a hand-written writer keeps
//! the dependency tree small, produces byte-for-byte deterministic output that tests can
//! check, and never exposes a 0.x crate's types. The library only builds a `String`; writing
//! it to a file is the caller's job.

mod marks;
mod svg;

use std::fmt::Write as _;

use crate::Cutoff;

use super::{AlertSeverity, CourseInput, CourseReport, MonitorError};
use marks::{alert_strip, legend, ruptures, strip_height, sudden};
use svg::{GAP, LEFT, PANEL_H, Scale, TOP, WIDTH, esc, nice_step, panel, polyline, y_range};

/// Settings for [`course_svg`].
#[derive(Debug, Clone, PartialEq)]
pub struct ChartOptions {
    title: String,
    alliance_label: String,
    outcome_label: String,
    alliance_cutoff: Option<Cutoff>,
    outcome_cutoff: Option<Cutoff>,
    alliance_range: Option<(f64, f64)>,
    outcome_range: Option<(f64, f64)>,
}

impl Default for ChartOptions {
    fn default() -> Self {
        Self::new()
    }
}

impl ChartOptions {
    /// Defaults: title "Course", panel labels "Alliance" and "Outcome", no cutoff lines, y
    /// ranges fitted to the data (and cutoffs).
    #[must_use]
    pub fn new() -> Self {
        Self {
            title: "Course".to_owned(),
            alliance_label: "Alliance".to_owned(),
            outcome_label: "Outcome".to_owned(),
            alliance_cutoff: None,
            outcome_cutoff: None,
            alliance_range: None,
            outcome_range: None,
        }
    }

    /// Chart title (escaped for XML).
    #[must_use]
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = title.into();
        self
    }

    /// Labels of the alliance and outcome panels (for example `"SRS"`, `"ORS"`).
    #[must_use]
    pub fn labels(mut self, alliance: impl Into<String>, outcome: impl Into<String>) -> Self {
        self.alliance_label = alliance.into();
        self.outcome_label = outcome.into();
        self
    }

    /// Cutoff line on the alliance panel.
    #[must_use]
    pub fn alliance_cutoff(mut self, cutoff: Cutoff) -> Self {
        self.alliance_cutoff = Some(cutoff);
        self
    }

    /// Cutoff line on the outcome panel.
    #[must_use]
    pub fn outcome_cutoff(mut self, cutoff: Cutoff) -> Self {
        self.outcome_cutoff = Some(cutoff);
        self
    }

    /// Fixed y ranges `(min, max)` for the alliance and outcome panels (e.g. `(0.0, 40.0)` for
    /// SRS and ORS); data outside is clipped to the panel.
    #[must_use]
    pub fn y_ranges(mut self, alliance: (f64, f64), outcome: (f64, f64)) -> Self {
        self.alliance_range = Some(alliance);
        self.outcome_range = Some(outcome);
        self
    }
}
/// Draws one course as a standalone SVG document: an alliance panel (series, cutoff line,
/// rupture spans shaded from start to trough, trough triangles, repair rings), an outcome
/// panel (series, cutoff line, dashed expected trajectory, sudden gains and losses as thick
/// segments), an alert strip (one dot per alert at its session, coloured by severity, with the
/// reason as a tooltip), axes with ticks and a legend. Panels without data are left out.
///
/// # Errors
/// [`MonitorError::Empty`] when `input` has neither series; [`MonitorError::InvalidParameter`]
/// for a fixed y range that is not finite with min < max, or a non-finite cutoff.
///
/// ```
/// use therapeutic_alliance::monitor::*;
/// use therapeutic_alliance::{Direction, Instrument};
/// let srs_cutoff = Instrument::builtin("srs").and_then(|i| i.cutoff()).ok_or("no srs cutoff")?;
/// let srs = Series::new(vec![(1, 37.0), (2, 30.0), (3, 38.0)])?;
/// let input = CourseInput::new().alliance(&srs);
/// let opts = MonitorOptions::new(
///     RuptureOptions::new(RuptureThreshold::Points(5.0)),
///     SuddenChangeOptions::new(SizeCriterion::Points(5.0), Direction::HigherIsBetter),
/// );
/// let monitor = CourseMonitor::new(opts)
///     .alliance(Instrument::builtin("srs").ok_or("srs")?, therapeutic_alliance::Respondent::Client);
/// let report = monitor.run_input(&input)?;
/// let svg = course_svg(&input, &report, &ChartOptions::new().alliance_cutoff(srs_cutoff))?;
/// assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn course_svg(
    input: &CourseInput<'_>,
    report: &CourseReport,
    options: &ChartOptions,
) -> Result<String, MonitorError> {
    if input.alliance.is_none() && input.outcome.is_none() {
        return Err(MonitorError::Empty {
            what: "chart input".to_owned(),
        });
    }
    // Options are checked once, here: a NaN cutoff would draw its line at NaN.
    for (name, cutoff) in [
        ("alliance cutoff", options.alliance_cutoff),
        ("outcome cutoff", options.outcome_cutoff),
    ] {
        if let Some(c) = cutoff
            && !c.value.is_finite()
        {
            return Err(MonitorError::invalid(name, c.value, "a finite cutoff"));
        }
    }
    let expected = input
        .expected
        .map(|e| e.expected().points())
        .unwrap_or_default();
    let sessions = input
        .alliance
        .into_iter()
        .chain(input.outcome)
        .flat_map(|s| s.points().iter().map(|p| f64::from(p.0)));
    let (mut x0, mut x1) = (f64::INFINITY, f64::NEG_INFINITY);
    for s in sessions {
        x0 = x0.min(s);
        x1 = x1.max(s);
    }
    if x1 - x0 < 1.0 {
        x0 -= 1.0;
        x1 += 1.0;
    }
    let x_step = nice_step(x1 - x0, 10.0).max(1.0);
    // half a session of padding so the first and last points sit inside the frame
    x0 -= 0.5;
    x1 += 0.5;
    // clip the expected trajectory to the charted sessions
    let expected: Vec<(u32, f64)> = expected
        .iter()
        .copied()
        .filter(|p| f64::from(p.0) >= x0 && f64::from(p.0) <= x1)
        .collect();

    let n_panels = usize::from(input.alliance.is_some()) + usize::from(input.outcome.is_some());
    let strip_top = TOP + n_panels as f64 * (PANEL_H + GAP) + 6.0;
    let height = strip_top + strip_height(&report.alerts) + 30.0;
    let mut svg = String::with_capacity(16 * 1024);
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height:.0}" viewBox="0 0 {WIDTH} {height:.0}" font-family="sans-serif">"#
    );
    let _ = writeln!(
        svg,
        r##"<rect width="100%" height="100%" fill="#ffffff"/>"##
    );
    let _ = writeln!(
        svg,
        r#"<text x="{LEFT}" y="28" font-size="16" font-weight="bold">{}</text>"#,
        esc(&options.title)
    );
    let mut legend_items: Vec<(&str, &str)> = Vec::new();
    let mut top = TOP;
    if let Some(a) = input.alliance {
        let (y0, y1) = y_range(
            a.points()
                .iter()
                .map(|p| p.1)
                .chain(options.alliance_cutoff.map(|c| c.value)),
            options.alliance_range,
        )?;
        let sc = Scale {
            x0,
            x1,
            y0,
            y1,
            top,
        };
        if let Some(r) = &report.alliance {
            ruptures(&mut svg, &sc, a, &r.ruptures);
        }
        panel(
            &mut svg,
            &sc,
            &options.alliance_label,
            a,
            "#2e86c1",
            options.alliance_cutoff,
            x_step,
        );
        legend_items.push(("alliance", options.alliance_label.as_str()));
        // Only marks that are drawn get a legend entry.
        let ruptures = report
            .alliance
            .as_ref()
            .map_or(&[][..], |r| &r.ruptures[..]);
        if !ruptures.is_empty() {
            legend_items.push(("rupture", "rupture (start to trough)"));
            legend_items.push(("trough", "rupture trough"));
        }
        if ruptures.iter().any(|r| r.repair.is_some()) {
            legend_items.push(("repair", "repair"));
        }
        top += PANEL_H + GAP;
    }
    if let Some(o) = input.outcome {
        let (y0, y1) = y_range(
            o.points()
                .iter()
                .chain(expected.iter())
                .map(|p| p.1)
                .chain(options.outcome_cutoff.map(|c| c.value)),
            options.outcome_range,
        )?;
        let sc = Scale {
            x0,
            x1,
            y0,
            y1,
            top,
        };
        panel(
            &mut svg,
            &sc,
            &options.outcome_label,
            o,
            "#16a085",
            options.outcome_cutoff,
            x_step,
        );
        if !expected.is_empty() {
            polyline(&mut svg, &sc, &expected, "#7f8c8d", "4 3", 2.0);
            legend_items.push(("expected", "expected trajectory"));
        }
        if let Some(r) = &report.outcome {
            sudden(&mut svg, &sc, &r.sudden.gains, "#27ae60", "sudden gain");
            sudden(&mut svg, &sc, &r.sudden.losses, "#8e44ad", "sudden loss");
        }
        legend_items.insert(
            legend_items.len() - usize::from(!expected.is_empty()),
            ("outcome", options.outcome_label.as_str()),
        );
        if let Some(r) = &report.outcome {
            if !r.sudden.gains.is_empty() {
                legend_items.push(("gain", "sudden gain"));
            }
            if !r.sudden.losses.is_empty() {
                legend_items.push(("loss", "sudden loss"));
            }
        }
    }
    if options.alliance_cutoff.is_some() || options.outcome_cutoff.is_some() {
        legend_items.push(("cutoff", "cutoff"));
    }
    for (severity, item) in [
        (AlertSeverity::Info, ("info", "alert: info")),
        (AlertSeverity::Warning, ("warning", "alert: warning")),
        (AlertSeverity::Critical, ("critical", "alert: critical")),
    ] {
        if report.alerts.iter().any(|a| a.severity == severity) {
            legend_items.push(item);
        }
    }
    let sc = Scale {
        x0,
        x1,
        y0: 0.0,
        y1: 1.0,
        top: strip_top,
    };
    alert_strip(&mut svg, &sc, strip_top, &report.alerts);
    legend(&mut svg, &legend_items);
    svg.push_str("</svg>\n");
    Ok(svg)
}
