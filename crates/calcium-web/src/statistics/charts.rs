//! The geometry of the statistics charts, drawn as inline SVG by the page's template.
//!
//! Why hand-built SVG rather than a plotting crate: four simple shapes (bars, a two-sided
//! pyramid, one stacked bar) are a few lines of arithmetic each; the template then writes
//! plain `<rect>` and `<text>` elements styled by the stylesheet (the Content-Security-Policy
//! forbids inline styles), with French labels set by the browser's own fonts, and no crate
//! to build. Everything here is numbers, computed once; the template only places them.

use calcium_core::identity::{AgeGroup, NationalityGroup};

use crate::statistics::tables::{Statistics, share_text};

/// A horizontal bar chart: one row per item, labels on the left, counts after the bars.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct BarChart {
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) label_x: u32,
    pub(crate) bar_x: u32,
    pub(crate) bars: Vec<Bar>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Bar {
    /// The label as drawn (shortened if too long) and in full (the tooltip).
    pub(crate) label: String,
    pub(crate) full_label: String,
    pub(crate) value: String,
    pub(crate) bar_y: u32,
    pub(crate) bar_width: u32,
    pub(crate) text_y: u32,
    pub(crate) value_x: u32,
    /// A CSS class choosing the colour.
    pub(crate) class: &'static str,
}

const WIDTH: u32 = 640;
const ROW: u32 = 30;
const BAR: u32 = 18;
const LABEL_WIDTH: u32 = 230;
/// Room left after the longest bar for its count.
const VALUE_ROOM: u32 = 110;
/// Characters of a label the chart shows before shortening it (the table has it whole).
const LABEL_CHARS: usize = 26;

