//! Image streams, imports, lookup and triggers at the world level: the keycloak tag-alias
//! rollback of the course (reference openshift.md §1.5, §3.4).

use kubelab::world::World;
use kubelab::world::api::kinds;
use kubelab::world::api::meta;
use kubelab::world::openshift::imagestream::head;
use serde_json::{Value, json};

fn is(w: &World) -> Value {
    w.object("ImageStream", "myproj", "keycloak")
        .unwrap()
        .clone()
}

fn set_tag(w: &mut World, tag: Value) {
    let mut s = is(w);
    let name = tag["name"].as_str().unwrap().to_string();
    let mut tags: Vec<Value> = s["spec"]["tags"].as_array().cloned().unwrap_or_default();
    tags.retain(|t| t["name"] != json!(name));
    tags.push(tag);
    s["spec"]["tags"] = Value::Array(tags);
    meta::remove_path(&mut s, &["metadata", "resourceVersion"]);
    w.update(s, false).unwrap();
}

fn deployment_image(w: &World) -> String {
    meta::str_at(
        w.object("Deployment", "myproj", "mykeycloak").unwrap(),
        &["spec", "template", "spec", "containers", "0", "image"],
    )
    .unwrap()
    .to_string()
}

#[test]
fn keycloak_alias_rollback() {
    let mut w = World::new(5);
    w.create(
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "myproj"}}),
        false,
    )
    .unwrap();
    w.create(json!({"apiVersion": "image.openshift.io/v1", "kind": "ImageStream", "metadata": {"name": "keycloak", "namespace": "myproj"}}), false).unwrap();
    assert_eq!(meta::int_at(&is(&w), &["metadata", "generation"]), Some(1));
    set_tag(
        &mut w,
        json!({"name": "20.0.2", "from": {"kind": "DockerImage", "name": "quay.io/keycloak/keycloak:20.0.2"}}),
    );
    // Created at generation 2, imported at generation 3.
    let s = is(&w);
    assert_eq!(meta::int_at(&s, &["metadata", "generation"]), Some(3));
    let d2 = head(&s, "20.0.2").unwrap()["image"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        head(&s, "20.0.2").unwrap()["dockerImageReference"],
        json!(format!("quay.io/keycloak/keycloak@{d2}"))
    );
    set_tag(
        &mut w,
        json!({"name": "20", "from": {"kind": "ImageStreamTag", "name": "keycloak:20.0.2"}}),
    );
    assert_eq!(head(&is(&w), "20").unwrap()["image"], json!(d2));
    assert_eq!(meta::int_at(&is(&w), &["metadata", "generation"]), Some(4));
    // Lookup on, deploy by short name: the image is rewritten at admission.
    let mut s = is(&w);
    s["spec"]["lookupPolicy"]["local"] = json!(true);
    meta::remove_path(&mut s, &["metadata", "resourceVersion"]);
    w.update(s, false).unwrap();
    w.create(json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "mykeycloak", "namespace": "myproj",
        "annotations": {"image.openshift.io/triggers": "[{\"from\":{\"kind\":\"ImageStreamTag\",\"name\":\"keycloak:20\"},\"fieldPath\":\"spec.template.spec.containers[?(@.name==\\\"keycloak\\\")].image\"}]"}},
        "spec": {"selector": {"matchLabels": {"app": "k"}}, "template": {"metadata": {"labels": {"app": "k"}}, "spec": {"containers": [{"name": "keycloak", "image": "keycloak:20"}]}}}}), false).unwrap();
    assert_eq!(
        deployment_image(&w),
        format!("quay.io/keycloak/keycloak@{d2}")
    );
    // Retag to 20.0.3: import, trigger, new rollout.
    set_tag(
        &mut w,
        json!({"name": "20", "from": {"kind": "DockerImage", "name": "quay.io/keycloak/keycloak:20.0.3"}, "generation": 0}),
    );
    let d3 = head(&is(&w), "20").unwrap()["image"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(d2, d3);
    assert_eq!(
        deployment_image(&w),
        format!("quay.io/keycloak/keycloak@{d3}")
    );
    // Re-alias: the deployment rolls back to the first ReplicaSet, which becomes revision 3.
    set_tag(
        &mut w,
        json!({"name": "20", "from": {"kind": "ImageStreamTag", "name": "keycloak:20.0.2"}}),
    );
    assert_eq!(
        deployment_image(&w),
        format!("quay.io/keycloak/keycloak@{d2}")
    );
    let items = is(&w)["status"]["tags"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["tag"] == json!("20"))
        .unwrap()["items"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(items, 3);
    w.advance(120_000);
    let k = kinds::by_kind("Deployment").unwrap();
    let d = w.get(k, "myproj", "mykeycloak").unwrap();
    assert_eq!(
        meta::annotation(&d, "deployment.kubernetes.io/revision"),
        Some("3")
    );
    assert_eq!(meta::int_at(&is(&w), &["metadata", "generation"]), Some(8));
}
