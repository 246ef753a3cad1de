//! The process's allocator (mimalloc) with a per-thread gauge: while some thread is watched, each
//! thread counts the bytes it allocated minus the bytes it freed. A computation that runs alone
//! on its own thread (the workstation's `jq`) watches itself and reads the gauge to keep within
//! a memory budget. The count is of requested sizes, so it is the same on every run of the same
//! build. While nothing is watched, counting costs one read of a shared flag.

use std::alloc::{GlobalAlloc, Layout};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};

/// An allocator that counts, per thread, what the thread holds.
pub struct Gauge<A>(pub A);

/// How many threads are watched.
static WATCHED: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    static HELD: Cell<isize> = const { Cell::new(0) };
}

#[inline]
fn add(n: isize) {
    if WATCHED.load(Ordering::Relaxed) != 0 {
        // A const-initialised Cell without a destructor: no allocation, usable at any time.
        let _ = HELD.try_with(|c| c.set(c.get().wrapping_add(n)));
    }
}

/// Bytes this thread allocated minus bytes it freed since it started watching itself.
pub fn held() -> isize {
    HELD.try_with(Cell::get).unwrap_or(0)
}

/// While this lives, this thread's gauge counts from zero (and every thread's counts).
pub struct Watch(());

/// Starts counting what this thread holds.
pub fn watch() -> Watch {
    WATCHED.fetch_add(1, Ordering::SeqCst);
    let _ = HELD.try_with(|c| c.set(0));
    Watch(())
}

impl Drop for Watch {
    fn drop(&mut self) {
        WATCHED.fetch_sub(1, Ordering::SeqCst);
    }
}

// SAFETY: every call is forwarded unchanged to the wrapped allocator; the gauge only counts.
unsafe impl<A: GlobalAlloc> GlobalAlloc for Gauge<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        let p = unsafe { self.0.alloc(layout) };
        if !p.is_null() {
            add(layout.size() as isize);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        let p = unsafe { self.0.alloc_zeroed(layout) };
        if !p.is_null() {
            add(layout.size() as isize);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { self.0.dealloc(ptr, layout) };
        add(-(layout.size() as isize));
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        let p = unsafe { self.0.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            add(new_size as isize - layout.size() as isize);
        }
        p
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_watched_thread_sees_what_it_holds() {
        std::thread::spawn(|| {
            let w = super::watch();
            assert_eq!(super::held(), 0);
            let v: Vec<u8> = Vec::with_capacity(1 << 20);
            assert_eq!(super::held(), 1 << 20);
            drop(v);
            assert_eq!(super::held(), 0);
            drop(w);
        })
        .join()
        .unwrap();
    }
}
