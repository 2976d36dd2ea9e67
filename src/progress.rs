//! Progress on stderr and Ctrl-C, in one place for every command.
//!
//! A 1,000,000-registration plan runs for well over a minute, most of it inside HiGHS, and the
//! contract asks long runs to show progress when stderr is a terminal. Only the command line
//! calls [`start`]: until then [`stage`] and [`Counter`] say nothing, so library callers (tests,
//! benchmarks, what-if scenarios on rayon workers) stay silent. [`on_interrupt`] (wired to
//! Ctrl-C by the binary) lets a long run notice it ([`interrupted`]) and stop without writing
//! anything. [`trace`] is
//! the solver's debug log, on request only.

use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::Duration;

static SPINNER: OnceLock<ProgressBar> = OnceLock::new();
static ENABLED: AtomicBool = AtomicBool::new(false);
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Turns progress on: a spinner naming the stage when stderr is a terminal.
pub fn start() {
    ENABLED.store(true, Ordering::SeqCst);
    if !std::io::stderr().is_terminal() {
        return;
    }
    let bar = ProgressBar::new_spinner();
    if let Ok(style) = ProgressStyle::with_template("{spinner} {elapsed:>4} {msg}") {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(200));
    let _ = SPINNER.set(bar);
}

/// Names the stage now running.
pub fn stage(message: impl Into<String>) {
    let message = message.into();
    tell(Event::Stage(&message));
    if let Some(bar) = SPINNER.get() {
        bar.set_message(message);
    }
}

/// What a long run reports to an [`Observer`].
#[derive(Debug, Clone, Copy)]
pub enum Event<'a> {
    /// A stage began ([`stage`]).
    Stage(&'a str),
    /// `done` of `total` items ([`Counter`]).
    Count { done: usize, total: usize },
}

/// Where a server job's progress goes. The server sets one on every thread of the job's own
/// rayon pool ([`observe`]), so two jobs on two pools report to their own bars.
pub type Observer = std::sync::Arc<dyn Fn(Event<'_>) + Send + Sync>;

thread_local! {
    static OBSERVER: std::cell::RefCell<Option<Observer>> = const { std::cell::RefCell::new(None) };
}

/// Sets (or with `None` clears) this thread's observer.
pub fn observe(observer: Option<Observer>) {
    OBSERVER.with(|o| *o.borrow_mut() = observer);
}

fn tell(event: Event<'_>) {
    let observer = OBSERVER.with(|o| o.borrow().clone());
    if let Some(o) = observer {
        o(event);
    }
}

/// Removes the spinner line (before the final report is printed).
pub fn finish() {
    if let Some(bar) = SPINNER.get() {
        bar.finish_and_clear();
    }
}

/// Prints a line about the solver's work on stderr when `EXAM_PLANNER_DEBUG` is set
/// (`EXAM_PLANNER_DEBUG=highs` also shows HiGHS's own log); the line is built only then.
pub fn trace(line: impl FnOnce() -> String) {
    if std::env::var_os("EXAM_PLANNER_DEBUG").is_some() {
        note(format_args!("{}", line()));
    }
}

/// A stage's steps on the debug log ([`trace`]): each [`Laps::lap`] prints the seconds since
/// [`Laps::new`], so a slow step of a long stage can be found without a profiler.
pub struct Laps {
    stage: &'static str,
    clock: std::time::Instant,
}

impl Laps {
    /// Starts the clock of `stage` (the name each line begins with).
    pub fn new(stage: &'static str) -> Laps {
        Laps {
            stage,
            clock: std::time::Instant::now(),
        }
    }

    /// Prints "`stage`: `step` at N s" on the debug log.
    pub fn lap(&self, step: &str) {
        trace(|| {
            format!(
                "{}: {step} at {:.2} s",
                self.stage,
                self.clock.elapsed().as_secs_f64()
            )
        })
    }
}

/// Records that Ctrl-C or SIGTERM arrived (the binary's handler calls it before the staging
/// folders are removed): clears the spinner and says so; [`interrupted`] tells a loop. Later
/// lines on stderr are dropped: a write failing because its folder was just removed is not
/// news to the person who pressed Ctrl-C.
pub fn on_interrupt() {
    if let Some(bar) = SPINNER.get() {
        bar.finish_and_clear();
    }
    // said and recorded under stderr's lock, as `note` checks and writes under it: a line
    // another thread is writing ends before this one, and none begins after it
    let mut stderr = std::io::stderr().lock();
    write_line(
        &mut stderr,
        &STDERR_CLOSED,
        format_args!("interrupted: nothing written"),
    );
    INTERRUPTED.store(true, Ordering::SeqCst);
}

/// Has the user pressed Ctrl-C (see [`on_interrupt`])?
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// Finished items out of a known total (what-if scenarios), counted from any thread: a bar on
/// a terminal, a line at every tenth on a pipe, nothing before [`start`].
pub struct Counter {
    total: usize,
    done: AtomicUsize,
    bar: Option<ProgressBar>,
    enabled: bool,
}

impl Counter {
    pub fn new(total: usize, what: &str) -> Counter {
        let enabled = ENABLED.load(Ordering::SeqCst);
        let bar = (enabled && std::io::stderr().is_terminal()).then(|| {
            let b = ProgressBar::new(total as u64);
            if let Ok(style) = ProgressStyle::with_template(&format!(
                "{{bar:40}} {{pos}}/{{len}} {what}, {{per_sec}}, eta {{eta}}"
            )) {
                b.set_style(style);
            }
            b
        });
        Counter {
            total,
            done: AtomicUsize::new(0),
            bar,
            enabled,
        }
    }

    /// One more item done.
    pub fn inc(&self, what: &str) {
        let n = self.done.fetch_add(1, Ordering::SeqCst) + 1;
        tell(Event::Count {
            done: n,
            total: self.total,
        });
        match &self.bar {
            Some(b) => b.inc(1),
            None if self.enabled
                && (n.is_multiple_of((self.total / 10).max(1)) || n == self.total) =>
            {
                note(format_args!("{n}/{} {what} done", self.total))
            }
            None => {}
        }
    }

    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);
static STDERR_CLOSED: AtomicBool = AtomicBool::new(false);

/// Writes one line on stdout, ID numbers masked ([`crate::privacy`]). A closed pipe (`exam-planner validate CASE | head -n 1`) is not
/// an error: that line and every later one are dropped, and the command goes on to end with
/// its usual exit code, never a panic.
pub fn say(args: std::fmt::Arguments) {
    write_line(&mut std::io::stdout().lock(), &STDOUT_CLOSED, args);
}

/// Writes one line on stderr, as [`say`] does on stdout.
pub fn note(args: std::fmt::Arguments) {
    let mut stderr = std::io::stderr().lock();
    if interrupted() {
        return;
    }
    write_line(&mut stderr, &STDERR_CLOSED, args);
}

fn write_line(w: &mut impl std::io::Write, closed: &AtomicBool, args: std::fmt::Arguments) {
    if closed.load(Ordering::Relaxed) {
        return;
    }
    // every console line passes here: ID numbers are masked whoever wrote the message
    let line = args.to_string();
    let line = crate::privacy::mask_ids_in(&line);
    if writeln!(w, "{line}").and_then(|()| w.flush()).is_err() {
        closed.store(true, Ordering::Relaxed);
    }
}

/// `say!("…", …)`: a line on stdout through [`say`].
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => { $crate::progress::say(format_args!($($arg)*)) };
}

/// `note!("…", …)`: a line on stderr through [`note`].
#[macro_export]
macro_rules! note {
    ($($arg:tt)*) => { $crate::progress::note(format_args!($($arg)*)) };
}
