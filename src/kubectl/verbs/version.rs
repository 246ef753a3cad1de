//! `kubectl version` / `oc version`: the client and the simulated server's versions.

use crate::kubectl::context::Ctx;
use crate::kubectl::flags::Flags;
use crate::kubectl::outcome::{CmdResult, Failure};

/// The Kubernetes version the simulated cluster and kubectl report.
pub const KUBERNETES_VERSION: &str = "v1.32.4";
/// The OpenShift version `oc version` reports.
pub const OPENSHIFT_VERSION: &str = "4.19.0";

/// `kubectl version [--client]`.
pub fn run(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    if f.string("output").is_some_and(|o| !o.is_empty()) {
        return Err(Failure::Unsupported("kubectl version -o".into()));
    }
    let client_only = f.boolean("client");
    let text = if f.program() == "oc" {
        let mut t = format!("Client Version: {OPENSHIFT_VERSION}\nKustomize Version: v5.5.0\n");
        if !client_only {
            t.push_str(&format!(
                "Server Version: {OPENSHIFT_VERSION}\nKubernetes Version: {KUBERNETES_VERSION}\n"
            ));
        }
        t
    } else {
        let mut t = format!("Client Version: {KUBERNETES_VERSION}\nKustomize Version: v5.5.0\n");
        if !client_only {
            t.push_str(&format!("Server Version: {KUBERNETES_VERSION}\n"));
        }
        t
    };
    ctx.io.out(&text);
    Ok(())
}
