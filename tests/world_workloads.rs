//! The DaemonSet, Job and CronJob controllers at the world level, with cases after upstream's
//! unit tests (`pkg/controller/daemon/daemon_controller_test.go`,
//! `pkg/controller/job/job_controller_test.go`,
//! `pkg/controller/cronjob/cronjob_controllerv2_test.go`), written in our own words: the
//! containers really run their commands in virtual time.

use kubelab::world::World;
use kubelab::world::api::kinds;
use kubelab::world::api::meta;
use serde_json::{Value, json};

fn job(name: &str, spec: Value, restart: &str, command: &str) -> Value {
    let mut j = json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": name},
        "spec": {"template": {"spec": {"restartPolicy": restart,
            "containers": [{"name": "main", "image": "busybox", "command": ["sh", "-c", command]}]}}}});
    if let (Some(dst), Some(src)) = (j["spec"].as_object_mut(), spec.as_object()) {
        for (k, v) in src {
            dst.insert(k.clone(), v.clone());
        }
    }
    j
}

fn get(w: &World, kind: &str, name: &str) -> Value {
    w.object(kind, "default", name)
        .cloned()
        .unwrap_or(Value::Null)
}

fn int(v: &Value, keys: &[&str]) -> i64 {
    meta::int_at(v, keys).unwrap_or(0)
}

fn condition(v: &Value, ty: &str) -> Option<(String, String)> {
    let c = meta::condition(v, ty)?;
    Some((
        c["reason"].as_str().unwrap_or("").to_string(),
        c["message"].as_str().unwrap_or("").to_string(),
    ))
}

fn pods_of(w: &World, owner: &str) -> Vec<Value> {
    w.object_list("Pod", "default")
        .filter(|p| meta::controller_of(p).is_some_and(|(_, n, _)| n == owner))
        .cloned()
        .collect()
}

fn live(pods: &[Value]) -> usize {
    pods.iter()
        .filter(|p| {
            !meta::is_deleting(p)
                && !matches!(
                    meta::str_at(p, &["status", "phase"]),
                    Some("Succeeded" | "Failed")
                )
        })
        .count()
}

fn reasons(w: &World, obj: &Value) -> Vec<String> {
    w.events_for(meta::uid(obj))
        .iter()
        .map(|e| e["reason"].as_str().unwrap_or("").to_string())
        .collect()
}

// --- Jobs -------------------------------------------------------------------------------

/// "non-indexed job: parallelism 2, completions 5": two pods at a time until five succeed.
#[test]
fn job_runs_at_most_parallelism_pods_until_completions() {
    let mut w = World::new(1);
    w.create(
        job(
            "j",
            json!({"parallelism": 2, "completions": 5}),
            "Never",
            "sleep 3",
        ),
        false,
    )
    .unwrap();
    w.advance(100);
    assert_eq!(int(&get(&w, "Job", "j"), &["status", "active"]), 2);
    let mut most = 0;
    for _ in 0..40 {
        w.advance(1000);
        most = most.max(live(&pods_of(&w, "j")));
    }
    let j = get(&w, "Job", "j");
    assert_eq!(most, 2);
    assert_eq!(int(&j, &["status", "succeeded"]), 5);
    assert_eq!(pods_of(&w, "j").len(), 5);
    assert_eq!(
        condition(&j, "Complete"),
        Some((
            "CompletionsReached".into(),
            "Reached expected number of succeeded pods".into()
        ))
    );
    assert!(condition(&j, "SuccessCriteriaMet").is_some());
    assert!(j["status"]["completionTime"].is_string());
    assert!(reasons(&w, &j).contains(&"Completed".to_string()));
}

/// "WQ job: parallelism 2, no completions": the Job completes once a pod succeeded and the
/// others finished; no pod is created after the first success.
#[test]
fn work_queue_job_completes_when_one_succeeds_and_all_finish() {
    let mut w = World::new(2);
    w.create(
        job("wq", json!({"parallelism": 2}), "Never", "sleep 2"),
        false,
    )
    .unwrap();
    w.advance(20_000);
    let j = get(&w, "Job", "wq");
    assert!(j["spec"].get("completions").is_none());
    assert_eq!(int(&j, &["status", "succeeded"]), 2);
    assert_eq!(pods_of(&w, "wq").len(), 2);
    assert!(condition(&j, "Complete").is_some());
}

