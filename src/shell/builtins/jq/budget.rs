//! The budget of one jq run, kept per thread (a run has its own thread): steps, stack, memory
//! and Ctrl-C. jaq evaluates a filter node by node and every node asks for the filter's table
//! first ([`super::data`]), so counting there counts the work; the values' own loops (iterating,
//! collecting, comparing, printing) count their elements too. A run that exceeds its budget is
//! unwound (`resume_unwind`, which runs no panic hook) and [`run`] turns the unwinding into a
//! [`Stop`]. Every limit counts steps or bytes, never time: the same filter stops at the same
//! place on every run.

use std::cell::{Cell, RefCell};
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::alloc_gauge;

/// Steps one jq command may take (a step is one filter node evaluated, or one element iterated,
/// collected, compared or printed).
pub(crate) const STEPS: u64 = 10_000_000;
/// Bytes one jq command may hold (values, output, the compiled filter).
pub(crate) const MEMORY: usize = 64 << 20;
/// Bytes of stack a jq command's recursion may use.
pub(crate) const STACK: usize = 40 << 20;
/// The stack reserved for the thread a jq command runs on (only what is used is ever touched).
/// Beyond [`STACK`] it is room for what recurses without passing a check: dropping a value (at
/// most [`DEPTH`] deep) and dropping the chains of closures and paths jaq keeps in linked lists,
/// which a filter can make as long as its memory allows (`def f(x): f([x]); f(1)` makes one of
/// about a million links in 64 MiB): dropping that recurses once per link, about 60 MiB of stack
/// in a release build and 400 MiB in a debug build.
pub(crate) const THREAD_STACK: usize = if cfg!(debug_assertions) {
    4 << 30
} else {
    1 << 30
};
/// The stack of the thread if the system refuses to reserve [`THREAD_STACK`].
pub(crate) const SMALL_THREAD_STACK: usize = 64 << 20;
/// How deep a value may nest.
pub(crate) const DEPTH: u32 = 10_000;
/// How many steps may pass between two looks at the stack, the memory and Ctrl-C.
const CHECK_EVERY: u64 = 256;

/// Why a run was stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stop {
    /// More than [`STEPS`] steps.
    Steps,
    /// More than [`MEMORY`] bytes held.
    Memory,
    /// More than [`STACK`] bytes of stack.
    Stack,
    /// A value nested deeper than [`DEPTH`].
    Depth,
    /// The output passed the shell's output limit.
    Output,
    /// Ctrl-C.
    Interrupt,
}

/// Plain cells only (no destructor), so that reaching them costs next to nothing.
struct Budget {
    active: Cell<bool>,
    /// Steps counted up to the last full check.
    used: Cell<u64>,
    /// Steps allowed between the last full check and the next one.
    window: Cell<u64>,
    /// What is left of the window.
    left: Cell<u64>,
    stack_top: Cell<usize>,
    held_base: Cell<isize>,
}

thread_local! {
    static BUDGET: Budget = const {
        Budget {
            active: Cell::new(false),
            used: Cell::new(0),
            window: Cell::new(u64::MAX),
            left: Cell::new(u64::MAX),
            stack_top: Cell::new(0),
            held_base: Cell::new(0),
        }
    };
    static INTERRUPT: RefCell<Option<Arc<AtomicBool>>> = const { RefCell::new(None) };
}

/// Unwinds the run with the reason.
pub(crate) fn stop(why: Stop) -> ! {
    resume_unwind(Box::new(why))
}

#[inline(never)]
fn stack_address() -> usize {
    let marker = 0u8;
    std::hint::black_box(&marker) as *const u8 as usize
}

/// Counts `n` steps; every [`CHECK_EVERY`] steps checks every limit and unwinds when one is
/// exceeded. The count is exact: a run stops at its `STEPS + 1`th step. Does nothing outside a
/// run (values are also made while reading `--argjson`).
#[inline]
pub(crate) fn charge(n: u64) {
    BUDGET.with(|b| {
        let left = b.left.get();
        if n < left {
            b.left.set(left - n);
        } else {
            check(b, n);
        }
    })
}

