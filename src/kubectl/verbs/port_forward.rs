//! `kubectl port-forward TYPE/NAME [LOCAL:]REMOTE...` (`kubectl pkg/cmd/portforward`, client-go's
//! `tools/portforward`): complete → validate → run, in kubectl's order and with its errors.
//!
//! How a forward lives at kubelab's one terminal (docs/shell.md, "port-forward"): kubectl holds
//! its terminal until Ctrl-C and serves the local port meanwhile; a student then uses another
//! terminal. kubelab prints kubectl's `Forwarding from ...` lines and gives the prompt back at
//! once, with the forward kept beside it: at the interactive prompt until the session ends, in
//! scripts, labs and grading for the next input only (the usual `kubectl port-forward ...` then
//! `curl localhost:PORT`). The workstation's `curl` to `localhost`, `127.0.0.1` or `[::1]` on
//! the local port reaches the pod's port over its loopback, as the kubelet's forward does; a
//! forward ends when its pod stops running or goes (kubectl's `lost connection to pod`). The
//! `Handling connection for PORT` lines kubectl writes to its own terminal are not shown.

use serde_json::Value;

use super::logs_exec::{ONE_MINUTE, pod_running_timeout, target_pod};
use crate::kubectl::context::Ctx;
use crate::kubectl::flags::Flags;
use crate::kubectl::outcome::{CmdResult, Failure};
use crate::world::api::{kinds, meta};

/// One forward the workstation keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forward {
    /// The listening addresses (`127.0.0.1`, `::1`, `0.0.0.0`, ...).
    pub addresses: Vec<String>,
    pub local: u16,
    pub remote: u16,
    pub namespace: String,
    pub pod: String,
    pub uid: String,
    /// In scripts: how many more inputs the forward lasts (None at the interactive prompt).
    pub inputs_left: Option<u8>,
}

