//! The Service `kubectl create service clusterip|nodeport|loadbalancer|externalname` builds
//! (`kubectl pkg/cmd/create/create_service.go`): label and selector `app=NAME`, one TCP port
//! per `--tcp=port[:targetPort]` named after the pair (`:` becomes `-`), `--node-port` on every
//! port, `--clusterip`, `--external-name`; with kubectl's checks and error texts.

use crate::world::api::kinds;
use serde_json::{Value, json};

/// The service types, as `spec.type` spells them.
pub const CLUSTER_IP: &str = "ClusterIP";
/// `NodePort`.
pub const NODE_PORT: &str = "NodePort";
/// `LoadBalancer`.
pub const LOAD_BALANCER: &str = "LoadBalancer";
/// `ExternalName`.
pub const EXTERNAL_NAME: &str = "ExternalName";

/// What the command line gave.
#[derive(Debug, Clone, Default)]
pub struct ServiceOptions {
    /// NAME.
    pub name: String,
    /// `spec.type`.
    pub service_type: &'static str,
    /// `--tcp` (comma-split).
    pub tcp: Vec<String>,
    /// `--clusterip`.
    pub cluster_ip: String,
    /// `--node-port`.
    pub node_port: i64,
    /// `--external-name`.
    pub external_name: String,
}

/// `Validate()`: the checks made before anything is built.
pub fn validate(o: &ServiceOptions) -> Result<(), String> {
    if o.cluster_ip == "None" && o.service_type != CLUSTER_IP {
        return Err("ClusterIP=None can only be used with ClusterIP service type".into());
    }
    if o.cluster_ip != "None" && o.tcp.is_empty() && o.service_type != EXTERNAL_NAME {
        return Err("at least one tcp port specifier must be provided".into());
    }
    if o.service_type == EXTERNAL_NAME && !is_dns1123_subdomain(&o.external_name) {
        return Err(format!("invalid service external name {}", o.external_name));
    }
    Ok(())
}

/// `IsDNS1123Subdomain`: at most 253 characters of lower-case labels joined by dots.
pub fn is_dns1123_subdomain(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s.split('.').all(|label| {
            !label.is_empty()
                && label
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

/// Go's `strconv.ParseUint(s, 10, 16)` with its error texts.
fn parse_uint16(s: &str) -> Result<i64, String> {
    if s.is_empty() || !s.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!("strconv.ParseUint: parsing {s:?}: invalid syntax"));
    }
    match s.parse::<u64>() {
        Ok(n) if n <= 65535 => Ok(n as i64),
        _ => Err(format!(
            "strconv.ParseUint: parsing {s:?}: value out of range"
        )),
    }
}

/// Go's `strconv.Atoi`: an optional sign and decimal digits.
fn atoi(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    s.parse::<i64>().ok()
}

/// `validation.IsValidPortName`'s messages, in its order.
fn port_name_errors(name: &str) -> Vec<&'static str> {
    let mut errs = Vec::new();
    if name.len() > 15 {
        errs.push("must be no more than 15 characters");
    }
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        errs.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
    }
    if !name.chars().any(|c| c.is_ascii_lowercase()) {
        errs.push("must contain at least one letter (a-z)");
    }
    if name.contains("--") {
        errs.push("must not contain consecutive hyphens");
    }
    if !name.is_empty() && (name.starts_with('-') || name.ends_with('-')) {
        errs.push("must not begin or end with a hyphen");
    }
    errs
}

/// `parsePorts`: `port[:target]` to the port and its target (a number or a port name).
fn parse_ports(spec: &str) -> Result<(i64, Value), String> {
    let parts: Vec<&str> = spec.split(':').collect();
    let port = parse_uint16(parts[0])?;
    let Some(target) = parts.get(1) else {
        return Ok((port, json!(port)));
    };
    match atoi(target) {
        Some(n) => {
            if !(1..=65535).contains(&n) {
                return Err("must be between 1 and 65535, inclusive".into());
            }
            Ok((port, json!(n)))
        }
        None => {
            let errs = port_name_errors(target);
            if !errs.is_empty() {
                return Err(errs.join(","));
            }
            Ok((port, json!(target)))
        }
    }
}

/// Builds the Service (after [`validate`]).
pub fn build(o: &ServiceOptions) -> Result<Value, String> {
    let mut ports = Vec::new();
    for tcp in &o.tcp {
        let (port, target) = parse_ports(tcp)?;
        let mut p = json!({
            "name": tcp.replace(':', "-"),
            "port": port,
            "protocol": "TCP",
            "targetPort": target,
        });
        if o.node_port != 0 {
            p["nodePort"] = json!(o.node_port as i32);
        }
        ports.push(p);
    }
    let mut spec = json!({"selector": {"app": o.name}, "type": o.service_type});
    if !ports.is_empty() {
        spec["ports"] = Value::Array(ports);
    }
    if !o.cluster_ip.is_empty() {
        spec["clusterIP"] = json!(o.cluster_ip);
    }
    if !o.external_name.is_empty() {
        spec["externalName"] = json!(o.external_name);
    }
    Ok(json!({
        "apiVersion": "v1",
        "kind": kinds::SERVICE,
        "metadata": {"creationTimestamp": null, "labels": {"app": o.name}, "name": o.name},
        "spec": spec,
        "status": {"loadBalancer": {}},
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_and_errors() {
        assert_eq!(parse_ports("80").unwrap(), (80, json!(80)));
        assert_eq!(parse_ports("80:http").unwrap(), (80, json!("http")));
        assert_eq!(
            parse_ports("abc").unwrap_err(),
            "strconv.ParseUint: parsing \"abc\": invalid syntax"
        );
        assert_eq!(
            parse_ports("70000").unwrap_err(),
            "strconv.ParseUint: parsing \"70000\": value out of range"
        );
        assert_eq!(
            parse_ports("80:0").unwrap_err(),
            "must be between 1 and 65535, inclusive"
        );
        assert_eq!(
            parse_ports("80:").unwrap_err(),
            "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-),must contain at least one letter (a-z)"
        );
        let mut o = ServiceOptions {
            name: "x".into(),
            service_type: CLUSTER_IP,
            ..Default::default()
        };
        assert_eq!(
            validate(&o).unwrap_err(),
            "at least one tcp port specifier must be provided"
        );
        o.cluster_ip = "None".into();
        assert!(validate(&o).is_ok());
    }
}
