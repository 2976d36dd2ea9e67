//! The filing season (notice part 二, 附件2–5): who assesses each applicant, and the spot checks.
//!
//! Institutions apply with materials (附件3, checked by `vet`), are assessed on site by a panel
//! of experts (`panels`), are spot-checked at random once filed (`spot_check`) and are published
//! (`vet --out`'s publication.csv). Both modules read the expert pool of experts.csv.

pub mod panels;
pub mod spot_check;
