//! `kubectl events` (`kubectl pkg/cmd/events/`): the events of a namespace, of all namespaces
//! or of one object, sorted by when they were last seen, with `kubectl events`' own printer
//! (OBJECT as `Kind/name`, LAST SEEN as `<last> (xN over <first>)` for repeated events), and a
//! `--watch` bounded in virtual time as the other watches are.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::kubectl::context::Ctx;
use crate::kubectl::flags::Flags;
use crate::kubectl::outcome::{CmdResult, Failure};
use crate::kubectl::output::{self, OBJECT_FORMATS, Output};
use crate::kubectl::verbs::get::WATCH_LIMIT_MS;
use crate::kubectl::waiting::Wait;
use crate::printers::age::human_duration;
use crate::printers::go_sort::go_sort;
use crate::printers::tabwriter;
use crate::world::api::{kinds, meta};
use crate::world::clock::{Millis, parse_rfc3339};

/// The options of one `kubectl events`, completed and validated.
struct EventsOptions {
    namespace: String,
    all_namespaces: bool,
    watch: bool,
    /// `--types`, de-duplicated and sorted (`sets.List`).
    types: Vec<String>,
    /// `--for`: kind, `group/version`, name.
    for_object: Option<(String, String, String)>,
    output: Output,
    no_headers: bool,
}

/// `kubectl events`.
pub fn run(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    let o = complete(ctx, f)?;
    o.validate()?;
    o.run(ctx)
}

fn complete(ctx: &mut Ctx<'_>, f: &dyn Flags) -> Result<EventsOptions, Failure> {
    let namespace = ctx.namespace(f.string("namespace").as_deref());
    let for_object = match f.string("for").filter(|s| !s.is_empty()) {
        Some(s) => Some(decode_for(ctx, &s)?),
        None => None,
    };
    let mut types = f.strings("types");
    types.sort();
    types.dedup();
    let output = output::parse_flags(f, OBJECT_FORMATS, &*ctx.files)?;
    Ok(EventsOptions {
        namespace,
        all_namespaces: f.boolean("all-namespaces"),
        watch: f.boolean("watch"),
        types,
        for_object,
        output,
        no_headers: f.boolean("no-headers"),
    })
}

/// `decodeResourceTypeName`: `TYPE/NAME` through the REST mapper.
fn decode_for(ctx: &Ctx<'_>, s: &str) -> Result<(String, String, String), Failure> {
    if !s.contains('/') {
        return Err(Failure::Message(
            "--for must be in resource/name form".into(),
        ));
    }
    let seg: Vec<&str> = s.split('/').collect();
    if seg.len() != 2 {
        return Err(Failure::Message(
            "arguments in resource/name form may not have more than one slash".into(),
        ));
    }
    let resource = seg[0].to_ascii_lowercase();
    let kind = ctx.world.resolve_kind(&resource).ok_or_else(|| {
        Failure::Message(format!(
            "the server doesn't have a resource type \"{resource}\""
        ))
    })?;
    let gv = if kind.group.is_empty() {
        kind.version.to_string()
    } else {
        format!("{}/{}", kind.group, kind.version)
    };
    Ok((kind.kind.to_string(), gv, seg[1].to_string()))
}

impl EventsOptions {
    fn validate(&self) -> Result<(), Failure> {
        for t in &self.types {
            if !t.eq_ignore_ascii_case("Normal") && !t.eq_ignore_ascii_case("Warning") {
                return Err(Failure::Message(
                    "valid --types are Normal or Warning".into(),
                ));
            }
        }
        Ok(())
    }

    /// `filteredEventType`.
    fn type_shown(&self, ev: &Value) -> bool {
        let ty = meta::str_at(ev, &["type"]).unwrap_or("");
        self.types.is_empty() || self.types.iter().any(|t| t.eq_ignore_ascii_case(ty))
    }