impl BarChart {
    /// `items`: (label, count, CSS class).
    pub(crate) fn new(items: &[(String, i64, &'static str)], total: i64) -> BarChart {
        let max = items.iter().map(|(_, count, _)| *count).max().unwrap_or(0);
        let room = WIDTH - LABEL_WIDTH - VALUE_ROOM;
        let bars = items
            .iter()
            .zip(0..)
            .map(|((label, count, class), index): (&(String, i64, &'static str), u32)| {
                let top = index * ROW;
                let bar_width = scaled(*count, max, room);
                Bar {
                    label: shortened(label),
                    full_label: label.clone(),
                    value: format!("{} ({} %)", thousands(*count), share_text(*count, total)),
                    bar_y: top + (ROW - BAR) / 2,
                    bar_width,
                    text_y: top + ROW / 2 + 5,
                    value_x: LABEL_WIDTH + bar_width + 6,
                    class,
                }
            })
            .collect::<Vec<_>>();
        BarChart {
            width: WIDTH,
            height: (bars.len() as u32).max(1) * ROW,
            label_x: LABEL_WIDTH - 8,
            bar_x: LABEL_WIDTH,
            bars,
        }
    }
}

/// The age pyramid: men to the left, women to the right, youngest at the bottom.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Pyramid {
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) center_x: u32,
    pub(crate) men_title_x: u32,
    pub(crate) women_title_x: u32,
    pub(crate) rows: Vec<PyramidRow>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PyramidRow {
    pub(crate) label: &'static str,
    pub(crate) bar_y: u32,
    pub(crate) text_y: u32,
    pub(crate) men: String,
    pub(crate) men_x: u32,
    pub(crate) men_width: u32,
    pub(crate) men_value_x: u32,
    pub(crate) women: String,
    pub(crate) women_x: u32,
    pub(crate) women_width: u32,
    pub(crate) women_value_x: u32,
}

const CENTER: u32 = 130;
const HEADER: u32 = 26;

impl Pyramid {
    pub(crate) fn new(rows: &[(AgeGroup, i64, i64, i64)]) -> Pyramid {
        let side = (WIDTH - CENTER) / 2;
        let room = side - 60;
        let max = rows.iter().flat_map(|(_, men, women, _)| [*men, *women]).max().unwrap_or(0);
        let women_x = side + CENTER;
        let rows = rows
            .iter()
            .rev()
            .zip(0..)
            .map(|((group, men, women, _), index): (&(AgeGroup, i64, i64, i64), u32)| {
                let top = HEADER + index * ROW;
                let men_width = scaled(*men, max, room);
                let women_width = scaled(*women, max, room);
                PyramidRow {
                    label: short_age_label(*group),
                    bar_y: top + (ROW - BAR) / 2,
                    text_y: top + ROW / 2 + 5,
                    men: thousands(*men),
                    men_x: side - men_width,
                    men_width,
                    men_value_x: side - men_width - 5,
                    women: thousands(*women),
                    women_x,
                    women_width,
                    women_value_x: women_x + women_width + 5,
                }
            })
            .collect::<Vec<_>>();
        Pyramid {
            width: WIDTH,
            height: HEADER + rows.len() as u32 * ROW,
            center_x: side + CENTER / 2,
            men_title_x: side - 5,
            women_title_x: women_x + 5,
            rows,
        }
    }
}

/// One bar split in two: bursary holders and the others.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ShareBar {
    pub(crate) width: u32,
    pub(crate) holders_width: u32,
    pub(crate) others_width: u32,
    pub(crate) holders: String,
    pub(crate) others: String,
}

impl ShareBar {
    pub(crate) fn new(holders: i64, total: i64) -> ShareBar {
        let holders_width = scaled(holders, total, WIDTH);
        let others = (total - holders).max(0);
        ShareBar {
            width: WIDTH,
            holders_width,
            others_width: if total > 0 { WIDTH - holders_width } else { 0 },
            holders: format!("Boursiers : {} ({} %)", thousands(holders), share_text(holders, total)),
            others: format!("Non boursiers : {} ({} %)", thousands(others), share_text(others, total)),
        }
    }
}

/// The three charts of the page and the bursary bar.
pub(crate) struct Charts {
    pub(crate) composantes: BarChart,
    pub(crate) pyramid: Pyramid,
    pub(crate) nationalities: BarChart,
    pub(crate) bursary: ShareBar,
}

impl Charts {
    pub(crate) fn new(stats: &Statistics) -> Charts {
        let composantes: Vec<(String, i64, &'static str)> =
            stats.composantes.iter().map(|(label, count)| (label.clone(), *count, "bar-accent")).collect();
        let nationalities: Vec<(String, i64, &'static str)> = stats
            .nationalities
            .iter()
            .map(|(group, count)| {
                let class = match group {
                    NationalityGroup::France => "bar-france",
                    NationalityGroup::EuropeanUnion => "bar-eu",
                    NationalityGroup::OutsideEu => "bar-world",
                };
                (group.label().to_owned(), *count, class)
            })
            .collect();
        Charts {
            composantes: BarChart::new(&composantes, stats.students),
            pyramid: Pyramid::new(&stats.pyramid),
            nationalities: BarChart::new(&nationalities, stats.students),
            bursary: ShareBar::new(stats.bursary_holders, stats.students),
        }
    }
}

/// `count / max` of `room` pixels, at least 1 for a count that is not zero (visible).
fn scaled(count: i64, max: i64, room: u32) -> u32 {
    if count <= 0 || max <= 0 {
        return 0;
    }
    let width = (i128::from(count) * i128::from(room) / i128::from(max)) as u32;
    width.max(1)
}

/// `1 234 567`: thousands separated by a narrow no-break space, as French typography wants.
pub(crate) fn thousands(count: i64) -> String {
    let digits = count.unsigned_abs().to_string();
    let mut text = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            text.push('\u{202F}');
        }
        text.push(digit);
    }
    if count < 0 { format!("-{text}") } else { text }
}

fn shortened(label: &str) -> String {
    if label.chars().count() <= LABEL_CHARS {
        label.to_owned()
    } else {
        let mut short: String = label.chars().take(LABEL_CHARS - 1).collect();
        short.push('…');
        short
    }
}

fn short_age_label(group: AgeGroup) -> &'static str {
    match group {
        AgeGroup::Under18 => "< 18 ans",
        AgeGroup::From18To20 => "18–20 ans",
        AgeGroup::From21To23 => "21–23 ans",
        AgeGroup::From24To26 => "24–26 ans",
        AgeGroup::From27To29 => "27–29 ans",
        AgeGroup::From30 => "≥ 30 ans",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_scaled_to_the_largest_and_a_small_count_stays_visible() {
        let items = vec![
            ("A".to_owned(), 1000, "bar-accent"),
            ("B".to_owned(), 1, "bar-accent"),
            ("C".to_owned(), 0, "bar-accent"),
        ];
        let chart = BarChart::new(&items, 1001);
        let widths: Vec<u32> = chart.bars.iter().map(|bar| bar.bar_width).collect();
        assert_eq!(widths, [WIDTH - LABEL_WIDTH - VALUE_ROOM, 1, 0]);
        assert_eq!(chart.bars[0].value, "1\u{202F}000 (99,9 %)");
        assert_eq!(chart.height, 3 * ROW);
    }

    #[test]
    fn the_pyramid_puts_the_oldest_on_top_and_men_on_the_left() {
        let rows: Vec<(AgeGroup, i64, i64, i64)> = AgeGroup::ALL.into_iter().map(|group| (group, 10, 20, 0)).collect();
        let pyramid = Pyramid::new(&rows);
        assert_eq!(pyramid.rows[0].label, "≥ 30 ans");
        assert_eq!(pyramid.rows[5].label, "< 18 ans");
        let row = &pyramid.rows[0];
        assert_eq!(row.men_x + row.men_width, (WIDTH - CENTER) / 2);
        assert_eq!(row.women_width, (WIDTH - CENTER) / 2 - 60, "the largest count fills its side");
        assert_eq!(row.men_width, row.women_width / 2);
    }

    #[test]
    fn an_empty_table_draws_empty_charts() {
        let bar = ShareBar::new(0, 0);
        assert_eq!((bar.holders_width, bar.others_width), (0, 0));
        assert_eq!(Pyramid::new(&[(AgeGroup::Under18, 0, 0, 0)]).rows[0].men_width, 0);
    }

    #[test]
    fn long_labels_are_shortened_and_thousands_separated() {
        assert_eq!(shortened("UFR Droit, sciences économique et politique (DRT)").chars().count(), LABEL_CHARS);
        assert_eq!(thousands(1_234_567), "1\u{202F}234\u{202F}567");
        assert_eq!(thousands(12), "12");
    }
}
