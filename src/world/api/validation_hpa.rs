//! API-server validation of HorizontalPodAutoscalers (`k/k pkg/apis/autoscaling/validation`,
//! `validateHorizontalPodAutoscalerSpec` of 1.32, without the HPAScaleToZero gate): the
//! replica bounds and the scale target reference, with upstream's field paths and messages.

use serde_json::Value;

use super::error::{FieldCause, cause};
use super::meta;

/// Appends the causes of an HPA to `errs`.
pub fn validate(obj: &Value, errs: &mut Vec<FieldCause>) {
    let min = meta::int_at(obj, &["spec", "minReplicas"]);
    let max = meta::int_at(obj, &["spec", "maxReplicas"]).unwrap_or(0);
    if let Some(m) = min
        && m < 1
    {
        errs.push(cause(
            "spec.minReplicas",
            format!("Invalid value: {m}: must be greater than or equal to 1"),
        ));
    }
    if max < 1 {
        errs.push(cause(
            "spec.maxReplicas",
            format!("Invalid value: {max}: must be greater than 0"),
        ));
    }
    if let Some(m) = min
        && max < m
    {
        errs.push(cause(
            "spec.maxReplicas",
            format!("Invalid value: {max}: must be greater than or equal to `minReplicas`"),
        ));
    }
    for field in ["kind", "name"] {
        if meta::str_at(obj, &["spec", "scaleTargetRef", field]).is_none_or(str::is_empty) {
            errs.push(cause(
                format!("spec.scaleTargetRef.{field}"),
                "Required value",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn bounds_and_target() {
        let mut errs = Vec::new();
        validate(
            &json!({"spec": {"minReplicas": 3, "maxReplicas": 2, "scaleTargetRef": {"kind": "Deployment"}}}),
            &mut errs,
        );
        let got: Vec<String> = errs
            .iter()
            .map(|c| format!("{}: {}", c.field, c.detail))
            .collect();
        assert_eq!(
            got,
            vec![
                "spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`",
                "spec.scaleTargetRef.name: Required value",
            ]
        );
    }
}
