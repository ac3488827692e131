//! SVG drawing primitives of the course chart: layout constants, escaping, scales, ticks and
//! a panel with its series.

use std::fmt::Write as _;

use crate::Cutoff;
use crate::monitor::{MonitorError, Series};

pub(super) const WIDTH: f64 = 900.0;
pub(super) const LEFT: f64 = 64.0;
pub(super) const PLOT_W: f64 = 600.0;
pub(super) const PANEL_H: f64 = 190.0;
pub(super) const TOP: f64 = 64.0;
pub(super) const GAP: f64 = 50.0;
pub(super) const LEGEND_X: f64 = LEFT + PLOT_W + 64.0;

pub(super) fn esc(s: &str) -> String {
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
pub(super) fn nice_step(span: f64, target: f64) -> f64 {
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

/// Most ticks drawn on one axis.
const MAX_TICKS: f64 = 64.0;

/// The multiples of `step` in `[lo, hi]` (with a 1e-9 tolerance at the top), computed as
/// `i · step` from a counted range rather than by repeated addition: a step below the float
/// spacing of the bounds (a y range of 1e-4 around 1e12, or any range near 1e17) cannot stall
/// the loop. At most [`MAX_TICKS`]; repeated values (when the step is below the spacing) are
/// drawn once; nothing for non-finite input.
pub(super) fn ticks(lo: f64, hi: f64, step: f64) -> Vec<f64> {
    if !(lo.is_finite() && hi.is_finite() && step.is_finite() && step > 0.0) {
        return Vec::new();
    }
    let first = (lo / step).ceil();
    let last = ((hi + 1e-9) / step).floor();
    let count = last - first;
    if !(0.0..MAX_TICKS).contains(&count) {
        return Vec::new();
    }
    let mut out: Vec<f64> = Vec::with_capacity(count as usize + 1);
    for i in 0..=(count as usize) {
        let t = (first + i as f64) * step;
        if t.is_finite() && out.last() != Some(&t) {
            out.push(t);
        }
    }
    out
}

pub(super) struct Scale {
    pub(super) x0: f64,
    pub(super) x1: f64,
    pub(super) y0: f64,
    pub(super) y1: f64,
    pub(super) top: f64,
}

impl Scale {
    pub(super) fn x(&self, s: f64) -> f64 {
        LEFT + (s - self.x0) / (self.x1 - self.x0) * PLOT_W
    }
    pub(super) fn y(&self, v: f64) -> f64 {
        let v = v.clamp(self.y0, self.y1);
        self.top + PANEL_H - (v - self.y0) / (self.y1 - self.y0) * PANEL_H
    }
}

pub(super) fn y_range(
    values: impl Iterator<Item = f64>,
    fixed: Option<(f64, f64)>,
) -> Result<(f64, f64), MonitorError> {
    if let Some((lo, hi)) = fixed {
        // the span too: (-1e308, 1e308) has finite bounds and an infinite span
        if !(lo.is_finite() && hi.is_finite() && lo < hi && (hi - lo).is_finite()) {
            return Err(MonitorError::invalid(
                "y range",
                hi - lo,
                "finite bounds with min < max and a finite span",
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

pub(super) fn fmt_num(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

#[allow(clippy::too_many_arguments)]
pub(super) fn panel(
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
    for t in ticks(sc.y0, sc.y1, nice_step(sc.y1 - sc.y0, 5.0)) {
        let y = sc.y(t);
        let _ = writeln!(
            svg,
            r##"<line x1="{LEFT}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#e3e3e3"/><text x="{:.1}" y="{:.1}" font-size="11" text-anchor="end">{}</text>"##,
            LEFT + PLOT_W,
            LEFT - 6.0,
            y + 4.0,
            fmt_num(t)
        );
    }
    // x ticks
    for s in ticks(sc.x0, sc.x1, x_step) {
        let x = sc.x(s);
        let _ = writeln!(
            svg,
            r##"<line x1="{x:.1}" y1="{bottom:.1}" x2="{x:.1}" y2="{:.1}" stroke="#333"/><text x="{x:.1}" y="{:.1}" font-size="11" text-anchor="middle">{}</text>"##,
            bottom + 4.0,
            bottom + 16.0,
            fmt_num(s)
        );
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

pub(super) fn polyline(
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
