//! A tree of entries (a mount's files, an image layer), and a layer: a writable tree over an
//! optional immutable, shared lower tree, with whiteouts for what was deleted from below (an
//! overlay, as a container's root is: the image's files under the container's own writes).
//!
//! Paths in a tree are relative to its root and written absolute: `/` is the root itself,
//! `/etc/hosts` an entry. A tree is flat (a sorted map from path to entry), so a directory's
//! children are one range of the map.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use super::node::Node;
use super::parent;

/// A tree of entries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tree {
    nodes: BTreeMap<String, Node>,
    bytes: usize,
    next_ino: u64,
}

/// The range of a map's keys strictly below `dir`.
fn below(dir: &str) -> String {
    if dir == "/" {
        "/".into()
    } else {
        format!("{dir}/")
    }
}

impl Tree {
    /// A tree whose root is `root` (a directory, or a file for a file's bind mount).
    pub fn new(root: Node) -> Tree {
        let mut t = Tree {
            nodes: BTreeMap::new(),
            bytes: 0,
            next_ino: 2,
        };
        t.insert("/", root);
        t
    }

    /// An empty tree with no root (a layer's upper tree before anything is written).
    pub fn empty() -> Tree {
        Tree {
            next_ino: 2,
            ..Tree::default()
        }
    }

    /// The entry at `path`.
    pub fn get(&self, path: &str) -> Option<&Node> {
        self.nodes.get(path)
    }

    /// The entry at `path`, to change it in place.
    pub(super) fn get_mut(&mut self, path: &str) -> Option<&mut Node> {
        self.nodes.get_mut(path)
    }

    /// Puts `node` at `path` (its parent need not be in this tree: a layer's upper tree holds
    /// only what was written), giving it an inode number if it has none. Returns what was there.
    pub fn insert(&mut self, path: &str, mut node: Node) -> Option<Node> {
        if node.ino == 0 {
            node.ino = self.next_ino;
            self.next_ino += 1;
        }
        self.bytes += node.content_len() as usize;
        let old = self.nodes.insert(path.to_string(), node);
        if let Some(o) = &old {
            self.bytes -= o.content_len() as usize;
        }
        old
    }

    /// Changes the entry at `path` in place (its content too: the bytes are counted again).
    pub fn update(&mut self, path: &str, f: impl FnOnce(&mut Node)) {
        if let Some(n) = self.nodes.get_mut(path) {
            let before = n.content_len() as usize;
            f(n);
            self.bytes = self.bytes - before + n.content_len() as usize;
        }
    }

    /// Takes the entry at `path` out.
    pub fn remove(&mut self, path: &str) -> Option<Node> {
        let old = self.nodes.remove(path);
        if let Some(o) = &old {
            self.bytes -= o.content_len() as usize;
        }
        old
    }

    /// Takes `path` and everything below it out.
    pub fn remove_tree(&mut self, path: &str) {
        let prefix = below(path);
        let doomed: Vec<String> = self
            .nodes
            .range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
            .map(|(k, _)| k.clone())
            .collect();
        for k in doomed {
            self.remove(&k);
        }
        self.remove(path);
    }

    /// The names directly below `dir`, sorted.
    pub fn child_names(&self, dir: &str) -> impl Iterator<Item = &str> {
        let prefix = below(dir);
        let n = prefix.len();
        self.nodes
            .range(prefix.clone()..)
            .take_while(move |(k, _)| k.starts_with(&prefix))
            .filter(move |(k, _)| k.len() > n && !k[n..].contains('/'))
            .map(move |(k, _)| &k[n..])
    }

    /// Whether the tree holds `path` or anything below it.
    pub fn holds(&self, path: &str) -> bool {
        let prefix = below(path);
        self.nodes.contains_key(path)
            || self
                .nodes
                .range(prefix.clone()..)
                .next()
                .is_some_and(|(k, _)| k.starts_with(&prefix))
    }

    /// Every entry, in path order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Node)> {
        self.nodes.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Bytes of all files' contents and links' targets.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// A copy of what lies at `path` and below it, as a tree of its own (`path` its root).
    pub fn subtree(&self, path: &str) -> Option<Tree> {
        let root = self.nodes.get(path)?.clone();
        let mut t = Tree::empty();
        t.next_ino = self.next_ino;
        t.insert("/", root);
        let prefix = below(path);
        for (k, n) in self
            .nodes
            .range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
        {
            t.insert(&format!("/{}", &k[prefix.len()..]), n.clone());
        }
        Some(t)
    }