/// "backoff limit exceeded": failures are retried after 10 s, then 20 s, and the Job fails
/// once failed > backoffLimit, with both FailureTarget and Failed.
#[test]
fn failing_pods_back_off_then_the_job_fails() {
    let mut w = World::new(3);
    w.create(
        job("f", json!({"backoffLimit": 2}), "Never", "exit 1"),
        false,
    )
    .unwrap();
    w.advance(5_000);
    assert_eq!(pods_of(&w, "f").len(), 1, "the replacement waits 10 s");
    w.advance(7_000);
    assert_eq!(pods_of(&w, "f").len(), 2);
    w.advance(15_000);
    assert_eq!(pods_of(&w, "f").len(), 2, "then 20 s");
    w.advance(10_000);
    assert_eq!(pods_of(&w, "f").len(), 3);
    w.advance(60_000);
    let j = get(&w, "Job", "f");
    assert_eq!(pods_of(&w, "f").len(), 3);
    assert_eq!(int(&j, &["status", "failed"]), 3);
    let msg = "Job has reached the specified backoff limit";
    assert_eq!(
        condition(&j, "FailureTarget"),
        Some(("BackoffLimitExceeded".into(), msg.into()))
    );
    assert_eq!(
        condition(&j, "Failed"),
        Some(("BackoffLimitExceeded".into(), msg.into()))
    );
    assert!(j["status"].get("completionTime").is_none());
}

/// "OnFailure: the restarts of a running pod count against backoffLimit".
#[test]
fn on_failure_restarts_count_against_the_backoff_limit() {
    let mut w = World::new(4);
    w.create(
        job("r", json!({"backoffLimit": 1}), "OnFailure", "exit 2"),
        false,
    )
    .unwrap();
    w.advance(60_000);
    let j = get(&w, "Job", "r");
    let created = reasons(&w, &j)
        .iter()
        .filter(|r| *r == "SuccessfulCreate")
        .count();
    assert_eq!(created, 1, "one pod, restarted in place");
    assert_eq!(
        condition(&j, "Failed").map(|c| c.0),
        Some("BackoffLimitExceeded".to_string())
    );
    assert!(
        pods_of(&w, "r").is_empty(),
        "the failed Job's pod is deleted"
    );
}

/// "activeDeadlineSeconds": active pods are deleted, then the Job fails with DeadlineExceeded.
#[test]
fn active_deadline_fails_the_job() {
    let mut w = World::new(5);
    w.create(
        job(
            "d",
            json!({"activeDeadlineSeconds": 3}),
            "Never",
            "sleep 100",
        ),
        false,
    )
    .unwrap();
    w.advance(2_000);
    assert!(condition(&get(&w, "Job", "d"), "FailureTarget").is_none());
    w.advance(60_000);
    let j = get(&w, "Job", "d");
    assert_eq!(
        condition(&j, "Failed"),
        Some((
            "DeadlineExceeded".into(),
            "Job was active longer than specified deadline".into()
        ))
    );
    assert_eq!(live(&pods_of(&w, "d")), 0);
}

/// "suspended job": no pods; resuming adds Suspended=False and starts the pods.
#[test]
fn suspend_and_resume() {
    let mut w = World::new(6);
    w.create(
        job("s", json!({"suspend": true}), "Never", "sleep 1"),
        false,
    )
    .unwrap();
    w.advance(5_000);
    let j = get(&w, "Job", "s");
    assert_eq!(pods_of(&w, "s").len(), 0);
    assert_eq!(
        condition(&j, "Suspended"),
        Some(("JobSuspended".into(), "Job suspended".into()))
    );
    assert!(j["status"].get("startTime").is_none());
    let mut j2 = j.clone();
    j2["spec"]["suspend"] = json!(false);
    w.update(j2, false).unwrap();
    w.advance(10_000);
    let j = get(&w, "Job", "s");
    assert_eq!(
        condition(&j, "Suspended"),
        Some(("JobResumed".into(), "Job resumed".into()))
    );
    assert!(condition(&j, "Complete").is_some());
    assert!(reasons(&w, &j).contains(&"Resumed".to_string()));
}

