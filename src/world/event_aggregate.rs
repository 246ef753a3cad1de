//! The event recorder's aggregation (`client-go/tools/record/events_cache.go`,
//! `EventAggregator` with `EventAggregatorByReasonFunc`): events about the same object from
//! the same source with the same type and reason but different messages are counted; from the
//! tenth different message within ten minutes on, the recorder sends instead one combined
//! event, `(combined from similar events): <latest message>`, whose count grows.

use crate::world::World;
use crate::world::clock::Millis;

/// `defaultAggregateMaxEvents`.
const MAX_EVENTS: usize = 10;
/// `defaultAggregateIntervalInSeconds`, in milliseconds.
const INTERVAL_MS: Millis = 600_000;
/// `maxLruCacheEntries`: kubelab forgets records past this many.
const MAX_RECORDS: usize = 4096;

/// The combined message's prefix.
pub const COMBINED: &str = "(combined from similar events): ";

impl World {
    /// Notes an event's message under its aggregate key; the combined message when the event
    /// is to be sent as the combined one.
    pub(crate) fn aggregate_event(&mut self, key: &str, message: &str) -> Option<String> {
        let now = self.clock.now();
        let mut record = match self.event_aggregates.get(key) {
            Some((msgs, last)) if now - last <= INTERVAL_MS => msgs.clone(),
            _ => imbl::OrdSet::new(),
        };
        record.insert(message.to_string());
        let combine = record.len() >= MAX_EVENTS;
        if combine {
            // `PopAny` (upstream drops an arbitrary one; kubelab the first in order).
            record.remove_min();
        }
        self.event_aggregates.insert(key.to_string(), (record, now));
        if self.event_aggregates.len() > MAX_RECORDS {
            // Upstream's LRU forgets the least recently used record; kubelab forgets the
            // expired ones, and all of them if that is not enough (amortised: no scan per event).
            let live: imbl::OrdMap<String, (imbl::OrdSet<String>, Millis)> = self
                .event_aggregates
                .iter()
                .filter(|(_, (_, t))| now - t <= INTERVAL_MS)
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            self.event_aggregates = if live.len() > MAX_RECORDS / 2 {
                imbl::OrdMap::new()
            } else {
                live
            };
        }
        combine.then(|| format!("{COMBINED}{message}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tenth_different_message_is_combined() {
        let mut w = World::new(1);
        for i in 0..9 {
            assert_eq!(w.aggregate_event("k", &format!("m{i}")), None);
        }
        assert_eq!(w.aggregate_event("k", "m0"), None);
        assert_eq!(
            w.aggregate_event("k", "m9").as_deref(),
            Some("(combined from similar events): m9")
        );
        assert_eq!(w.aggregate_event("other", "m9"), None);
    }
}
