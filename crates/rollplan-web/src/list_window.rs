//! Which items of a long list are rendered: those near the screen. The
//! checklist's steps, down the page, and the timeline's columns, across it.
//!
//! A 64-node cluster's plan has about 450 steps, a 4,096-node one 28,000.
//! Rendering them all made every keystroke re-render, restyle and lay out
//! hundreds of steps nobody can see (measured at 64 nodes: 20.5 ms from
//! keystroke to painted plan with every step rendered, 12.9 ms with 40). The
//! timeline of a 24-node cluster has 4,000 cells, and ticking a step
//! re-rendered all of them (about 200 ms). So a long list renders only the
//! items within a screen of the visible part, plus the current and the
//! selected one, and an empty gap as large as the items it stands for fills
//! each run in between: the scroll bar, the list's length and every item's
//! position stay what they would be.
//!
//! Sizes are per item, from the start of one to the start of the next. The
//! checklist's steps are estimated from their risks until rendered, then
//! measured (`hooks/viewport.rs` measures, this file only does the
//! arithmetic); the timeline's columns all have one width.
//!
//! Short lists (up to [`WINDOW_ABOVE`] steps, every real cluster of a few
//! dozen nodes) are rendered whole, so the browser's find-in-page sees all of
//! their text; the print view renders every step whatever the length.

use std::collections::BTreeSet;
use std::ops::Range;

/// Plans with at most this many steps are rendered whole.
pub const WINDOW_ABOVE: usize = 120;

/// Measured heights (px) of a step with no risks and what each risk adds,
/// at the default font size: the estimates until a step is measured.
const STEP_HEIGHT: f64 = 136.0;
const FIRST_RISK_HEIGHT: f64 = 28.0;
const MORE_RISK_HEIGHT: f64 = 24.5;
const FOLDED_RISKS_HEIGHT: f64 = 23.0;

/// Risks listed in full per step (the others are folded): as `step_item.rs` shows them.
pub const RISKS_SHOWN: usize = 4;

/// A differing measurement smaller than this (px) is not worth re-rendering for.
const MEASURE_TOLERANCE: f64 = 1.0;

/// The estimated height (px) of a step with `risks` risks standing after it.
#[allow(clippy::cast_precision_loss)] // at most RISKS_SHOWN - 1
pub fn estimated_height(risks: usize) -> f64 {
    if risks == 0 {
        return STEP_HEIGHT;
    }
    let listed = risks.min(RISKS_SHOWN);
    let folded = if risks > RISKS_SHOWN { FOLDED_RISKS_HEIGHT } else { 0.0 };
    STEP_HEIGHT + FIRST_RISK_HEIGHT + MORE_RISK_HEIGHT * (listed - 1) as f64 + folded
}

/// Every item's size along the list: a step's height, measured where it has
/// been rendered and estimated elsewhere, or a timeline column's width.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sizes {
    sizes: Vec<f64>,
}

impl Sizes {
    /// `count` items of `size` each.
    pub fn uniform(count: usize, size: f64) -> Self {
        Sizes { sizes: vec![size; count] }
    }

    /// Fits the table to a plan whose steps have these risk counts: a step
    /// measured before keeps its height (a new analysis of an edited text
    /// mostly has the same steps), new steps are estimated, and steps beyond
    /// the plan's end are dropped.
    pub fn fit(&mut self, risk_counts: impl ExactSizeIterator<Item = usize>) {
        let count = risk_counts.len();
        self.sizes.truncate(count);
        let known = self.sizes.len();
        self.sizes.extend(risk_counts.skip(known).map(estimated_height));
    }

    pub fn len(&self) -> usize {
        self.sizes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sizes.is_empty()
    }

    /// Records a measured height; returns whether it differs enough from the one known to re-render.
    pub fn measure(&mut self, step: usize, height: f64) -> bool {
        match self.sizes.get_mut(step) {
            Some(known) if height.is_finite() && height > 0.0 && (*known - height).abs() >= MEASURE_TOLERANCE => {
                *known = height;
                true
            }
            _ => false,
        }
    }

