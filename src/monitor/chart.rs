//! SVG chart of one course: alliance and outcome panels with cutoffs, the expected trajectory,
//! ruptures, sudden changes and alerts marked.
//!
//! The SVG is written by hand (about 300 lines, no dependency) rather than with `plotters`:
//! the chart is a fixed two-panel layout of lines and markers, and a hand-written writer keeps
//! the dependency tree small, produces byte-for-byte deterministic output that tests can
//! check, and never exposes a 0.x crate's types. The library only builds a `String`; writing
//! it to a file is the caller's job.

use std::fmt::Write as _;

use crate::Cutoff;

use super::{
    Alert, AlertKind, AlertSeverity, CourseInput, CourseReport, MonitorError, Rupture, Series,
    SuddenChange,
};

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

const WIDTH: f64 = 900.0;
const LEFT: f64 = 64.0;
const PLOT_W: f64 = 600.0;
const PANEL_H: f64 = 190.0;
const TOP: f64 = 64.0;
const GAP: f64 = 50.0;
const LEGEND_X: f64 = LEFT + PLOT_W + 64.0;

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A "nice" tick step (1, 2 or 5 × 10^k) giving about `target` intervals over `span`.
fn nice_step(span: f64, target: f64) -> f64 {
    let raw = span / target;
    let mag = 10f64.powf(raw.log10().floor());
    let f = raw / mag;
    let nice = if f <= 1.0 {
        1.0
    } else if f <= 2.0 {
        2.0
    } else if f <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * mag
}

struct Scale {
    x0: f64,
    x1: f64,
    y0: f64,
    y1: f64,
    top: f64,
}

impl Scale {
    fn x(&self, s: f64) -> f64 {
        LEFT + (s - self.x0) / (self.x1 - self.x0) * PLOT_W
    }
    fn y(&self, v: f64) -> f64 {
        let v = v.clamp(self.y0, self.y1);
        self.top + PANEL_H - (v - self.y0) / (self.y1 - self.y0) * PANEL_H
    }
}

fn y_range(
    values: impl Iterator<Item = f64>,
    fixed: Option<(f64, f64)>,
) -> Result<(f64, f64), MonitorError> {
    if let Some((lo, hi)) = fixed {
        if !(lo.is_finite() && hi.is_finite() && lo < hi) {
            return Err(MonitorError::invalid(
                "y range",
                hi - lo,
                "finite bounds with min < max",
            ));
        }
        return Ok((lo, hi));
    }
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        return Ok((0.0, 1.0));
    }
    if hi - lo < 1e-9 {
        lo -= 1.0;
        hi += 1.0;
    }
    let step = nice_step(hi - lo, 5.0);
    let (lo, hi) = ((lo / step).floor() * step, (hi / step).ceil() * step);
    if lo.is_finite() && hi.is_finite() && lo < hi {
        Ok((lo, hi))
    } else {
        Err(MonitorError::invalid("y range", hi - lo, "a finite span"))
    }
}