/// The addresses `--address` names (`parseAddresses`: `localhost` is `127.0.0.1` and `::1`,
/// which fail together; an address given as an IP fails on its own), in its sorted order:
/// (address, given as an IP).
fn parse_addresses(given: &[String]) -> Result<Vec<(String, bool)>, Failure> {
    let mut out: Vec<(String, bool)> = Vec::new();
    for a in given {
        let ips: Vec<(String, bool)> = if a == "localhost" {
            vec![("127.0.0.1".into(), false), ("::1".into(), false)]
        } else if a.parse::<std::net::IpAddr>().is_ok() {
            vec![(a.clone(), true)]
        } else {
            return Err(Failure::Message(format!("{a} is not a valid IP")));
        };
        for (ip, explicit) in ips {
            match out.iter_mut().find(|(x, _)| *x == ip) {
                Some(entry) if explicit => entry.1 = true,
                Some(_) => {}
                None => out.push((ip, explicit)),
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Whether the workstation can listen on `addr`: its loopback addresses and the wildcards
/// (it has no other address kubelab knows).
fn local_address(addr: &str) -> bool {
    match addr.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback() || ip.is_unspecified(),
        Err(_) => false,
    }
}

/// Whether a listener on `a` and one on `b` (same port) collide, as Linux's bind decides for
/// listeners without SO_REUSEPORT.
fn collide(a: &str, b: &str) -> bool {
    let v6 = |x: &str| x.contains(':');
    a == b || (v6(a) == v6(b) && (a == "0.0.0.0" || b == "0.0.0.0" || a == "::" || b == "::"))
}

/// `splitPort`: `LOCAL:REMOTE`, else the same port on both sides.
fn split_port(p: &str) -> (&str, &str) {
    let parts: Vec<&str> = p.split(':').collect();
    if parts.len() == 2 {
        (parts[0], parts[1])
    } else {
        (parts[0], parts[0])
    }
}

/// The container port of a pod named `name` (`LookupContainerPortNumberByName`).
fn pod_named_port(pod: &Value, name: &str) -> Result<i64, Failure> {
    for list in ["containers", "initContainers"] {
        let containers = meta::path(pod, &["spec", list]).and_then(Value::as_array);
        for c in containers.into_iter().flatten() {
            let ports = c.get("ports").and_then(Value::as_array);
            for p in ports.into_iter().flatten() {
                if p.get("name").and_then(Value::as_str) == Some(name) {
                    return Ok(p.get("containerPort").and_then(Value::as_i64).unwrap_or(0));
                }
            }
        }
    }
    Err(Failure::Message(format!(
        "Pod '{}' does not have a named port '{name}'",
        meta::name(pod)
    )))
}

/// `convertPodNamedPortToNumber`: named remote ports become the pod's numbers.
fn pod_ports(ports: &[String], pod: &Value) -> Result<Vec<String>, Failure> {
    let mut out = Vec::new();
    for p in ports {
        let (local, remote) = split_port(p);
        if remote.is_empty() {
            return Err(Failure::Message("remote port cannot be empty".into()));
        }
        let number = if atoi(remote).is_some() {
            remote.to_string()
        } else {
            pod_named_port(pod, remote)?.to_string()
        };
        out.push(if local != remote {
            format!("{local}:{number}")
        } else {
            number
        });
    }
    Ok(out)
}

/// Go's `strconv.Atoi` (a sign allowed).
fn atoi(s: &str) -> Option<i64> {
    s.parse::<i64>().ok()
}

/// `translateServicePortToTargetPort`: a Service's port (number or name) becomes the target
/// port of the pod.
fn service_ports(ports: &[String], svc: &Value, pod: &Value) -> Result<Vec<String>, Failure> {
    let svc_name = meta::name(svc);
    let specs: Vec<&Value> = meta::path(svc, &["spec", "ports"])
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    let headless = meta::str_at(svc, &["spec", "clusterIP"]) == Some("None");
    let mut out = Vec::new();
    for p in ports {
        let (mut local, remote) = split_port(p);
        let local_owned;
        let number = match atoi(remote) {
            Some(n) => n,
            None => {
                let n = specs
                    .iter()
                    .find(|s| s.get("name").and_then(Value::as_str) == Some(remote))
                    .and_then(|s| s.get("port").and_then(Value::as_i64))
                    .ok_or_else(|| {
                        Failure::Message(format!(
                            "Service '{svc_name}' does not have a named port '{remote}'"
                        ))
                    })?;
                if local == remote {
                    local_owned = n.to_string();
                    local = &local_owned;
                }
                n
            }
        };
        let spec = specs
            .iter()
            .find(|s| s.get("port").and_then(Value::as_i64) == Some(number))
            .ok_or_else(|| {
                Failure::Message(format!(
                    "Service {svc_name} does not have a service port {number}"
                ))
            })?;
        let target = if headless {
            number
        } else {
            match spec.get("targetPort") {
                Some(Value::String(name)) => pod_named_port(pod, name)?,
                Some(t) => match t.as_i64().unwrap_or(0) {
                    0 => number,
                    t => t,
                },
                None => number,
            }
        };
        let remote = target.to_string();
        out.push(if local != remote {
            format!("{local}:{remote}")
        } else {
            remote
        });
    }
    Ok(out)
}

/// `checkUDPPortInPod`/`checkUDPPortInService`: a port served over UDP only is refused.
fn check_udp(ports: &[String], obj: &Value, service: bool) -> Result<(), Failure> {
    let mut udp = std::collections::BTreeSet::new();
    let mut tcp = std::collections::BTreeSet::new();
    let mut add = |p: &Value, key: &str| {
        let n = p.get(key).and_then(Value::as_i64).unwrap_or(0);
        match p.get("protocol").and_then(Value::as_str).unwrap_or("TCP") {
            "UDP" => udp.insert(n),
            "TCP" => tcp.insert(n),
            _ => false,
        };
    };
    if service {
        for p in meta::path(obj, &["spec", "ports"])
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            add(p, "port");
        }
    } else {
        for c in meta::path(obj, &["spec", "containers"])
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            for p in c
                .get("ports")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                add(p, "containerPort");
            }
        }
    }
    for p in ports {
        let (_, remote) = split_port(p);
        let n = match atoi(remote) {
            Some(n) => n,
            None if service => meta::path(obj, &["spec", "ports"])
                .and_then(Value::as_array)
                .and_then(|a| {
                    a.iter()
                        .find(|s| s.get("name").and_then(Value::as_str) == Some(remote))
                })
                .and_then(|s| s.get("port").and_then(Value::as_i64))
                .ok_or_else(|| {
                    Failure::Message(format!(
                        "Service '{}' does not have a named port '{remote}'",
                        meta::name(obj)
                    ))
                })?,
            None => pod_named_port(obj, remote)?,
        };
        if udp.contains(&n) && !tcp.contains(&n) {
            return Err(Failure::Message(format!(
                "UDP protocol is not supported for {remote}"
            )));
        }
    }
    Ok(())
}

/// Go's `strconv.ParseUint(s, 10, 16)` error text, as `parsePorts` words it.
fn parse_u16(s: &str) -> Result<u16, String> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("strconv.ParseUint: parsing {s:?}: invalid syntax"));
    }
    s.parse::<u16>()
        .map_err(|_| format!("strconv.ParseUint: parsing {s:?}: value out of range"))
}

