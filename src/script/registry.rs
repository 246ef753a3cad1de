//! The `registry` host type: the simulated image registries.

use rhai::{Array, Dynamic, Engine, EvalAltResult, Map};

use super::host::Host;
use super::meter::CALL_COST;
use crate::world::registry::rootfs::{Family, RootFsSource, custom};
use crate::world::registry::{ImageRef, ImageSpec, Registries};

type Res<T> = Result<T, Box<EvalAltResult>>;

/// `registry` in scripts.
#[derive(Clone)]
pub struct RegistryHandle(pub Host);

fn strings(d: &Dynamic) -> Vec<String> {
    if d.is_array() {
        d.clone()
            .into_array()
            .unwrap_or_default()
            .iter()
            .map(|x| x.to_string())
            .collect()
    } else if d.is_string() {
        vec![d.to_string()]
    } else {
        vec![]
    }
}

fn int(m: &Map, k: &str) -> Res<Option<i64>> {
    match m.get(k) {
        None => Ok(None),
        Some(d) => d
            .as_int()
            .map(Some)
            .map_err(|_| format!("registry.push: `{k}` must be an integer").into()),
    }
}

/// `mode`, `uid`, `gid` of a `files` entry: an integer in `0..=max`.
fn entry_int(path: &str, m: &Map, k: &str, max: i64, default: u32) -> Res<u32> {
    match m.get(k) {
        None => Ok(default),
        Some(d) => match d.as_int() {
            Ok(v) if (0..=max).contains(&v) => Ok(v as u32),
            _ => Err(format!(
                "registry.push: `files` entry `{path}`: `{k}` must be an integer between 0 and {}",
                if k == "mode" {
                    "0o7777".to_string()
                } else {
                    max.to_string()
                }
            )
            .into()),
        },
    }
}

/// One `files` entry: a string (a 0644 file) or `#{content, mode, uid, gid}`, `#{dir: true,
/// ...}`, `#{link: "target"}`.
fn file_entry(path: &str, v: &Dynamic) -> Res<custom::Entry> {
    if v.is_string() {
        return Ok(custom::Entry::File {
            content: v.to_string(),
            mode: 0o644,
            uid: 0,
            gid: 0,
        });
    }
    let Some(m) = v.clone().try_cast::<Map>() else {
        return Err(format!(
            "registry.push: `files` entry `{path}` must be a string (the content) or a map like #{{content: \"...\", mode: 0o755}}"
        )
        .into());
    };
    const KEYS: &[&str] = &["content", "mode", "uid", "gid", "dir", "link"];
    for k in m.keys() {
        if !KEYS.contains(&k.as_str()) {
            return Err(format!(
                "registry.push: `files` entry `{path}`: unknown key `{k}` (known: {})",
                KEYS.join(", ")
            )
            .into());
        }
    }
    let dir = match m.get("dir") {
        None => false,
        Some(d) => d.as_bool().map_err(|_| {
            format!("registry.push: `files` entry `{path}`: `dir` must be true or false")
        })?,
    };
    let kinds = [m.contains_key("content"), dir, m.contains_key("link")];
    if kinds.iter().filter(|k| **k).count() != 1 {
        return Err(format!(
            "registry.push: `files` entry `{path}`: give exactly one of `content`, `dir: true` or `link`"
        )
        .into());
    }
    let uid = entry_int(path, &m, "uid", u32::MAX as i64 / 2, 0)?;
    let gid = entry_int(path, &m, "gid", u32::MAX as i64 / 2, 0)?;
    if let Some(c) = m.get("content") {
        if !c.is_string() {
            return Err(format!(
                "registry.push: `files` entry `{path}`: `content` must be a string"
            )
            .into());
        }
        Ok(custom::Entry::File {
            content: c.to_string(),
            mode: entry_int(path, &m, "mode", 0o7777, 0o644)?,
            uid,
            gid,
        })
    } else if dir {
        Ok(custom::Entry::Dir {
            mode: entry_int(path, &m, "mode", 0o7777, 0o755)?,
            uid,
            gid,
        })
    } else {
        if m.contains_key("mode") || m.contains_key("uid") || m.contains_key("gid") {
            return Err(format!(
                "registry.push: `files` entry `{path}`: a link has no `mode`, `uid` or `gid` of its own"
            )
            .into());
        }
        let target = m.get("link").filter(|t| t.is_string()).ok_or_else(|| {
            format!("registry.push: `files` entry `{path}`: `link` must be a string (the target)")
        })?;
        Ok(custom::Entry::Symlink {
            target: target.to_string(),
        })
    }
}

