//! URLs reach the lab's web hosts (`world/web_hosts.rs`): `kubectl apply -f URL` and `curl URL`
//! read the files a lab serves; a missing path on such a host is that host's 404; any other URL
//! is not reachable from the lab's world, which kubelab says plainly (never a made-up status).

use kubelab::workstation::{Workstation, run_script};
use kubelab::world::default_world;

const URL: &str = "https://raw.githubusercontent.com/example/labs/main/cm.yaml";

fn run(script: &str) -> (String, String, i32) {
    let mut world = default_world::build(1);
    world
        .web_hosts
        .put(
            URL,
            b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-web\ndata:\n  a: b\n"
                .to_vec(),
        )
        .unwrap();
    let mut ws = Workstation::new(world);
    let (o, e, s) = run_script(&mut ws, script, false);
    (
        String::from_utf8(o).unwrap(),
        String::from_utf8(e).unwrap(),
        s,
    )
}

#[test]
fn apply_reads_a_file_a_lab_serves() {
    let (out, err, status) = run(&format!(
        "kubectl apply -f {URL}\nkubectl get cm from-web -o jsonpath='{{.data.a}}'\n"
    ));
    assert_eq!(
        (out.as_str(), err.as_str(), status),
        ("configmap/from-web created\nb", "", 0)
    );
}

#[test]
fn a_missing_path_on_a_lab_host_is_its_404() {
    let missing = URL.replace("cm.yaml", "nope.yaml");
    let (_, err, status) = run(&format!("kubectl apply -f {missing}\n"));
    assert_eq!(
        err,
        format!(
            "error: unable to read URL \"{missing}\", server reported 404 Not Found, status code=404\n"
        )
    );
    assert_eq!(status, 1);
    let (out, err, status) = run(&format!(
        "curl -s {missing}; echo \" $?\"; curl -fsS {missing}; echo $?\n"
    ));
    assert_eq!(out, "404: Not Found 0\n22\n");
    assert_eq!(err, "curl: (22) The requested URL returned error: 404\n");
    assert_eq!(status, 0);
}

#[test]
fn other_urls_are_plainly_unreachable() {
    let (out, err, status) = run("kubectl apply -f https://k8s.io/examples/pod.yaml\n");
    assert_eq!(out, "");
    assert_eq!(
        err,
        "error: kubelab does not support reading https://k8s.io/examples/pod.yaml: it is not reachable from the lab's world (no web host of the lab serves https://k8s.io)\n"
    );
    assert_eq!(status, 1);
}

#[test]
fn curl_reads_a_file_a_lab_serves_over_https() {
    let (out, err, status) = run(&format!("curl -s {URL} | grep name\n"));
    assert_eq!(
        (out.as_str(), err.as_str(), status),
        ("  name: from-web\n", "", 0)
    );
}
