//! Small pieces of wording shared by several views, kept pure so they are tested natively.

use rollplan_core::plan::{RiskKind, Summary};

/// "1 step", "2 steps".
pub fn plural(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

/// What carrying ticks over from an earlier release's plan did: `found` of the `ticked` steps are in this plan.
pub fn carried_over(found: usize, ticked: usize) -> String {
    let found = match found {
        0 => "none is in this plan".to_owned(),
        1 => "1 is in this plan and is ticked here too".to_owned(),
        n if n == ticked => format!("all {n} are in this plan and are ticked here too"),
        n => format!("{n} are in this plan and are ticked here too"),
    };
    format!(
        "Steps were ticked for this cluster under another release of rollplan, which planned it differently. \
         Of the {} ticked in that plan, {found}.",
        plural(ticked, "step", "steps")
    )
}

/// The sentence before the list of ticked steps the plan shown no longer has.
pub fn no_longer_planned(count: usize) -> String {
    if count == 1 {
        "This ticked step is not in the plan: check where the cluster stands before going on.".to_owned()
    } else {
        format!("These {count} ticked steps are not in the plan: check where the cluster stands before going on.")
    }
}

/// Minutes as a person reads a duration: "45 min", "1 h 38 min", "5 h".
pub fn duration(minutes: u32) -> String {
    match (minutes / 60, minutes % 60) {
        (0, minutes) => format!("{minutes} min"),
        (hours, 0) => format!("{hours} h"),
        (hours, minutes) => format!("{hours} h {minutes} min"),
    }
}

/// The plan's estimated duration, saying so when it is only a lower bound
/// (some component has no `minutes`).
pub fn estimate(summary: &Summary) -> String {
    if summary.estimate_incomplete {
        format!("at least {}", duration(summary.estimated_minutes))
    } else {
        format!("about {}", duration(summary.estimated_minutes))
    }
}

/// Whether the plan's waves take several nodes at once, so that the wall
/// clock and the work part ways.
pub fn parallel(summary: &Summary) -> bool {
    summary.work_minutes > summary.wall_clock_minutes
}

/// How the wall clock comes about when waves run nodes in parallel: "in 4
/// waves, 19 h 4 min of work"; `None` for one node at a time.
pub fn waves_line(summary: &Summary) -> Option<String> {
    parallel(summary)
        .then(|| format!("in {}, {} of work", plural(summary.waves, "wave", "waves"), duration(summary.work_minutes)))
}

/// A step's duration, or why it has none.
pub fn step_minutes(minutes: Option<u32>) -> String {
    minutes.map_or_else(|| "duration unknown".to_owned(), |minutes| format!("about {}", duration(minutes)))
}

/// A risk kind as one character, in the timeline's cells and column headers
/// and in its legend; the checklist says the kind in words.
pub fn risk_glyph(kind: RiskKind) -> &'static str {
    match kind {
        RiskKind::MixedVersionFailover => "⚠",
        RiskKind::NoFailoverTarget => "⊘",
        RiskKind::Outage => "✖",
        RiskKind::VersionSkew => "≠",
        RiskKind::AtMinimum => "◐",
        RiskKind::BelowMinimum => "○",
    }
}

/// What a risk kind means, for the badges' legend and tooltips.
pub fn risk_meaning(kind: RiskKind) -> &'static str {
    match kind {
        RiskKind::MixedVersionFailover => {
            "if a node fails after this step, a service fails over to a node running another release"
        }
        RiskKind::NoFailoverTarget => "if a node fails after this step, a service has no node left to fail over to",
        RiskKind::Outage => "a service is offline during this step (a planned outage)",
        RiskKind::VersionSkew => {
            "after this step, releases have drifted further apart than a skew rule of level warn allows"
        }
        RiskKind::AtMinimum => {
            "after this step, a replicated service has just the copies up it needs: if a node holding one fails, it has fewer"
        }
        RiskKind::BelowMinimum => {
            "after this step, a replicated service has one copy up: if its node fails, the service has none"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn carried_ticks_are_counted_in_words() {
        assert!(
            carried_over(2, 3)
                .ends_with("Of the 3 steps ticked in that plan, 2 are in this plan and are ticked here too.")
        );
        assert!(
            carried_over(1, 1)
                .ends_with("Of the 1 step ticked in that plan, 1 is in this plan and is ticked here too.")
        );
        assert!(carried_over(4, 4).ends_with("all 4 are in this plan and are ticked here too."));
        assert!(carried_over(0, 2).ends_with("none is in this plan."));
        assert!(no_longer_planned(1).starts_with("This ticked step is not"));
        assert!(no_longer_planned(3).starts_with("These 3 ticked steps are not"));
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(0), "0 min");
        assert_eq!(duration(45), "45 min");
        assert_eq!(duration(60), "1 h");
        assert_eq!(duration(98), "1 h 38 min");
        assert_eq!(duration(286), "4 h 46 min");
    }

    #[test]
    fn estimates_say_when_they_are_a_lower_bound() {
        let mut summary = Summary { estimated_minutes: 98, ..Summary::default() };
        assert_eq!(estimate(&summary), "about 1 h 38 min");
        summary.estimate_incomplete = true;
        assert_eq!(estimate(&summary), "at least 1 h 38 min");
        assert_eq!(step_minutes(Some(5)), "about 5 min");
        assert_eq!(step_minutes(None), "duration unknown");
    }

    #[test]
    fn waves_say_the_work_behind_the_wall_clock() {
        let one_at_a_time =
            Summary { estimated_minutes: 98, wall_clock_minutes: 98, work_minutes: 98, waves: 2, ..Summary::default() };
        assert!(!parallel(&one_at_a_time));
        assert_eq!(waves_line(&one_at_a_time), None);
        let waves = Summary {
            estimated_minutes: 416,
            wall_clock_minutes: 416,
            work_minutes: 1_144,
            waves: 4,
            ..Summary::default()
        };
        assert!(parallel(&waves));
        assert_eq!(waves_line(&waves).as_deref(), Some("in 4 waves, 19 h 4 min of work"));
    }

    #[test]
    fn plurals() {
        assert_eq!(plural(1, "step", "steps"), "1 step");
        assert_eq!(plural(0, "step", "steps"), "0 steps");
        assert_eq!(plural(2, "move", "moves"), "2 moves");
    }
}
