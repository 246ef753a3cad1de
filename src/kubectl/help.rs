//! kubectl 1.32's help texts, recorded from the real kubectl (tests/inputs/kubectl_help, with
//! the script that recorded them): `kubectl --help` and `kubectl COMMAND --help` for every
//! command kubectl has. The front end prints the text of a command kubelab runs (the command
//! table in `verbs`) and says plainly that kubelab does not support the others.

/// Command path (`""` for kubectl itself, `create deployment`) and its help text.
const TEXTS: &[(&str, &str)] = &[
    (
        "annotate",
        include_str!("../../tests/inputs/kubectl_help/annotate.txt"),
    ),
    (
        "api-resources",
        include_str!("../../tests/inputs/kubectl_help/api-resources.txt"),
    ),
    (
        "api-versions",
        include_str!("../../tests/inputs/kubectl_help/api-versions.txt"),
    ),
    (
        "apply",
        include_str!("../../tests/inputs/kubectl_help/apply.txt"),
    ),
    (
        "apply edit-last-applied",
        include_str!("../../tests/inputs/kubectl_help/apply_edit-last-applied.txt"),
    ),
    (
        "apply set-last-applied",
        include_str!("../../tests/inputs/kubectl_help/apply_set-last-applied.txt"),
    ),
    (
        "apply view-last-applied",
        include_str!("../../tests/inputs/kubectl_help/apply_view-last-applied.txt"),
    ),
    (
        "attach",
        include_str!("../../tests/inputs/kubectl_help/attach.txt"),
    ),
    (
        "auth",
        include_str!("../../tests/inputs/kubectl_help/auth.txt"),
    ),
    (
        "auth can-i",
        include_str!("../../tests/inputs/kubectl_help/auth_can-i.txt"),
    ),
    (
        "auth reconcile",
        include_str!("../../tests/inputs/kubectl_help/auth_reconcile.txt"),
    ),
    (
        "auth whoami",
        include_str!("../../tests/inputs/kubectl_help/auth_whoami.txt"),
    ),
    (
        "autoscale",
        include_str!("../../tests/inputs/kubectl_help/autoscale.txt"),
    ),
    (
        "certificate",
        include_str!("../../tests/inputs/kubectl_help/certificate.txt"),
    ),
    (
        "certificate approve",
        include_str!("../../tests/inputs/kubectl_help/certificate_approve.txt"),
    ),
    (
        "certificate deny",
        include_str!("../../tests/inputs/kubectl_help/certificate_deny.txt"),
    ),
    (
        "cluster-info",
        include_str!("../../tests/inputs/kubectl_help/cluster-info.txt"),
    ),
    (
        "cluster-info dump",
        include_str!("../../tests/inputs/kubectl_help/cluster-info_dump.txt"),
    ),
    (
        "completion",
        include_str!("../../tests/inputs/kubectl_help/completion.txt"),
    ),
    (
        "config",
        include_str!("../../tests/inputs/kubectl_help/config.txt"),
    ),
    (
        "config current-context",
        include_str!("../../tests/inputs/kubectl_help/config_current-context.txt"),
    ),
    (
        "config delete-cluster",
        include_str!("../../tests/inputs/kubectl_help/config_delete-cluster.txt"),
    ),
    (
        "config delete-context",
        include_str!("../../tests/inputs/kubectl_help/config_delete-context.txt"),
    ),
    (
        "config delete-user",
        include_str!("../../tests/inputs/kubectl_help/config_delete-user.txt"),
    ),
    (
        "config get-clusters",
        include_str!("../../tests/inputs/kubectl_help/config_get-clusters.txt"),
    ),
    (
        "config get-contexts",
        include_str!("../../tests/inputs/kubectl_help/config_get-contexts.txt"),
    ),
    (
        "config get-users",
        include_str!("../../tests/inputs/kubectl_help/config_get-users.txt"),
    ),
    (
        "config rename-context",
        include_str!("../../tests/inputs/kubectl_help/config_rename-context.txt"),
    ),
    (
        "config set-cluster",
        include_str!("../../tests/inputs/kubectl_help/config_set-cluster.txt"),
    ),
    (
        "config set-context",
        include_str!("../../tests/inputs/kubectl_help/config_set-context.txt"),
    ),
    (
        "config set-credentials",
        include_str!("../../tests/inputs/kubectl_help/config_set-credentials.txt"),
    ),
    (
        "config set",
        include_str!("../../tests/inputs/kubectl_help/config_set.txt"),
    ),
    (
        "config unset",
        include_str!("../../tests/inputs/kubectl_help/config_unset.txt"),
    ),
    (
        "config use-context",
        include_str!("../../tests/inputs/kubectl_help/config_use-context.txt"),
    ),
    (
        "config view",
        include_str!("../../tests/inputs/kubectl_help/config_view.txt"),
    ),
    (
        "cordon",
        include_str!("../../tests/inputs/kubectl_help/cordon.txt"),
    ),
    ("cp", include_str!("../../tests/inputs/kubectl_help/cp.txt")),
    (
        "create",
        include_str!("../../tests/inputs/kubectl_help/create.txt"),
    ),
    (
        "create clusterrole",
        include_str!("../../tests/inputs/kubectl_help/create_clusterrole.txt"),
    ),
    (
        "create clusterrolebinding",
        include_str!("../../tests/inputs/kubectl_help/create_clusterrolebinding.txt"),
    ),
    (
        "create configmap",
        include_str!("../../tests/inputs/kubectl_help/create_configmap.txt"),
    ),
    (
        "create cronjob",
        include_str!("../../tests/inputs/kubectl_help/create_cronjob.txt"),
    ),
    (
        "create deployment",
        include_str!("../../tests/inputs/kubectl_help/create_deployment.txt"),
    ),
    (
        "create ingress",
        include_str!("../../tests/inputs/kubectl_help/create_ingress.txt"),
    ),
    (
        "create job",
        include_str!("../../tests/inputs/kubectl_help/create_job.txt"),
    ),
    (
        "create namespace",
        include_str!("../../tests/inputs/kubectl_help/create_namespace.txt"),
    ),
    (
        "create poddisruptionbudget",
        include_str!("../../tests/inputs/kubectl_help/create_poddisruptionbudget.txt"),
    ),
    (
        "create priorityclass",
        include_str!("../../tests/inputs/kubectl_help/create_priorityclass.txt"),
    ),
    (
        "create quota",
        include_str!("../../tests/inputs/kubectl_help/create_quota.txt"),
    ),
    (
        "create role",
        include_str!("../../tests/inputs/kubectl_help/create_role.txt"),
    ),
    (
        "create rolebinding",
        include_str!("../../tests/inputs/kubectl_help/create_rolebinding.txt"),
    ),
    (
        "create secret",
        include_str!("../../tests/inputs/kubectl_help/create_secret.txt"),
    ),
    (
        "create secret docker-registry",
        include_str!("../../tests/inputs/kubectl_help/create_secret_docker-registry.txt"),
    ),
    (
        "create secret generic",
        include_str!("../../tests/inputs/kubectl_help/create_secret_generic.txt"),
    ),
    (
        "create secret tls",
        include_str!("../../tests/inputs/kubectl_help/create_secret_tls.txt"),
    ),
    (
        "create service",
        include_str!("../../tests/inputs/kubectl_help/create_service.txt"),
    ),
    (
        "create service clusterip",
        include_str!("../../tests/inputs/kubectl_help/create_service_clusterip.txt"),
    ),
    (
        "create service externalname",
        include_str!("../../tests/inputs/kubectl_help/create_service_externalname.txt"),
    ),
    (
        "create service loadbalancer",
        include_str!("../../tests/inputs/kubectl_help/create_service_loadbalancer.txt"),
    ),
    (
        "create service nodeport",
        include_str!("../../tests/inputs/kubectl_help/create_service_nodeport.txt"),
    ),
    (
        "create serviceaccount",
        include_str!("../../tests/inputs/kubectl_help/create_serviceaccount.txt"),
    ),
    (
        "create token",
        include_str!("../../tests/inputs/kubectl_help/create_token.txt"),
    ),
    (
        "debug",
        include_str!("../../tests/inputs/kubectl_help/debug.txt"),
    ),
    (
        "delete",
        include_str!("../../tests/inputs/kubectl_help/delete.txt"),
    ),
    (
        "describe",
        include_str!("../../tests/inputs/kubectl_help/describe.txt"),
    ),
    (
        "diff",
        include_str!("../../tests/inputs/kubectl_help/diff.txt"),
    ),
    (
        "drain",
        include_str!("../../tests/inputs/kubectl_help/drain.txt"),
    ),
    (
        "edit",
        include_str!("../../tests/inputs/kubectl_help/edit.txt"),
    ),
    (
        "events",
        include_str!("../../tests/inputs/kubectl_help/events.txt"),
    ),
    (
        "exec",
        include_str!("../../tests/inputs/kubectl_help/exec.txt"),
    ),
    (
        "explain",
        include_str!("../../tests/inputs/kubectl_help/explain.txt"),
    ),
    (
        "expose",
        include_str!("../../tests/inputs/kubectl_help/expose.txt"),
    ),
    (
        "get",
        include_str!("../../tests/inputs/kubectl_help/get.txt"),
    ),
    (
        "",
        include_str!("../../tests/inputs/kubectl_help/kubectl.txt"),
    ),
    (
        "kustomize",
        include_str!("../../tests/inputs/kubectl_help/kustomize.txt"),
    ),
    (
        "label",
        include_str!("../../tests/inputs/kubectl_help/label.txt"),
    ),
    (
        "logs",
        include_str!("../../tests/inputs/kubectl_help/logs.txt"),
    ),
    (
        "patch",
        include_str!("../../tests/inputs/kubectl_help/patch.txt"),
    ),
    (
        "plugin",
        include_str!("../../tests/inputs/kubectl_help/plugin.txt"),
    ),
    (
        "plugin list",
        include_str!("../../tests/inputs/kubectl_help/plugin_list.txt"),
    ),
    (
        "port-forward",
        include_str!("../../tests/inputs/kubectl_help/port-forward.txt"),
    ),
    (
        "proxy",
        include_str!("../../tests/inputs/kubectl_help/proxy.txt"),
    ),
    (
        "replace",
        include_str!("../../tests/inputs/kubectl_help/replace.txt"),
    ),
    (
        "rollout",
        include_str!("../../tests/inputs/kubectl_help/rollout.txt"),
    ),
    (
        "rollout history",
        include_str!("../../tests/inputs/kubectl_help/rollout_history.txt"),
    ),
    (
        "rollout pause",
        include_str!("../../tests/inputs/kubectl_help/rollout_pause.txt"),
    ),
    (
        "rollout restart",
        include_str!("../../tests/inputs/kubectl_help/rollout_restart.txt"),
    ),
    (
        "rollout resume",
        include_str!("../../tests/inputs/kubectl_help/rollout_resume.txt"),
    ),
    (
        "rollout status",
        include_str!("../../tests/inputs/kubectl_help/rollout_status.txt"),
    ),
    (
        "rollout undo",
        include_str!("../../tests/inputs/kubectl_help/rollout_undo.txt"),
    ),
    (
        "run",
        include_str!("../../tests/inputs/kubectl_help/run.txt"),
    ),
    (
        "scale",
        include_str!("../../tests/inputs/kubectl_help/scale.txt"),
    ),
    (
        "set",
        include_str!("../../tests/inputs/kubectl_help/set.txt"),
    ),
    (
        "set env",
        include_str!("../../tests/inputs/kubectl_help/set_env.txt"),
    ),
    (
        "set image",
        include_str!("../../tests/inputs/kubectl_help/set_image.txt"),
    ),
    (
        "set resources",
        include_str!("../../tests/inputs/kubectl_help/set_resources.txt"),
    ),
    (
        "set selector",
        include_str!("../../tests/inputs/kubectl_help/set_selector.txt"),
    ),
    (
        "set serviceaccount",
        include_str!("../../tests/inputs/kubectl_help/set_serviceaccount.txt"),
    ),
    (
        "set subject",
        include_str!("../../tests/inputs/kubectl_help/set_subject.txt"),
    ),
    (
        "taint",
        include_str!("../../tests/inputs/kubectl_help/taint.txt"),
    ),
    (
        "top",
        include_str!("../../tests/inputs/kubectl_help/top.txt"),
    ),
    (
        "top node",
        include_str!("../../tests/inputs/kubectl_help/top_node.txt"),
    ),
    (
        "top pod",
        include_str!("../../tests/inputs/kubectl_help/top_pod.txt"),
    ),
    (
        "uncordon",
        include_str!("../../tests/inputs/kubectl_help/uncordon.txt"),
    ),
    (
        "version",
        include_str!("../../tests/inputs/kubectl_help/version.txt"),
    ),
    (
        "wait",
        include_str!("../../tests/inputs/kubectl_help/wait.txt"),
    ),
];

/// kubectl's help text for a command path (`create deployment`), if kubectl has the command.
pub fn text(path: &str) -> Option<&'static str> {
    TEXTS.iter().find(|(p, _)| *p == path).map(|(_, t)| *t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_supported_command_has_its_help() {
        for (path, _) in crate::kubectl::verbs::COMMANDS {
            assert!(text(path).is_some(), "no help text for {path:?}");
        }
        assert!(
            text("")
                .is_some_and(|t| t.starts_with("kubectl controls the Kubernetes cluster manager."))
        );
        assert!(
            text("create deployment")
                .is_some_and(|t| t.starts_with("Create a deployment with the specified name."))
        );
        assert_eq!(text("frobnicate"), None);
    }
}
