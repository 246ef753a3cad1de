//! Cluster DNS against a world with a ClusterIP Service, a headless Service in front of a
//! StatefulSet, an ExternalName Service and a hand-written Endpoints with a not-ready address.

use serde_json::{Value, json};

use super::*;
use crate::world::World;
use crate::world::default_world;

fn world() -> World {
    let mut w = default_world::build(7);
    let objs = [
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}}),
        json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "shop"},
            "spec": {"clusterIP": "10.96.5.5", "selector": {"app": "web"}, "ports": [{"name": "http", "port": 80, "protocol": "TCP"}]}}),
        json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "nginx", "namespace": "default"},
            "spec": {"clusterIP": "None", "selector": {"app": "nginx"}, "ports": [{"port": 80}]}}),
        json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "web", "namespace": "default"},
            "spec": {"serviceName": "nginx", "replicas": 2, "selector": {"matchLabels": {"app": "nginx"}},
                "template": {"metadata": {"labels": {"app": "nginx"}},
                    "spec": {"containers": [{"name": "nginx", "image": "nginx:1.25"}]}}}}),
        json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "ext", "namespace": "default"},
            "spec": {"type": "ExternalName", "externalName": "db.example.com"}}),
        json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "alias", "namespace": "default"},
            "spec": {"type": "ExternalName", "externalName": "web.shop.svc.cluster.local"}}),
        json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "manual", "namespace": "default"},
            "spec": {"clusterIP": "None", "ports": [{"port": 5432}]}}),
        json!({"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": "manual", "namespace": "default"},
            "subsets": [{"addresses": [{"ip": "10.1.0.7"}], "notReadyAddresses": [{"ip": "10.1.0.8"}], "ports": [{"port": 5432}]}]}),
    ];
    for o in objs {
        w.create(o, false).expect("create");
    }
    w.advance(60_000);
    w
}

fn pod(w: &World, ns: &str, name: &str) -> Value {
    w.object("Pod", ns, name).cloned().expect("pod")
}

fn ip_of(w: &World, ns: &str, name: &str) -> String {
    pod(w, ns, name)["status"]["podIP"]
        .as_str()
        .expect("ip")
        .to_string()
}

fn a(w: &World, name: &str) -> Result<Vec<String>, Rcode> {
    let r = w.coredns_query(name, RrType::A);
    if r.rcode != Rcode::NoError {
        return Err(r.rcode);
    }
    Ok(r.answers
        .iter()
        .map(|x| match &x.data {
            Rdata::A(ip) => ip.to_string(),
            Rdata::Cname(t) => format!("CNAME {t}"),
            Rdata::Ptr(t) => format!("PTR {t}"),
        })
        .collect())
}

fn argv(s: &str) -> Vec<String> {
    s.split_whitespace().map(str::to_string).collect()
}

fn run(w: &World, p: &Value, line: &str) -> (String, String, i32) {
    let (o, e, c) = nslookup(w, p, &argv(line));
    (
        String::from_utf8(o).expect("utf8"),
        String::from_utf8(e).expect("utf8"),
        c,
    )
}

#[test]
fn service_names_answer_the_cluster_ip() {
    let w = world();
    assert_eq!(
        a(&w, "web.shop.svc.cluster.local"),
        Ok(vec!["10.96.5.5".into()])
    );
    assert_eq!(
        a(&w, "WEB.shop.svc.cluster.local."),
        Ok(vec!["10.96.5.5".into()])
    );
    assert_eq!(
        a(&w, "_http._tcp.web.shop.svc.cluster.local"),
        Ok(vec!["10.96.5.5".into()])
    );
    assert_eq!(
        a(&w, "_https._tcp.web.shop.svc.cluster.local"),
        Err(Rcode::NxDomain)
    );
    assert_eq!(
        a(&w, "kubernetes.default.svc.cluster.local"),
        Ok(vec!["10.96.0.1".into()])
    );
    // Short forms are not names of the zone: only a resolver's search list makes them work.
    assert_eq!(a(&w, "web.shop"), Err(Rcode::NxDomain));
    assert_eq!(a(&w, "nope.shop.svc.cluster.local"), Err(Rcode::NxDomain));
    assert_eq!(a(&w, "web.nons.svc.cluster.local"), Err(Rcode::NxDomain));
    // A namespace, the zone's apex and `svc`: names without addresses (NODATA).
    assert_eq!(a(&w, "shop.svc.cluster.local"), Ok(vec![]));
    assert_eq!(a(&w, "svc.cluster.local"), Ok(vec![]));
    assert_eq!(a(&w, "cluster.local"), Ok(vec![]));
    assert_eq!(a(&w, "web.cluster.local"), Err(Rcode::NxDomain));
    assert_eq!(
        a(&w, "a.b.c.web.shop.svc.cluster.local"),
        Err(Rcode::NxDomain)
    );
}

