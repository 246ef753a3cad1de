//! What the HorizontalPodAutoscaler does with a recommendation before it scales
//! (`normalizeDesiredReplicas` and `normalizeDesiredReplicasWithBehaviors` of
//! `pkg/controller/podautoscaler/horizontal.go`, Kubernetes 1.32): the scale-down stabilization
//! window (the highest recommendation of the last 5 minutes), the limits on how fast it may
//! grow (twice the replicas, at least 4, without `behavior`; the policies of `behavior`
//! otherwise), and min/max, with the reasons its conditions give.

use crate::world::clock::Millis;

/// `--horizontal-pod-autoscaler-downscale-stabilization` (5 minutes).
pub const DOWNSCALE_STABILIZATION_MS: Millis = 5 * 60 * 1000;

/// A past scale of an HPA (`timestampedScaleEvent`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScaleEvent {
    pub change: i32,
    pub at: Millis,
    pub outdated: bool,
}

/// What the controller remembers of one HPA between syncs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Memory {
    /// Recommendations and when they were made.
    pub recommendations: Vec<(i32, Millis)>,
    pub scale_up_events: Vec<ScaleEvent>,
    pub scale_down_events: Vec<ScaleEvent>,
}

/// One policy of a scaling rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// `Pods` or `Percent`.
    pub kind: String,
    pub value: i32,
    pub period_seconds: i32,
}

/// A direction's rules (`HPAScalingRules`), defaults filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rules {
    pub stabilization_seconds: i32,
    /// `Max`, `Min` or `Disabled`.
    pub select: String,
    pub policies: Vec<Policy>,
}

/// A normalized answer: replicas, the AbleToScale reason and message, the ScalingLimited
/// status, reason and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalized {
    pub replicas: i32,
    pub able: (&'static str, &'static str),
    pub limited: (bool, &'static str, &'static str),
}

const STABILIZED_DOWN: (&str, &str) = (
    "ScaleDownStabilized",
    "recent recommendations were higher than current one, applying the highest recent recommendation",
);
const STABILIZED_UP: (&str, &str) = (
    "ScaleUpStabilized",
    "recent recommendations were lower than current one, applying the lowest recent recommendation",
);
const READY: (&str, &str) = ("ReadyForNewScale", "recommended size matches current size");
const WITHIN: (&str, &str) = (
    "DesiredWithinRange",
    "the desired count is within the acceptable range",
);
const TOO_MANY: (&str, &str) = (
    "TooManyReplicas",
    "the desired replica count is more than the maximum replica count",
);
const TOO_FEW: (&str, &str) = (
    "TooFewReplicas",
    "the desired replica count is less than the minimum replica count",
);
const UP_LIMIT: (&str, &str) = (
    "ScaleUpLimit",
    "the desired replica count is increasing faster than the maximum scale rate",
);
const DOWN_LIMIT: (&str, &str) = (
    "ScaleDownLimit",
    "the desired replica count is decreasing faster than the maximum scale rate",
);

/// `normalizeDesiredReplicas`: without `behavior`.
pub fn without_behavior(
    mem: &mut Memory,
    now: Millis,
    current: i32,
    desired: i32,
    min: i32,
    max: i32,
) -> Normalized {
    // stabilizeRecommendation: the highest recommendation younger than the window; the
    // newest replaces the last one older than it.
    let cutoff = now - DOWNSCALE_STABILIZATION_MS;
    let mut best = desired;
    let mut old = None;
    for (i, (rec, at)) in mem.recommendations.iter().enumerate() {
        if *at < cutoff {
            old = Some(i);
        } else if *rec > best {
            best = *rec;
        }
    }
    match old {
        Some(i) => mem.recommendations[i] = (desired, now),
        None => mem.recommendations.push((desired, now)),
    }
    let able = if best != desired {
        STABILIZED_DOWN
    } else {
        READY
    };
    // convertDesiredReplicasWithRules.
    let scale_up_limit = ((2.0 * f64::from(current)).max(4.0)) as i32;
    let (maximum, limit_reason) = if max > scale_up_limit {
        (scale_up_limit, UP_LIMIT)
    } else {
        (max, TOO_MANY)
    };
    let (replicas, reason) = if best < min {
        (min, TOO_FEW)
    } else if best > maximum {
        (maximum, limit_reason)
    } else {
        (best, WITHIN)
    };
    Normalized {
        replicas,
        able,
        limited: (replicas != best, reason.0, reason.1),
    }
}

