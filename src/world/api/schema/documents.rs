//! The OpenAPI definitions kubelab serves, as data compiled into the binary and parsed lazily:
//! one document per Go package (`io.k8s.api.core.v1`, `io.k8s.api.apps.v1`, ...), parsed the
//! first time one of its definitions is looked up (`std::sync::OnceLock`), so start-up pays
//! nothing and a command that only touches ConfigMaps never parses `apps/v1`.
//!
//! Provenance: `openapi/README.md` (Kubernetes v1.32.0's definitions, from the PyPI package
//! kubernetes-validate 1.37.0, split per package by `openapi/split.py`).

use std::sync::OnceLock;

use serde_json::Value;

/// Every package: its name and its minified document (an object NAME -> schema).
const PACKAGES: &[(&str, &str)] = &[
    (
        "io.k8s.api.admissionregistration.v1",
        include_str!("openapi/io.k8s.api.admissionregistration.v1.json"),
    ),
    (
        "io.k8s.api.admissionregistration.v1alpha1",
        include_str!("openapi/io.k8s.api.admissionregistration.v1alpha1.json"),
    ),
    (
        "io.k8s.api.admissionregistration.v1beta1",
        include_str!("openapi/io.k8s.api.admissionregistration.v1beta1.json"),
    ),
    (
        "io.k8s.api.apiserverinternal.v1alpha1",
        include_str!("openapi/io.k8s.api.apiserverinternal.v1alpha1.json"),
    ),
    (
        "io.k8s.api.apps.v1",
        include_str!("openapi/io.k8s.api.apps.v1.json"),
    ),
    (
        "io.k8s.api.authentication.v1",
        include_str!("openapi/io.k8s.api.authentication.v1.json"),
    ),
    (
        "io.k8s.api.authentication.v1beta1",
        include_str!("openapi/io.k8s.api.authentication.v1beta1.json"),
    ),
    (
        "io.k8s.api.authorization.v1",
        include_str!("openapi/io.k8s.api.authorization.v1.json"),
    ),
    (
        "io.k8s.api.autoscaling.v1",
        include_str!("openapi/io.k8s.api.autoscaling.v1.json"),
    ),
    (
        "io.k8s.api.autoscaling.v2",
        include_str!("openapi/io.k8s.api.autoscaling.v2.json"),
    ),
    (
        "io.k8s.api.batch.v1",
        include_str!("openapi/io.k8s.api.batch.v1.json"),
    ),
    (
        "io.k8s.api.certificates.v1",
        include_str!("openapi/io.k8s.api.certificates.v1.json"),
    ),
    (
        "io.k8s.api.certificates.v1alpha1",
        include_str!("openapi/io.k8s.api.certificates.v1alpha1.json"),
    ),
    (
        "io.k8s.api.coordination.v1",
        include_str!("openapi/io.k8s.api.coordination.v1.json"),
    ),
    (
        "io.k8s.api.coordination.v1alpha2",
        include_str!("openapi/io.k8s.api.coordination.v1alpha2.json"),
    ),
    (
        "io.k8s.api.core.v1",
        include_str!("openapi/io.k8s.api.core.v1.json"),
    ),
    (
        "io.k8s.api.discovery.v1",
        include_str!("openapi/io.k8s.api.discovery.v1.json"),
    ),
    (
        "io.k8s.api.events.v1",
        include_str!("openapi/io.k8s.api.events.v1.json"),
    ),
    (
        "io.k8s.api.flowcontrol.v1",
        include_str!("openapi/io.k8s.api.flowcontrol.v1.json"),
    ),
    (
        "io.k8s.api.networking.v1",
        include_str!("openapi/io.k8s.api.networking.v1.json"),
    ),
    (
        "io.k8s.api.networking.v1beta1",
        include_str!("openapi/io.k8s.api.networking.v1beta1.json"),
    ),
    (
        "io.k8s.api.node.v1",
        include_str!("openapi/io.k8s.api.node.v1.json"),
    ),
    (
        "io.k8s.api.policy.v1",
        include_str!("openapi/io.k8s.api.policy.v1.json"),
    ),
    (
        "io.k8s.api.rbac.v1",
        include_str!("openapi/io.k8s.api.rbac.v1.json"),
    ),
    (
        "io.k8s.api.resource.v1alpha3",
        include_str!("openapi/io.k8s.api.resource.v1alpha3.json"),
    ),
    (
        "io.k8s.api.resource.v1beta1",
        include_str!("openapi/io.k8s.api.resource.v1beta1.json"),
    ),
    (
        "io.k8s.api.scheduling.v1",
        include_str!("openapi/io.k8s.api.scheduling.v1.json"),
    ),
    (
        "io.k8s.api.storage.v1",
        include_str!("openapi/io.k8s.api.storage.v1.json"),
    ),
    (
        "io.k8s.api.storage.v1alpha1",
        include_str!("openapi/io.k8s.api.storage.v1alpha1.json"),
    ),
    (
        "io.k8s.api.storage.v1beta1",
        include_str!("openapi/io.k8s.api.storage.v1beta1.json"),
    ),
    (
        "io.k8s.api.storagemigration.v1alpha1",
        include_str!("openapi/io.k8s.api.storagemigration.v1alpha1.json"),
    ),
    (
        "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1",
        include_str!("openapi/io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.json"),
    ),
    (
        "io.k8s.apimachinery.pkg.api.resource",
        include_str!("openapi/io.k8s.apimachinery.pkg.api.resource.json"),
    ),
    (
        "io.k8s.apimachinery.pkg.apis.meta.v1",
        include_str!("openapi/io.k8s.apimachinery.pkg.apis.meta.v1.json"),
    ),
    (
        "io.k8s.apimachinery.pkg.runtime",
        include_str!("openapi/io.k8s.apimachinery.pkg.runtime.json"),
    ),
    (
        "io.k8s.apimachinery.pkg.util.intstr",
        include_str!("openapi/io.k8s.apimachinery.pkg.util.intstr.json"),
    ),
    (
        "io.k8s.apimachinery.pkg.version",
        include_str!("openapi/io.k8s.apimachinery.pkg.version.json"),
    ),
    (
        "io.k8s.kube-aggregator.pkg.apis.apiregistration.v1",
        include_str!("openapi/io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.json"),
    ),
];

