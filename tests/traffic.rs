//! Traffic from outside the cluster (issue 17): LoadBalancer addresses from a pool, the
//! ingress-nginx controller's routing (cases after ingress-nginx's and Kubernetes' Ingress
//! path-matching rules: Exact before Prefix, longest path first, whole path elements for
//! Prefix, one-label wildcard hosts, the default server), and the router's Routes.

use kubelab::world::World;
use kubelab::world::api::meta;
use kubelab::world::network::Origin;
use kubelab::world::traffic::ingress::{Decision, decide, install};
use serde_json::{Value, json};

fn deployment(name: &str, image: &str) -> Value {
    json!({"apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"replicas": 1, "selector": {"matchLabels": {"app": name}},
            "template": {"metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": "c", "image": image}]}}}})
}

fn service(name: &str, kind: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "Service",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"type": kind, "selector": {"app": name},
            "ports": [{"port": 80, "protocol": "TCP", "targetPort": 80}]}})
}

fn ingress(name: &str, rules: Value) -> Value {
    json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"ingressClassName": "nginx", "rules": rules}})
}

fn path(p: &str, kind: &str, svc: &str) -> Value {
    json!({"path": p, "pathType": kind, "backend": {"service": {"name": svc, "port": {"number": 80}}}})
}

/// A world with a pool, the controller, and the nginx Deployments `a`, `b` and `c` behind
/// ClusterIP Services.
fn world() -> World {
    let mut w = World::new(3);
    w.traffic.pool =
        kubelab::world::traffic::parse_pool("192.168.49.240-192.168.49.241").expect("pool");
    install(&mut w).expect("ingress-nginx");
    for n in ["a", "b", "c"] {
        w.create(deployment(n, "nginx"), false).expect("deployment");
        w.create(service(n, "ClusterIP"), false).expect("service");
    }
    w.advance(30_000);
    w
}

fn ip_of(w: &World, svc: &str) -> String {
    meta::str_at(
        w.object("Service", "default", svc).expect("service"),
        &["spec", "clusterIP"],
    )
    .expect("ip")
    .to_string()
}

fn proxied_to(w: &World, svc: &str) -> Decision {
    Decision::Proxy {
        cluster_ip: ip_of(w, svc),
        port: 80,
    }
}

#[test]
fn load_balancers_take_the_pool_in_order_and_give_addresses_back() {
    let mut w = world();
    let ctrl = w
        .object("Service", "ingress-nginx", "ingress-nginx-controller")
        .expect("controller");
    assert_eq!(
        ctrl["status"]["loadBalancer"],
        json!({"ingress": [{"ip": "192.168.49.240", "ipMode": "VIP"}]})
    );
    w.create(service("lb1", "LoadBalancer"), false)
        .expect("lb1");
    w.create(service("lb2", "LoadBalancer"), false)
        .expect("lb2");
    w.settle();
    let ips = |w: &World, n: &str| {
        kubelab::world::traffic::load_balancers::ingress_ips(
            w.object("Service", "default", n).expect("svc"),
        )
    };
    assert_eq!(ips(&w, "lb1"), ["192.168.49.241"]);
    // The pool is used up: lb2 waits, as MetalLB's controller leaves it pending.
    assert!(ips(&w, "lb2").is_empty());
    // lb1 stops being a LoadBalancer: its address goes to lb2.
    let mut lb1 = w.object("Service", "default", "lb1").cloned().expect("lb1");
    lb1["spec"]["type"] = json!("ClusterIP");
    for p in lb1["spec"]["ports"].as_array_mut().expect("ports") {
        p.as_object_mut().expect("port").remove("nodePort");
    }
    w.update(lb1, false).expect("update");
    w.settle();
    assert!(ips(&w, "lb1").is_empty());
    assert_eq!(ips(&w, "lb2"), ["192.168.49.241"]);
}

#[test]
fn exact_paths_win_over_prefixes_and_longer_paths_over_shorter() {
    let mut w = world();
    w.create(
        ingress(
            "i",
            json!([{"host": "shop.example.com", "http": {"paths": [
                path("/", "Prefix", "a"),
                path("/foo", "Prefix", "b"),
                path("/foo", "Exact", "c"),
            ]}}]),
        ),
        false,
    )
    .expect("ingress");
    w.settle();
    assert_eq!(decide(&w, "shop.example.com", "/foo"), proxied_to(&w, "c"));
    assert_eq!(decide(&w, "shop.example.com", "/foo/"), proxied_to(&w, "b"));
    assert_eq!(
        decide(&w, "shop.example.com", "/foo/bar"),
        proxied_to(&w, "b")
    );
    // Prefix matches whole path elements: /foobar is not under /foo.
    assert_eq!(
        decide(&w, "shop.example.com", "/foobar"),
        proxied_to(&w, "a")
    );
    assert_eq!(decide(&w, "SHOP.example.com:80", "/"), proxied_to(&w, "a"));
    // A host no rule names goes to the default server: nginx's 404 without host-less rules.
    assert_eq!(decide(&w, "other.example.com", "/"), Decision::Status(404));
}