fn changes_in_period(period_seconds: i32, events: &[ScaleEvent], now: Millis) -> i32 {
    let cutoff = now - Millis::from(period_seconds) * 1000;
    events
        .iter()
        .filter(|e| e.at > cutoff)
        .map(|e| e.change)
        .sum()
}

fn scale_up_limit(current: i32, events: &[ScaleEvent], rules: &Rules, now: Millis) -> i32 {
    let (pick, mut result): (fn(i32, i32) -> i32, i32) = match rules.select.as_str() {
        "Disabled" => return current,
        "Min" => (std::cmp::min, i32::MAX),
        _ => (std::cmp::max, i32::MIN),
    };
    for p in &rules.policies {
        let start = current - changes_in_period(p.period_seconds, events, now);
        let proposed = if p.kind == "Pods" {
            start + p.value
        } else {
            (f64::from(start) * (1.0 + f64::from(p.value) / 100.0)).ceil() as i32
        };
        result = pick(result, proposed);
    }
    result
}

fn scale_down_limit(current: i32, events: &[ScaleEvent], rules: &Rules, now: Millis) -> i32 {
    let (pick, mut result): (fn(i32, i32) -> i32, i32) = match rules.select.as_str() {
        "Disabled" => return current,
        "Min" => (std::cmp::max, i32::MIN),
        _ => (std::cmp::min, i32::MAX),
    };
    for p in &rules.policies {
        let start = current + changes_in_period(p.period_seconds, events, now);
        let proposed = if p.kind == "Pods" {
            start - p.value
        } else {
            (f64::from(start) * (1.0 - f64::from(p.value) / 100.0)) as i32
        };
        result = pick(result, proposed);
    }
    result
}

/// `normalizeDesiredReplicasWithBehaviors`.
#[allow(clippy::too_many_arguments)]
pub fn with_behavior(
    mem: &mut Memory,
    now: Millis,
    current: i32,
    desired: i32,
    min: i32,
    max: i32,
    up: &Rules,
    down: &Rules,
) -> Normalized {
    // stabilizeRecommendationWithBehaviors.
    let (window, better, stabilized): (i32, fn(i32, i32) -> i32, _) = if desired >= current {
        (up.stabilization_seconds, std::cmp::min, STABILIZED_UP)
    } else {
        (down.stabilization_seconds, std::cmp::max, STABILIZED_DOWN)
    };
    let longest = up.stabilization_seconds.max(down.stabilization_seconds);
    let obsolete = now - Millis::from(longest) * 1000;
    let cutoff = now - Millis::from(window) * 1000;
    let mut rec = desired;
    let mut old = None;
    for (i, (r, at)) in mem.recommendations.iter().enumerate() {
        if *at > cutoff {
            rec = better(*r, rec);
        }
        if *at < obsolete {
            old = Some(i);
        }
    }
    match old {
        Some(i) => mem.recommendations[i] = (desired, now),
        None => mem.recommendations.push((desired, now)),
    }
    let able = if rec != desired { stabilized } else { READY };
    // convertDesiredReplicasWithBehaviorRate.
    let (replicas, reason) = if rec > current {
        let limit = scale_up_limit(current, &mem.scale_up_events, up, now).max(current);
        let (maximum, why) = if max > limit {
            (limit, UP_LIMIT)
        } else {
            (max, TOO_MANY)
        };
        if rec > maximum {
            (maximum, why)
        } else {
            (rec, WITHIN)
        }
    } else if rec < current {
        let limit = scale_down_limit(current, &mem.scale_down_events, down, now).min(current);
        let (minimum, why) = if min < limit {
            (limit, DOWN_LIMIT)
        } else {
            (min, TOO_FEW)
        };
        if rec < minimum {
            (minimum, why)
        } else {
            (rec, WITHIN)
        }
    } else {
        (rec, WITHIN)
    };
    Normalized {
        replicas,
        able,
        limited: (replicas != rec, reason.0, reason.1),
    }
}

