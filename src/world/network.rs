//! The cluster network as seen from a pod or the workstation: names resolved through cluster DNS
//! (`dns/`), cluster IPs load-balanced round-robin over ready endpoints, and what a container
//! answers over HTTP.

use crate::world::api::kinds;
use serde_json::Value;

use super::World;
use super::api::meta;

/// Why a connection failed (curl's exit codes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetError {
    /// DNS failed (curl exit 6).
    UnknownHost(String),
    /// Nothing listens there (curl exit 7).
    Refused { host: String, port: u16 },
    /// A NetworkPolicy dropped the connection (`network_policy/`): no answer comes, the
    /// client gives up at its own or the kernel's connect time-out.
    Dropped { host: String, port: u16 },
}

/// Why a connection found no program to talk to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unreachable {
    /// Nothing is at the address or port (the kernel answers with a reset).
    Refused,
    /// A NetworkPolicy drops the packets (no answer at all).
    Dropped,
}

/// A successful HTTP exchange.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// Status code.
    pub status: u16,
    /// The status line's reason phrase (`OK`, `Not Found`).
    pub reason: &'static str,
    /// The headers, in the server's order.
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: String,
    /// The pod that answered.
    pub pod: String,
}

/// Where a request comes from: its resolver.
#[derive(Debug, Clone, Copy)]
pub enum Origin<'a> {
    /// A pod: its `/etc/resolv.conf` and `/etc/hosts` as the kubelet wrote them.
    Pod(&'a Value),
    /// The workstation: the cluster's DNS with the search list of a pod in this namespace.
    Workstation(&'a str),
}

/// Which of a Service's ready endpoints a connection goes to (kube-proxy picks one at random
/// for each connection; kubelab's choices keep runs reproducible).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pick {
    /// Each in turn, one connection after another (curl, wget: one connection per request).
    InTurn,
    /// The first (clients that keep their connection: redis-cli, whose every command
    /// reconnects in kubelab, mysql, the mongo shells).
    First,
}

impl World {
    /// `GET http://host:port/path` from `from`: the host name resolved as the origin's resolver
    /// does (cluster DNS, `src/world/dns/`), then the connection to the address: a pod's, or a
    /// Service's cluster IP load-balanced round-robin over its ready endpoints. `agent`: the
    /// client's User-Agent (what a web server's access log shows, with the client's address:
    /// `client_addr`).
    pub fn http_get(
        &mut self,
        from: Origin<'_>,
        host: &str,
        port: u16,
        path: &str,
        agent: &str,
    ) -> Result<HttpResponse, NetError> {
        self.http_request(from, host, port, path, agent, None)
    }

    /// `http_get` with the Host header the client sends (`curl -H 'Host: x'`, `--resolve`):
    /// `host` is where the connection goes, `host_header` (default: `host`) what the servers
    /// and the ingress controller and router match their rules against.
    pub fn http_request(
        &mut self,
        from: Origin<'_>,
        host: &str,
        port: u16,
        path: &str,
        agent: &str,
        host_header: Option<&str>,
    ) -> Result<HttpResponse, NetError> {
        let header = host_header.unwrap_or(host).to_string();
        if let Some(answer) = self.router_request(from, host, &header, port, path, agent) {
            return answer;
        }
        let entry = match from {
            Origin::Pod(pod) => self.resolve_from_pod(pod, host),
            Origin::Workstation(ns) => {
                self.resolve_host(&super::dns::ResolvConf::workstation(ns), "", host)
            }
        };
        let addrs = match entry {
            Ok(e) if !e.addrs.is_empty() => e.addrs,
            _ => return Err(NetError::UnknownHost(host.to_string())),
        };
        // Several addresses (a headless Service): CoreDNS's `loadbalance` shuffles them on every
        // answer and curl takes the first; kubelab takes them in turn.
        let ip = if addrs.len() > 1 {
            let n = self
                .lb_counter
                .entry(format!("dns/{}", addrs.join(",")))
                .or_insert(0);
            let ip = addrs[*n % addrs.len()].clone();
            *n += 1;
            ip
        } else {
            addrs[0].clone()
        };
        let client = super::runtime::access_log::Client {
            addr: self.client_addr(from, &ip),
            agent: agent.to_string(),
        };
        // The loopback address is the pod's own network namespace.
        let ip = match from {
            Origin::Pod(pod) if ip == "127.0.0.1" => meta::str_at(pod, &["status", "podIP"])
                .unwrap_or("")
                .to_string(),
            _ => ip,
        };
        let (pod, target) = self
            .connect(&client.addr, &ip, port, Pick::InTurn)
            .map_err(|e| match e {
                Unreachable::Refused => NetError::Refused {
                    host: host.to_string(),
                    port,
                },
                Unreachable::Dropped => NetError::Dropped {
                    host: host.to_string(),
                    port,
                },
            })?;
        if target == 80 && super::traffic::ingress::is_controller_pod(&pod) {
            return self.ingress_request(&pod, (&header, port), path, agent);
        }
        self.answer(&pod, target, (&header, port), path, &client)
    }

