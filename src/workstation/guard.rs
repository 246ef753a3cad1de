//! The command boundary: a bug must never cost a student the session. Each input at the prompt
//! (and each command line a lab script runs) runs on a snapshot of the workstation taken just
//! before it; a panic inside the command is caught here, the workstation (cluster, files,
//! variables, kubeconfig) is put back as it was before the command, and the command prints
//! kubelab's internal error with what to report instead of a backtrace.
//!
//! The snapshot is a clone: API objects are shared (`Rc`) in the store, and the store's maps
//! and indexes are persistent maps whose nodes the copy shares until one side writes, so it
//! copies neither the objects nor the indexes (`cargo bench --bench labs -- snapshot`
//! measures it).

use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use super::Workstation;
use crate::shell::RunOutput;

/// A panic caught at the boundary: what it said and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incident {
    /// The panic's message.
    pub message: String,
    /// `file:line:column` of the panic.
    pub location: String,
}

impl Incident {
    /// What the student sees instead of the command's output.
    pub fn report(&self) -> String {
        format!(
            "kubelab: internal error in this command: {} at {}; the cluster and the workstation are as they were before the command. Please report this kubelab bug with the command you typed.\n",
            self.message, self.location
        )
    }
}

impl std::fmt::Display for Incident {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} at {}", self.message, self.location)
    }
}

thread_local! {
    /// How many boundaries this thread is inside (a script's command inside a check).
    static DEPTH: Cell<usize> = const { Cell::new(0) };
    /// What the last panic on this thread said, recorded by the hook.
    static LAST_PANIC: RefCell<Option<Incident>> = const { RefCell::new(None) };
    /// The incidents since [`take_incidents`] was last called (grading reports them).
    static INCIDENTS: RefCell<Vec<Incident>> = const { RefCell::new(Vec::new()) };
    /// Tests: panic at the end of the next guarded command.
    #[cfg(test)]
    static INJECT: Cell<bool> = const { Cell::new(false) };
}

static HOOK: Once = Once::new();

/// Installs (once) a panic hook that, inside a boundary, records the panic's message and place
/// for the boundary to print instead of spraying a backtrace at the student. Outside a boundary,
/// and inside one when `RUST_BACKTRACE` is set (debugging), the previous hook runs as well.
pub fn install_hook() {
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let guarded = DEPTH.try_with(Cell::get).unwrap_or(0) > 0;
            if guarded {
                let payload = info.payload();
                let message = payload
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "a panic without a message".to_string());
                let location = info
                    .location()
                    .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()))
                    .unwrap_or_else(|| "an unknown place".to_string());
                let _ =
                    LAST_PANIC.try_with(|p| *p.borrow_mut() = Some(Incident { message, location }));
            }
            let debugging = std::env::var_os("RUST_BACKTRACE").is_some_and(|v| v != "0");
            if !guarded || debugging {
                previous(info);
            }
        }));
    });
}

/// Runs `f`; a panic inside it is caught and returned as an [`Incident`] (also remembered for
/// [`take_incidents`]). The caller puts its state back.
pub fn unwind<T>(f: impl FnOnce() -> T) -> Result<T, Incident> {
    install_hook();
    DEPTH.with(|d| d.set(d.get() + 1));
    let result = panic::catch_unwind(AssertUnwindSafe(|| {
        let out = f();
        #[cfg(test)]
        if INJECT.with(|i| i.replace(false)) {
            panic!("an injected test panic");
        }
        out
    }));
    DEPTH.with(|d| d.set(d.get() - 1));
    result.map_err(|_| {
        let incident = LAST_PANIC
            .with(|p| p.borrow_mut().take())
            .unwrap_or(Incident {
                message: "a panic".into(),
                location: "an unknown place".into(),
            });
        INCIDENTS.with(|i| {
            let mut i = i.borrow_mut();
            if i.len() < 100 {
                i.push(incident.clone());
            }
        });
        incident
    })
}

/// Runs `f` on `state`; if it panics, `state` is put back as it was before (a clone taken
/// first) and the panic is returned as an [`Incident`].
pub fn catch<S: Clone, T>(state: &mut S, f: impl FnOnce(&mut S) -> T) -> Result<T, Incident> {
    let snapshot = state.clone();
    unwind(|| f(state)).inspect_err(|_| *state = snapshot)
}

/// Runs one input on the workstation behind the boundary: a panic gives kubelab's internal error
/// (status 70, `EX_SOFTWARE`, also in `$?`) and the workstation as it was before the input.
pub fn run(ws: &mut Workstation, f: impl FnOnce(&mut Workstation) -> RunOutput) -> RunOutput {
    match catch(ws, f) {
        Ok(out) => out,
        Err(incident) => {
            // The command failed: `$?` says so, as for any failed command.
            ws.shell.state.last_status = INTERNAL_ERROR_STATUS;
            let text = incident.report().into_bytes();
            RunOutput {
                stdout: Vec::new(),
                combined: text.clone(),
                stderr: text,
                status: INTERNAL_ERROR_STATUS,
                exit: None,
            }
        }
    }
}

/// The exit status of a command that hit an internal error (`EX_SOFTWARE` of sysexits.h).
pub const INTERNAL_ERROR_STATUS: i32 = 70;

/// The panics caught on this thread since the last call (at most 100 are kept).
pub fn take_incidents() -> Vec<Incident> {
    INCIDENTS.with(|i| std::mem::take(&mut *i.borrow_mut()))
}

/// Tests: makes the next guarded command on this thread panic after it ran (so it has already
/// changed the world when it panics).
#[cfg(test)]
pub fn inject_panic() {
    INJECT.with(|i| i.set(true));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::default_world;

    #[test]
    fn a_panic_restores_the_workstation_and_reports_the_bug() {
        let mut ws = Workstation::new(default_world::build(1));
        ws.run("kubectl create deployment before --image=nginx");
        ws.run("echo kept > file");
        take_incidents();
        inject_panic();
        let out = ws.run("kubectl create deployment lost --image=nginx; echo gone > file; X=1");
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(
            err.starts_with("kubelab: internal error in this command: an injected test panic at src/workstation/guard.rs:"),
            "{err}"
        );
        assert!(err.ends_with("Please report this kubelab bug with the command you typed.\n"));
        assert_eq!(out.status, INTERNAL_ERROR_STATUS);
        assert!(out.stdout.is_empty());
        // The world and the files are as before the command; the session goes on.
        let out = ws.run("echo $?; kubectl get deploy -o name; cat file; echo \"X=$X\"");
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            "70\ndeployment.apps/before\nkept\nX=\n"
        );
        let incidents = take_incidents();
        assert_eq!(incidents.len(), 1);
        assert_eq!(incidents[0].message, "an injected test panic");
        assert!(take_incidents().is_empty());
    }

    #[test]
    fn catch_gives_back_the_value_or_the_incident() {
        let mut v = vec![1];
        assert_eq!(catch(&mut v, |v| v.len()), Ok(1));
        let e = catch(&mut v, |v| -> usize {
            v.push(2);
            panic!("boom {}", v.len())
        })
        .unwrap_err();
        assert_eq!(e.message, "boom 2");
        assert!(e.location.starts_with("src/workstation/guard.rs:"), "{e}");
        assert_eq!(v, vec![1]);
        take_incidents();
    }
}