/// `parsePorts`: (local, remote) pairs; a local port of 0 (`:5000`) asks for a random one.
fn parse_ports(ports: &[String]) -> Result<Vec<(u16, u16)>, Failure> {
    let mut out = Vec::new();
    for p in ports {
        let parts: Vec<&str> = p.split(':').collect();
        let (local, remote) = match parts.as_slice() {
            [one] => (*one, *one),
            ["", r] => ("0", *r),
            [l, r] => (*l, *r),
            _ => return Err(Failure::Message(format!("invalid port format '{p}'"))),
        };
        let l = parse_u16(local)
            .map_err(|e| Failure::Message(format!("error parsing local port '{local}': {e}")))?;
        let r = parse_u16(remote)
            .map_err(|e| Failure::Message(format!("error parsing remote port '{remote}': {e}")))?;
        if r == 0 {
            return Err(Failure::Message("remote port must be > 0".into()));
        }
        out.push((l, r));
    }
    Ok(out)
}

/// `kubectl port-forward`.
pub fn run(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    // Complete.
    let args = f.args().to_vec();
    if args.len() < 2 {
        return Err(Failure::Usage {
            command: f.command_line_name(),
            message: "TYPE/NAME and list of ports are required for port-forward".into(),
        });
    }
    let namespace = ctx.namespace(f.string("namespace").as_deref());
    let timeout = pod_running_timeout(f, ONE_MINUTE)?;
    let pod = target_pod(ctx, &namespace, &args[0], timeout)?;
    let service = match args[0].split_once('/') {
        Some((k, n)) => match ctx.world.resolve_kind(k) {
            Some(kind) if kind.kind == kinds::SERVICE => Some(ctx.world.get(kind, &namespace, n)?),
            _ => None,
        },
        None => None,
    };
    let ports = match &service {
        Some(svc) => {
            check_udp(&args[1..], svc, true)?;
            service_ports(&args[1..], svc, &pod)?
        }
        None => {
            check_udp(&args[1..], &pod, false)?;
            pod_ports(&args[1..], &pod)?
        }
    };
    // Validate (the pod and ports are never empty here).
    // Run: the pod as it is now must be running.
    let pk = kinds::by_kind(kinds::POD).expect("Pod");
    let pod = ctx.world.get(pk, &namespace, meta::name(&pod))?;
    let phase = meta::str_at(&pod, &["status", "phase"]).unwrap_or("");
    if phase != "Running" {
        return Err(Failure::Message(format!(
            "unable to forward port because pod is not running. Current status={phase}"
        )));
    }
    ctx.world
        .authorize_kind("create", pk, &namespace, meta::name(&pod), "portforward")?;
    let mut given = f.strings("address");
    if given.is_empty() {
        given = vec!["localhost".into()];
    }
    let addresses = parse_addresses(&given)?;
    let pairs = parse_ports(&ports)?;
    if let Some((_, r)) = pairs.iter().find(|(l, _)| *l == 0) {
        return Err(Failure::Unsupported(format!(
            "a random local port (:{r}): give the local port, e.g. 8080:{r}"
        )));
    }
    listen(ctx, &namespace, &pod, addresses, pairs)
}

/// `forward`: listens on each port (a port another forward holds fails as the kernel's bind
/// does) and keeps the forwards that listen.
fn listen(
    ctx: &mut Ctx<'_>,
    namespace: &str,
    pod: &Value,
    addresses: Vec<(String, bool)>,
    pairs: Vec<(u16, u16)>,
) -> CmdResult {
    let interactive = ctx.waits.interactive;
    prune(ctx);
    let mut any = false;
    for (local, remote) in &pairs {
        let mut errors = Vec::new();
        let (mut failed_all, mut ok_all, mut failed_any) = (0, 0, 0);
        let mut listening = Vec::new();
        for (a, explicit) in &addresses {
            let hostport = if a.contains(':') {
                format!("[{a}]:{local}")
            } else {
                format!("{a}:{local}")
            };
            let proto = if a.contains(':') { "tcp6" } else { "tcp4" };
            let busy = ctx
                .config
                .port_forwards
                .iter()
                .any(|fw| fw.local == *local && fw.addresses.iter().any(|b| collide(a, b)))
                || listening.iter().any(|b: &String| collide(a, b));
            let error = if !local_address(a) {
                Some("bind: cannot assign requested address")
            } else if busy {
                Some("bind: address already in use")
            } else {
                None
            };
            match error {
                Some(e) => {
                    errors.push(format!(
                        "unable to create listener: Error listen {proto} {hostport}: {e}"
                    ));
                    if *explicit {
                        failed_any += 1;
                    } else {
                        failed_all += 1;
                    }
                }
                None => {
                    ctx.io
                        .out(&format!("Forwarding from {hostport} -> {remote}\n"));
                    listening.push(a.clone());
                    if !*explicit {
                        ok_all += 1;
                    }
                }
            }
        }
        let failed = (ok_all == 0 && failed_all > 0) || failed_any > 0;
        if !failed {
            any = true;
            ctx.config.port_forwards.push(Forward {
                addresses: listening,
                local: *local,
                remote: *remote,
                namespace: namespace.to_string(),
                pod: meta::name(pod).to_string(),
                uid: meta::uid(pod).to_string(),
                inputs_left: (!interactive).then_some(1),
            });
        } else {
            ctx.io.err(&format!(
                "Unable to listen on port {local}: Listeners failed to create with the following errors: [{}]\n",
                errors.join(" ")
            ));
        }
    }
    if !any {
        let list: Vec<String> = pairs.iter().map(|(l, r)| format!("{{{l} {r}}}")).collect();
        return Err(Failure::Message(format!(
            "unable to listen on any of the requested ports: [{}]",
            list.join(" ")
        )));
    }
    Ok(())
}

