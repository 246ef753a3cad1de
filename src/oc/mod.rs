//! The oc front end: OpenShift's own verbs on top of the kubectl front end (every kubectl verb
//! also works as `oc VERB`).

pub mod create_is;
pub mod image_info;
pub mod image_lookup;
pub mod import_image;
pub mod login;
pub mod node_debug;
pub mod project;
pub mod routes;
pub mod rsh;
pub mod tag;
pub mod triggers;

use crate::kubectl::context::Ctx;
use crate::kubectl::flags::Flags;
use crate::kubectl::outcome::CmdResult;

/// Whether a command path is one of oc's own verbs (not kubectl's).
pub fn is_oc_path(path: &str) -> bool {
    matches!(
        path,
        "new-project"
            | "project"
            | "projects"
            | "tag"
            | "import-image"
            | "create imagestream"
            | "create imagestreamtag"
            | "set image-lookup"
            | "set triggers"
            | "image info"
            | "debug"
            | "rsh"
            | "whoami"
            | "login"
            | "logout"
            | "create route edge"
            | "create route passthrough"
            | "create route reencrypt"
    )
}

/// Runs an oc-only verb; None when the path is a kubectl verb.
pub fn dispatch(ctx: &mut Ctx<'_>, f: &dyn Flags) -> Option<CmdResult> {
    let path = f.path();
    let p: Vec<&str> = path.iter().map(String::as_str).collect();
    if p.as_slice() == ["expose"] {
        return routes::expose(ctx, f);
    }
    Some(match p.as_slice() {
        [
            "create",
            "route",
            t @ ("edge" | "passthrough" | "reencrypt"),
        ] => routes::create(ctx, f, t),
        ["new-project"] => project::new_project(ctx, f),
        ["project"] => project::project(ctx, f),
        ["projects"] => project::projects(ctx, f),
        ["tag"] => tag::run(ctx, f),
        ["import-image"] => import_image::run(ctx, f),
        ["create", "imagestream"] => create_is::imagestream(ctx, f),
        ["create", "imagestreamtag"] => create_is::imagestreamtag(ctx, f),
        ["set", "image-lookup"] => image_lookup::run(ctx, f),
        ["set", "triggers"] => triggers::run(ctx, f),
        ["image", "info"] => image_info::run(ctx, f),
        ["debug"] => node_debug::start(ctx, f),
        ["rsh"] => rsh::run(ctx, f),
        ["whoami"] => login::whoami(ctx, f),
        ["login"] => login::login(ctx, f),
        ["logout"] => login::logout(ctx, f),
        _ => return None,
    })
}