#[test]
fn headless_services_answer_their_ready_endpoints_and_pods_their_own_names() {
    let w = world();
    let (ip0, ip1) = (ip_of(&w, "default", "web-0"), ip_of(&w, "default", "web-1"));
    let mut both = vec![ip0.clone(), ip1.clone()];
    both.sort();
    assert_eq!(a(&w, "nginx.default.svc.cluster.local"), Ok(both));
    assert_eq!(
        a(&w, "web-0.nginx.default.svc.cluster.local"),
        Ok(vec![ip0.clone()])
    );
    assert_eq!(
        a(&w, "web-1.nginx.default.svc.cluster.local"),
        Ok(vec![ip1])
    );
    assert_eq!(
        a(&w, "web-2.nginx.default.svc.cluster.local"),
        Err(Rcode::NxDomain)
    );
    // An address with a hostname is not published under its dashed IP.
    let dashed = format!("{}.nginx.default.svc.cluster.local", ip0.replace('.', "-"));
    assert_eq!(a(&w, &dashed), Err(Rcode::NxDomain));
    // Not-ready addresses are left out; a dashed IP names an address without hostname.
    assert_eq!(
        a(&w, "manual.default.svc.cluster.local"),
        Ok(vec!["10.1.0.7".into()])
    );
    assert_eq!(
        a(&w, "10-1-0-7.manual.default.svc.cluster.local"),
        Ok(vec!["10.1.0.7".into()])
    );
    assert_eq!(
        a(&w, "10-1-0-8.manual.default.svc.cluster.local"),
        Err(Rcode::NxDomain)
    );
}

#[test]
fn a_headless_service_without_ready_endpoints_is_nxdomain() {
    let mut w = world();
    w.create(
        json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "empty", "namespace": "default"},
            "spec": {"clusterIP": "None", "selector": {"app": "none"}, "ports": [{"port": 80}]}}),
        false,
    )
    .expect("create");
    w.advance(1_000);
    assert_eq!(
        a(&w, "empty.default.svc.cluster.local"),
        Err(Rcode::NxDomain)
    );
}

#[test]
fn pod_names_external_names_and_reverse_lookups() {
    let w = world();
    assert_eq!(
        a(&w, "10-244-1-6.default.pod.cluster.local"),
        Ok(vec!["10.244.1.6".into()])
    );
    assert_eq!(
        a(&w, "10-244-1-6.nons.pod.cluster.local"),
        Err(Rcode::NxDomain)
    );
    assert_eq!(
        a(&w, "web-0.default.pod.cluster.local"),
        Err(Rcode::NxDomain)
    );
    assert_eq!(
        a(&w, "ext.default.svc.cluster.local"),
        Ok(vec!["CNAME db.example.com".into()])
    );
    assert_eq!(
        a(&w, "alias.default.svc.cluster.local"),
        Ok(vec![
            "CNAME web.shop.svc.cluster.local".into(),
            "10.96.5.5".into()
        ])
    );
    let mut w = w;
    for (n, t) in [("ping", "pong"), ("pong", "ping")] {
        w.create(
            json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": n, "namespace": "default"},
                "spec": {"type": "ExternalName", "externalName": format!("{t}.default.svc.cluster.local")}}),
            false,
        )
        .expect("create");
    }
    // A CNAME loop inside the zone, and an AAAA through a CNAME to an IPv4 Service: NODATA.
    assert_eq!(a(&w, "ping.default.svc.cluster.local"), Ok(vec![]));
    let r = w.coredns_query("alias.default.svc.cluster.local", RrType::Aaaa);
    assert_eq!((r.rcode, r.answers.len()), (Rcode::NoError, 0));
    // Outside the zone: the nodes' resolver, which knows no name (not authoritative).
    let r = w.coredns_query("example.com", RrType::A);
    assert_eq!((r.rcode, r.authoritative), (Rcode::NxDomain, false));
    let ptr = w.coredns_query("5.5.96.10.in-addr.arpa", RrType::Ptr);
    assert_eq!(
        ptr.answers[0].data,
        Rdata::Ptr("web.shop.svc.cluster.local".into())
    );
    let ip0 = ip_of(&w, "default", "web-0");
    let rev: Vec<&str> = ip0.split('.').rev().collect();
    let ptr = w.coredns_query(&format!("{}.in-addr.arpa", rev.join(".")), RrType::Ptr);
    assert_eq!(
        ptr.answers[0].data,
        Rdata::Ptr("web-0.nginx.default.svc.cluster.local".into())
    );
}