    /// The total height of `steps`.
    pub fn sum(&self, steps: Range<usize>) -> f64 {
        self.sizes.get(steps).map_or(0.0, |sizes| sizes.iter().sum())
    }

    /// The steps that overlap `top..bottom` (px from the list's top); empty
    /// when that lies wholly above or below the list.
    pub fn overlapping(&self, top: f64, bottom: f64) -> Range<usize> {
        let mut first = self.sizes.len();
        let mut end = self.sizes.len();
        let mut at = 0.0;
        for (index, size) in self.sizes.iter().enumerate() {
            let next = at + size;
            if first == self.sizes.len() && next > top {
                first = index;
            }
            if at >= bottom {
                end = index;
                break;
            }
            at = next;
        }
        first..end.max(first)
    }
}

/// A gap's size as whole pixels, for its `data-height` or `data-width`:
/// formatting an `f64` would add kilobytes to the bundle, for no visible difference.
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
pub fn whole_pixels(size: f64) -> u64 {
    size.round().max(0.0) as u64
}

/// What the checklist renders, in order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Piece {
    /// An item, rendered.
    Step(usize),
    /// Room for the items `first..first + count`, not rendered.
    Gap { first: usize, count: usize, size: f64 },
}

/// The steps the visible part of the list (`top..bottom`, px from the
/// list's top) needs: those on screen and those within a screen above and
/// below it, so that scrolling or pressing Tab finds the next ones rendered.
pub fn window(sizes: &Sizes, top: f64, bottom: f64) -> Range<usize> {
    let screen = (bottom - top).max(0.0);
    sizes.overlapping(top - screen, bottom + screen)
}