#[cold]
fn check(b: &Budget, n: u64) {
    if !b.active.get() {
        b.window.set(u64::MAX);
        b.left.set(u64::MAX);
        return;
    }
    let used = b.used.get() + (b.window.get() - b.left.get()) + n;
    b.used.set(used);
    // The window is spent: a fresh one starts here even if a check below stops the run.
    b.window.set(0);
    b.left.set(0);
    if used > STEPS {
        stop(Stop::Steps);
    }
    if b.stack_top.get().saturating_sub(stack_address()) > STACK {
        stop(Stop::Stack);
    }
    if alloc_gauge::held() - b.held_base.get() > MEMORY as isize {
        stop(Stop::Memory);
    }
    if INTERRUPT.with_borrow(|f| f.as_ref().is_some_and(|f| f.load(Ordering::Relaxed))) {
        stop(Stop::Interrupt);
    }
    let window = CHECK_EVERY.min(STEPS + 1 - used);
    b.window.set(window);
    b.left.set(window);
}

/// Refuses an allocation of `bytes` that would take the run past its memory budget, before it is
/// made.
pub(crate) fn reserve(bytes: usize) {
    BUDGET.with(|b| {
        if b.active.get() {
            let held = alloc_gauge::held() - b.held_base.get();
            if held.saturating_add(bytes.min(isize::MAX as usize) as isize) > MEMORY as isize {
                stop(Stop::Memory);
            }
        }
    })
}

/// Refuses a value nested deeper than [`DEPTH`].
#[inline]
pub(crate) fn depth(d: u32) {
    if d > DEPTH && BUDGET.with(|b| b.active.get()) {
        stop(Stop::Depth);
    }
}

/// Runs `f` on this thread under a fresh budget; `Err` says why it was stopped. Any other panic
/// goes on unwinding.
pub(crate) fn run<T>(interrupt: Option<Arc<AtomicBool>>, f: impl FnOnce() -> T) -> Result<T, Stop> {
    let _watch = alloc_gauge::watch();
    BUDGET.with(|b| {
        b.active.set(true);
        b.used.set(0);
        b.window.set(0);
        b.left.set(0);
        b.stack_top.set(stack_address());
        b.held_base.set(alloc_gauge::held());
    });
    INTERRUPT.set(interrupt);
    let r = catch_unwind(AssertUnwindSafe(f));
    BUDGET.with(|b| {
        b.active.set(false);
        b.window.set(u64::MAX);
        b.left.set(u64::MAX);
    });
    INTERRUPT.set(None);
    match r {
        Ok(v) => Ok(v),
        Err(payload) => match payload.downcast::<Stop>() {
            Ok(why) => Err(*why),
            Err(other) => resume_unwind(other),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_stops_exactly_after_its_steps() {
        let n = Cell::new(0u64);
        let r = run(None, || {
            loop {
                charge(1);
                n.set(n.get() + 1);
            }
        });
        assert_eq!(r, Err::<(), _>(Stop::Steps));
        assert_eq!(n.get(), STEPS);
    }

    #[test]
    fn memory_is_refused_before_it_is_allocated() {
        let r = run(None, || {
            reserve(MEMORY + 1);
            vec![0u8; MEMORY + 1]
        });
        assert_eq!(r.map(|v| v.len()), Err(Stop::Memory));
        assert_eq!(run(None, || vec![0u8; 1 << 20].len()), Ok(1 << 20));
    }

    #[test]
    fn ctrl_c_stops_a_run() {
        let flag = Arc::new(AtomicBool::new(true));
        let r = run(Some(flag), || {
            loop {
                charge(1)
            }
        });
        assert_eq!(r, Err::<(), _>(Stop::Interrupt));
    }

    #[test]
    fn outside_a_run_nothing_is_counted() {
        for _ in 0..1000 {
            charge(STEPS);
        }
        reserve(usize::MAX);
        depth(DEPTH + 1);
    }
}
