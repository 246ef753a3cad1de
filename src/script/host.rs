//! The shared handle behind the host types: the world, a way to run workstation command lines
//! (for `cluster.kubectl`, `cluster.oc`, `cluster.apply`), the current namespace, and the meter
//! host calls are charged to.

use std::cell::{RefCell, RefMut};
use std::rc::Rc;

use rhai::EvalAltResult;

use super::meter::{self, Meter};
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

/// Runs one workstation command line with the given standard input; an error is kubelab's own
/// failure (an internal error caught at the command boundary), not the command's.
pub type RunCommand = Rc<dyn Fn(&str, &[u8]) -> Result<CommandOutput, String>>;

/// The handle every host type holds.
#[derive(Clone)]
pub struct Host {
    /// The simulated cluster.
    pub world: Rc<RefCell<World>>,
    /// Runs a command line as the student's shell would.
    pub run: RunCommand,
    /// The namespace commands default to (`kubectl config`/`oc project`).
    pub namespace: Rc<dyn Fn() -> String>,
    /// What the block has spent.
    pub meter: Rc<Meter>,
    /// The world as it was before the block first changed it (taken by [`Host::world_mut`]), to
    /// put back if kubelab fails inside the block.
    pub before: Rc<RefCell<Option<World>>>,
}

impl Host {
    /// A host over `world` whose commands are run by `run`, in namespace `default`, with a meter
    /// of its own.
    pub fn new(world: Rc<RefCell<World>>, run: RunCommand) -> Host {
        Host {
            world,
            run,
            namespace: Rc::new(|| "default".to_string()),
            meter: Rc::new(Meter::default()),
            before: Rc::new(RefCell::new(None)),
        }
    }

    /// The world, to change it: the first time in a block, a copy of it is kept first.
    pub fn world_mut(&self) -> RefMut<'_, World> {
        if self.before.borrow().is_none() {
            let copy = self.world.borrow().clone();
            *self.before.borrow_mut() = Some(copy);
        }
        self.world.borrow_mut()
    }

    /// Charges a host call before it runs.
    pub fn charge(&self, what: &str, cost: u64) -> Result<(), Box<EvalAltResult>> {
        self.meter.charge(what, cost)
    }

    /// Charges `items` objects returned.
    pub fn charge_items(&self, items: usize) {
        self.meter
            .charge_after(meter::ITEM_COST.saturating_mul(items as u64));
    }

    /// The controller rounds run so far (to charge the rounds a call runs).
    pub fn rounds(&self) -> u64 {
        self.world.borrow().stats.rounds
    }

    /// Charges the controller rounds run since `rounds` was [`Host::rounds`].
    pub fn charge_rounds_since(&self, rounds: u64) {
        let now = self.rounds();
        self.meter
            .charge_after(meter::ROUND_COST.saturating_mul(now.saturating_sub(rounds)));
    }
}
