//! The marks drawn on the course chart: ruptures, sudden changes, the alert strip and the
//! legend.

use std::fmt::Write as _;

use super::svg::{LEFT, LEGEND_X, PANEL_H, PLOT_W, Scale, TOP, esc, fmt_num};
use crate::monitor::{Alert, AlertKind, AlertSeverity, Rupture, Series, SuddenChange};

pub(super) fn ruptures(svg: &mut String, sc: &Scale, series: &Series, ruptures: &[Rupture]) {
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

pub(super) fn sudden(
    svg: &mut String,
    sc: &Scale,
    changes: &[SuddenChange],
    colour: &str,
    label: &str,
) {
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

pub(super) fn short_label(kind: AlertKind) -> &'static str {
    match kind {
        AlertKind::Rupture => "rupture",
        AlertKind::CriticalItem => "critical",
        AlertKind::AllianceLow => "low",
        AlertKind::AllianceDrop => "drop",
        AlertKind::NotOnTrack => "off track",
        AlertKind::OutcomeDeterioration => "deterior.",
        AlertKind::SuddenLoss => "sud. loss",
        AlertKind::Barrier => "barrier",
        _ => "ethics",
    }
}

pub(super) fn severity_colour(s: AlertSeverity) -> &'static str {
    match s {
        AlertSeverity::Info => "#2e86c1",
        AlertSeverity::Warning => "#e67e22",
        _ => "#c0392b",
    }
}

/// Height of the alert strip: room for the largest number of alerts at one session.
pub(super) fn strip_height(alerts: &[Alert]) -> f64 {
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

pub(super) fn alert_strip(svg: &mut String, sc: &Scale, top: f64, alerts: &[Alert]) {
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

pub(super) fn legend(svg: &mut String, items: &[(&str, &str)]) {
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
