//! The rook toolbox's `toolbox.sh` (rook release-1.7 `images/ceph/toolbox.sh`, run by
//! `/tini -g -- /usr/local/bin/toolbox.sh`) as it starts: it writes `/etc/ceph/keyring` from
//! `ROOK_CEPH_USERNAME` and `ROOK_CEPH_SECRET`, and `/etc/ceph/ceph.conf` with the mounted mon
//! endpoints (`/etc/rook/mon-endpoints`) without their names, and logs `<date> writing mon
//! endpoints to /etc/ceph/ceph.conf: <endpoints>`. Its watch loop (a rewrite when the endpoints
//! change) is not simulated: the mons do not move in kubelab.

use serde_json::Value;

use super::Started;
use crate::world::World;

/// Whether `argv` is the toolbox's command.
pub fn is_toolbox(argv: &[String]) -> bool {
    argv.len() == 4
        && crate::shell::vfs::file_name(&argv[0]) == "tini"
        && argv[1..] == ["-g", "--", "/usr/local/bin/toolbox.sh"]
}

/// `date`'s default output in the toolbox (glibc, UTC): `Mon Mar  3 09:01:10 UTC 2025`.
fn date(t: crate::world::clock::Millis) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let s = crate::world::clock::rfc3339(t);
    let (y, mo, d) = (&s[0..4], &s[5..7], &s[8..10]);
    let day = t.div_euclid(86_400_000).rem_euclid(7) as usize;
    let m: usize = mo.parse().unwrap_or(1);
    let d: u32 = d.parse().unwrap_or(1);
    format!(
        "{} {} {d:>2} {} UTC {y}",
        DAYS[day],
        MONTHS[m.clamp(1, 12) - 1],
        &s[11..19]
    )
}

impl World {
    /// Starts the toolbox script in container `container` of `pod`.
    pub(crate) fn toolbox_start(
        &mut self,
        pod: &Value,
        container: &str,
        argv: &[String],
    ) -> Option<Started> {
        if !is_toolbox(argv) {
            return None;
        }
        let t = self.target(pod, container);
        let env = |k: &str| {
            t.env
                .iter()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let keyring = format!(
            "[{}]\nkey = {}\n",
            env("ROOK_CEPH_USERNAME"),
            env("ROOK_CEPH_SECRET")
        );
        let endpoints = self.in_container(pod, &t, |_, mut vfs| {
            let endpoints = vfs
                .read("/etc/rook/mon-endpoints")
                .map(|b| {
                    String::from_utf8_lossy(b)
                        .trim_end_matches('\n')
                        .to_string()
                })
                .unwrap_or_default();
            // sed 's/[a-z0-9_-]\+=//g': the mon names go.
            let hosts: Vec<String> = endpoints
                .split(',')
                .map(|e| e.split_once('=').map_or(e, |(_, h)| h).to_string())
                .collect();
            let conf = format!(
                "[global]\nmon_host = {}\n\n[client.admin]\nkeyring = /etc/ceph/keyring\n",
                hosts.join(",")
            );
            let _ = vfs.write("/etc/ceph/keyring", keyring.as_bytes(), false);
            let _ = vfs.write("/etc/ceph/ceph.conf", conf.as_bytes(), false);
            (endpoints, vfs)
        });
        let line = format!(
            "{} writing mon endpoints to /etc/ceph/ceph.conf: {endpoints}",
            date(self.now())
        );
        Some(Started {
            logs: vec![line].into(),
            exit: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_as_the_toolbox_prints_it() {
        // 2025-03-03T09:01:10Z was a Monday.
        let t = crate::world::clock::parse_rfc3339("2025-03-03T09:01:10Z").unwrap();
        assert_eq!(date(t), "Mon Mar  3 09:01:10 UTC 2025");
        let t = crate::world::clock::parse_rfc3339("2025-03-13T19:01:10Z").unwrap();
        assert_eq!(date(t), "Thu Mar 13 19:01:10 UTC 2025");
    }
}