/// Drops the forwards whose pod has stopped running or gone (kubectl exits with `lost
/// connection to pod`).
pub fn prune(ctx: &mut Ctx<'_>) {
    let world = &*ctx.world;
    ctx.config
        .port_forwards
        .retain(|fw| alive(world, fw).is_some());
}

/// The pod a forward reaches, while it runs.
pub fn alive(world: &crate::world::World, fw: &Forward) -> Option<Value> {
    let pk = kinds::by_kind(kinds::POD)?;
    let pod = world.store.get(pk, &fw.namespace, &fw.pod)?;
    (meta::uid(pod) == fw.uid
        && meta::str_at(pod, &["status", "phase"]) == Some("Running")
        && !meta::is_deleting(pod))
    .then(|| pod.clone())
}

/// Before each input of a script: forwards made two inputs ago end.
pub fn age(forwards: &mut Vec<Forward>) {
    forwards.retain_mut(|fw| match &mut fw.inputs_left {
        None => true,
        Some(0) => false,
        Some(n) => {
            *n -= 1;
            true
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_parse_as_client_go_parses_them() {
        let p = |s: &[&str]| {
            parse_ports(&s.iter().map(|x| x.to_string()).collect::<Vec<_>>())
                .map_err(|e| e.render())
        };
        assert_eq!(p(&["8080:80", "5000"]), Ok(vec![(8080, 80), (5000, 5000)]));
        assert_eq!(p(&[":80"]), Ok(vec![(0, 80)]));
        assert_eq!(
            p(&["1:2:3"]),
            Err("error: invalid port format '1:2:3'\n".into())
        );
        assert_eq!(
            p(&["99999:80"]),
            Err("error: error parsing local port '99999': strconv.ParseUint: parsing \"99999\": value out of range\n".into())
        );
        assert_eq!(
            p(&["80:x"]),
            Err("error: error parsing remote port 'x': strconv.ParseUint: parsing \"x\": invalid syntax\n".into())
        );
        assert_eq!(p(&["80:0"]), Err("error: remote port must be > 0\n".into()));
    }

    #[test]
    fn addresses_are_sorted_and_localhost_is_both_loopbacks() {
        let a = |s: &[&str]| parse_addresses(&s.iter().map(|x| x.to_string()).collect::<Vec<_>>());
        let ips = |r: Vec<(String, bool)>| r.into_iter().map(|(a, _)| a).collect::<Vec<_>>();
        assert_eq!(ips(a(&["localhost"]).unwrap()), vec!["127.0.0.1", "::1"]);
        assert_eq!(
            ips(a(&["localhost", "10.0.0.1"]).unwrap()),
            vec!["10.0.0.1", "127.0.0.1", "::1"]
        );
        // An address given as an IP fails on its own, even when localhost names it too.
        assert_eq!(
            a(&["localhost", "127.0.0.1"]).unwrap(),
            vec![("127.0.0.1".to_string(), true), ("::1".to_string(), false)]
        );
        assert!(collide("0.0.0.0", "127.0.0.1"));
        assert!(!collide("0.0.0.0", "::1"));
        assert_eq!(
            a(&["nowhere"]).unwrap_err().render(),
            "error: nowhere is not a valid IP\n"
        );
    }

    #[test]
    fn a_script_forward_lasts_one_more_input() {
        let fw = Forward {
            addresses: vec!["127.0.0.1".into(), "::1".into()],
            local: 8080,
            remote: 80,
            namespace: "default".into(),
            pod: "web".into(),
            uid: "u".into(),
            inputs_left: Some(1),
        };
        let mut all = vec![fw];
        age(&mut all);
        assert_eq!(all.len(), 1);
        age(&mut all);
        assert!(all.is_empty());
    }
}
