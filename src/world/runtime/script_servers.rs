//! Servers a container's script starts (docs/containers.md, "Servers started from scripts"):
//! when the process runs the image's own server in the foreground (`nginx -g 'daemon off;'`,
//! `exec redis-server /conf`), the server replaces the script, with the plan the container's
//! command would have given it (`nodes/process.rs`: one test, `runs_image_server`, for both);
//! nginx started as a daemon answers while the script goes on.

use crate::world::World;
use crate::world::nodes::process::{Process, runs_image_server, server_plan, starts_daemon};
use crate::world::registry::ImageSpec;

use super::Target;

/// What a program a script runs is.
pub(super) enum Runs<'a> {
    /// The image's server in the foreground: it becomes the container's process.
    Server(Process),
    /// nginx as a daemon: it forks, serves, and the command returns 0 at once.
    Daemon(&'a ImageSpec),
    /// Anything else: the world runs it and answers.
    Program,
}

/// What `argv`, which the script of container `t` (running `image`) runs with `path` and
/// `cwd`, is.
pub(super) fn what_runs<'a>(
    t: &Target,
    image: Option<&'a ImageSpec>,
    argv: &[String],
    env: &[(String, String)],
    cwd: &str,
) -> Runs<'a> {
    let (Some(spec), Some(first)) = (image, argv.first()) else {
        return Runs::Program;
    };
    let path = env
        .iter()
        .rev()
        .find(|(k, _)| k == "PATH")
        .map_or("", |(_, v)| v.as_str());
    // Only a program the image has (`/usr/sbin/nginx`, `nginx`).
    if super::host::program_of(&t.rootfs, first, path, cwd).is_none() {
        return Runs::Program;
    }
    if runs_image_server(argv, spec) {
        Runs::Server(server_plan(argv, spec))
    } else if starts_daemon(argv, spec) {
        Runs::Daemon(spec)
    } else {
        Runs::Program
    }
}

impl World {
    /// A daemon the script started (nginx without `daemon off;`) answers as the image's server
    /// while the script runs on; it goes when the container does.
    pub(super) fn serve_in_background(&mut self, t: &Target, spec: &ImageSpec) {
        if let Some(p) = self.pods.get_mut(&t.uid).and_then(|r| {
            r.containers
                .iter_mut()
                .find(|c| c.container_id == t.container_id)
                .and_then(|c| c.process.as_mut())
        }) {
            p.http = spec.behavior.http.clone();
        }
    }
}
