//! Printers: world objects to text, never mutating the world. Tables for `get`, `describe`
//! output, YAML/JSON identical to kubectl's, jsonpath and custom columns, AGE formatting.

pub mod age;
pub mod name;
pub mod table;
