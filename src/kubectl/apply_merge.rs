//! `kubectl apply`'s client side: the `last-applied-configuration` annotation and the
//! three-way merge (`strategicpatch.CreateThreeWayMergePatch`).

use serde_json::Value;

use crate::world::api::meta;
use crate::world::api::patch::{PatchError, strategic, strategic_merge};

const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// What kubectl stores in `last-applied-configuration`: the manifest (without the annotation
/// itself) as compact JSON with sorted keys, and a trailing newline.
pub fn last_applied_annotation(manifest: &Value) -> String {
    let mut m = manifest.clone();
    meta::remove_annotation(&mut m, LAST_APPLIED);
    let mut s = crate::printers::json::to_json_compact(&m);
    s.push('\n');
    s
}

/// The annotation for an object kubectl built itself (`create deployment --save-config`): Go
/// struct field order, with kubectl's trailing newline.
pub fn last_applied_typed(obj: &Value) -> String {
    let mut m = obj.clone();
    meta::remove_annotation(&mut m, LAST_APPLIED);
    let mut s = crate::printers::json::to_json_typed_compact(&m);
    s.push('\n');
    s
}

/// The apply patch and the object it produces from `current`.
pub fn apply_patch(
    kind: &str,
    original: Option<&Value>,
    modified: &Value,
    current: &Value,
) -> Result<(Value, Value), PatchError> {
    let patch = strategic::three_way_patch(original, modified);
    let result = strategic_merge(kind, current, &patch)?;
    Ok((patch, result))
}