#[test]
fn the_resolver_expands_the_search_list_with_ndots_5() {
    let w = world();
    let web0 = pod(&w, "default", "web-0");
    let ip1 = ip_of(&w, "default", "web-1");
    let r = |n: &str| w.resolve_from_pod(&web0, n).map(|e| (e.name, e.addrs));
    assert_eq!(
        r("web-1.nginx"),
        Ok((
            "web-1.nginx.default.svc.cluster.local".into(),
            vec![ip1.clone()]
        ))
    );
    assert_eq!(
        r("web.shop"),
        Ok((
            "web.shop.svc.cluster.local".into(),
            vec!["10.96.5.5".into()]
        ))
    );
    assert_eq!(r("web.shop.svc").map(|x| x.1), Ok(vec!["10.96.5.5".into()]));
    assert_eq!(
        r("kubernetes.default").map(|x| x.1),
        Ok(vec!["10.96.0.1".into()])
    );
    assert_eq!(r("web").map(|x| x.1), Err(LookupError::NotFound));
    assert_eq!(r("nope"), Err(LookupError::NotFound));
    // The pod's own names come from its hosts file.
    let ip0 = ip_of(&w, "default", "web-0");
    assert_eq!(
        r("web-0"),
        Ok(("web-0.nginx.default.svc.cluster.local".into(), vec![ip0]))
    );
    // A final dot: no search.
    assert_eq!(r("web.shop."), Err(LookupError::NotFound));
    let conf = ResolvConf::parse("search shop.svc.cluster.local\nnameserver 10.96.0.10\n");
    assert_eq!(conf.ndots, 1);
    assert_eq!(
        w.resolve_host(&conf, "", "web").map(|e| e.addrs),
        Ok(vec!["10.96.5.5".into()])
    );
    let none = ResolvConf::parse("nameserver 10.9.9.9\n");
    assert_eq!(
        w.resolve_host(&none, "", "web.shop.svc.cluster.local"),
        Err(LookupError::NoServer)
    );
}

#[test]
fn nslookup_prints_what_busybox_prints() {
    let w = world();
    let web0 = pod(&w, "default", "web-0");
    let ip1 = ip_of(&w, "default", "web-1");
    // A dotted name is asked as it is: web-1.nginx is not found (reference §2).
    assert_eq!(
        run(&w, &web0, "nslookup web-1.nginx"),
        (
            "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n** server can't find web-1.nginx: NXDOMAIN\n\n** server can't find web-1.nginx: NXDOMAIN\n\n".into(),
            String::new(),
            1
        )
    );
    assert_eq!(
        run(&w, &web0, "nslookup web-1.nginx.default.svc.cluster.local"),
        (
            format!(
                "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\nName:\tweb-1.nginx.default.svc.cluster.local\nAddress: {ip1}\n\n\n"
            ),
            String::new(),
            0
        )
    );
    // A dot-less name: every search domain, A then AAAA; a miss anywhere makes the status 1.
    let (out, _, code) = run(&w, &web0, "nslookup kubernetes");
    assert_eq!(
        out,
        "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\nName:\tkubernetes.default.svc.cluster.local\nAddress: 10.96.0.1\n\n** server can't find kubernetes.svc.cluster.local: NXDOMAIN\n\n** server can't find kubernetes.cluster.local: NXDOMAIN\n\n\n** server can't find kubernetes.svc.cluster.local: NXDOMAIN\n\n** server can't find kubernetes.cluster.local: NXDOMAIN\n\n"
    );
    assert_eq!(code, 1);
    // An address: one PTR query.
    assert_eq!(
        run(&w, &web0, "nslookup 10.96.5.5").0,
        "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n5.5.96.10.in-addr.arpa\tname = web.shop.svc.cluster.local\n\n"
    );
    // An external name: forwarded, not found.
    assert_eq!(
        run(&w, &web0, "nslookup example.com").0,
        "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n** server can't find example.com: NXDOMAIN\n\n** server can't find example.com: NXDOMAIN\n\n"
    );
    // ExternalName: a CNAME, for A and for AAAA.
    assert_eq!(
        run(&w, &web0, "nslookup ext.default.svc.cluster.local"),
        (
            "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\next.default.svc.cluster.local\tcanonical name = db.example.com\n\next.default.svc.cluster.local\tcanonical name = db.example.com\n\n".into(),
            String::new(),
            0
        )
    );
    // -type=a, a server on the command line, one that does not answer, bad arguments.
    assert_eq!(
        run(&w, &web0, "nslookup -type=a web.shop.svc.cluster.local 10.96.0.10"),
        (
            "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\nName:\tweb.shop.svc.cluster.local\nAddress: 10.96.5.5\n\n".into(),
            String::new(),
            0
        )
    );
    assert_eq!(
        run(&w, &web0, "nslookup web 10.1.2.3"),
        (
            ";; connection timed out; no servers could be reached\n\n".into(),
            String::new(),
            1
        )
    );
    assert_eq!(
        run(&w, &web0, "nslookup -type=bogus web").1,
        "nslookup: invalid query type \"bogus\"\n"
    );
    assert_eq!(
        run(&w, &web0, "nslookup web nosuchserver").1,
        "nslookup: bad address 'nosuchserver'\n"
    );
    assert_eq!(run(&w, &web0, "nslookup").2, 1);
}

