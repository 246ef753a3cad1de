//! A lab session: the workstation (shell, files, cluster) after the lab's setup, with a
//! sandboxed Rhai engine to run checks and asserts against it.

use std::cell::RefCell;
use std::rc::Rc;

use rhai::{Dynamic, Engine};

use crate::lab::parse::rhai_position;
use crate::lab::{Block, Check, Lab};
use crate::script::engine::{self, Limits};
use crate::script::{CommandOutput, Host, Meter};
use crate::shell::{RunOutput, Shell, Vfs};
use crate::workstation::guard::{self, Incident};
use crate::workstation::{Workstation, run_on};
use crate::world::{World, default_world};

/// What a check earned.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CheckOutcome {
    /// What it checks.
    pub what: String,
    /// Points it is worth.
    pub points: u32,
    /// Points earned (all or nothing).
    pub earned: u32,
    /// Why it failed: the check's own reason, or the error it raised.
    pub reason: Option<String>,
    /// The task it belongs to (1-based), if any.
    pub task: Option<usize>,
    /// The check could not be evaluated (a Rhai error, or a value that is not a verdict): the
    /// lab's fault, not the student's.
    #[serde(default)]
    pub error: bool,
}

/// A block compiled by the session engine, remembered per thread: every session of a lab
/// evaluates the same checks, and compiling them is most of what a small check costs. The
/// host's names are compiled as plain variables (a constant's value would be folded into the
/// tree, and with it one session's cluster), then bound by the scope at each evaluation.
fn compiled(engine: &Engine, source: &str) -> Result<Rc<rhai::AST>, Box<rhai::EvalAltResult>> {
    thread_local! {
        static ASTS: RefCell<std::collections::HashMap<String, Rc<rhai::AST>>> =
            RefCell::new(std::collections::HashMap::new());
    }
    if let Some(ast) = ASTS.with_borrow(|m| m.get(source).cloned()) {
        return Ok(ast);
    }
    let mut names = rhai::Scope::new();
    names.push("cluster", ());
    names.push("registry", ());
    let ast = Rc::new(engine.compile_with_scope(&names, source)?);
    ASTS.with_borrow_mut(|m| {
        if m.len() >= 256 {
            m.clear();
        }
        m.insert(source.to_string(), ast.clone());
    });
    Ok(ast)
}

/// A running lab.
pub struct LabSession {
    /// The workstation.
    pub ws: Workstation,
    engine: Engine,
    meter: Rc<Meter>,
    path: String,
}

impl LabSession {
    /// A fresh world for `lab` with its setup blocks run. The error names the failing block.
    pub fn start(lab: &Lab, seed: u64) -> Result<LabSession, String> {
        let limits = Limits::default();
        let meter = Rc::new(Meter::new(limits.operations));
        let engine = engine::build(&limits, meter.clone());
        let mut s = LabSession {
            ws: Workstation::new(default_world::build_flavour(
                seed,
                lab.world
                    .as_deref()
                    .and_then(default_world::Flavour::parse)
                    .unwrap_or_default(),
            )),
            engine,
            meter,
            path: lab.path.clone(),
        };
        for b in &lab.setups {
            let _ = s.eval(b).map_err(|e| format!("setup failed: {e}"))?;
        }
        s.ws.world.settle();
        Ok(s)
    }

    /// Runs one input at the student's prompt.
    pub fn run(&mut self, input: &str) -> RunOutput {
        self.ws.run(input)
    }

    /// What scripts printed since the last call.
    pub fn take_prints(&mut self) -> Vec<String> {
        self.meter.take_prints()
    }

    /// Lends the world, shell and kubeconfig to a Rhai host for `f`. A panic inside `f` is
    /// caught: the world, shell and kubeconfig are put back as they were before `f`.
    fn with_host<T>(&mut self, f: impl FnOnce(&Engine, &Host) -> T) -> Result<T, Incident> {
        let world = std::mem::replace(&mut self.ws.world, World::empty(0, 0));
        let shell = std::mem::replace(&mut self.ws.shell, Shell::new(Vfs::new()));
        let config = std::mem::take(&mut self.ws.config);
        let world_rc = Rc::new(RefCell::new(world));
        let rest = Rc::new(RefCell::new((shell, config)));
        // What the block changed first is kept, to be put back if kubelab fails inside it.
        let world_before: Rc<RefCell<Option<World>>> = Rc::new(RefCell::new(None));
        let rest_before = Rc::new(RefCell::new(None));
        let (w2, r2, wb, rb) = (
            world_rc.clone(),
            rest.clone(),
            world_before.clone(),
            rest_before.clone(),
        );
        let run = Rc::new(move |line: &str, stdin: &[u8]| {
            let mut w = w2.borrow_mut();
            let mut r = r2.borrow_mut();
            if wb.borrow().is_none() {
                *wb.borrow_mut() = Some(w.clone());
            }
            if rb.borrow().is_none() {
                *rb.borrow_mut() = Some(r.clone());
            }
            // The command boundary, as at the prompt: a panic leaves the world as it was.
            let snapshot = (w.clone(), r.clone());
            let (sh, cfg) = &mut *r;
            match guard::unwind(|| run_on(&mut w, sh, cfg, line, stdin, false)) {
                Ok(o) => Ok(CommandOutput {
                    stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
                    stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
                    status: o.status,
                }),
                Err(incident) => {
                    (*w, *r) = snapshot;
                    Err(format!(
                        "kubelab: internal error in this command: {incident}; the command was undone. Please report this kubelab bug with the lab file."
                    ))
                }
            }
        });
        let r3 = rest.clone();
        let host = Host {
            world: world_rc.clone(),
            run,
            namespace: Rc::new(move || r3.borrow().1.namespace.clone()),
            meter: self.meter.clone(),
            before: world_before.clone(),
        };
        self.meter.begin_block();
        let out = guard::unwind(|| f(&self.engine, &host));
        drop(host);
        let take = |rc: Rc<RefCell<World>>| match Rc::try_unwrap(rc) {
            Ok(c) => c.into_inner(),
            Err(rc) => rc.borrow().clone(),
        };
        let (world, shell, config) = match &out {
            Ok(_) => {
                let (shell, config) = match Rc::try_unwrap(rest) {
                    Ok(c) => c.into_inner(),
                    Err(rc) => rc.borrow().clone(),
                };
                (take(world_rc), shell, config)
            }
            Err(_) => {
                let world = world_before.take().unwrap_or_else(|| take(world_rc));
                let (shell, config) = rest_before.take().unwrap_or_else(|| rest.borrow().clone());
                (world, shell, config)
            }
        };
        self.ws.world = world;
        self.ws.shell = shell;
        self.ws.config = config;
        out
    }