/// "indexed job": one pod per index, `completedIndexes` as intervals.
#[test]
fn indexed_job_has_a_pod_per_index() {
    let mut w = World::new(7);
    w.create(
        job(
            "ix",
            json!({"completions": 4, "parallelism": 2, "completionMode": "Indexed"}),
            "Never",
            "sleep 1",
        ),
        false,
    )
    .unwrap();
    w.advance(30_000);
    let j = get(&w, "Job", "ix");
    assert_eq!(j["status"]["completedIndexes"], "0-3");
    let mut idx: Vec<String> = pods_of(&w, "ix")
        .iter()
        .map(|p| {
            meta::annotation(p, "batch.kubernetes.io/job-completion-index")
                .unwrap_or("")
                .to_string()
        })
        .collect();
    idx.sort();
    assert_eq!(idx, ["0", "1", "2", "3"]);
}

/// "pod failure policy": FailJob on an exit code fails at once; Ignore does not count.
#[test]
fn pod_failure_policy_fail_job_and_ignore() {
    let mut w = World::new(8);
    let policy = |action: &str| json!({"podFailurePolicy": {"rules": [{"action": action, "onExitCodes": {"operator": "In", "values": [42]}}]}, "backoffLimit": 6});
    w.create(job("fj", policy("FailJob"), "Never", "exit 42"), false)
        .unwrap();
    w.create(job("ig", policy("Ignore"), "Never", "exit 42"), false)
        .unwrap();
    w.advance(30_000);
    let fj = get(&w, "Job", "fj");
    let (reason, msg) = condition(&fj, "Failed").unwrap_or_default();
    assert_eq!(reason, "PodFailurePolicy");
    assert!(
        msg.starts_with("Container main for pod default/fj-")
            && msg.ends_with("failed with exit code 42 matching FailJob rule at index 0"),
        "{msg}"
    );
    let ig = get(&w, "Job", "ig");
    assert_eq!(int(&ig, &["status", "failed"]), 0);
    assert!(condition(&ig, "Failed").is_none());
    assert!(
        pods_of(&w, "ig").len() >= 2,
        "ignored failures are replaced"
    );
}

/// "ttlSecondsAfterFinished": the finished Job and its pods go after the TTL.
#[test]
fn ttl_after_finished_deletes_the_job_and_its_pods() {
    let mut w = World::new(9);
    w.create(
        job("t", json!({"ttlSecondsAfterFinished": 5}), "Never", "true"),
        false,
    )
    .unwrap();
    w.advance(3_000);
    assert!(condition(&get(&w, "Job", "t"), "Complete").is_some());
    w.advance(10_000);
    assert!(w.object("Job", "default", "t").is_none());
    assert!(pods_of(&w, "t").is_empty());
}

// --- DaemonSets -------------------------------------------------------------------------

fn daemonset(name: &str, spec: Value, image: &str) -> Value {
    let mut tpl = json!({"containers": [{"name": "c", "image": image}]});
    if let (Some(dst), Some(src)) = (tpl.as_object_mut(), spec.as_object()) {
        for (k, v) in src {
            dst.insert(k.clone(), v.clone());
        }
    }
    json!({"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": name},
        "spec": {"selector": {"matchLabels": {"app": name}},
            "template": {"metadata": {"labels": {"app": name}}, "spec": tpl}}})
}

fn nodes_of(w: &World, ds: &str) -> Vec<String> {
    let mut v: Vec<String> = pods_of(w, ds)
        .iter()
        .filter(|p| !meta::is_deleting(p))
        .filter_map(|p| meta::str_at(p, &["spec", "nodeName"]).map(str::to_string))
        .collect();
    v.sort();
    v
}