fn fmt_num(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

#[allow(clippy::too_many_arguments)]
fn panel(
    svg: &mut String,
    sc: &Scale,
    label: &str,
    series: &Series,
    colour: &str,
    cutoff: Option<Cutoff>,
    x_step: f64,
) {
    let (top, bottom) = (sc.top, sc.top + PANEL_H);
    let _ = writeln!(
        svg,
        r#"<text x="{LEFT}" y="{:.1}" font-size="14" font-weight="bold">{}</text>"#,
        top - 8.0,
        esc(label)
    );
    // grid and y ticks
    let step = nice_step(sc.y1 - sc.y0, 5.0);
    let mut t = (sc.y0 / step).ceil() * step;
    while t <= sc.y1 + 1e-9 {
        let y = sc.y(t);
        let _ = writeln!(
            svg,
            r##"<line x1="{LEFT}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#e3e3e3"/><text x="{:.1}" y="{:.1}" font-size="11" text-anchor="end">{}</text>"##,
            LEFT + PLOT_W,
            LEFT - 6.0,
            y + 4.0,
            fmt_num(t)
        );
        t += step;
    }
    // x ticks
    let mut s = (sc.x0 / x_step).ceil() * x_step;
    while s <= sc.x1 + 1e-9 {
        let x = sc.x(s);
        let _ = writeln!(
            svg,
            r##"<line x1="{x:.1}" y1="{bottom:.1}" x2="{x:.1}" y2="{:.1}" stroke="#333"/><text x="{x:.1}" y="{:.1}" font-size="11" text-anchor="middle">{}</text>"##,
            bottom + 4.0,
            bottom + 16.0,
            fmt_num(s)
        );
        s += x_step;
    }
    let _ = writeln!(
        svg,
        r##"<rect x="{LEFT}" y="{top:.1}" width="{PLOT_W}" height="{PANEL_H}" fill="none" stroke="#333"/>"##
    );
    let _ = writeln!(
        svg,
        r#"<text x="{:.1}" y="{:.1}" font-size="11" text-anchor="middle">session</text>"#,
        LEFT + PLOT_W / 2.0,
        bottom + 30.0
    );
    if let Some(c) = cutoff {
        let y = sc.y(c.value);
        let _ = writeln!(
            svg,
            r##"<line x1="{LEFT}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#c0392b" stroke-width="1.5" stroke-dasharray="6 4"><title>cutoff: signal if score {} {}</title></line><text x="{:.1}" y="{:.1}" font-size="11" fill="#c0392b">{} {}</text>"##,
            LEFT + PLOT_W,
            esc(c.comparison.symbol()),
            fmt_num(c.value),
            LEFT + PLOT_W + 4.0,
            y + 4.0,
            esc(c.comparison.symbol()),
            fmt_num(c.value)
        );
    }
    polyline(svg, sc, series.points(), colour, "", 2.0);
    for &(s, v) in series.points() {
        let _ = writeln!(
            svg,
            r#"<circle cx="{:.1}" cy="{:.1}" r="3.5" fill="{colour}"><title>session {s}: {}</title></circle>"#,
            sc.x(f64::from(s)),
            sc.y(v),
            fmt_num(v)
        );
    }
}

fn polyline(
    svg: &mut String,
    sc: &Scale,
    pts: &[(u32, f64)],
    colour: &str,
    dash: &str,
    width: f64,
) {
    let mut d = String::new();
    for &(s, v) in pts {
        let _ = write!(d, "{:.1},{:.1} ", sc.x(f64::from(s)), sc.y(v));
    }
    let dash = if dash.is_empty() {
        String::new()
    } else {
        format!(r#" stroke-dasharray="{dash}""#)
    };
    let _ = writeln!(
        svg,
        r#"<polyline points="{}" fill="none" stroke="{colour}" stroke-width="{width}"{dash}/>"#,
        d.trim_end()
    );
}

fn ruptures(svg: &mut String, sc: &Scale, series: &Series, ruptures: &[Rupture]) {
    for r in ruptures {
        let (xa, xb) = (sc.x(f64::from(r.start)), sc.x(f64::from(r.trough)));
        let _ = writeln!(
            svg,
            r##"<rect x="{xa:.1}" y="{:.1}" width="{:.1}" height="{PANEL_H}" fill="#e74c3c" fill-opacity="0.12"><title>rupture: session {} to {}, depth {}</title></rect>"##,
            sc.top,
            (xb - xa).max(1.0),
            r.start,
            r.trough,
            fmt_num(r.depth)
        );
        if let Some(v) = series.value_at(r.trough) {
            let (x, y) = (xb, sc.y(v));
            let _ = writeln!(
                svg,
                r##"<path d="M{:.1},{:.1} L{:.1},{:.1} L{x:.1},{:.1} Z" fill="#c0392b"><title>rupture trough, session {}</title></path>"##,
                x - 6.0,
                y + 6.0,
                x + 6.0,
                y + 6.0,
                y + 16.0,
                r.trough
            );
        }
        if let Some(rep) = r.repair
            && let Some(v) = series.value_at(rep)
        {
            let _ = writeln!(
                svg,
                r##"<circle cx="{:.1}" cy="{:.1}" r="7" fill="none" stroke="#27ae60" stroke-width="2"><title>repair, session {rep}</title></circle>"##,
                sc.x(f64::from(rep)),
                sc.y(v)
            );
        }
    }
}

fn sudden(svg: &mut String, sc: &Scale, changes: &[SuddenChange], colour: &str, label: &str) {
    for c in changes {
        let (xa, xb) = (sc.x(f64::from(c.session)), sc.x(f64::from(c.post_session)));
        let (ya, yb) = (sc.y(c.pre_value), sc.y(c.post_value));
        let _ = writeln!(
            svg,
            r#"<line x1="{xa:.1}" y1="{ya:.1}" x2="{xb:.1}" y2="{yb:.1}" stroke="{colour}" stroke-width="5" stroke-opacity="0.6"><title>{label}: {} points, session {} to {}</title></line>"#,
            fmt_num(c.magnitude),
            c.session,
            c.post_session
        );
    }
}

fn short_label(kind: AlertKind) -> &'static str {
    match kind {
        AlertKind::Rupture => "rupture",
        AlertKind::SrsLow => "low",
        AlertKind::SrsDrop => "drop",
        AlertKind::NotOnTrack => "off track",
        AlertKind::ReliableDeterioration => "rel. det.",
        AlertKind::SuddenLoss => "sud. loss",
        AlertKind::Barrier => "barrier",
        _ => "ethics",
    }
}

fn severity_colour(s: AlertSeverity) -> &'static str {
    match s {
        AlertSeverity::Info => "#2e86c1",
        AlertSeverity::Warning => "#e67e22",
        _ => "#c0392b",
    }
}

