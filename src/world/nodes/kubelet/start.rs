//! A container's start: config checks and the image pull by `imagePullPolicy`, serialized per
//! node with back-off on failure.

use super::*;

/// Config checks and the pull decision. Returns true if the state moved on.
pub(super) fn begin_start(
    world: &mut World,
    uid: &str,
    pod: &Value,
    i: usize,
    spec: &Value,
) -> bool {
    let now = world.now();
    let name = Container(spec).name().to_string();
    let init = world.pods.get(uid).is_some_and(|r| r.containers[i].init);
    let image = Container(spec).image().to_string();
    let policy = spec
        .field("imagePullPolicy")
        .and_then(Value::as_str)
        .unwrap_or("IfNotPresent")
        .to_string();
    let Some(node) = world.pods.get(uid).map(|r| r.node.clone()) else {
        return false;
    };
    let parsed = match ImageRef::parse(&image) {
        Ok(r) => r,
        Err(_) => {
            let msg = format!(
                "Failed to apply default image tag \"{image}\": couldn't parse image name \"{image}\": invalid reference format"
            );
            event(
                world,
                pod,
                Some(&name),
                init,
                "Warning",
                "InspectFailed",
                &msg,
            );
            event(
                world,
                pod,
                Some(&name),
                init,
                "Warning",
                "Failed",
                "Error: InvalidImageName",
            );
            set_state(
                world,
                uid,
                i,
                ContainerState::Waiting {
                    reason: "InvalidImageName".into(),
                    message: msg,
                },
            );
            set_retry(world, uid, i, now + RECHECK);
            wake(world, uid, now + RECHECK);
            return false;
        }
    };
    let present = world
        .nodes
        .get(&node)
        .and_then(|n| n.find_image(&parsed))
        .map(|img| img.digest.clone());
    if policy != "Always" {
        if let Some(digest) = present {
            event(
                world,
                pod,
                Some(&name),
                init,
                "Normal",
                "Pulled",
                &format!("Container image \"{image}\" already present on machine"),
            );
            let repo_digest = world
                .nodes
                .get(&node)
                .and_then(|n| n.images.get(&digest))
                .and_then(|img| {
                    img.repo_digests
                        .iter()
                        .find(|d| d.starts_with(&format!("{}@", parsed.repository())))
                        .or(img.repo_digests.iter().next())
                        .cloned()
                });
            if let Some(rt) = world.pods.get_mut(uid) {
                let c = &mut rt.containers[i];
                c.image_id = repo_digest.unwrap_or_default();
                c.image_name = parsed.tagged().unwrap_or_else(|| parsed.full());
            }
            return config_then_create(world, uid, pod, i, spec);
        }
        if policy == "Never" {
            let msg =
                format!("Container image \"{image}\" is not present with pull policy of Never");
            event(
                world,
                pod,
                Some(&name),
                init,
                "Warning",
                "ErrImageNeverPull",
                &msg,
            );
            event(
                world,
                pod,
                Some(&name),
                init,
                "Warning",
                "Failed",
                "Error: ErrImageNeverPull",
            );
            set_state(
                world,
                uid,
                i,
                ContainerState::Waiting {
                    reason: "ErrImageNeverPull".into(),
                    message: msg,
                },
            );
            set_retry(world, uid, i, now + RECHECK);
            wake(world, uid, now + RECHECK);
            return false;
        }
    }
    // Pull, serialized on the node.
    event(
        world,
        pod,
        Some(&name),
        init,
        "Normal",
        "Pulling",
        &format!("Pulling image \"{image}\""),
    );
    let timings = world.timings.clone();
    let duration = match world.registry.resolve(&image) {
        Ok(res) => {
            let cached = world
                .nodes
                .get(&node)
                .is_some_and(|n| n.images.contains_key(&res.image.digest));
            if cached {
                timings.pull_cached_ms
            } else {
                timings.pull_base_ms
                    + (res.image.spec.size.saturating_mul(1000) / timings.pull_bytes_per_sec.max(1))
                        as Millis
            }
        }
        Err(_) => timings.pull_base_ms,
    };
    let Some(n) = world.nodes.get_mut(&node) else {
        return false;
    };
    let key = parsed.full();
    let (started, until) = match n.in_flight.get(&key) {
        Some(&(s, u)) if u > now => (s, u),
        _ => {
            let started = n.pull_busy_until.max(now);
            let until = started + duration;
            n.pull_busy_until = until;
            n.in_flight.insert(key, (started, until));
            (started, until)
        }
    };
    set_state(
        world,
        uid,
        i,
        ContainerState::Pulling {
            until,
            started,
            queued: now,
        },
    );
    true
}

pub(super) fn set_retry(world: &mut World, uid: &str, i: usize, at: Millis) {
    if let Some(rt) = world.pods.get_mut(uid) {
        rt.containers[i].retry_at = Some(at);
    }
}

pub(super) fn finish_pull(
    world: &mut World,
    uid: &str,
    pod: &Value,
    i: usize,
    spec: &Value,
    took: Millis,
    total: Millis,
) {
    let now = world.now();
    let name = Container(spec).name().to_string();
    let init = world.pods.get(uid).is_some_and(|r| r.containers[i].init);
    let image = Container(spec).image().to_string();
    let Some(node) = world.pods.get(uid).map(|r| r.node.clone()) else {
        return;
    };
    match world.registry.resolve(&image) {
        Ok(res) => {
            let size = res.image.spec.size;
            if let Some(n) = world.nodes.get_mut(&node) {
                n.store_image(&res, now);
                n.pulls.push(PullRecord {
                    reference: image.clone(),
                    digest: res.repo_digest.clone(),
                    time: now,
                    ok: true,
                });
            }
            event(
                world,
                pod,
                Some(&name),
                init,
                "Normal",
                "Pulled",
                &format!(
                    "Successfully pulled image \"{image}\" in {} ({} including waiting). Image size: {size} bytes.",
                    secs3(took),
                    secs3(total)
                ),
            );
            if let Some(rt) = world.pods.get_mut(uid) {
                let c = &mut rt.containers[i];
                c.image_id = res.reference.with_digest(&res.repo_digest);
                c.image_name = res
                    .reference
                    .tagged()
                    .unwrap_or_else(|| res.reference.full());
                c.pull_backoff = 0;
            }
            config_then_create(world, uid, pod, i, spec);
        }
        Err(e) => {
            if let Some(n) = world.nodes.get_mut(&node) {
                n.pulls.push(PullRecord {
                    reference: image.clone(),
                    digest: String::new(),
                    time: now,
                    ok: false,
                });
            }
            let msg = e.message().to_string();
            event(
                world,
                pod,
                Some(&name),
                init,
                "Warning",
                "Failed",
                &format!("Failed to pull image \"{image}\": {msg}"),
            );
            event(
                world,
                pod,
                Some(&name),
                init,
                "Warning",
                "Failed",
                "Error: ErrImagePull",
            );
            let backoff = world.pods.get(uid).map_or(BACKOFF_START, |r| {
                backoff_next(r.containers[i].pull_backoff)
            });
            set_state(
                world,
                uid,
                i,
                ContainerState::Waiting {
                    reason: "ErrImagePull".into(),
                    message: msg,
                },
            );
            if let Some(rt) = world.pods.get_mut(uid) {
                rt.containers[i].pull_backoff = backoff;
                rt.containers[i].retry_at = Some(now + backoff);
            }
            wake(world, uid, now + ERROR_SHOWN);
        }
    }
}
