//! What jaq runs the filter with: our values ([`KVal`]) and a context whose `lut()` (which jaq
//! asks for before it evaluates any filter node, and for every native call) counts a step of the
//! budget. Counting there bounds every filter, recursive or not, without touching jaq.

use jaq_core::Lut;
use jaq_core::data::{DataT, HasLut};

use super::budget;
use super::value::KVal;

/// The kind of data the workstation's jq filters run on.
pub(crate) struct KData;

impl DataT for KData {
    type V<'a> = KVal;
    type Data<'a> = Counted<'a>;
}

/// The filter's table, handed out one step at a time.
#[derive(Clone)]
pub(crate) struct Counted<'a>(pub(super) &'a Lut<KData>);

impl<'a> HasLut<'a, KData> for Counted<'a> {
    #[inline]
    fn lut(&self) -> &'a Lut<KData> {
        budget::charge(1);
        self.0
    }
}