/// Height of the alert strip: room for the largest number of alerts at one session.
fn strip_height(alerts: &[Alert]) -> f64 {
    let mut most = 0usize;
    let mut run = 0usize;
    for (i, a) in alerts.iter().enumerate() {
        run = if i > 0 && alerts[i - 1].session == a.session {
            run + 1
        } else {
            1
        };
        most = most.max(run);
    }
    (most.max(1) as f64).mul_add(12.0, 12.0)
}

fn alert_strip(svg: &mut String, sc: &Scale, top: f64, alerts: &[Alert]) {
    let strip_h = strip_height(alerts);
    // labels need about 60 px between sessions; otherwise the legend and tooltips carry them
    let show_text = sc.x(1.0) - sc.x(0.0) >= 60.0;
    let _ = writeln!(
        svg,
        r##"<text x="{LEFT}" y="{:.1}" font-size="14" font-weight="bold">Alerts</text><rect x="{LEFT}" y="{top:.1}" width="{PLOT_W}" height="{strip_h:.1}" fill="#fafafa" stroke="#333"/>"##,
        top - 8.0
    );
    let mut last_session = None;
    let mut stack: f64 = 0.0;
    for a in alerts {
        if last_session == Some(a.session) {
            stack += 1.0;
        } else {
            stack = 0.0;
            last_session = Some(a.session);
        }
        let x = sc.x(f64::from(a.session));
        let y = top + 12.0 + stack * 12.0;
        let _ = writeln!(
            svg,
            r#"<circle cx="{x:.1}" cy="{y:.1}" r="5" fill="{}"><title>session {}: {} ({}) {}</title></circle><text x="{:.1}" y="{:.1}" font-size="9">{}</text>"#,
            severity_colour(a.severity),
            a.session,
            a.kind,
            a.severity,
            esc(&a.reason),
            x + 7.0,
            y + 3.0,
            if show_text { short_label(a.kind) } else { "" }
        );
    }
}