#[test]
fn the_kubelet_writes_resolv_conf_hosts_and_hostname() {
    let w = world();
    let web0 = pod(&w, "default", "web-0");
    let ip0 = ip_of(&w, "default", "web-0");
    assert_eq!(
        resolv_conf(&w, &web0),
        "search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n"
    );
    assert_eq!(
        hosts_file(&w, &web0),
        format!(
            "# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n{ip0}\tweb-0.nginx.default.svc.cluster.local\tweb-0\n"
        )
    );
    assert_eq!(hostname(&web0), "web-0");
    assert_eq!(hostname_file(&web0), "web-0\n");

    let mut p = web0.clone();
    p["metadata"]["name"] = json!("busybox");
    p["metadata"]["namespace"] = json!("shop");
    p["spec"] = json!({"hostAliases": [{"ip": "127.0.0.1", "hostnames": ["foo.local", "bar.local"]}],
        "dnsConfig": {"nameservers": ["1.1.1.1"], "searches": ["example.org"],
            "options": [{"name": "ndots", "value": "2"}, {"name": "edns0"}]}});
    assert_eq!(
        resolv_conf(&w, &p),
        "search shop.svc.cluster.local svc.cluster.local cluster.local example.org\nnameserver 10.96.0.10\nnameserver 1.1.1.1\noptions ndots:2 edns0\n"
    );
    assert!(hosts_file(&w, &p).ends_with(&format!(
        "fe00::2\tip6-allrouters\n{ip0}\tbusybox\n\n# Entries added by HostAliases.\n127.0.0.1\tfoo.local\n127.0.0.1\tbar.local\n"
    )));
    p["spec"]["dnsPolicy"] = json!("Default");
    assert_eq!(
        resolv_conf(&w, &p),
        "search example.org\nnameserver 10.0.0.2\nnameserver 1.1.1.1\noptions ndots:2 edns0\n"
    );
    p["spec"]["dnsPolicy"] = json!("None");
    p["spec"]["dnsConfig"] = json!({"nameservers": ["8.8.8.8"]});
    assert_eq!(resolv_conf(&w, &p), "nameserver 8.8.8.8\n");
    p["spec"] =
        json!({"hostname": "x".repeat(61) + "-y", "subdomain": "s", "setHostnameAsFQDN": true});
    assert_eq!(hostname(&p), "x".repeat(61) + "-y");
    assert_eq!(
        hostname_file(&p),
        format!("{}-y.s.shop.svc.cluster.local\n", "x".repeat(61))
    );
    p["spec"] = json!({"hostname": "x".repeat(62) + "-yz"});
    assert_eq!(hostname(&p), "x".repeat(62));
}

#[test]
fn getent_hosts_reads_the_hosts_file_then_dns() {
    let w = world();
    let web0 = pod(&w, "default", "web-0");
    let ip0 = ip_of(&w, "default", "web-0");
    let g = |line: &str| {
        let (o, e, c) = getent(&w, &web0, &argv(line));
        (
            String::from_utf8(o).expect("utf8"),
            String::from_utf8(e).expect("utf8"),
            c,
        )
    };
    assert_eq!(
        g("getent hosts web-0"),
        (
            format!("{ip0:<15} web-0.nginx.default.svc.cluster.local web-0\n"),
            String::new(),
            0
        )
    );
    assert_eq!(
        g("getent hosts localhost").0,
        "::1             localhost ip6-localhost ip6-loopback\n"
    );
    assert_eq!(
        g("getent hosts web.shop").0,
        "10.96.5.5       web.shop.svc.cluster.local\n"
    );
    assert_eq!(g("getent hosts web.shop nope web.shop").2, 2);
    assert_eq!(g("getent hosts nope"), (String::new(), String::new(), 2));
    assert_eq!(
        g("getent bogus").1,
        "Unknown database: bogus\nTry `getent --help' or `getent --usage' for more information.\n"
    );
}
