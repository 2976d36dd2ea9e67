//! Progress for `plan` on stderr: one spinner line naming the stage now running.
//!
//! A 1,000,000-registration plan runs for well over a minute, most of it inside HiGHS, and the
//! contract asks long runs to show progress when stderr is a terminal. `start` is called by the
//! `plan` command only, so library callers (what-if scenarios on rayon workers) stay silent:
//! until then `stage` does nothing.

use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::sync::OnceLock;
use std::time::Duration;

static SPINNER: OnceLock<ProgressBar> = OnceLock::new();

/// Shows the spinner if stderr is a terminal.
pub fn start() {
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
    if let Some(bar) = SPINNER.get() {
        bar.set_message(message.into());
    }
}

/// Removes the spinner line (before the final report is printed).
pub fn finish() {
    if let Some(bar) = SPINNER.get() {
        bar.finish_and_clear();
    }
}
