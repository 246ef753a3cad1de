//! Running labs: a [`session::LabSession`] (world after setup + Rhai checks), `kubelab run`
//! ([`run`]), expected-output matching ([`expect`]), `kubelab grade` ([`grade`]) and
//! `kubelab lint` ([`lint`]).

pub mod expect;
pub mod grade;
pub mod lint;
pub mod messages;
pub mod report;
pub mod rhai_errors;
pub mod run;
pub mod session;
pub mod student;

pub use session::{CheckOutcome, LabSession};
