//! The typed scalar fields the API server decodes with their own unmarshalers and writes back in
//! their own form: `resource.Quantity` fields (canonical text, `quantity.go` `UnmarshalJSON`)
//! and Secret `data` (`[]byte`: Go's `encoding/base64` StdEncoding, re-encoded canonically).
//! A value they cannot read fails the whole request as the decoder does:
//! `<Kind> in version "<version>" cannot be handled as a <Kind>: <decoder's message>` (400).

use serde_json::Value;

use super::error::ApiError;
use super::kinds::KindInfo;
use super::quantity::Quantity;

/// Canonicalises the object's quantities and Secret data in place, or fails as the decoder.
pub fn decode(kind: &KindInfo, obj: &mut Value) -> Result<(), ApiError> {
    let fail = |msg: String| {
        ApiError::bad_request(format!(
            "{k} in version \"{v}\" cannot be handled as a {k}: {msg}",
            k = kind.kind,
            v = kind.version
        ))
    };
    let mut errors: Vec<String> = Vec::new();
    for_each_quantity_map(kind.kind, obj, &mut |m| {
        for v in m.values_mut() {
            if v.is_null() {
                continue;
            }
            match Quantity::from_json(v) {
                Ok(q) => *v = Value::String(q.canonical()),
                Err(e) => errors.push(e.to_string()),
            }
        }
    });
    if let Some(e) = errors.into_iter().next() {
        return Err(fail(e));
    }
    if kind.kind == "Secret"
        && let Some(data) = obj.get_mut("data").and_then(Value::as_object_mut)
    {
        for v in data.values_mut() {
            let Value::String(s) = v else { continue };
            let bytes = go_base64_decode(s).map_err(fail)?;
            use base64::Engine as _;
            *v = Value::String(base64::engine::general_purpose::STANDARD.encode(bytes));
        }
    }
    Ok(())
}

/// Calls `f` on every `map[ResourceName]Quantity` (or single quantity wrapped in a one-entry
/// view) of an object of the kind.
fn for_each_quantity_map(
    kind: &str,
    obj: &mut Value,
    f: &mut dyn FnMut(&mut serde_json::Map<String, Value>),
) {
    match kind {
        "Pod" => pod_spec(obj.get_mut("spec"), f),
        "PodTemplate" => pod_template(obj.get_mut("template"), f),
        "Deployment" | "ReplicaSet" | "DaemonSet" | "Job" | "ReplicationController" => {
            pod_template(at(obj, &["spec", "template"]), f)
        }
        "StatefulSet" => {
            pod_template(at(obj, &["spec", "template"]), f);
            if let Some(ts) =
                at(obj, &["spec", "volumeClaimTemplates"]).and_then(Value::as_array_mut)
            {
                for t in ts {
                    pvc_spec(t.get_mut("spec"), f);
                }
            }
        }
        "CronJob" => pod_template(at(obj, &["spec", "jobTemplate", "spec", "template"]), f),
        "PersistentVolumeClaim" => {
            pvc_spec(obj.get_mut("spec"), f);
            maps(at(obj, &["status", "capacity"]), f);
            maps(at(obj, &["status", "allocatedResources"]), f);
        }
        "PersistentVolume" => maps(at(obj, &["spec", "capacity"]), f),
        "Node" => {
            maps(at(obj, &["status", "capacity"]), f);
            maps(at(obj, &["status", "allocatable"]), f);
        }
        "ResourceQuota" => {
            maps(at(obj, &["spec", "hard"]), f);
            maps(at(obj, &["status", "hard"]), f);
            maps(at(obj, &["status", "used"]), f);
        }
        "LimitRange" => {
            if let Some(ls) = at(obj, &["spec", "limits"]).and_then(Value::as_array_mut) {
                for l in ls {
                    for k in [
                        "max",
                        "min",
                        "default",
                        "defaultRequest",
                        "maxLimitRequestRatio",
                    ] {
                        maps(l.get_mut(k), f);
                    }
                }
            }
        }
        _ => {}
    }
}

fn at<'a>(obj: &'a mut Value, keys: &[&str]) -> Option<&'a mut Value> {
    let mut cur = obj;
    for k in keys {
        cur = cur.get_mut(*k)?;
    }
    Some(cur)
}

fn maps(v: Option<&mut Value>, f: &mut dyn FnMut(&mut serde_json::Map<String, Value>)) {
    if let Some(m) = v.and_then(Value::as_object_mut) {
        f(m);
    }
}

/// A single quantity field (`sizeLimit`, `storage` of a claim template) seen as a map entry.
fn single(
    parent: Option<&mut Value>,
    key: &str,
    f: &mut dyn FnMut(&mut serde_json::Map<String, Value>),
) {
    let Some(p) = parent.and_then(Value::as_object_mut) else {
        return;
    };
    let Some(v) = p.remove(key) else { return };
    let mut one = serde_json::Map::new();
    one.insert(key.to_string(), v);
    f(&mut one);
    if let Some(v) = one.remove(key) {
        p.insert(key.to_string(), v);
    }
}

fn pod_template(t: Option<&mut Value>, f: &mut dyn FnMut(&mut serde_json::Map<String, Value>)) {
    if let Some(t) = t {
        pod_spec(t.get_mut("spec"), f);
    }
}

