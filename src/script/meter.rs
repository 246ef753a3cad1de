//! What a lab script may spend: the operations of a block, where host calls count as many
//! operations as the work they do (Rhai alone counts a call as one), and what scripts print.
//! One meter is shared by a session's engine (`on_progress`, `on_print`) and the host types it
//! lends each block; [`Meter::begin_block`] starts a block's count.

use std::cell::{Cell, RefCell};

use rhai::EvalAltResult;

/// Operations a command line run by a script costs (`cluster.kubectl`, `.oc`, `.shell`,
/// `.apply`): it parses, runs kubectl against the world and lets the controllers settle.
pub const COMMAND_COST: u64 = 10_000;
/// Operations `cluster.advance` costs, besides the controller rounds it runs.
pub const ADVANCE_COST: u64 = 1_000;
/// Operations every controller round a host call runs costs.
pub const ROUND_COST: u64 = 100;
/// Operations any other host call costs (`cluster.get`, `registry.push`, `node.pull`, ...).
pub const CALL_COST: u64 = 100;
/// Operations each object a host call returns costs (`cluster.list`, `.pods`, `.events`, ...).
pub const ITEM_COST: u64 = 10;
/// Bytes a block may print (`print`, `debug`).
pub const PRINT_PER_BLOCK: usize = 64 << 10;
/// Bytes a session's scripts may print in all.
pub const PRINT_PER_SESSION: usize = 1 << 20;

/// The shared meter of a session's scripts.
#[derive(Debug)]
pub struct Meter {
    /// Operations a block may use (Rhai's and the host calls' together).
    pub operations: u64,
    host: Cell<u64>,
    printed_block: Cell<usize>,
    printed_session: Cell<usize>,
    prints: RefCell<Vec<String>>,
    stop: RefCell<Option<String>>,
}

impl Default for Meter {
    fn default() -> Self {
        Meter::new(super::engine::Limits::default().operations)
    }
}

impl Meter {
    /// A meter allowing `operations` per block.
    pub fn new(operations: u64) -> Meter {
        Meter {
            operations,
            host: Cell::new(0),
            printed_block: Cell::new(0),
            printed_session: Cell::new(0),
            prints: RefCell::new(Vec::new()),
            stop: RefCell::new(None),
        }
    }

    /// Starts counting a new block.
    pub fn begin_block(&self) {
        self.host.set(0);
        self.printed_block.set(0);
        *self.stop.borrow_mut() = None;
    }

    /// Operations host calls used in this block.
    pub fn host_operations(&self) -> u64 {
        self.host.get()
    }

    fn budget_message(&self) -> String {
        format!(
            "this block used up its {} operations (a command line run by cluster.kubectl, .oc, .shell or .apply counts {COMMAND_COST}, cluster.advance {ADVANCE_COST}, each controller round {ROUND_COST}, other host calls {CALL_COST} and {ITEM_COST} per object returned)",
            self.operations
        )
    }

    /// Charges `cost` operations for the host call `what` before it runs: fails when the block
    /// cannot afford it.
    pub fn charge(&self, what: &str, cost: u64) -> Result<(), Box<EvalAltResult>> {
        let used = self.host.get().saturating_add(cost);
        self.host.set(used);
        if used > self.operations {
            return Err(format!("{what}: {}", self.budget_message()).into());
        }
        Ok(())
    }

    /// Charges work found out after a call (controller rounds, objects returned); the block stops
    /// at its next operation if it went over.
    pub fn charge_after(&self, cost: u64) {
        self.host.set(self.host.get().saturating_add(cost));
    }

    /// Rhai's progress callback: stops the block when its operations and host calls together
    /// exceed the budget, or when it printed too much.
    pub fn progress(&self, rhai_operations: u64) -> Option<String> {
        if let Some(why) = self.stop.borrow().clone() {
            return Some(why);
        }
        if rhai_operations.saturating_add(self.host.get()) > self.operations {
            return Some(self.budget_message());
        }
        None
    }

    /// What `print` and `debug` write: kept up to the limits; past one, the block stops.
    pub fn print(&self, text: &str) {
        let n = text.len() + 1;
        self.printed_block
            .set(self.printed_block.get().saturating_add(n));
        self.printed_session
            .set(self.printed_session.get().saturating_add(n));
        if self.stop.borrow().is_some() {
            return;
        }
        if self.printed_block.get() > PRINT_PER_BLOCK {
            *self.stop.borrow_mut() = Some(format!(
                "print: this block printed more than {} KiB (lab scripts may print {} KiB per block and {} MiB per session)",
                PRINT_PER_BLOCK >> 10,
                PRINT_PER_BLOCK >> 10,
                PRINT_PER_SESSION >> 20
            ));
        } else if self.printed_session.get() > PRINT_PER_SESSION {
            *self.stop.borrow_mut() = Some(format!(
                "print: the lab's scripts printed more than {} MiB in this session (lab scripts may print {} KiB per block and {} MiB per session)",
                PRINT_PER_SESSION >> 20,
                PRINT_PER_BLOCK >> 10,
                PRINT_PER_SESSION >> 20
            ));
        } else {
            self.prints.borrow_mut().push(text.to_string());
        }
    }

    /// What scripts printed since the last call.
    pub fn take_prints(&self) -> Vec<String> {
        std::mem::take(&mut *self.prints.borrow_mut())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_are_bounded_per_block_and_per_session() {
        let m = Meter::new(1000);
        m.print("hello");
        assert_eq!(m.progress(1), None);
        assert_eq!(m.take_prints(), vec!["hello".to_string()]);
        m.begin_block();
        let line = "x".repeat(1023);
        for _ in 0..64 {
            m.print(&line);
        }
        assert_eq!(m.progress(1), None);
        m.print("one more");
        let why = m.progress(1).expect("stopped");
        assert!(
            why.starts_with("print: this block printed more than 64 KiB"),
            "{why}"
        );
        assert_eq!(m.take_prints().len(), 64);
        // A session's blocks together: 1 MiB.
        for _ in 0..16 {
            m.begin_block();
            for _ in 0..63 {
                m.print(&line);
            }
        }
        let why = m.progress(1).expect("stopped");
        assert!(
            why.starts_with("print: the lab's scripts printed more than 1 MiB"),
            "{why}"
        );
        assert!(m.take_prints().len() < 1024);
    }

    #[test]
    fn host_calls_share_the_block_budget() {
        let m = Meter::new(25_000);
        assert!(m.charge("cluster.kubectl", COMMAND_COST).is_ok());
        assert!(m.charge("cluster.kubectl", COMMAND_COST).is_ok());
        assert_eq!(m.progress(4_000), None);
        assert!(m.progress(6_000).is_some());
        let e = m
            .charge("cluster.kubectl", COMMAND_COST)
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with(
                "Runtime error: cluster.kubectl: this block used up its 25000 operations"
            ),
            "{e}"
        );
        m.begin_block();
        assert_eq!(m.host_operations(), 0);
        assert!(m.charge("cluster.kubectl", COMMAND_COST).is_ok());
    }
}
