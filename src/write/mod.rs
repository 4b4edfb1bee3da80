//! Writing reports: the official tables as printed grids, DOCX templates,
//! and rendering.

pub mod check;
pub mod docx;
pub mod fill;
pub mod grid;
pub mod template;