/// The checklist as rendered: the steps of `window` and the `pinned` ones
/// (the current and the selected step, wherever they are), with a gap for
/// every run of steps in between. Pinned steps beyond the plan are ignored.
pub fn pieces(sizes: &Sizes, window: Range<usize>, pinned: &[usize]) -> Vec<Piece> {
    let count = sizes.len();
    // Inserted one by one: collecting into a set, or sorting a vector, would
    // bring the bundle a sort of its own (3 KB) for at most two pinned steps.
    let mut shown = BTreeSet::new();
    for step in window.chain(pinned.iter().copied()).filter(|&step| step < count) {
        shown.insert(step);
    }
    let mut pieces = Vec::with_capacity(shown.len() + 2);
    let mut next = 0;
    for step in shown.into_iter().chain(std::iter::once(count)) {
        if step > next {
            pieces.push(Piece::Gap { first: next, count: step - next, size: sizes.sum(next..step) });
        }
        if step < count {
            pieces.push(Piece::Step(step));
        }
        next = step + 1;
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    fn heights(risk_counts: &[usize]) -> Sizes {
        let mut heights = Sizes::default();
        heights.fit(risk_counts.iter().copied());
        heights
    }

    /// `count` steps of 100 px each.
    fn even(count: usize) -> Sizes {
        let mut table = heights(&vec![0; count]);
        for step in 0..count {
            table.measure(step, 100.0);
        }
        table
    }

    #[test]
    fn estimates_follow_the_risks_a_step_lists() {
        assert!((estimated_height(0) - 136.0).abs() < f64::EPSILON);
        assert!((estimated_height(1) - 164.0).abs() < f64::EPSILON);
        assert!((estimated_height(4) - 237.5).abs() < f64::EPSILON);
        assert!((estimated_height(5) - 260.5).abs() < f64::EPSILON);
        assert!((estimated_height(500) - estimated_height(5)).abs() < f64::EPSILON, "folded risks are one line");
    }

    #[test]
    fn a_new_plan_keeps_what_was_measured_and_estimates_the_rest() {
        let mut table = heights(&[0, 1]);
        assert!(table.measure(1, 150.5));
        assert!(!table.measure(1, 151.0), "under a pixel is not worth a render");
        assert!(!table.measure(7, 150.0), "beyond the plan");
        assert!(!table.measure(0, f64::NAN));
        table.fit([0, 1, 5].into_iter());
        assert_eq!(table.len(), 3);
        assert!((table.sum(0..3) - (136.0 + 150.5 + 260.5)).abs() < f64::EPSILON);
        table.fit([0].into_iter());
        assert_eq!(table.len(), 1);
        assert!((table.sum(0..9) - 0.0).abs() < f64::EPSILON, "a range beyond the end sums nothing");
    }

    #[test]
    fn overlapping_steps_are_those_partly_in_view() {
        let table = even(10);
        assert_eq!(table.overlapping(0.0, 100.0), 0..1);
        assert_eq!(table.overlapping(50.0, 250.0), 0..3);
        assert_eq!(table.overlapping(100.0, 200.0), 1..2);
        assert_eq!(table.overlapping(-500.0, 10.0), 0..1);
        assert_eq!(table.overlapping(950.0, 5000.0), 9..10);
        assert!(table.overlapping(1000.0, 2000.0).is_empty(), "all above the screen");
        assert!(table.overlapping(-300.0, -100.0).is_empty(), "the list is below the screen");
    }

    #[test]
    fn the_window_reaches_a_screen_beyond_each_edge() {
        let table = even(100);
        // 500 px on screen from 2,000 px down: 1,500 to 3,000 px.
        assert_eq!(window(&table, 2000.0, 2500.0), 15..30);
        // At the top, and the list not yet reached.
        assert_eq!(window(&table, 0.0, 900.0), 0..18);
        assert_eq!(window(&table, -2000.0, -1100.0), 0..0);
    }

    #[test]
    fn gaps_stand_for_the_steps_between_those_rendered() {
        let table = even(10);
        assert_eq!(
            pieces(&table, 3..5, &[]),
            vec![
                Piece::Gap { first: 0, count: 3, size: 300.0 },
                Piece::Step(3),
                Piece::Step(4),
                Piece::Gap { first: 5, count: 5, size: 500.0 },
            ]
        );
        assert_eq!(pieces(&table, 0..10, &[]), (0..10).map(Piece::Step).collect::<Vec<_>>());
    }

    #[test]
    fn current_and_selected_steps_are_rendered_in_place_wherever_they_are() {
        let table = even(10);
        assert_eq!(
            pieces(&table, 3..5, &[8, 4, 0, 42]),
            vec![
                Piece::Step(0),
                Piece::Gap { first: 1, count: 2, size: 200.0 },
                Piece::Step(3),
                Piece::Step(4),
                Piece::Gap { first: 5, count: 3, size: 300.0 },
                Piece::Step(8),
                Piece::Gap { first: 9, count: 1, size: 100.0 },
            ]
        );
        assert_eq!(pieces(&table, 0..0, &[]), vec![Piece::Gap { first: 0, count: 10, size: 1000.0 }]);
        assert_eq!(pieces(&Sizes::default(), 0..5, &[2]), vec![]);
    }

    /// Whatever is rendered, the pieces cover every step once, in order, and
    /// the list is as tall as all its steps.
    #[test]
    fn pieces_cover_every_step_once() {
        let table = heights(&[0, 3, 1, 7, 0, 2, 9, 0, 0, 4, 1, 0, 5]);
        let total = table.sum(0..table.len());
        for first in 0..=table.len() {
            for end in first..=table.len() + 2 {
                for pinned in [vec![], vec![0], vec![12, 6], vec![first, 99]] {
                    let pieces = pieces(&table, first..end, &pinned);
                    let mut next = 0;
                    let mut height = 0.0;
                    for piece in &pieces {
                        match *piece {
                            Piece::Step(step) => {
                                assert_eq!(step, next);
                                next += 1;
                                height += table.sum(step..step + 1);
                            }
                            Piece::Gap { first, count, size: gap } => {
                                assert_eq!(first, next);
                                assert!(count > 0);
                                next += count;
                                height += gap;
                            }
                        }
                    }
                    assert_eq!(next, table.len(), "{first}..{end} {pinned:?}");
                    assert!((height - total).abs() < 1e-6);
                }
            }
        }
    }
}