#[test]
fn wildcard_hosts_default_servers_and_backends() {
    let mut w = world();
    let mut ing = ingress(
        "i",
        json!([
            {"host": "*.example.com", "http": {"paths": [path("/", "Prefix", "a")]}},
            {"http": {"paths": [path("/any", "ImplementationSpecific", "b")]}},
            {"host": "gone.example.org", "http": {"paths": [path("/", "Prefix", "missing")]}},
        ]),
    );
    ing["spec"]["defaultBackend"] = json!({"service": {"name": "c", "port": {"number": 80}}});
    w.create(ing, false).expect("ingress");
    w.settle();
    assert_eq!(decide(&w, "www.example.com", "/x"), proxied_to(&w, "a"));
    // One label only: a.b.example.com is not matched by *.example.com.
    assert_eq!(
        decide(&w, "a.b.example.com", "/anything"),
        proxied_to(&w, "b")
    );
    assert_eq!(
        decide(&w, "a.b.example.com", "/nothing"),
        proxied_to(&w, "c")
    );
    // A backend Service that does not exist: nginx's 503.
    assert_eq!(decide(&w, "gone.example.org", "/"), Decision::Status(503));
}

#[test]
fn ingresses_of_other_classes_are_left_alone() {
    let mut w = world();
    let mut other = ingress(
        "other",
        json!([{"host": "x.example.com", "http": {"paths": [path("/", "Prefix", "a")]}}]),
    );
    other["spec"]["ingressClassName"] = json!("traefik");
    w.create(other, false).expect("ingress");
    w.create(
        ingress(
            "mine",
            json!([{"host": "y.example.com", "http": {"paths": [path("/", "Prefix", "a")]}}]),
        ),
        false,
    )
    .expect("ingress");
    w.settle();
    assert_eq!(decide(&w, "x.example.com", "/"), Decision::Status(404));
    let status =
        |w: &World, n: &str| w.object("Ingress", "default", n).expect("ingress")["status"].clone();
    assert_eq!(
        status(&w, "mine"),
        json!({"loadBalancer": {"ingress": [{"ip": "192.168.49.240"}]}})
    );
    assert!(status(&w, "other")["loadBalancer"]["ingress"].is_null());
}

#[test]
fn the_workstation_reaches_services_through_the_controller() {
    let mut w = world();
    w.create(
        ingress(
            "i",
            json!([{"host": "shop.example.com", "http": {"paths": [path("/", "Prefix", "a")]}}]),
        ),
        false,
    )
    .expect("ingress");
    w.settle();
    let r = w
        .http_request(
            Origin::Workstation("default"),
            "192.168.49.240",
            80,
            "/",
            "curl/8.5.0",
            Some("shop.example.com"),
        )
        .expect("answer");
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Welcome to nginx!"));
    assert!(r.pod.starts_with("a-"));
    let r = w
        .http_request(
            Origin::Workstation("default"),
            "192.168.49.240",
            80,
            "/",
            "curl/8.5.0",
            Some("nope.example.com"),
        )
        .expect("answer");
    assert_eq!(r.status, 404);
}

#[test]
fn routes_are_admitted_and_reach_their_services() {
    let mut w = world();
    w.create(
        json!({"apiVersion": "route.openshift.io/v1", "kind": "Route",
            "metadata": {"name": "a", "namespace": "default"},
            "spec": {"to": {"name": "a"}}}),
        false,
    )
    .expect("route");
    w.settle();
    let r = w.object("Route", "default", "a").expect("route");
    assert_eq!(r["spec"]["host"], "a-default.apps.ocp4.example.com");
    assert_eq!(
        r["status"]["ingress"][0]["conditions"][0]["type"],
        "Admitted"
    );
    let answer = w
        .http_get(
            Origin::Workstation("default"),
            "a-default.apps.ocp4.example.com",
            80,
            "/",
            "curl/8.5.0",
        )
        .expect("answer");
    assert!(answer.pod.starts_with("a-"));
}

#[test]
fn client_ip_affinity_keeps_a_client_on_one_endpoint() {
    let mut w = World::new(5);
    let mut d = deployment("web", "nginx");
    d["spec"]["replicas"] = json!(3);
    w.create(d, false).expect("deployment");
    let mut sticky = service("web", "ClusterIP");
    sticky["spec"]["sessionAffinity"] = json!("ClientIP");
    sticky["spec"]["sessionAffinityConfig"] = json!({"clientIP": {"timeoutSeconds": 60}});
    w.create(sticky, false).expect("service");
    let mut plain = service("plain", "ClusterIP");
    plain["spec"]["selector"] = json!({"app": "web"});
    w.create(plain, false).expect("service");
    w.advance(30_000);
    let get = |w: &mut World, host: &str| {
        w.http_get(Origin::Workstation("default"), host, 80, "/", "curl/8.5.0")
            .expect("answer")
            .pod
    };
    let first = get(&mut w, "web");
    for _ in 0..4 {
        assert_eq!(get(&mut w, "web"), first);
    }
    // Without affinity the connections take the endpoints in turn.
    let spread: std::collections::BTreeSet<String> = (0..3).map(|_| get(&mut w, "plain")).collect();
    assert_eq!(spread.len(), 3);
    // Past the timeout the client is balanced again (the next endpoint in turn).
    w.advance(61_000);
    assert_ne!(get(&mut w, "web"), first);
}
