//! A small deterministic fuzzer for the robustness tests (`tests/fuzz.rs`): a seeded generator,
//! mutations of seed inputs, a watchdog that turns a hang into a failure naming the input, and
//! the oracles (no panic, the same bytes twice).
//!
//! Budgets: `KUBELAB_FUZZ_CASES` (cases per target, default a few hundred: seconds in
//! `cargo test`) and `KUBELAB_FUZZ_SEED` (default 1) make longer runs on demand:
//! `KUBELAB_FUZZ_CASES=100000 cargo test --release --test fuzz -- --nocapture`. With
//! `KUBELAB_FUZZ_LOG=DIR`, each case's input is written to `DIR/fuzz-TARGET.txt` before it
//! runs, so a crash that aborts the process (a stack overflow) leaves its input there.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// xorshift64*: deterministic, seedable, good enough to pick mutations.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    pub fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
}

/// Cases per target (`KUBELAB_FUZZ_CASES`), or `default`.
pub fn cases(default: usize) -> usize {
    std::env::var("KUBELAB_FUZZ_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

/// The run's seed (`KUBELAB_FUZZ_SEED`, default 1).
pub fn seed() -> u64 {
    std::env::var("KUBELAB_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1)
}

/// Fragments that tend to reach limits and corners: nesting, expansions, quotes, numbers.
const SPICE: &[&str] = &[
    "(",
    ")",
    "((",
    "))",
    "$(",
    "$((",
    "${",
    "}",
    "{",
    "[",
    "]",
    "'",
    "\"",
    "`",
    "\\",
    "<<",
    "<<<",
    "<<EOF\n",
    "\nEOF\n",
    "|",
    "||",
    "&&",
    ";",
    "&",
    "*",
    "?",
    "**",
    "!",
    "#",
    "\n",
    " ",
    "=",
    "-",
    "--",
    "-1",
    "0",
    "-0",
    "99999999999999999999",
    "9223372036854775807",
    "1e9",
    "NaN",
    "$x",
    "$?",
    "${x:-${x:-y}}",
    "\\1",
    "\\(a\\)",
    "/a/,/b/",
    "%",
    "%999999999d",
    "~",
    "..",
    "/",
    "-n",
    "-o",
    "--all",
    "=",
    ":",
    "- ",
    "  ",
    "\t",
    "{}",
    "[]",
    "null",
    "true",
    "\u{0}",
    "é",
    "한",
    "\u{202e}",
    "\r\n",
];

/// A mutation of `input`, sometimes spliced with `other`.
pub fn mutate(rng: &mut Rng, input: &str, other: &str) -> String {
    let mut s: Vec<char> = input.chars().collect();
    let rounds = 1 + rng.below(4);
    for _ in 0..rounds {
        let at = rng.below(s.len() + 1);
        match rng.below(9) {
            0 | 1 => {
                let spice: Vec<char> = rng.pick(SPICE).chars().collect();
                s.splice(at..at, spice);
            }
            2 => {
                let end = (at + 1 + rng.below(8)).min(s.len());
                if at < end {
                    s.drain(at..end);
                }
            }
            3 => {
                // Repeat a fragment many times: depth and size limits.
                let spice = rng.pick(SPICE);
                let times = [2, 10, 100, 1000, 5000][rng.below(5)];
                let rep: Vec<char> = spice.repeat(times).chars().collect();
                s.splice(at..at, rep);
            }
            4 => {
                let o: Vec<char> = other.chars().collect();
                if !o.is_empty() {
                    let from = rng.below(o.len());
                    let to = (from + 1 + rng.below(40)).min(o.len());
                    s.splice(at..at, o[from..to].iter().copied());
                }
            }
            5 => {
                if at < s.len() {
                    let end = (at + 1 + rng.below(16)).min(s.len());
                    let dup: Vec<char> = s[at..end].to_vec();
                    s.splice(at..at, dup);
                }
            }
            6 => {
                if at < s.len() {
                    s[at] = char::from(b' ' + rng.below(95) as u8);
                }
            }
            7 => {
                let digits = rng.next().to_string();
                s.splice(at..at, digits.chars());
            }
            _ => {
                if !s.is_empty() {
                    let cut = rng.below(s.len());
                    s.truncate(cut);
                }
            }
        }
    }
    s.into_iter().collect()
}

/// Turns a hang into a failure: `watch(input)` before each case; if one case runs longer than
/// the limit, the process prints the input and aborts (a hung `cargo test` fails instead of
/// never ending).
pub struct Watchdog {
    log: Option<std::path::PathBuf>,
    current: Arc<Mutex<String>>,
    tick: Arc<AtomicU64>,
    done: Arc<AtomicU64>,
}

impl Watchdog {
    pub fn start(target: &'static str, limit: Duration) -> Watchdog {
        let current = Arc::new(Mutex::new(String::new()));
        let tick = Arc::new(AtomicU64::new(0));
        let done = Arc::new(AtomicU64::new(0));
        let (c, t, d) = (current.clone(), tick.clone(), done.clone());
        std::thread::spawn(move || {
            let mut last = (u64::MAX, Instant::now());
            while d.load(Ordering::SeqCst) == 0 {
                std::thread::sleep(Duration::from_millis(200));
                let now = t.load(Ordering::SeqCst);
                if now != last.0 {
                    last = (now, Instant::now());
                } else if last.1.elapsed() > limit {
                    let input = c.lock().map(|s| s.clone()).unwrap_or_default();
                    eprintln!(
                        "fuzz {target}: a case ran longer than {limit:?}; its input (add it to tests/inputs/regressions/):\n{input:?}"
                    );
                    std::process::abort();
                }
            }
        });
        let log = std::env::var("KUBELAB_FUZZ_LOG")
            .ok()
            .map(|dir| std::path::Path::new(&dir).join(format!("fuzz-{target}.txt")));
        Watchdog {
            log,
            current,
            tick,
            done,
        }
    }

    pub fn watch(&self, input: &str) {
        if let Some(path) = &self.log {
            // A crash (a stack overflow aborts at once) leaves the input here.
            let _ = std::fs::write(path, input);
        }
        if let Ok(mut c) = self.current.lock() {
            c.clear();
            c.push_str(input);
        }
        self.tick.fetch_add(1, Ordering::SeqCst);
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        self.done.store(1, Ordering::SeqCst);
    }
}

/// Runs `case` on each input with a watchdog; a panic or a different second answer is a
/// failure naming the input. Prints executions per second.
pub fn run_cases(
    target: &'static str,
    inputs: impl Iterator<Item = String>,
    case: impl Fn(&str) -> String,
) {
    let dog = Watchdog::start(target, Duration::from_secs(60));
    let started = Instant::now();
    let mut n = 0u64;
    let mut failures = Vec::new();
    for input in inputs {
        dog.watch(&input);
        n += 1;
        let once = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| case(&input)));
        match once {
            Err(p) => {
                let msg = p
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                failures.push(format!("panic ({msg}) on {input:?}"));
            }
            Ok(first) => {
                let again = case(&input);
                if again != first {
                    failures.push(format!("two different answers for {input:?}"));
                }
            }
        }
        if failures.len() >= 5 {
            break;
        }
    }
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "fuzz {target}: {n} cases in {secs:.1} s ({:.0}/s)",
        n as f64 / secs.max(1e-9)
    );
    assert!(
        failures.is_empty(),
        "fuzz {target} found (add each input to tests/inputs/regressions/):\n{}",
        failures.join("\n")
    );
}