    /// What a pod answers on `port` (the router's way to an endpoint).
    pub(crate) fn answer_pod(
        &mut self,
        pod: &Value,
        port: u16,
        host: (&str, u16),
        path: &str,
        client: &super::runtime::access_log::Client,
    ) -> Result<HttpResponse, NetError> {
        self.answer(pod, port, host, path, client)
    }

    /// The address the cluster's edge (the control-plane node) gives connections from outside.
    pub(crate) fn edge_addr(&self) -> String {
        self.client_addr(Origin::Workstation(""), "")
    }

    /// A request the ingress controller's pod received: proxied as its rules say
    /// (`traffic/ingress.rs`), or its own error page.
    fn ingress_request(
        &mut self,
        controller: &Value,
        (host, port): (&str, u16),
        path: &str,
        agent: &str,
    ) -> Result<HttpResponse, NetError> {
        use super::traffic::ingress::{Decision, decide, error_page};
        let status = match decide(self, host, path) {
            Decision::Proxy {
                cluster_ip,
                port: svc_port,
            } => {
                let addr = meta::str_at(controller, &["status", "podIP"])
                    .unwrap_or("")
                    .to_string();
                match self.connect(&addr, &cluster_ip, svc_port, Pick::InTurn) {
                    Ok((pod, target)) => {
                        let client = super::runtime::access_log::Client {
                            addr,
                            agent: agent.to_string(),
                        };
                        match self.answer(&pod, target, (host, port), path, &client) {
                            Ok(r) => return Ok(r),
                            // nginx answers 502 when the upstream refuses the connection.
                            Err(_) => 502,
                        }
                    }
                    Err(Unreachable::Refused) => 503,
                    // nginx gives up on an upstream that does not answer after
                    // ingress-nginx's `proxy-connect-timeout` (5 s) with 504.
                    Err(Unreachable::Dropped) => {
                        self.advance(5_000);
                        504
                    }
                }
            }
            Decision::Status(s) => s,
        };
        let (reason, body) = if status == 504 {
            (
                "Gateway Time-out",
                "<html>\r\n<head><title>504 Gateway Time-out</title></head>\r\n<body>\r\n<center><h1>504 Gateway Time-out</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n".to_string(),
            )
        } else if status == 502 {
            (
                "Bad Gateway",
                "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n".to_string(),
            )
        } else {
            error_page(status)
        };
        Ok(HttpResponse {
            status,
            reason,
            headers: vec![
                (
                    "Date".into(),
                    super::runtime::http_date(self.now().div_euclid(1000)),
                ),
                ("Content-Type".into(), "text/html".into()),
                ("Content-Length".into(), body.len().to_string()),
                ("Connection".into(), "keep-alive".into()),
            ],
            body,
            pod: meta::name(controller).to_string(),
        })
    }

