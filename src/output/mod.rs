//! Everything a command writes for people and scripts: CSV cells safe for Excel
//! ([`csv_out`]), workbooks and door lists ([`sheets`]), the HTML report ([`report`]), and the
//! all-or-nothing output folder ([`staging`]). Nothing here decides a plan; it renders one.

pub mod csv_out;
pub mod report;
pub mod sheets;
pub mod staging;