fn legend(svg: &mut String, items: &[(&str, &str)]) {
    let mut y = TOP;
    let _ = writeln!(
        svg,
        r#"<text x="{LEGEND_X}" y="{y}" font-size="12" font-weight="bold">Legend</text>"#
    );
    for (kind, text) in items {
        y += 20.0;
        let sym = match *kind {
            "alliance" => format!(
                r##"<line x1="{LEGEND_X}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#2e86c1" stroke-width="2"/>"##,
                LEGEND_X + 22.0
            ),
            "outcome" => format!(
                r##"<line x1="{LEGEND_X}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#16a085" stroke-width="2"/>"##,
                LEGEND_X + 22.0
            ),
            "expected" => format!(
                r##"<line x1="{LEGEND_X}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#7f8c8d" stroke-width="2" stroke-dasharray="4 3"/>"##,
                LEGEND_X + 22.0
            ),
            "cutoff" => format!(
                r##"<line x1="{LEGEND_X}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#c0392b" stroke-width="1.5" stroke-dasharray="6 4"/>"##,
                LEGEND_X + 22.0
            ),
            "rupture" => format!(
                r##"<rect x="{LEGEND_X}" y="{:.1}" width="22" height="10" fill="#e74c3c" fill-opacity="0.25"/>"##,
                y - 5.0
            ),
            "trough" => format!(
                r##"<path d="M{:.1},{:.1} L{:.1},{:.1} L{:.1},{:.1} Z" fill="#c0392b"/>"##,
                LEGEND_X + 5.0,
                y - 5.0,
                LEGEND_X + 17.0,
                y - 5.0,
                LEGEND_X + 11.0,
                y + 5.0
            ),
            "repair" => format!(
                r##"<circle cx="{:.1}" cy="{y:.1}" r="6" fill="none" stroke="#27ae60" stroke-width="2"/>"##,
                LEGEND_X + 11.0
            ),
            "gain" => format!(
                r##"<line x1="{LEGEND_X}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#27ae60" stroke-width="5" stroke-opacity="0.6"/>"##,
                LEGEND_X + 22.0
            ),
            "loss" => format!(
                r##"<line x1="{LEGEND_X}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#8e44ad" stroke-width="5" stroke-opacity="0.6"/>"##,
                LEGEND_X + 22.0
            ),
            "info" => format!(
                r#"<circle cx="{:.1}" cy="{y:.1}" r="5" fill="{}"/>"#,
                LEGEND_X + 11.0,
                severity_colour(AlertSeverity::Info)
            ),
            "warning" => format!(
                r#"<circle cx="{:.1}" cy="{y:.1}" r="5" fill="{}"/>"#,
                LEGEND_X + 11.0,
                severity_colour(AlertSeverity::Warning)
            ),
            _ => format!(
                r#"<circle cx="{:.1}" cy="{y:.1}" r="5" fill="{}"/>"#,
                LEGEND_X + 11.0,
                severity_colour(AlertSeverity::Critical)
            ),
        };
        let _ = writeln!(
            svg,
            r#"{sym}<text x="{:.1}" y="{:.1}" font-size="11">{}</text>"#,
            LEGEND_X + 30.0,
            y + 4.0,
            esc(text)
        );
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
/// let opts = MonitorOptions::pcoms(
///     RuptureOptions::new(RuptureThreshold::Points(5.0)),
///     SuddenChangeOptions::new(SizeCriterion::Points(5.0), Direction::HigherIsBetter),
/// );
/// let report = monitor_course(&input, &opts)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_ticks() {
        assert_eq!(esc("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
        assert_eq!(nice_step(40.0, 5.0), 10.0);
        assert_eq!(nice_step(12.0, 10.0), 2.0);
        assert_eq!(y_range([3.0, 3.0].into_iter(), None).unwrap(), (2.0, 4.0));
        assert!(y_range(std::iter::empty(), Some((5.0, 5.0))).is_err());
    }
}