    /// Puts `sub` at `path` in place of what was there (the inverse of [`Tree::subtree`]).
    pub fn graft(&mut self, path: &str, sub: Tree) {
        self.remove_tree(path);
        self.next_ino = self.next_ino.max(sub.next_ino);
        for (k, n) in sub.nodes {
            let at = match (path, k.as_str()) {
                (p, "/") => p.to_string(),
                ("/", k) => k.to_string(),
                (p, k) => format!("{p}{k}"),
            };
            self.insert(&at, n);
        }
    }

    /// Puts `node` at `path`, first making the missing directories above it (`0755`, owned as
    /// `node` is): for building an image's or a volume's files.
    pub fn put(&mut self, path: &str, node: Node) {
        let mut missing = Vec::new();
        let mut p = parent(path);
        while !self.nodes.contains_key(&p) {
            missing.push(p.clone());
            if p == "/" {
                break;
            }
            p = parent(&p);
        }
        for d in missing.into_iter().rev() {
            self.insert(&d, Node::dir(0o755, node.uid, node.gid, node.mtime));
        }
        self.insert(path, node);
    }
}

/// A writable tree over an optional lower tree that is never written (shared by every layer
/// built on it). What is deleted from the lower tree is remembered as a whiteout: the lower
/// tree is hidden at that path and below it. A directory made again where one was deleted is
/// opaque by the same rule (the lower one's children stay hidden).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Layer {
    /// What was written.
    pub upper: Tree,
    /// The image's files.
    pub lower: Option<Arc<Tree>>,
    /// Paths where the lower tree is hidden (with everything below them).
    pub whiteouts: BTreeSet<String>,
}

impl Layer {
    /// A plain writable tree.
    pub fn plain(tree: Tree) -> Layer {
        Layer {
            upper: tree,
            lower: None,
            whiteouts: BTreeSet::new(),
        }
    }

    /// An empty writable tree over `lower`.
    pub fn overlay(lower: Arc<Tree>) -> Layer {
        Layer {
            upper: Tree::empty(),
            lower: Some(lower),
            whiteouts: BTreeSet::new(),
        }
    }

    /// Whether the lower tree shows through at `path` (no whiteout at it or above it).
    fn lower_visible(&self, path: &str) -> bool {
        if self.whiteouts.is_empty() {
            return true;
        }
        let mut p = path.to_string();
        loop {
            if self.whiteouts.contains(&p) {
                return false;
            }
            if p == "/" {
                return true;
            }
            p = parent(&p);
        }
    }

    /// The entry seen at `path`.
    pub fn get(&self, path: &str) -> Option<&Node> {
        if let Some(n) = self.upper.get(path) {
            return Some(n);
        }
        let lower = self.lower.as_ref()?;
        if !self.lower_visible(path) {
            return None;
        }
        lower.get(path)
    }

    /// The entry at `path` to change, copied up from the lower tree first if it is there.
    pub(super) fn get_mut(&mut self, path: &str) -> Option<&mut Node> {
        if self.upper.get(path).is_none() {
            let n = self.get(path)?.clone();
            self.upper.insert(path, n);
        }
        self.upper.get_mut(path)
    }

    /// Puts `node` at `path`.
    pub fn insert(&mut self, path: &str, node: Node) {
        self.upper.insert(path, node);
    }

    /// The names seen in the directory `dir`, sorted.
    pub fn child_names(&self, dir: &str) -> Vec<String> {
        let mut names: BTreeSet<String> = self.upper.child_names(dir).map(str::to_string).collect();
        if let Some(lower) = &self.lower
            && self.lower_visible(dir)
        {
            let base = below(dir);
            for n in lower.child_names(dir) {
                if !self.whiteouts.contains(&format!("{base}{n}")) {
                    names.insert(n.to_string());
                }
            }
        }
        names.into_iter().collect()
    }

    /// Whether `dir` is a merged directory: in the lower tree and written to in the upper one
    /// (overlayfs shows such a directory with one link).
    pub fn merged(&self, dir: &str) -> bool {
        self.lower
            .as_ref()
            .is_some_and(|l| l.get(dir).is_some() && self.lower_visible(dir))
            && self.upper.holds(dir)
    }

    /// Removes what is seen at `path` and below it, leaving a whiteout where the lower tree
    /// had something.
    pub fn remove_tree(&mut self, path: &str) {
        self.upper.remove_tree(path);
        if let Some(lower) = &self.lower
            && lower.get(path).is_some()
            && self.lower_visible(path)
        {
            let prefix = below(path);
            self.whiteouts.retain(|w| !w.starts_with(&prefix));
            self.whiteouts.insert(path.to_string());
        }
    }
}