/// "TestSimpleDaemonSetLaunchesPods" with kubeadm's control-plane taint: the workers only,
/// unless the template tolerates it.
#[test]
fn one_pod_per_eligible_node() {
    let mut w = World::new(10);
    w.create(daemonset("plain", json!({}), "nginx"), false)
        .unwrap();
    w.create(
        daemonset(
            "everywhere",
            json!({"tolerations": [{"key": "node-role.kubernetes.io/control-plane", "operator": "Exists", "effect": "NoSchedule"}]}),
            "nginx",
        ),
        false,
    )
    .unwrap();
    w.advance(10_000);
    assert_eq!(nodes_of(&w, "plain"), ["worker-1", "worker-2"]);
    assert_eq!(
        nodes_of(&w, "everywhere"),
        ["control-plane", "worker-1", "worker-2"]
    );
    let ds = get(&w, "DaemonSet", "plain");
    for (k, v) in [
        ("desiredNumberScheduled", 2),
        ("currentNumberScheduled", 2),
        ("numberReady", 2),
        ("updatedNumberScheduled", 2),
        ("numberAvailable", 2),
        ("numberMisscheduled", 0),
    ] {
        assert_eq!(int(&ds, &["status", k]), v, "{k}");
    }
}

/// "TestNodeSelectorDaemonLaunchesPods" and a node that stops matching.
#[test]
fn node_selector_follows_node_labels() {
    let mut w = World::new(11);
    w.create(
        daemonset("ssd", json!({"nodeSelector": {"disk": "ssd"}}), "nginx"),
        false,
    )
    .unwrap();
    w.advance(5_000);
    assert!(nodes_of(&w, "ssd").is_empty());
    let nk = kinds::by_kind("Node").unwrap();
    let mut n = w.get(nk, "", "worker-1").unwrap();
    n["metadata"]["labels"]["disk"] = json!("ssd");
    w.update(n, false).unwrap();
    w.advance(5_000);
    assert_eq!(nodes_of(&w, "ssd"), ["worker-1"]);
    let mut n = w.get(nk, "", "worker-1").unwrap();
    n["metadata"]["labels"]
        .as_object_mut()
        .unwrap()
        .remove("disk");
    w.update(n, false).unwrap();
    w.advance(60_000);
    assert!(nodes_of(&w, "ssd").is_empty());
}

fn set_ds_image(w: &mut World, name: &str, image: &str) {
    let k = kinds::by_kind("DaemonSet").unwrap();
    let mut d = w.get(k, "default", name).unwrap();
    d["spec"]["template"]["spec"]["containers"][0]["image"] = json!(image);
    w.update(d, false).unwrap();
}

/// "TestDaemonSetUpdatesPods" (maxUnavailable 1): never more than one node without an
/// available daemon pod; at the end every pod has the new revision hash.
#[test]
fn rolling_update_keeps_max_unavailable() {
    let mut w = World::new(12);
    let mut ds = daemonset(
        "r",
        json!({"tolerations": [{"operator": "Exists"}]}),
        "nginx:1.25",
    );
    ds["spec"]["minReadySeconds"] = json!(0);
    w.create(ds, false).unwrap();
    w.advance(10_000);
    set_ds_image(&mut w, "r", "nginx:1.27");
    let mut worst = 3;
    for _ in 0..200 {
        w.advance(100);
        let available = pods_of(&w, "r")
            .iter()
            .filter(|p| {
                !meta::is_deleting(p)
                    && meta::condition(p, "Ready").is_some_and(|c| c["status"] == "True")
            })
            .count();
        worst = worst.min(available);
    }
    assert_eq!(worst, 2, "one node at a time");
    let d = get(&w, "DaemonSet", "r");
    let hashes: Vec<String> = pods_of(&w, "r")
        .iter()
        .map(|p| meta::labels(p)["controller-revision-hash"].clone())
        .collect();
    assert_eq!(hashes.len(), 3);
    assert!(hashes.iter().all(|h| *h == hashes[0]));
    assert_eq!(int(&d, &["status", "updatedNumberScheduled"]), 3);
    let revs = w.object_list("ControllerRevision", "default").count();
    assert_eq!(revs, 2);
}

