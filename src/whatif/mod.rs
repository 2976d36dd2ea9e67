//! What-if scenarios: edits applied to copies of the case, each planned on its own rayon worker.
//!
//! [`scenario`] says what each scenario changes (TOML file, sweep, Monte Carlo draws), [`edit`]
//! applies it to a copy of the case, [`run`] plans the baseline and every scenario in parallel,
//! and [`report`] writes the comparison ([`page`] draws its report.html). The baseline's routing duals give each institution and
//! slot the value of one more seat.

pub mod edit;
pub mod outcome;
pub mod page;
pub mod ranking;
pub mod report;
pub mod request;
pub mod run;
pub mod scenario;
pub mod shard;

pub use outcome::{Outcome, ScenarioStatus};
pub use report::Report;
pub use request::{Error, Request, Shard};
pub use run::run;