    /// Evaluates a block; errors carry the lab file's position.
    pub fn eval(&mut self, b: &Block) -> Result<Dynamic, String> {
        let path = self.path.clone();
        let out = self.with_host(|engine, host| {
            let mut scope = crate::script::scope_for(host);
            compiled(engine, &b.source)
                .and_then(|ast| engine.eval_ast_with_scope::<Dynamic>(&mut scope, &ast))
                .map_err(|e| {
                    let (l, c) = rhai_position(b, e.position());
                    let msg = match *e {
                        // The meter stopped the block: its token says why.
                        rhai::EvalAltResult::ErrorTerminated(ref why, _) => why.to_string(),
                        _ => {
                            let mut msg = e.to_string();
                            if let Some(i) = msg.rfind(" (line ") {
                                msg.truncate(i);
                            }
                            msg
                        }
                    };
                    format!("{path}:{l}:{c}: {msg}")
                })
        });
        out.unwrap_or_else(|incident| {
            Err(format!(
                "{path}:{}:{}: kubelab: internal error in this block: {incident}; the cluster and the workstation are as they were before the block. Please report this kubelab bug with the lab file.",
                b.line, b.col
            ))
        })
    }

    /// Evaluates a check: `true` earns its points; `false` or a reason string earns none.
    pub fn check(&mut self, c: &Check) -> CheckOutcome {
        let (earned, reason, error) = match self.eval(&c.block) {
            Ok(v) if v.is_bool() => {
                if v.as_bool().unwrap_or(false) {
                    (c.points, None, false)
                } else {
                    (0, None, false)
                }
            }
            Ok(v) if v.is_string() => (0, Some(v.into_string().unwrap_or_default()), false),
            Ok(v) => (
                0,
                Some(format!(
                    "the check returned {} `{v}`; a check returns true, false or a reason string",
                    v.type_name()
                )),
                true,
            ),
            Err(e) => (0, Some(e), true),
        };
        CheckOutcome {
            what: c.what.clone(),
            points: c.points,
            earned,
            reason,
            task: c.task.map(|t| t + 1),
            error,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workstation::guard;

    fn block(source: &str) -> Block {
        Block {
            source: source.into(),
            line: 3,
            col: 5,
        }
    }

    fn session() -> LabSession {
        let lab = crate::lab::parse("t.lab", "lab \"t\"\n").expect("lab");
        LabSession::start(&lab, 1).expect("start")
    }

    /// A panic inside a command a script runs: the command is undone and the script gets an
    /// error it can report.
    #[test]
    fn a_panic_in_a_scripts_command_is_an_error_of_the_block() {
        let mut s = session();
        guard::inject_panic();
        let err = s
            .eval(&block(
                "cluster.kubectl(\"create deployment lost --image=nginx\"); true",
            ))
            .expect_err("the block fails");
        assert!(
            err.starts_with("t.lab:3:13: Runtime error: cluster.kubectl: kubelab: internal error in this command: an injected test panic at src/workstation/guard.rs:"),
            "{err}"
        );
        assert!(
            !s.eval(&block("cluster.exists(\"deployment\", \"lost\")"))
                .expect("eval")
                .as_bool()
                .expect("bool")
        );
        guard::take_incidents();
    }

    /// A panic inside a block (not in a command): the world is put back as it was before the
    /// block, and the block fails with kubelab's internal error.
    #[test]
    fn a_panic_in_a_block_puts_the_world_back() {
        let mut s = session();
        s.run("echo kept > f");
        let before = s.ws.world.now();
        guard::inject_panic();
        let err = s
            .eval(&block(
                "registry.push(\"quay.io/x/y:1\", #{}); cluster.advance(\"1h\"); true",
            ))
            .expect_err("the block fails");
        assert!(
            err.starts_with("t.lab:3:5: kubelab: internal error in this block: an injected test panic at src/workstation/guard.rs:"),
            "{err}"
        );
        assert!(err.ends_with("the cluster and the workstation are as they were before the block. Please report this kubelab bug with the lab file."), "{err}");
        assert_eq!(s.ws.world.now(), before);
        assert!(s.ws.world.registry.digest("quay.io/x/y:1").is_none());
        assert_eq!(String::from_utf8_lossy(&s.run("cat f").stdout), "kept\n");
        guard::take_incidents();
    }
}
