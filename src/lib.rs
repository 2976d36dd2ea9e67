//! exam-planner: plans Hunan province's unified skill-certification exams.
//!
//! The pipeline, one module per stage: [`case`] reads a case folder, [`validate`] and [`vet`]
//! check it, [`pipeline`] runs read → validate → prepare → solve → assemble for every command,
//! [`solve`] (the only module that knows HiGHS) chooses each paper's slot and routes candidates,
//! [`plan`] deals seats and tickets, assembles the plan's rows and writes the folder all or
//! nothing, [`output`] renders CSV, workbooks and the report, and [`verify`] re-checks a
//! written plan without the solver. [`replan`] replans on a published plan; [`whatif`] runs
//! scenarios in parallel; [`generate`] writes synthetic cases; [`filing`] serves the filing
//! season (assessment panels, spot checks); [`exam_day`] rosters and papers the day and
//! [`attendance`] reads back who came. [`serve`] puts all of it on line for the province, the
//! prefectures and the institutions.

// NaN-safe `!(x > 0.0)` checks are deliberate; tuple-keyed maps read better inline.
#![allow(clippy::neg_cmp_op_on_partial_ord, clippy::type_complexity)]

pub mod attendance;
pub mod case;
pub mod csv_out;
pub mod diag;
pub mod digest;
pub mod exam_day;
pub mod filing;
pub mod generate;
pub mod output;
pub mod pipeline;
pub mod plan;
pub mod privacy;
pub mod progress;
pub mod replan;
pub mod serve;
pub mod solve;
pub mod validate;
pub mod verify;
pub mod vet;
pub mod whatif;
pub mod words;
