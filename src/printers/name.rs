//! The name printer (`cli-runtime pkg/printers/name.go`): `deployment.apps/mongo created`.

use crate::world::api::kinds::KindInfo;

/// How a command ran, for the ` (dry run)` suffixes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DryRun {
    /// A real request.
    #[default]
    None,
    /// `--dry-run=client`.
    Client,
    /// `--dry-run=server`.
    Server,
}

/// `kind.group/name`.
pub fn qualified_name(kind: &KindInfo, name: &str) -> String {
    format!("{}/{name}", kind.qualified_singular())
}

/// `kind.group/name operation[ (dry run)]` with a newline; an empty operation prints the name only.
pub fn success(kind: &KindInfo, name: &str, operation: &str, dry_run: DryRun) -> String {
    let op = match dry_run {
        DryRun::None => operation.to_string(),
        DryRun::Client => format!("{operation} (dry run)"),
        DryRun::Server => format!("{operation} (server dry run)"),
    };
    if op.is_empty() {
        format!("{}\n", qualified_name(kind, name))
    } else {
        format!("{} {op}\n", qualified_name(kind, name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::api::kinds::by_kind;

    #[test]
    fn prints_like_kubectl() {
        let d = by_kind("Deployment").unwrap();
        assert_eq!(
            success(d, "mongo", "created", DryRun::None),
            "deployment.apps/mongo created\n"
        );
        assert_eq!(
            success(by_kind("Pod").unwrap(), "p", "deleted", DryRun::Client),
            "pod/p deleted (dry run)\n"
        );
        assert_eq!(
            success(d, "mongo", "", DryRun::None),
            "deployment.apps/mongo\n"
        );
    }
}