/// The parsed documents, one slot per entry of [`PACKAGES`].
static PARSED: [OnceLock<Value>; PACKAGES.len()] = [const { OnceLock::new() }; PACKAGES.len()];

/// The package of a definition name: `io.k8s.api.core.v1.PodSpec` -> `io.k8s.api.core.v1`.
pub fn package_of(name: &str) -> &str {
    name.rsplit_once('.').map(|(p, _)| p).unwrap_or("")
}

/// The document of one package, parsed on first use; `None` for a package kubelab does not ship.
fn package(package: &str) -> Option<&'static Value> {
    let i = PACKAGES.iter().position(|(p, _)| *p == package)?;
    Some(PARSED[i].get_or_init(|| {
        // The data is compiled in and checked by a unit test, so this does not fail; a broken
        // document would make every lookup of its package answer "no schema".
        serde_json::from_str(PACKAGES[i].1).unwrap_or(Value::Null)
    }))
}

/// The schema of a definition, e.g. `io.k8s.api.apps.v1.DeploymentSpec`.
pub fn definition(name: &str) -> Option<&'static Value> {
    package(package_of(name))?.get(name)
}

/// The Go package a served group/version lives in upstream: `("", "v1")` -> `io.k8s.api.core.v1`,
/// `("storage.k8s.io", "v1")` -> `io.k8s.api.storage.v1`, `("apps", "v1")` -> `io.k8s.api.apps.v1`.
fn package_of_group(group: &str, version: &str) -> String {
    if group == "apiextensions.k8s.io" {
        return format!("io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.{version}");
    }
    let short = if group.is_empty() {
        "core"
    } else {
        group.strip_suffix(".k8s.io").unwrap_or(group)
    };
    format!("io.k8s.api.{short}.{version}")
}

/// The definition name of a kind, if kubelab has its schema: the definition must name the
/// group/version/kind in its `x-kubernetes-group-version-kind`.
pub fn kind_definition(group: &str, version: &str, kind: &str) -> Option<String> {
    let name = format!("{}.{kind}", package_of_group(group, version));
    let schema = definition(&name)?;
    let gvks = schema.get("x-kubernetes-group-version-kind")?.as_array()?;
    gvks.iter()
        .any(|g| {
            g.get("group").and_then(Value::as_str) == Some(group)
                && g.get("version").and_then(Value::as_str) == Some(version)
                && g.get("kind").and_then(Value::as_str) == Some(kind)
        })
        .then_some(name)
}

/// How many packages have been parsed so far (for the lazy-loading test).
#[cfg(test)]
fn parsed_count() -> usize {
    PARSED.iter().filter(|p| p.get().is_some()).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_document_parses_and_names_its_package() {
        for (name, text) in PACKAGES {
            let doc: Value = serde_json::from_str(text).expect(name);
            let defs = doc.as_object().expect(name);
            assert!(!defs.is_empty(), "{name}");
            for def in defs.keys() {
                assert_eq!(package_of(def), *name);
            }
        }
    }

    #[test]
    fn kinds_resolve_to_their_definitions() {
        assert_eq!(
            kind_definition("apps", "v1", "Deployment").as_deref(),
            Some("io.k8s.api.apps.v1.Deployment")
        );
        assert_eq!(
            kind_definition("", "v1", "Pod").as_deref(),
            Some("io.k8s.api.core.v1.Pod")
        );
        assert_eq!(
            kind_definition("storage.k8s.io", "v1", "StorageClass").as_deref(),
            Some("io.k8s.api.storage.v1.StorageClass")
        );
        assert_eq!(kind_definition("", "v1", "PodSpec"), None);
        assert_eq!(
            kind_definition("image.openshift.io", "v1", "ImageStream"),
            None
        );
        assert_eq!(kind_definition("example.com", "v1", "Widget"), None);
    }

    #[test]
    fn packages_are_parsed_only_when_used() {
        // Other tests of this binary may have parsed some; the point is that a lookup parses
        // its own package and nothing forces all of them.
        let before = parsed_count();
        assert!(definition("io.k8s.api.node.v1.RuntimeClass").is_some());
        assert!(parsed_count() <= before + 1);
        assert!(parsed_count() < PACKAGES.len());
    }
}