/// "TestDaemonSetUpdatesPodsWithMaxSurge": the new pod starts beside the old one, so every
/// node keeps an available pod.
#[test]
fn surge_update_never_leaves_a_node_without_a_pod() {
    let mut w = World::new(13);
    let mut ds = daemonset("s", json!({}), "nginx:1.25");
    ds["spec"]["updateStrategy"] =
        json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}});
    w.create(ds, false).unwrap();
    w.advance(10_000);
    set_ds_image(&mut w, "s", "nginx:1.27");
    let mut most = 0;
    for _ in 0..200 {
        w.advance(100);
        let pods = pods_of(&w, "s");
        let ready_nodes: std::collections::BTreeSet<String> = pods
            .iter()
            .filter(|p| meta::condition(p, "Ready").is_some_and(|c| c["status"] == "True"))
            .filter_map(|p| meta::str_at(p, &["spec", "nodeName"]).map(str::to_string))
            .collect();
        assert_eq!(ready_nodes.len(), 2, "every node keeps a ready pod");
        most = most.max(live(&pods));
    }
    assert_eq!(most, 3, "one surge pod at a time");
    assert_eq!(
        int(
            &get(&w, "DaemonSet", "s"),
            &["status", "updatedNumberScheduled"]
        ),
        2
    );
}

/// "TestDaemonSetUpdatesNoTemplateChanged"/OnDelete: a template change leaves pods alone; a
/// deleted pod comes back with the new template.
#[test]
fn on_delete_replaces_only_deleted_pods() {
    let mut w = World::new(14);
    let mut ds = daemonset("o", json!({}), "nginx:1.25");
    ds["spec"]["updateStrategy"] = json!({"type": "OnDelete"});
    w.create(ds, false).unwrap();
    w.advance(10_000);
    set_ds_image(&mut w, "o", "nginx:1.27");
    w.advance(10_000);
    let images = |w: &World| {
        let mut v: Vec<String> = pods_of(w, "o")
            .iter()
            .filter(|p| !meta::is_deleting(p))
            .map(|p| {
                p["spec"]["containers"][0]["image"]
                    .as_str()
                    .unwrap_or("")
                    .to_string()
            })
            .collect();
        v.sort();
        v
    };
    assert_eq!(images(&w), ["nginx:1.25", "nginx:1.25"]);
    let victim = meta::name(&pods_of(&w, "o")[0]).to_string();
    let pk = kinds::by_kind("Pod").unwrap();
    w.delete(pk, "default", &victim, &Default::default())
        .unwrap();
    w.advance(60_000);
    assert_eq!(images(&w), ["nginx:1.25", "nginx:1.27"]);
}

// --- CronJobs ---------------------------------------------------------------------------

fn cronjob(name: &str, schedule: &str, extra: Value, command: &str) -> Value {
    let mut c = json!({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": name},
        "spec": {"schedule": schedule, "jobTemplate": {"spec": {"template": {"spec": {"restartPolicy": "Never",
            "containers": [{"name": "c", "image": "busybox", "command": ["sh", "-c", command]}]}}}}}});
    if let (Some(dst), Some(src)) = (c["spec"].as_object_mut(), extra.as_object()) {
        for (k, v) in src {
            dst.insert(k.clone(), v.clone());
        }
    }
    c
}

fn jobs_of(w: &World, cj: &str) -> Vec<String> {
    w.object_list("Job", "default")
        .filter(|j| meta::controller_of(j).is_some_and(|(_, n, _)| n == cj))
        .map(|j| meta::name(j).to_string())
        .collect()
}

/// Job names carry the scheduled minute since the epoch; the clock starts 2025-03-03T09:00Z
/// (minute 29016540).
#[test]
fn jobs_are_named_by_their_scheduled_minute() {
    let mut w = World::new(15);
    w.create(cronjob("every", "*/1 * * * *", json!({}), "true"), false)
        .unwrap();
    w.advance(61_000);
    assert_eq!(jobs_of(&w, "every"), ["every-29016541"]);
    let c = get(&w, "CronJob", "every");
    assert_eq!(c["status"]["lastScheduleTime"], "2025-03-03T09:01:00Z");
    w.advance(300_000);
    // successfulJobsHistoryLimit defaults to 3.
    assert_eq!(
        jobs_of(&w, "every"),
        ["every-29016544", "every-29016545", "every-29016546"]
    );
}