/// The root file system a push gets: `base` (a shipped family or an image of the registry),
/// else what the repository's images have; with `files`/`programs` added.
fn rootfs_from(reference: &str, opts: &Map, registry: &Registries) -> Res<RootFsSource> {
    let base = match opts.get("base") {
        None => registry.rootfs_for_push(reference),
        Some(b) if b.is_string() => {
            let name = b.to_string();
            if let Some(f) = Family::parse(&name) {
                RootFsSource::Shipped(f)
            } else if let Ok(r) = registry.resolve(&name) {
                r.image.spec.rootfs.clone()
            } else {
                return Err(format!(
                    "registry.push: `base` `{name}` is neither a shipped root file system ({}) nor an image in the registry",
                    Family::names().join(", ")
                )
                .into());
            }
        }
        Some(_) => {
            return Err("registry.push: `base` must be a string, e.g. \"busybox\"".into());
        }
    };
    if !opts.contains_key("files") && !opts.contains_key("programs") {
        return Ok(base);
    }
    let mut entries = Vec::new();
    if let Some(v) = opts.get("files") {
        let m = v.clone().try_cast::<Map>().ok_or(
            "registry.push: `files` must be a map of absolute path to content, e.g. #{\"/app/index.html\": \"hello\"}",
        )?;
        for (path, v) in m.iter() {
            entries.push((path.to_string(), file_entry(path, v)?));
        }
    }
    let mut programs = Vec::new();
    if let Some(v) = opts.get("programs") {
        let list = v.clone().try_cast::<Array>().ok_or(
            "registry.push: `programs` must be a list of absolute paths, e.g. [\"/usr/local/bin/app\"]",
        )?;
        for p in list {
            if !p.is_string() {
                return Err(
                    "registry.push: `programs` must be a list of absolute paths, e.g. [\"/usr/local/bin/app\"]"
                        .into(),
                );
            }
            programs.push(p.to_string());
        }
    }
    let fs = custom::build(&base.get(), &entries, &programs)
        .map_err(|e| format!("registry.push: {e}"))?;
    Ok(RootFsSource::Custom(std::rc::Rc::new(fs)))
}

/// Builds an image spec from `registry.push(ref, #{...})` options.
fn spec_from(reference: &str, opts: &Map, counter: u64, registry: &Registries) -> Res<ImageSpec> {
    const KNOWN: &[&str] = &[
        "size",
        "os",
        "arch",
        "entrypoint",
        "cmd",
        "env",
        "ports",
        "http",
        "logs",
        "exit_code",
        "run_seconds",
        "ready_seconds",
        "version",
        "labels",
        "created",
        "base",
        "files",
        "programs",
    ];
    for k in opts.keys() {
        if !KNOWN.contains(&k.as_str()) {
            return Err(format!(
                "registry.push: unknown option `{k}` (known: {})",
                KNOWN.join(", ")
            )
            .into());
        }
    }
    let version = opts
        .get("version")
        .map(|v| v.to_string())
        .unwrap_or_else(|| format!("push-{counter}"));
    let size = int(opts, "size")?.unwrap_or(50_000_000);
    if !(0..=50_000_000_000).contains(&size) {
        return Err("registry.push: `size` must be between 0 and 50 GB".into());
    }
    let mut spec = ImageSpec::new(
        &format!("{reference}#{version}"),
        size as u64,
        crate::world::clock::DEFAULT_START - 86_400_000,
    );
    if let Some(os) = opts.get("os") {
        spec.os = os.to_string();
    }
    if let Some(a) = opts.get("arch") {
        spec.architecture = a.to_string();
    }
    if let Some(c) = opts.get("created") {
        let t = crate::world::clock::parse_rfc3339(&c.to_string()).ok_or(
            "registry.push: `created` must be an RFC 3339 time like \"2024-01-01T00:00:00Z\"",
        )?;
        spec.created = t;
    }
    if let Some(v) = opts.get("entrypoint") {
        spec.config.entrypoint = strings(v);
    }
    if let Some(v) = opts.get("cmd") {
        spec.config.cmd = strings(v);
    }
    if let Some(v) = opts.get("env") {
        spec.config.env = strings(v);
    }
    if let Some(v) = opts.get("ports") {
        spec.config.exposed_ports = strings(v)
            .into_iter()
            .map(|p| {
                if p.contains('/') {
                    p
                } else {
                    format!("{p}/tcp")
                }
            })
            .collect();
    }
    if let Some(v) = opts.get("labels")
        && let Some(m) = v.clone().try_cast::<Map>()
    {
        spec.config.labels = m
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
    }
    if let Some(v) = opts.get("http") {
        let m = v.clone().try_cast::<Map>().ok_or(
            "registry.push: `http` must be a map of port to body, e.g. #{\"8080\": \"hello\"}",
        )?;
        for (port, body) in m.iter() {
            let p: u16 = port
                .parse()
                .map_err(|_| format!("registry.push: `http` key `{port}` is not a port number"))?;
            spec.behavior.http.insert(p, body.to_string());
        }
    }
    if let Some(v) = opts.get("logs") {
        spec.behavior.logs = strings(v);
    }
    if let Some(code) = int(opts, "exit_code")? {
        spec.behavior.exit_code = Some(code as i32);
        spec.behavior.run_ms = 100;
    }
    if let Some(s) = int(opts, "run_seconds")? {
        spec.behavior.run_ms = s.max(0) * 1000;
    }
    if let Some(s) = int(opts, "ready_seconds")? {
        spec.behavior.ready_ms = s.max(0) * 1000;
    }
    spec.rootfs = rootfs_from(reference, opts, registry)?;
    Ok(spec)
}