/// `storeScaleEvent`: remembers a scale for the policies' periods (only with `behavior`).
pub fn store_scale_event(
    mem: &mut Memory,
    now: Millis,
    prev: i32,
    new: i32,
    up: &Rules,
    down: &Rules,
) {
    let (events, rules, change) = if new > prev {
        (&mut mem.scale_up_events, up, new - prev)
    } else {
        (&mut mem.scale_down_events, down, prev - new)
    };
    let longest = rules
        .policies
        .iter()
        .map(|p| p.period_seconds)
        .max()
        .unwrap_or(0);
    let cutoff = now - Millis::from(longest) * 1000;
    for e in events.iter_mut() {
        if e.at < cutoff {
            e.outdated = true;
        }
    }
    let event = ScaleEvent {
        change,
        at: now,
        outdated: false,
    };
    match events.iter().rposition(|e| e.outdated) {
        Some(i) => events[i] = event,
        None => events.push(event),
    }
}

#[cfg(test)]
mod tests {
    //! Cases after upstream's `horizontal_test.go` normalization tests (in our own words).
    use super::*;

    fn rules(stab: i32, select: &str, policies: &[(&str, i32, i32)]) -> Rules {
        Rules {
            stabilization_seconds: stab,
            select: select.into(),
            policies: policies
                .iter()
                .map(|(k, v, p)| Policy {
                    kind: k.to_string(),
                    value: *v,
                    period_seconds: *p,
                })
                .collect(),
        }
    }

    #[test]
    fn scale_up_is_limited_to_twice_or_four() {
        let mut m = Memory::default();
        let n = without_behavior(&mut m, 0, 1, 10, 1, 20);
        assert_eq!(n.replicas, 4);
        assert_eq!(n.limited.1, "ScaleUpLimit");
        let n = without_behavior(&mut m, 15_000, 4, 10, 1, 20);
        assert_eq!(n.replicas, 8);
        let n = without_behavior(&mut m, 30_000, 8, 30, 1, 10);
        assert_eq!((n.replicas, n.limited.1), (10, "TooManyReplicas"));
    }

    #[test]
    fn scale_down_waits_for_the_window() {
        let mut m = Memory::default();
        m.recommendations.push((5, 0));
        // One minute later the load fell: the highest recommendation of the window holds.
        let n = without_behavior(&mut m, 60_000, 5, 2, 1, 10);
        assert_eq!(n.replicas, 5);
        assert_eq!(n.able.0, "ScaleDownStabilized");
        // Five minutes after the 5, only the 2s remain.
        let n = without_behavior(&mut m, 300_001, 5, 2, 1, 10);
        assert_eq!(n.replicas, 2);
        assert_eq!(n.able.0, "ReadyForNewScale");
        // Below the minimum.
        let n = without_behavior(&mut Memory::default(), 0, 2, 0, 1, 10);
        assert_eq!(
            (n.replicas, n.limited.1, n.limited.0),
            (1, "TooFewReplicas", true)
        );
    }

    #[test]
    fn behavior_policies() {
        // The defaults: up 4 pods or 100 % per 15 s (the larger), down 100 % per 15 s.
        let up = rules(0, "Max", &[("Pods", 4, 15), ("Percent", 100, 15)]);
        let down = rules(300, "Max", &[("Percent", 100, 15)]);
        let mut m = Memory::default();
        let n = with_behavior(&mut m, 0, 3, 20, 1, 50, &up, &down);
        assert_eq!((n.replicas, n.limited.1), (7, "ScaleUpLimit"));
        store_scale_event(&mut m, 0, 3, 7, &up, &down);
        // Within the same period: 3 + 4 or 3 * 2 from the period's start, at most 7.
        let n = with_behavior(&mut m, 10_000, 7, 20, 1, 50, &up, &down);
        assert_eq!(n.replicas, 7);
        // A minimal policy: 1 pod a minute.
        let up = rules(0, "Min", &[("Pods", 1, 60), ("Percent", 100, 60)]);
        let mut m = Memory::default();
        let n = with_behavior(&mut m, 0, 3, 20, 1, 50, &up, &down);
        assert_eq!(n.replicas, 4);
        // Scale down disabled.
        let off = rules(0, "Disabled", &[("Percent", 100, 15)]);
        let mut m = Memory::default();
        let n = with_behavior(&mut m, 0, 5, 1, 1, 50, &up, &off);
        assert_eq!((n.replicas, n.limited.1), (5, "ScaleDownLimit"));
    }
}