    /// The events the server lists for this request (namespace and the `--for` field
    /// selector), in its order (namespace, name).
    fn list(&self, ctx: &mut Ctx<'_>, audit: bool) -> Vec<Value> {
        let k = kinds::by_kind(kinds::EVENT).expect("Event is served");
        let ns = (!self.all_namespaces).then_some(self.namespace.as_str());
        let all = if audit {
            ctx.world.list(k, ns, None)
        } else {
            ctx.world.list_quiet(k, ns, None)
        };
        all.into_iter()
            .filter(|e| match &self.for_object {
                None => true,
                Some((kind, gv, name)) => {
                    meta::str_at(e, &["involvedObject", "kind"]) == Some(kind.as_str())
                        && meta::str_at(e, &["involvedObject", "apiVersion"]) == Some(gv.as_str())
                        && meta::str_at(e, &["involvedObject", "name"]) == Some(name.as_str())
                }
            })
            .collect()
    }

    fn run(&self, ctx: &mut Ctx<'_>) -> CmdResult {
        if self.watch {
            return self.run_watch(ctx);
        }
        let mut items: Vec<Value> = self
            .list(ctx, true)
            .into_iter()
            .filter(|e| self.type_shown(e))
            .collect();
        if items.is_empty() {
            if self.all_namespaces {
                ctx.io.err("No events found.\n");
            } else {
                ctx.io.err(&format!(
                    "No events found in {} namespace.\n",
                    self.namespace
                ));
            }
            return Ok(());
        }
        let times: Vec<Option<Millis>> = items.iter().map(sort_time).collect();
        let mut order: Vec<usize> = (0..items.len()).collect();
        go_sort(&mut order, &|a: &usize, b: &usize| {
            before(times[*a], times[*b])
        });
        items = order.into_iter().map(|i| items[i].clone()).collect();
        let text = self.print(&items, true, ctx.world.now())?;
        ctx.io.out(&text);
        Ok(())
    }

    /// The printed text of `items`: the events printer's table (headers unless `--no-headers`
    /// or already printed), or the `-o` printer's output of an `EventList`.
    fn print(&self, items: &[Value], headers: bool, now: Millis) -> Result<String, Failure> {
        match &self.output {
            Output::Default => {
                let mut rows = Vec::new();
                if headers && !self.no_headers {
                    let mut h = Vec::new();
                    if self.all_namespaces {
                        h.push("NAMESPACE".to_string());
                    }
                    h.extend(
                        ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
                            .iter()
                            .map(|s| s.to_string()),
                    );
                    rows.push(h);
                }
                for e in items {
                    rows.push(self.row(e, now));
                }
                Ok(tabwriter::table(&rows))
            }
            Output::Name => Ok(items
                .iter()
                .map(|e| format!("event/{}\n", meta::name(e)))
                .collect()),
            out => {
                let doc = json!({
                    "apiVersion": "v1",
                    "items": items,
                    "kind": "EventList",
                    "metadata": {},
                });
                // kubectl prints its typed EventList: JSON in Go struct field order.
                output::print_structured(out, &[doc], false, true)
            }
        }
    }

    /// `printOneEvent`.
    fn row(&self, e: &Value, now: Millis) -> Vec<String> {
        let mut row = Vec::new();
        if self.all_namespaces {
            row.push(meta::namespace(e).to_string());
        }
        let field = |k: &str| meta::str_at(e, &["involvedObject", k]).unwrap_or("");
        row.push(interval(e, now));
        row.push(meta::str_at(e, &["type"]).unwrap_or("").to_string());
        row.push(meta::str_at(e, &["reason"]).unwrap_or("").to_string());
        row.push(format!("{}/{}", field("kind"), field("name")));
        row.push(
            meta::str_at(e, &["message"])
                .unwrap_or("")
                .trim()
                .to_string(),
        );
        row
    }

