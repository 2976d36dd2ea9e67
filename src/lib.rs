//! exam-planner: plans Hunan province's unified skill-certification exams.
//!
//! The pipeline, one module per stage: [`case`] reads a case folder, [`validate`] and [`vet`]
//! check it, [`solve`] chooses each paper's slot and routes candidates, [`seat`] deals seats,
//! [`plan`] writes the plan folder atomically, and [`verify`] re-checks a written plan without
//! the solver. [`whatif`] runs scenarios in parallel; [`generate`] writes synthetic cases;
//! [`filing`] serves the filing season (assessment panels, spot checks).

// NaN-safe `!(x > 0.0)` checks are deliberate; tuple-keyed maps read better inline.
#![allow(clippy::neg_cmp_op_on_partial_ord, clippy::type_complexity)]

pub mod case;
pub mod csv_out;
pub mod diag;
pub mod digest;
pub mod filing;
pub mod generate;
pub mod plan;
pub mod planner;
pub mod privacy;
pub mod progress;
pub mod replan;
pub mod report;
pub mod seat;
pub mod sheets;
pub mod solve;
pub mod staging;
pub mod summary;
pub mod ticket;
pub mod validate;
pub mod verify;
pub mod vet;
pub mod whatif;