    /// The source address a server sees for a connection from `from` to `ip`: a pod's own IP
    /// (kube-proxy forwards pod-to-Service traffic without SNAT), `127.0.0.1` to itself over
    /// loopback. The workstation is outside the pod network: its connections enter the cluster
    /// through the control-plane node (the first node), which masquerades them to its
    /// InternalIP.
    fn client_addr(&self, from: Origin<'_>, ip: &str) -> String {
        match from {
            Origin::Pod(_) if ip == "127.0.0.1" => ip.to_string(),
            Origin::Pod(pod) => meta::str_at(pod, &["status", "podIP"])
                .unwrap_or("")
                .to_string(),
            Origin::Workstation(_) => super::api::kinds::by_kind(kinds::NODE)
                .and_then(|k| {
                    let nodes: Vec<&Value> = self.store.list(k, None).collect();
                    let node = nodes
                        .iter()
                        .find(|n| {
                            meta::path(n, &["metadata", "labels"])
                                .and_then(|l| l.get("node-role.kubernetes.io/control-plane"))
                                .is_some()
                        })
                        .or(nodes.first())?;
                    meta::path(node, &["status", "addresses"])?
                        .as_array()?
                        .iter()
                        .find(|a| a.get("type").and_then(Value::as_str) == Some("InternalIP"))?
                        .get("address")?
                        .as_str()
                        .map(str::to_string)
                })
                .unwrap_or_default(),
        }
    }

    /// A connection from the address `client` (a pod's, `127.0.0.1` inside a pod, or an
    /// address outside the pod network) to `ip:port`, for every client in the world (curl,
    /// wget, redis-cli, mysql, the mongo shells, the ingress controller): where kube-proxy
    /// delivers it (`route_from`), then whether the NetworkPolicies let it through when the
    /// world's CNI enforces them (`network_policy/`).
    pub fn connect(
        &mut self,
        client: &str,
        ip: &str,
        port: u16,
        pick: Pick,
    ) -> Result<(Value, u16), Unreachable> {
        let (pod, target) = self
            .route_from(ip, port, pick, Some(client))
            .ok_or(Unreachable::Refused)?;
        if !self.traffic.network_policy || client == "127.0.0.1" {
            return Ok((pod, target));
        }
        use super::network_policy::{Peer, allows, on_pod_network};
        let source = self.pod_by_ip(client).filter(on_pod_network);
        let from = match &source {
            // A pod to itself (its own address) stays inside its network namespace.
            Some(s) if meta::uid(s) == meta::uid(&pod) => return Ok((pod, target)),
            Some(s) => Peer::Pod(s),
            None => Peer::Host(client),
        };
        if allows(self, from, &pod, target, "TCP") {
            Ok((pod, target))
        } else {
            Err(Unreachable::Dropped)
        }
    }

    /// Where the pod network delivers a connection to `ip:port`, for every client (curl, wget,
    /// redis-cli, mysql, the mongo shells): a pod's own address as it is; a Service's cluster
    /// IP, as kube-proxy forwards it, to one of the ready addresses of its Endpoints (`pick`),
    /// at the Service port's `targetPort` (a name is looked up among the pod's container
    /// ports). `None` when nothing is there: no pod or Service has the address, the Service
    /// has no such port, or it has no ready endpoint that is a pod. Each client words that its
    /// own way (curl's `Connection refused`, hiredis's, mysql's `ERROR 2003`); whether anything
    /// listens on the pod's port is the client's to ask.
    pub fn route(&mut self, ip: &str, port: u16, pick: Pick) -> Option<(Value, u16)> {
        self.route_from(ip, port, pick, None)
    }

