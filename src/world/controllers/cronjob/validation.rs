//! The apiserver's checks of a CronJob's schedule and time zone
//! (`k/k pkg/apis/batch/validation/validation.go`, `validateScheduleFormat`,
//! `validateTimeZone`): the schedule must parse as the controller parses it, may not carry
//! `TZ=`/`CRON_TZ=` (use `timeZone`), and the time zone must be a known IANA name.

use serde_json::Value;

use super::schedule;
use crate::world::api::meta;

/// (field, message after `Invalid value: "<v>": ` or a whole `Required value`) pairs.
pub fn problems(cj: &Value) -> Vec<(String, String, Option<String>)> {
    let mut out = Vec::new();
    let tz = meta::str_at(cj, &["spec", "timeZone"]);
    match meta::str_at(cj, &["spec", "schedule"]) {
        None | Some("") => out.push(("spec.schedule".into(), "Required value".into(), None)),
        Some(s) => {
            if let Err(e) = schedule::parse(s, jiff::tz::TimeZone::UTC) {
                out.push(("spec.schedule".into(), e, Some(s.to_string())));
            }
            if s.contains("TZ") {
                out.push((
                    "spec.schedule".into(),
                    "cannot use TZ or CRON_TZ in schedule, use timeZone field instead".into(),
                    Some(s.to_string()),
                ));
            }
        }
    }
    if let Some(z) = tz {
        let field = "spec.timeZone".to_string();
        if z.is_empty() {
            out.push((field, "timeZone must be nonempty".into(), Some(z.into())));
        } else {
            if z.eq_ignore_ascii_case("Local") {
                out.push((
                    field.clone(),
                    "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones".into(),
                    Some(z.into()),
                ));
            }
            if z != "Local"
                && let Err(e) = schedule::zone(z)
            {
                out.push((field, e, Some(z.into())));
            }
        }
    }
    out
}
