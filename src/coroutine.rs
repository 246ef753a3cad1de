//! A computation with a stack of its own that runs only while its owner waits for it: a
//! coroutine with strict hand-off, on a thread. The owner starts or resumes it and blocks until
//! it suspends (handing out a value) or finishes; it never runs at the same time as its owner,
//! so a run is as deterministic as single-threaded code.
//!
//! A container's shell script that sleeps keeps its place this way (docs/containers.md, "Main
//! processes in virtual time"). Dropping a suspended coroutine cancels it: its pending
//! `suspend` unwinds the coroutine's stack (without the panic hook: nothing is printed) and the
//! thread ends before `drop` returns.

use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;

/// What a run of the coroutine ended with.
#[derive(Debug, PartialEq, Eq)]
pub enum Step<O, R> {
    /// It suspended, handing out this value; `resume` goes on from there.
    Suspended(O),
    /// It returned.
    Finished(R),
}

/// The unwinding payload of a cancelled coroutine.
struct Cancelled;

enum ToCoroutine<I> {
    Resume(I),
    Cancel,
}

enum FromCoroutine<O, R> {
    Suspended(O),
    Finished(R),
    /// The coroutine panicked (the message, for the owner to panic with).
    Panicked(String),
}

/// The coroutine's side: how it suspends.
pub struct Yielder<I, O, R> {
    from_owner: Receiver<ToCoroutine<I>>,
    to_owner: SyncSender<FromCoroutine<O, R>>,
}

impl<I, O, R> Yielder<I, O, R> {
    /// Hands `out` to the owner and waits to be resumed with the owner's answer. If the owner
    /// drops the coroutine instead, this unwinds the coroutine's stack.
    pub fn suspend(&mut self, out: O) -> I {
        if self.to_owner.send(FromCoroutine::Suspended(out)).is_err() {
            resume_unwind(Box::new(Cancelled));
        }
        match self.from_owner.recv() {
            Ok(ToCoroutine::Resume(i)) => i,
            Ok(ToCoroutine::Cancel) | Err(_) => resume_unwind(Box::new(Cancelled)),
        }
    }
}

/// The owner's side of a coroutine taking `I`, handing out `O` and returning `R`.
pub struct Coroutine<I, O, R> {
    to: Option<SyncSender<ToCoroutine<I>>>,
    from: Receiver<FromCoroutine<O, R>>,
    thread: Option<JoinHandle<()>>,
}

impl<I, O, R> std::fmt::Debug for Coroutine<I, O, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Coroutine")
    }
}

impl<I, O, R> Coroutine<I, O, R>
where
    I: Send + 'static,
    O: Send + 'static,
    R: Send + 'static,
{
    /// Starts `body` on a stack of `stack_bytes` and runs it until it first suspends or
    /// finishes. A panic in `body` is raised again here (and in `resume`), in the owner.
    pub fn start<F>(stack_bytes: usize, body: F) -> (Coroutine<I, O, R>, Step<O, R>)
    where
        F: FnOnce(&mut Yielder<I, O, R>) -> R + Send + 'static,
    {
        let (to, from_owner) = sync_channel(1);
        let (to_owner, from) = sync_channel(1);
        let thread = std::thread::Builder::new()
            .name("kubelab-coroutine".into())
            .stack_size(stack_bytes)
            .spawn(move || {
                let mut y = Yielder {
                    from_owner,
                    to_owner,
                };
                let result = catch_unwind(AssertUnwindSafe(|| body(&mut y)));
                let msg = match result {
                    Ok(r) => FromCoroutine::Finished(r),
                    Err(p) if p.is::<Cancelled>() => return,
                    Err(p) => FromCoroutine::Panicked(panic_text(p.as_ref())),
                };
                let _ = y.to_owner.send(msg);
            })
            .expect("kubelab: cannot start a thread for a container's process");
        let mut co = Coroutine {
            to: Some(to),
            from,
            thread: Some(thread),
        };
        let first = co.wait();
        (co, first)
    }

    /// Resumes a suspended coroutine with `input` and runs it until it suspends again or
    /// finishes. Resuming a finished coroutine is a bug (it panics).
    pub fn resume(&mut self, input: I) -> Step<O, R> {
        let sent = self
            .to
            .as_ref()
            .is_some_and(|t| t.send(ToCoroutine::Resume(input)).is_ok());
        assert!(sent, "kubelab: resumed a coroutine that has finished");
        self.wait()
    }

    fn wait(&mut self) -> Step<O, R> {
        match self.from.recv() {
            Ok(FromCoroutine::Suspended(o)) => Step::Suspended(o),
            Ok(FromCoroutine::Finished(r)) => {
                self.finish();
                Step::Finished(r)
            }
            Ok(FromCoroutine::Panicked(msg)) => {
                self.finish();
                panic!("{msg}");
            }
            Err(_) => {
                self.finish();
                panic!("kubelab: a container's process ended without a word");
            }
        }
    }

    fn finish(&mut self) {
        self.to = None;
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl<I, O, R> Drop for Coroutine<I, O, R> {
    fn drop(&mut self) {
        if let Some(to) = self.to.take() {
            let _ = to.send(ToCoroutine::Cancel);
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn panic_text(p: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "a container's process panicked".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn hands_off_strictly_and_keeps_its_place() {
        let (mut co, first) = Coroutine::<u32, String, u32>::start(1 << 20, |y| {
            let mut total = 0;
            for i in 0..3 {
                total += y.suspend(format!("step {i}"));
            }
            total
        });
        assert_eq!(first, Step::Suspended("step 0".into()));
        assert_eq!(co.resume(10), Step::Suspended("step 1".into()));
        assert_eq!(co.resume(20), Step::Suspended("step 2".into()));
        assert_eq!(co.resume(30), Step::Finished(60));
    }

    #[test]
    fn dropping_a_suspended_coroutine_unwinds_it() {
        struct Flag(Arc<AtomicUsize>);
        impl Drop for Flag {
            fn drop(&mut self) {
                self.0.fetch_add(1, Ordering::SeqCst);
            }
        }
        let dropped = Arc::new(AtomicUsize::new(0));
        let d = dropped.clone();
        let (co, first) = Coroutine::<(), (), ()>::start(1 << 20, move |y| {
            let _flag = Flag(d);
            loop {
                y.suspend(());
            }
        });
        assert_eq!(first, Step::Suspended(()));
        drop(co);
        assert_eq!(dropped.load(Ordering::SeqCst), 1, "its stack was unwound");
    }

    #[test]
    fn a_panic_reaches_the_owner() {
        let r = std::panic::catch_unwind(|| {
            let (mut co, _) = Coroutine::<(), (), ()>::start(1 << 20, |y| {
                y.suspend(());
                panic!("boom");
            });
            co.resume(())
        });
        let msg = r.unwrap_err();
        assert_eq!(
            msg.downcast_ref::<String>().map(String::as_str),
            Some("boom")
        );
    }

    #[test]
    fn finishing_at_once_is_a_step_too() {
        let (_co, first) = Coroutine::<(), (), &str>::start(1 << 20, |_| "done");
        assert_eq!(first, Step::Finished("done"));
    }
}
