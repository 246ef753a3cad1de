//! `kubelab new NAME`: writes a commented lab skeleton that runs with full marks and passes
//! `kubelab lint` as it is, for the author to change step by step (docs/authoring.md).

use super::args::NewArgs;

/// The skeleton; `{TITLE}` and `{PATH}` are filled in.
const SKELETON: &str = r#"# {PATH}: a kubelab lab. Lines starting with '#' outside blocks are comments.
# Try it:  kubelab run {PATH}     (the reference solution, its expected output, the score)
#          kubelab lint {PATH}    (every check can fail, and passes after the solution)
#          kubelab shell {PATH}   (the student's prompt: tasks, hint, check, reset)
# The language: docs/lab-language.md; the tutorial and a cookbook of checks: docs/authoring.md.
# Texts in Korean follow the English ones after `ko` (`task "Scale it" ko "스케일링하기" {`, and
# `intro ko """..."""`); `kubelab shell --lang ko {PATH}` shows them.
lab "{TITLE}"

# Shown when the student starts the lab.
intro """
Deploy the web server `web` from nginx:1.25 with 2 replicas, then scale it to 3.
"""

# Rhai, run once on a fresh cluster before the student starts (images, objects, time).
setup {
    registry.push("docker.io/library/nginx:1.25");
}

task "Create the deployment" {
    # Shown one at a time by `hint` at the student's prompt.
    hint "kubectl create deployment takes --image and --replicas"

    # A step of the reference solution, as typed at the prompt, then its expected output
    # (`...` matches any lines, `[..]` any text in a line; `kubelab run --bless` rewrites it).
    $ kubectl create deployment web --image=nginx:1.25 --replicas=2
    deployment.apps/web created

    $ kubectl rollout status deployment web
    ...
    deployment "web" successfully rolled out

    # Checked while `kubelab run` plays the solution, at this point.
    assert "two pods are ready" {
        (cluster.get("deployment", "web").status.readyReplicas ?? 0) == 2
    }

    # Graded on the student's final world: true earns the points, false or a string (the
    # reason the student sees) earns none.
    check 2 "web runs nginx:1.25" {
        cluster.exists("deployment", "web") &&
            cluster.get("deployment", "web").spec.template.spec.containers[0].image == "nginx:1.25"
    }
}

task "Scale it" {
    hint "kubectl scale sets the number of replicas"

    $ kubectl scale deployment web --replicas=3
    deployment.apps/web scaled

    check 1 "web has 3 replicas" {
        if !cluster.exists("deployment", "web") { return "there is no deployment web"; }
        let d = cluster.get("deployment", "web");
        if d.spec.replicas != 3 { return `web has ${d.spec.replicas} replicas, not 3`; }
        true
    }
}
"#;

/// The file `kubelab new NAME` writes: NAME, with `.lab` added when it has no extension.
fn path_for(name: &str) -> String {
    if name.ends_with(".lab") {
        name.to_string()
    } else {
        format!("{name}.lab")
    }
}

/// A title from the file's name: `labs/scale-web.lab` → `Scale web`.
fn title_for(path: &str) -> String {
    let file = std::path::Path::new(path)
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = file.strip_suffix(".lab").unwrap_or(&file);
    let words = stem.replace(['-', '_'], " ");
    let words = words.trim();
    let mut chars = words.chars();
    match chars.next() {
        Some(c) => c
            .to_uppercase()
            .chain(chars)
            .collect::<String>()
            .replace('"', "'"),
        None => "My lab".into(),
    }
}

/// The skeleton for `path`.
pub fn skeleton(path: &str) -> String {
    SKELETON
        .replace("{TITLE}", &title_for(path))
        .replace("{PATH}", path)
}

/// `kubelab new`.
pub(super) fn main(a: NewArgs) -> i32 {
    let path = path_for(&a.name);
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path);
    let result =
        file.and_then(|mut f| std::io::Write::write_all(&mut f, skeleton(&path).as_bytes()));
    match result {
        Ok(()) => {
            println!("Created {path}: a lab with two tasks that passes `kubelab lint` as it is.");
            println!("Next: kubelab run {path}; edit it (docs/authoring.md); kubelab lint {path}.");
            0
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            eprintln!("kubelab new: {path} already exists; kubelab new never overwrites a file");
            1
        }
        Err(e) => {
            eprintln!("kubelab new: cannot write {path}: {e}");
            1
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_titles() {
        assert_eq!(path_for("labs/scale-web"), "labs/scale-web.lab");
        assert_eq!(path_for("x.lab"), "x.lab");
        assert_eq!(title_for("labs/scale-web.lab"), "Scale web");
        assert_eq!(title_for("my_first_lab.lab"), "My first lab");
        assert_eq!(title_for(".lab"), "My lab");
        assert_eq!(title_for("a\"b.lab"), "A'b");
    }

    /// The skeleton runs with full marks, and lint finds nothing to say.
    #[test]
    fn the_skeleton_runs_and_lints_clean() {
        let lab = crate::lab::parse("labs/scale-web.lab", &skeleton("labs/scale-web.lab"))
            .unwrap_or_else(|d| panic!("{d}"));
        let report = crate::runner::run::run_lab(&lab, 1, false);
        assert!(report.ok(), "{}", report.text);
        assert_eq!(report.score(), (3, 3));
        assert_eq!(crate::runner::lint::lint(&lab, 1), Vec::<String>::new());
    }
}