    /// `runWatch`: the watch starts with every current event (the server's initial ADDED
    /// events, in its order), then each event added or updated (a repeat bumps its count), one
    /// line each, the header before the first.
    fn run_watch(&self, ctx: &mut Ctx<'_>) -> CmdResult {
        let mut seen: BTreeMap<(String, String), String> = BTreeMap::new();
        let mut headers = true;
        let wait = Wait::new(ctx, None, WATCH_LIMIT_MS);
        let mut first = true;
        loop {
            let now = ctx.world.now();
            let events = self.list(ctx, first);
            first = false;
            for e in events {
                let key = (meta::namespace(&e).to_string(), meta::name(&e).to_string());
                let rv = meta::str_at(&e, &["metadata", "resourceVersion"])
                    .unwrap_or("")
                    .to_string();
                if seen.get(&key) == Some(&rv) {
                    continue;
                }
                seen.insert(key, rv);
                if !self.type_shown(&e) {
                    continue;
                }
                let text = match &self.output {
                    Output::Default | Output::Name => {
                        self.print(std::slice::from_ref(&e), headers, now)?
                    }
                    out => output::print_structured(out, std::slice::from_ref(&e), false, true)?,
                };
                headers = false;
                ctx.io.out(&text);
            }
            if let Err(end) = wait.next(ctx) {
                return Err(end.failure(Failure::Message(String::new())));
            }
        }
    }
}

/// A time field of an event, if set.
fn time_of(e: &Value, path: &[&str]) -> Option<Millis> {
    meta::str_at(e, path)
        .filter(|t| !t.is_empty())
        .and_then(parse_rfc3339)
}

/// `eventTime`: what `kubectl events` sorts by (the series' last observation, else the last
/// timestamp, else the event time).
fn sort_time(e: &Value) -> Option<Millis> {
    if e.get("series").is_some_and(Value::is_object) {
        return time_of(e, &["series", "lastObservedTime"]);
    }
    time_of(e, &["lastTimestamp"]).or_else(|| time_of(e, &["eventTime"]))
}

/// Go's `time.Before`, the zero time being before every other.
fn before(a: Option<Millis>, b: Option<Millis>) -> bool {
    match (a, b) {
        (None, Some(_)) => true,
        (Some(a), Some(b)) => a < b,
        _ => false,
    }
}

/// `translateTimestampSince`: `<unknown>` for an unset time.
fn since(t: Option<Millis>, now: Millis) -> String {
    match t {
        Some(t) => human_duration(now - t),
        None => "<unknown>".into(),
    }
}

/// `getInterval`: the first time (event time, else first timestamp), or `<last> (xN over
/// <first>)` for a series or a repeated event.
fn interval(e: &Value, now: Millis) -> String {
    let first = match time_of(e, &["eventTime"]) {
        Some(t) => since(Some(t), now),
        None => since(time_of(e, &["firstTimestamp"]), now),
    };
    if e.get("series").is_some_and(Value::is_object) {
        let count = meta::int_at(e, &["series", "count"]).unwrap_or(0);
        let last = since(time_of(e, &["series", "lastObservedTime"]), now);
        return format!("{last} (x{count} over {first})");
    }
    let count = meta::int_at(e, &["count"]).unwrap_or(0);
    if count > 1 {
        let last = since(time_of(e, &["lastTimestamp"]), now);
        return format!("{last} (x{count} over {first})");
    }
    first
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(first: &str, last: &str, count: i64) -> Value {
        json!({"firstTimestamp": first, "lastTimestamp": last, "count": count, "eventTime": null})
    }

    #[test]
    fn interval_as_get_interval() {
        let now = parse_rfc3339("2025-03-03T10:00:00Z").unwrap();
        assert_eq!(
            interval(&ev("2025-03-03T09:59:30Z", "2025-03-03T09:59:30Z", 1), now),
            "30s"
        );
        assert_eq!(
            interval(&ev("2025-03-01T10:00:00Z", "2025-03-03T09:58:00Z", 6), now),
            "2m (x6 over 2d)"
        );
        let series = json!({"eventTime": "2025-03-03T09:00:00.000000Z",
            "series": {"count": 3, "lastObservedTime": "2025-03-03T09:55:00.000000Z"}});
        assert_eq!(interval(&series, now), "5m (x3 over 60m)");
        assert_eq!(interval(&json!({}), now), "<unknown>");
    }

    #[test]
    fn zero_times_sort_first() {
        assert!(before(None, Some(0)));
        assert!(!before(Some(0), None));
        assert!(!before(None, None));
        assert!(before(Some(1), Some(2)));
    }
}