    /// `route` for a connection from `client` (its source address): a Service with
    /// `sessionAffinity: ClientIP` sends a client's connections to the endpoint its first one
    /// went to while that endpoint is ready and within the affinity timeout
    /// (`traffic/affinity.rs`).
    pub fn route_from(
        &mut self,
        ip: &str,
        port: u16,
        pick: Pick,
        client: Option<&str>,
    ) -> Option<(Value, u16)> {
        // kube-proxy's rules take a node port before the node's own processes (the host-network
        // pods that share the node's address) see the connection.
        let external = self.external_service(ip, port);
        if external.is_none()
            && let Some(pod) = self.pod_by_ip(ip)
        {
            return Some((pod, port));
        }
        let (svc, svc_port) = match self.service_by_cluster_ip(ip) {
            Some(svc) => {
                let p = meta::path(&svc, &["spec", "ports"])
                    .and_then(Value::as_array)?
                    .iter()
                    .find(|p| p.get("port").and_then(Value::as_u64) == Some(port as u64))?
                    .clone();
                (svc, p)
            }
            // From outside: a load balancer's address or a node port (`traffic/`).
            None => external?,
        };
        let ep = self.object(kinds::ENDPOINTS, meta::namespace(&svc), meta::name(&svc))?;
        let addrs: Vec<String> = meta::path(ep, &["subsets", "0", "addresses"])
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|x| Some(x.get("ip")?.as_str()?.to_string()))
                    .collect()
            })
            .unwrap_or_default();
        if addrs.is_empty() {
            return None;
        }
        let sticky = client.and_then(|c| self.affinity_pick(&svc, c, &addrs));
        let ip = match pick {
            _ if sticky.is_some() => sticky.unwrap_or_default(),
            Pick::First => addrs[0].clone(),
            Pick::InTurn => {
                let key = format!("{}/{}", meta::namespace(&svc), meta::name(&svc));
                let n = self.lb_counter.entry(key).or_insert(0);
                let ip = addrs[*n % addrs.len()].clone();
                *n += 1;
                ip
            }
        };
        if let Some(c) = client {
            self.affinity_remember(&svc, c, &ip);
        }
        let pod = self.pod_by_ip(&ip)?;
        let target = match svc_port.get("targetPort") {
            Some(Value::Number(t)) => t.as_u64().unwrap_or(port as u64) as u16,
            Some(Value::String(name)) => meta::container_port_named(&pod, name).unwrap_or(0) as u16,
            _ => port,
        };
        Some((pod, target))
    }

    /// The running pod with this IP.
    pub fn pod_by_ip(&self, ip: &str) -> Option<Value> {
        self.store
            .list(super::api::kinds::by_kind(kinds::POD)?, None)
            .find(|p| {
                meta::str_at(p, &["status", "podIP"]) == Some(ip)
                    && !matches!(
                        meta::str_at(p, &["status", "phase"]),
                        Some("Succeeded" | "Failed")
                    )
            })
            .cloned()
    }

    /// Whether `ip` is a Service's cluster IP.
    pub fn is_cluster_ip(&self, ip: &str) -> bool {
        self.service_by_cluster_ip(ip).is_some()
    }

    fn service_by_cluster_ip(&self, ip: &str) -> Option<Value> {
        let k = super::api::kinds::by_kind(kinds::SERVICE)?;
        self.store
            .list(k, None)
            .find(|s| ip != "None" && meta::str_at(s, &["spec", "clusterIP"]) == Some(ip))
            .cloned()
    }

    /// What a pod answers on `port` to `GET path` (the Host header `host`): the running
    /// container that listens there, a web server from its files (`runtime/webserver.rs`),
    /// any other image its declared body; refused when nothing listens.
    fn answer(
        &mut self,
        pod: &Value,
        port: u16,
        (host, host_port): (&str, u16),
        path: &str,
        client: &super::runtime::access_log::Client,
    ) -> Result<HttpResponse, NetError> {
        let refused = || NetError::Refused {
            host: host.to_string(),
            port: host_port,
        };
        let rt = self.pods.get(meta::uid(pod)).ok_or_else(refused)?;
        let (name, body) = rt
            .containers
            .iter()
            .filter(|c| c.is_running())
            .find_map(|c| Some((c.name.clone(), c.process.as_ref()?.http.get(&port)?.clone())))
            .ok_or_else(refused)?;
        let req = super::runtime::Request {
            uri: path,
            host,
            host_port,
            port,
            now: self.now().div_euclid(1000),
        };
        if let Some((a, lines)) = self.web_answer(pod, &name, &req, client) {
            // The server's access log, written to the container's log as it answers.
            let now = self.now();
            if let Some(c) = self
                .pods
                .get_mut(meta::uid(pod))
                .and_then(|rt| rt.containers.iter_mut().find(|c| c.name == name))
            {
                c.logs.at(now).extend(lines);
            }
            return Ok(HttpResponse {
                status: a.status,
                reason: a.reason,
                headers: a.headers,
                body: String::from_utf8_lossy(&a.body).into_owned(),
                pod: meta::name(pod).to_string(),
            });
        }
        Ok(HttpResponse {
            status: 200,
            reason: "OK",
            headers: vec![
                ("Content-Type".into(), "text/plain; charset=utf-8".into()),
                ("Content-Length".into(), body.len().to_string()),
            ],
            body,
            pod: meta::name(pod).to_string(),
        })
    }
}
