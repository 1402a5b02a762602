//! Text output as kubectl formats it: tab-aligned tables and human durations.

pub mod duration;
pub mod go_json;
pub mod table;
pub mod yaml;
pub mod go_format;
pub mod jsonpath;
pub mod custom_columns;
pub mod go_template;
pub mod output_format;
pub mod quantity;
pub mod sort;
pub mod go_sort;
