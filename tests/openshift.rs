//! OpenShift through `oc` as students type it: the trigger annotation's exact JSON, the tag
//! history after each step, and the images pods resolve to.

use kubelab::workstation::Workstation;
use kubelab::world::api::kinds;
use kubelab::world::default_world;

fn run(ws: &mut Workstation, line: &str) -> String {
    let o = ws.run(line);
    assert_eq!(
        o.status,
        0,
        "{line}: {}",
        String::from_utf8_lossy(&o.combined)
    );
    String::from_utf8(o.stdout).unwrap()
}

fn history(ws: &Workstation, tag: &str) -> Vec<String> {
    let k = kinds::by_kind("ImageStream").unwrap();
    let is = ws.world.store.get(k, "demo", "keycloak").unwrap();
    is["status"]["tags"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["tag"] == tag)
        .map(|t| {
            t["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["dockerImageReference"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn pod_images(ws: &Workstation, app: &str) -> Vec<String> {
    let k = kinds::by_kind("Pod").unwrap();
    ws.world
        .store
        .list(k, Some("demo"))
        .filter(|p| {
            p["metadata"]["labels"]["app"] == app
                && p["metadata"].get("deletionTimestamp").is_none()
        })
        .map(|p| {
            p["spec"]["containers"][0]["image"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

#[test]
fn tags_triggers_and_resolved_images() {
    let mut ws = Workstation::new(default_world::build(1));
    let d2 = ws
        .world
        .registry
        .resolve("quay.io/keycloak/keycloak:20.0.2")
        .map(|r| r.image.digest.clone());
    run(&mut ws, "oc new-project demo");
    run(&mut ws, "oc create is keycloak");
    run(
        &mut ws,
        "oc create istag keycloak:20.0 --from-image quay.io/keycloak/keycloak:20.0.2",
    );
    let h1 = history(&ws, "20.0");
    assert_eq!(h1.len(), 1);
    assert!(h1[0].starts_with("quay.io/keycloak/keycloak@sha256:"));
    // The same image again: history does not grow.
    run(
        &mut ws,
        "oc tag quay.io/keycloak/keycloak:20.0.2 keycloak:20.0",
    );
    assert_eq!(history(&ws, "20.0"), h1);
    // A new image: it goes on top.
    run(
        &mut ws,
        "oc tag quay.io/keycloak/keycloak:20.0.3 keycloak:20.0",
    );
    let h2 = history(&ws, "20.0");
    assert_eq!(h2.len(), 2);
    assert_eq!(h2[1], h1[0]);
    assert_ne!(h2[0], h1[0]);
    // An alias follows its target.
    run(&mut ws, "oc tag --alias keycloak:20.0 keycloak:20");
    assert_eq!(history(&ws, "20")[0], h2[0]);

    // Lookup on: a bare stream tag resolves to the digest pull spec.
    run(&mut ws, "oc set image-lookup keycloak");
    run(&mut ws, "oc create deployment kc --image keycloak:20");
    run(&mut ws, "sleep 30");
    assert_eq!(pod_images(&ws, "kc"), vec![h2[0].clone()]);

    // The trigger annotation, exactly as oc writes it.
    run(
        &mut ws,
        "oc set triggers deployment/kc --from-image keycloak:20 --containers keycloak",
    );
    let ann = run(
        &mut ws,
        "oc get deployment kc -o jsonpath='{.metadata.annotations.image\\.openshift\\.io/triggers}'",
    );
    assert_eq!(
        ann,
        r#"[{"from":{"kind":"ImageStreamTag","name":"keycloak:20"},"fieldPath":"spec.template.spec.containers[?(@.name==\"keycloak\")].image"}]"#
    );
    run(
        &mut ws,
        "oc set triggers deployment/kc --manual --from-image keycloak:20 --containers keycloak",
    );
    let ann = run(
        &mut ws,
        "oc get deployment kc -o jsonpath='{.metadata.annotations.image\\.openshift\\.io/triggers}'",
    );
    assert!(ann.ends_with(r#".image","paused":true}]"#), "{ann}");
    run(
        &mut ws,
        "oc set triggers deployment/kc --auto --from-image keycloak:20 --containers keycloak",
    );

    // Re-aliasing rolls the Deployment; re-aliasing back rolls it back.
    run(
        &mut ws,
        "oc tag quay.io/keycloak/keycloak:20.0.2 keycloak:20.0.2",
    );
    run(&mut ws, "oc tag --alias keycloak:20.0.2 keycloak:20");
    run(&mut ws, "sleep 60");
    let back = history(&ws, "20.0.2")[0].clone();
    assert!(d2.is_ok());
    assert_eq!(pod_images(&ws, "kc"), vec![back.clone()]);
    run(&mut ws, "oc tag --alias keycloak:20.0 keycloak:20");
    run(&mut ws, "sleep 60");
    assert_eq!(pod_images(&ws, "kc"), vec![h2[0].clone()]);

    // Lookup off: the bare name is a Docker Hub name, and the pull fails.
    run(&mut ws, "oc set image-lookup keycloak --enabled=false");
    run(&mut ws, "oc create deployment plain --image keycloak:20");
    run(&mut ws, "sleep 20");
    assert_eq!(pod_images(&ws, "plain"), vec!["keycloak:20".to_string()]);
    let reason = run(
        &mut ws,
        "oc get pods -l app=plain -o jsonpath='{.items[0].status.containerStatuses[0].state.waiting.reason}'",
    );
    // The clock is virtual: 20 s after the create, the failed pull is in its back-off.
    assert_eq!(reason, "ImagePullBackOff");
}

#[test]
fn scheduled_import_picks_up_a_re_pushed_floating_tag() {
    let mut ws = Workstation::new(default_world::build(1));
    run(&mut ws, "oc new-project demo");
    run(
        &mut ws,
        "oc tag quay.io/keycloak/keycloak:20.0.2 keycloak:20.0 --scheduled",
    );
    let before = history(&ws, "20.0");
    assert_eq!(before.len(), 1);
    // Upstream, the floating tag moves; without --scheduled nothing would notice.
    ws.world
        .registry
        .tag(
            "quay.io/keycloak/keycloak:20.0.3",
            "quay.io/keycloak/keycloak:20.0.2",
        )
        .unwrap();
    run(&mut ws, "sleep 60");
    assert_eq!(
        history(&ws, "20.0"),
        before,
        "not before the 15-minute period"
    );
    run(&mut ws, "sleep 900");
    let after = history(&ws, "20.0");
    assert_eq!(after.len(), 2, "{after:?}");
    assert_eq!(after[1], before[0]);
}

#[test]
fn floating_tags_on_nodes_and_pull_policies() {
    let mut ws = Workstation::new(default_world::build(1));
    // worker-1 pulled nginx:1.25 earlier; then the tag moved upstream.
    let old = {
        let r = "docker.io/library/nginx:1.25";
        let d = ws.world.registry.resolve(r).unwrap().image.digest.clone();
        run(
            &mut ws,
            "kubectl create deployment warm --image=nginx:1.25 --replicas=2",
        );
        run(&mut ws, "sleep 30");
        run(&mut ws, "kubectl delete deployment warm");
        d
    };
    ws.world
        .registry
        .tag(
            "docker.io/library/nginx:1.27",
            "docker.io/library/nginx:1.25",
        )
        .unwrap();
    // IfNotPresent keeps the old image on the nodes that have it.
    run(
        &mut ws,
        "kubectl create deployment keep --image=nginx:1.25 --replicas=2",
    );
    run(&mut ws, "sleep 30");
    let ids = run(
        &mut ws,
        "kubectl get pods -l app=keep -o jsonpath='{.items[*].status.containerStatuses[0].imageID}'",
    );
    assert!(ids.split(' ').all(|i| i.ends_with(&old)), "{ids}");
    // Always re-checks the digest and pulls the moved tag.
    run(
        &mut ws,
        "kubectl create deployment fresh --image=nginx:1.25 --replicas=2",
    );
    run(
        &mut ws,
        "kubectl patch deployment fresh -p '{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"nginx\",\"imagePullPolicy\":\"Always\"}]}}}}'",
    );
    run(&mut ws, "sleep 60");
    let ids = run(
        &mut ws,
        "kubectl get pods -l app=fresh -o jsonpath='{.items[*].status.containerStatuses[0].imageID}'",
    );
    assert!(
        !ids.is_empty() && ids.split(' ').all(|i| !i.ends_with(&old)),
        "{ids}"
    );
}

#[test]
fn a_paused_deployment_holds_the_triggered_rollout() {
    let mut ws = Workstation::new(default_world::build(1));
    run(&mut ws, "oc new-project demo");
    run(
        &mut ws,
        "oc tag quay.io/keycloak/keycloak:20.0.2 keycloak:20.0.2",
    );
    run(
        &mut ws,
        "oc tag quay.io/keycloak/keycloak:20.0.3 keycloak:20.0.3",
    );
    run(&mut ws, "oc tag --alias keycloak:20.0.2 keycloak:20");
    run(&mut ws, "oc set image-lookup keycloak");
    run(&mut ws, "oc create deployment kc --image keycloak:20");
    run(
        &mut ws,
        "oc set triggers deployment/kc --from-image keycloak:20 --containers keycloak",
    );
    run(&mut ws, "sleep 30");
    let first = pod_images(&ws, "kc");
    run(&mut ws, "oc rollout pause deployment/kc");
    run(&mut ws, "oc tag --alias keycloak:20.0.3 keycloak:20");
    run(&mut ws, "sleep 60");
    assert_eq!(pod_images(&ws, "kc"), first, "paused: no rollout");
    run(&mut ws, "oc rollout resume deployment/kc");
    run(&mut ws, "sleep 60");
    let now = pod_images(&ws, "kc");
    assert_eq!(now, vec![history(&ws, "20.0.3")[0].clone()]);
}