/// "too many missed start times": a CronJob resumed after three hours starts only the most
/// recent time, and warns.
#[test]
fn too_many_missed_times_start_only_the_latest() {
    let mut w = World::new(16);
    w.create(
        cronjob("late", "*/1 * * * *", json!({"suspend": true}), "true"),
        false,
    )
    .unwrap();
    w.advance(3 * 3_600_000 + 30_000);
    let k = kinds::by_kind("CronJob").unwrap();
    let mut c = w.get(k, "default", "late").unwrap();
    c["spec"]["suspend"] = json!(false);
    w.update(c, false).unwrap();
    w.advance(1_000);
    assert_eq!(jobs_of(&w, "late"), ["late-29016720"]);
    let c = get(&w, "CronJob", "late");
    assert!(reasons(&w, &c).contains(&"TooManyMissedTimes".to_string()));
}

/// "startingDeadlineSeconds": missed times older than the deadline are not started.
#[test]
fn starting_deadline_skips_old_times() {
    let mut w = World::new(17);
    w.create(
        cronjob(
            "dl",
            "0 * * * *",
            json!({"suspend": true, "startingDeadlineSeconds": 60}),
            "true",
        ),
        false,
    )
    .unwrap();
    w.advance(3_600_000 + 300_000);
    let k = kinds::by_kind("CronJob").unwrap();
    let mut c = w.get(k, "default", "dl").unwrap();
    c["spec"]["suspend"] = json!(false);
    w.update(c, false).unwrap();
    w.advance(1_000);
    assert!(
        jobs_of(&w, "dl").is_empty(),
        "10:00 is 5 min past, beyond 60 s"
    );
    w.advance(3_600_000);
    assert_eq!(jobs_of(&w, "dl"), ["dl-29016660"]);
}

/// "concurrencyPolicy Forbid" and "Replace" with a Job still running at the next time.
#[test]
fn forbid_skips_and_replace_deletes() {
    let mut w = World::new(18);
    w.create(
        cronjob(
            "fb",
            "*/1 * * * *",
            json!({"concurrencyPolicy": "Forbid"}),
            "sleep 150",
        ),
        false,
    )
    .unwrap();
    w.create(
        cronjob(
            "rp",
            "*/1 * * * *",
            json!({"concurrencyPolicy": "Replace"}),
            "sleep 150",
        ),
        false,
    )
    .unwrap();
    w.advance(121_000);
    assert_eq!(jobs_of(&w, "fb"), ["fb-29016541"]);
    assert!(reasons(&w, &get(&w, "CronJob", "fb")).contains(&"JobAlreadyActive".to_string()));
    let rp: Vec<String> = w
        .object_list("Job", "default")
        .filter(|j| meta::name(j).starts_with("rp-") && !meta::is_deleting(j))
        .map(|j| meta::name(j).to_string())
        .collect();
    assert_eq!(rp, ["rp-29016542"]);
    let c = get(&w, "CronJob", "rp");
    assert_eq!(c["status"]["active"].as_array().map(Vec::len), Some(1));
    assert!(reasons(&w, &c).contains(&"SuccessfulDelete".to_string()));
}

/// Deleting a CronJob takes its Jobs and their pods with it (ownerReferences).
#[test]
fn deleting_a_cronjob_collects_its_jobs_and_pods() {
    let mut w = World::new(19);
    w.create(cronjob("gc", "*/1 * * * *", json!({}), "sleep 30"), false)
        .unwrap();
    w.advance(65_000);
    assert_eq!(jobs_of(&w, "gc").len(), 1);
    let k = kinds::by_kind("CronJob").unwrap();
    w.delete(k, "default", "gc", &Default::default()).unwrap();
    w.advance(60_000);
    assert!(w.object_list("Job", "default").next().is_none());
    assert!(w.object_list("Pod", "default").next().is_none());
}
