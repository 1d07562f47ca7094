//! The freshness dashboard's charts, as inline SVG: no script, no library, and
//! readable by screen readers through their titles and labels.

use std::fmt::Write;

use jiff::civil::Date;

use crate::render::escape_html;
use crate::render::i18n::Words;
use crate::render::site::{Badge, Site};

/// Buckets of the due-date chart: overdue, then one bar per week up to 12
/// weeks, then "later".
const WEEKS: usize = 12;

/// A bar chart of cards by weeks until due.
pub fn due_chart(site: &Site, words: &Words) -> String {
    let mut buckets = [0usize; WEEKS + 2];
    for p in &site.cards {
        let (Some(due), true) = (p.freshness.due, p.badge != Badge::Archived) else {
            continue;
        };
        buckets[bucket(due, site.today)] += 1;
    }
    let warn_days = site
        .ws
        .config
        .verification
        .warn_within
        .after(site.today)
        .map_or(14, |d| (d - site.today).get_days().max(0) as usize);
    let labels: Vec<String> = std::iter::once(words.text("chart_overdue").to_owned())
        .chain((0..WEEKS).map(|w| format!("{w}–{}", w + 1)))
        .chain(std::iter::once(format!("{WEEKS}+")))
        .collect();
    let max = buckets.iter().copied().max().unwrap_or(0).max(1);
    let (bar, gap, height, top) = (36, 8, 160, 20);
    let width = buckets.len() * (bar + gap) + gap;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {}" role="img" aria-labelledby="due-chart-title" data-vouch-due-chart data-bar-height="{height}" data-bar-top="{top}" data-weeks="{WEEKS}"><title id="due-chart-title">{} {}</title>"#,
        height + top + 40,
        escape_html(words.text("chart_due")),
        labels
            .iter()
            .zip(&buckets)
            .map(|(l, n)| escape_html(&format!("{}: {n}", weeks(words, l))))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let _ = write!(
        svg,
        r#"<line class="chart-axis" x1="0" y1="{0}" x2="{width}" y2="{0}"/>"#,
        height + top
    );
    for (i, (&n, label)) in buckets.iter().zip(&labels).enumerate() {
        let (title, label) = (escape_html(&weeks(words, label)), escape_html(label));
        let h = n * height / max;
        let x = gap + i * (bar + gap);
        let class = if i == 0 {
            "chart-bar-stale"
        } else if (i - 1) * 7 < warn_days {
            "chart-bar-expiring"
        } else {
            "chart-bar-fresh"
        };
        let _ = write!(
            svg,
            r#"<rect class="{class}" x="{x}" y="{}" width="{bar}" height="{h}" data-bucket="{i}"><title>{title}: {n}</title></rect><text class="chart-label" x="{}" y="{}" text-anchor="middle" data-bucket-count="{i}">{n}</text><text class="chart-label" x="{}" y="{}" text-anchor="middle">{label}</text>"#,
            height + top - h,
            x + bar / 2,
            height + top - h - 4,
            x + bar / 2,
            height + top + 16,
        );
    }
    svg.push_str("</svg>");
    svg
}

/// "3–4 weeks" for a bar's label; the overdue bar's label says it all.
fn weeks(words: &Words, label: &str) -> String {
    if label == words.text("chart_overdue") {
        label.to_owned()
    } else {
        words.fill("chart_weeks", &[("range", label)])
    }
}

fn bucket(due: Date, today: Date) -> usize {
    let days = (due - today).get_days();
    if days < 0 {
        0
    } else {
        1 + (days as usize / 7).min(WEEKS)
    }
}

/// Horizontal bars of stale cards per owner, most first; `None` when no owner
/// has a stale card.
pub fn owner_chart(site: &Site, words: &Words) -> Option<String> {
    let mut rows: Vec<(&str, usize)> = site
        .owners()
        .iter()
        .filter(|o| o.stale > 0)
        .map(|o| (o.name.as_str(), o.stale))
        .collect();
    if rows.is_empty() {
        return None;
    }
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    rows.truncate(20);
    let max = rows[0].1.max(1);
    let (label_w, bar_w, row_h) = (200, 360, 24);
    let height = rows.len() * row_h + 8;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {height}" role="img" aria-labelledby="owner-chart-title"><title id="owner-chart-title">{} {}</title>"#,
        label_w + bar_w + 40,
        escape_html(words.text("chart_owners")),
        rows.iter()
            .map(|(n, c)| format!("{} {c}", escape_html(n)))
            .collect::<Vec<_>>()
            .join(", ")
    );
    for (i, (name, n)) in rows.iter().enumerate() {
        let y = 4 + i * row_h;
        let w = (n * bar_w / max).max(2);
        let _ = write!(
            svg,
            r#"<text class="chart-label" x="{}" y="{}" text-anchor="end">{}</text><rect class="chart-bar-stale" x="{}" y="{y}" width="{w}" height="{}"/><text class="chart-label" x="{}" y="{}">{n}</text>"#,
            label_w - 8,
            y + 16,
            escape_html(name),
            label_w,
            row_h - 6,
            label_w + w + 6,
            y + 16,
        );
    }
    svg.push_str("</svg>");
    Some(svg)
}
