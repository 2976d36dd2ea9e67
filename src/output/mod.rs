//! Everything a command writes for people: workbooks and door lists ([`sheets`]), the HTML
//! report ([`report`]), and the all-or-nothing output folder ([`staging`]). Nothing here
//! decides a plan; it renders one (CSV cells are made formula-safe by [`crate::csv_out`]).

pub mod report;
pub mod sheets;
pub mod staging;
