//! The shared handle behind the host types: the world, a way to run workstation command lines
//! (for `cluster.kubectl`, `cluster.oc`, `cluster.apply`), and the current namespace.

use std::cell::RefCell;
use std::rc::Rc;

use crate::world::World;

/// What a command line printed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommandOutput {
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
    /// Exit status.
    pub status: i32,
}

/// Runs one workstation command line with the given standard input.
pub type RunCommand = Rc<dyn Fn(&str, &[u8]) -> CommandOutput>;

/// The handle every host type holds.
#[derive(Clone)]
pub struct Host {
    /// The simulated cluster.
    pub world: Rc<RefCell<World>>,
    /// Runs a command line as the student's shell would.
    pub run: RunCommand,
    /// The namespace commands default to (`kubectl config`/`oc project`).
    pub namespace: Rc<dyn Fn() -> String>,
}

impl Host {
    /// A host over `world` whose commands are run by `run`, in namespace `default`.
    pub fn new(world: Rc<RefCell<World>>, run: RunCommand) -> Host {
        Host {
            world,
            run,
            namespace: Rc::new(|| "default".to_string()),
        }
    }
}