impl RegistryHandle {
    /// `registry.push(ref)`: makes sure the image exists (keeps an existing tag as it is);
    /// returns its digest.
    pub fn push(&mut self, reference: &str) -> Res<String> {
        self.0.charge("registry.push", CALL_COST)?;
        let mut w = self.0.world_mut();
        if let Some(d) = w.registry.digest(reference) {
            return Ok(d);
        }
        let spec = spec_from(reference, &Map::new(), 0, &w.registry)?;
        w.registry
            .push(reference, spec)
            .map_err(|e| format!("registry.push: {e}").into())
    }

    /// `registry.push(ref, #{...})`: pushes new content under the tag (a re-push moves it);
    /// returns the new digest.
    pub fn push_with(&mut self, reference: &str, opts: Map) -> Res<String> {
        self.0.charge("registry.push", CALL_COST)?;
        let mut w = self.0.world_mut();
        let counter = w.registry.images().len() as u64;
        let spec = spec_from(reference, &opts, counter, &w.registry)?;
        w.registry
            .push(reference, spec)
            .map_err(|e| format!("registry.push: {e}").into())
    }

    /// `registry.tag(src, dst)`: points `dst` at what `src` points at.
    pub fn tag(&mut self, src: &str, dst: &str) -> Res<String> {
        self.0.charge("registry.tag", CALL_COST)?;
        self.0
            .world_mut()
            .registry
            .tag(src, dst)
            .map_err(|e| format!("registry.tag: {e}").into())
    }

    /// `registry.digest(ref)`: the digest a reference resolves to, or `()`.
    pub fn digest(&mut self, reference: &str) -> Res<Dynamic> {
        self.0.charge("registry.digest", CALL_COST)?;
        Ok(self
            .0
            .world
            .borrow()
            .registry
            .digest(reference)
            .map(Dynamic::from)
            .unwrap_or(Dynamic::UNIT))
    }

    /// `registry.delete(ref)`: removes a tag; true if it existed.
    pub fn delete(&mut self, reference: &str) -> Res<bool> {
        self.0.charge("registry.delete", CALL_COST)?;
        Ok(self.0.world_mut().registry.delete(reference))
    }

    /// `registry.images()`: `#{ref, digest}` for every tag, sorted.
    pub fn images(&mut self) -> Res<Array> {
        self.0.charge("registry.images", CALL_COST)?;
        let images: Array = self
            .0
            .world
            .borrow()
            .registry
            .images()
            .into_iter()
            .map(|(r, d)| {
                let mut m = Map::new();
                m.insert("ref".into(), r.into());
                m.insert("digest".into(), d.into());
                Dynamic::from_map(m)
            })
            .collect();
        self.0.charge_items(images.len());
        Ok(images)
    }

    /// `registry.normalize(ref)`: the fully qualified form (`docker.io/library/mongo:4.2`).
    pub fn normalize(&mut self, reference: &str) -> Res<String> {
        self.0.charge("registry.normalize", CALL_COST)?;
        ImageRef::parse(reference)
            .map(|r| r.full())
            .map_err(|e| format!("registry.normalize: {e}").into())
    }
}

/// Registers `Registry` and its methods.
pub fn register(engine: &mut Engine) {
    engine
        .register_type_with_name::<RegistryHandle>("Registry")
        .register_fn("push", RegistryHandle::push)
        .register_fn("push", RegistryHandle::push_with)
        .register_fn("tag", RegistryHandle::tag)
        .register_fn("digest", RegistryHandle::digest)
        .register_fn("delete", RegistryHandle::delete)
        .register_fn("images", RegistryHandle::images)
        .register_fn("normalize", RegistryHandle::normalize);
}