fn pod_spec(spec: Option<&mut Value>, f: &mut dyn FnMut(&mut serde_json::Map<String, Value>)) {
    let Some(spec) = spec else { return };
    for list in ["initContainers", "containers", "ephemeralContainers"] {
        if let Some(cs) = spec.get_mut(list).and_then(Value::as_array_mut) {
            for c in cs {
                resources(c.get_mut("resources"), f);
            }
        }
    }
    maps(spec.get_mut("overhead"), f);
    resources(spec.get_mut("resources"), f);
    if let Some(vs) = spec.get_mut("volumes").and_then(Value::as_array_mut) {
        for v in vs {
            single(v.get_mut("emptyDir"), "sizeLimit", f);
            if let Some(t) = at(v, &["ephemeral", "volumeClaimTemplate", "spec"]) {
                pvc_spec(Some(t), f);
            }
        }
    }
}

fn resources(r: Option<&mut Value>, f: &mut dyn FnMut(&mut serde_json::Map<String, Value>)) {
    if let Some(r) = r {
        maps(r.get_mut("limits"), f);
        maps(r.get_mut("requests"), f);
    }
}

fn pvc_spec(spec: Option<&mut Value>, f: &mut dyn FnMut(&mut serde_json::Map<String, Value>)) {
    if let Some(s) = spec {
        resources(s.get_mut("resources"), f);
    }
}

/// Go's `base64.StdEncoding.DecodeString`: `\r` and `\n` skipped, padding required, the unused
/// bits of the last quantum ignored (not strict); the error is `CorruptInputError`'s text.
pub fn go_base64_decode(s: &str) -> Result<Vec<u8>, String> {
    let corrupt = |at: usize| format!("illegal base64 data at input byte {at}");
    let val = |c: u8| -> Option<u32> {
        match c {
            b'A'..=b'Z' => Some(u32::from(c - b'A')),
            b'a'..=b'z' => Some(u32::from(c - b'a') + 26),
            b'0'..=b'9' => Some(u32::from(c - b'0') + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        }
    };
    let src = s.as_bytes();
    let mut out = Vec::with_capacity(src.len() / 4 * 3);
    let mut si = 0;
    // Go's decodeQuantum, one quantum of four characters at a time.
    while si < src.len() {
        let mut dbuf = [0u32; 4];
        let mut dlen = 4;
        let mut j = 0;
        while j < 4 {
            if si == src.len() {
                if j == 0 {
                    return Ok(out);
                }
                if j == 1 {
                    return Err(corrupt(si - j));
                }
                // Padding is required (StdEncoding).
                return Err(corrupt(si - j));
            }
            let c = src[si];
            si += 1;
            if c == b'\n' || c == b'\r' {
                continue;
            }
            if let Some(v) = val(c) {
                dbuf[j] = v;
                j += 1;
                continue;
            }
            if c != b'=' {
                return Err(corrupt(si - 1));
            }
            // Padding.
            match j {
                0 | 1 => return Err(corrupt(si - 1)),
                2 => {
                    // "==" expected: skip newlines to the next character.
                    while si < src.len() && (src[si] == b'\n' || src[si] == b'\r') {
                        si += 1;
                    }
                    if si == src.len() {
                        return Err(corrupt(src.len()));
                    }
                    if src[si] != b'=' {
                        return Err(corrupt(si - 1));
                    }
                    si += 1;
                }
                _ => {}
            }
            while si < src.len() && (src[si] == b'\n' || src[si] == b'\r') {
                si += 1;
            }
            if si < src.len() {
                // Trailing garbage after the padding.
                return Err(corrupt(si));
            }
            dlen = j;
            break;
        }
        let v = (dbuf[0] << 18) | (dbuf[1] << 12) | (dbuf[2] << 6) | dbuf[3];
        let bytes = [(v >> 16) as u8, (v >> 8) as u8, v as u8];
        match dlen {
            4 => out.extend_from_slice(&bytes),
            3 => out.extend_from_slice(&bytes[..2]),
            2 => out.push(bytes[0]),
            _ => {}
        }
        if dlen < 4 {
            return Ok(out);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_base64() {
        // Non-zero padding bits are ignored by Go's (non-strict) decoder.
        assert_eq!(go_base64_decode("cm9vda==").unwrap(), b"roou");
        assert_eq!(go_base64_decode("cm9vdA==").unwrap(), b"root");
        assert_eq!(go_base64_decode("cm9v\ndA==\n").unwrap(), b"root");
        assert_eq!(go_base64_decode("").unwrap(), b"");
        assert_eq!(go_base64_decode("YWJj").unwrap(), b"abc");
        assert_eq!(
            go_base64_decode("cm9vdA").unwrap_err(),
            "illegal base64 data at input byte 4"
        );
        assert_eq!(
            go_base64_decode("root!").unwrap_err(),
            "illegal base64 data at input byte 4"
        );
        assert_eq!(
            go_base64_decode("a").unwrap_err(),
            "illegal base64 data at input byte 0"
        );
        assert_eq!(
            go_base64_decode("cm9vdA==x").unwrap_err(),
            "illegal base64 data at input byte 8"
        );
        assert_eq!(
            go_base64_decode("cm9vd===").unwrap_err(),
            "illegal base64 data at input byte 5"
        );
        assert_eq!(
            go_base64_decode("cm9vdA=").unwrap_err(),
            "illegal base64 data at input byte 7"
        );
        assert_eq!(
            go_base64_decode("my password").unwrap_err(),
            "illegal base64 data at input byte 2"
        );
    }
}
