//! One stored object: either built (an `Rc<Value>`) or described by a typed record that is
//! turned into JSON the first time anything reads it. Events are recorded by the thousand and
//! rarely read; building each one's JSON tree up front was a fifth of a large rollout.

use serde_json::Value;
use std::cell::OnceCell;
use std::rc::Rc;

/// An object kept as a typed record until first read.
pub trait LazyObject {
    /// The object as the API returns it.
    fn build(&self) -> Value;
    /// Its `metadata.uid` (for the store's uid index, without building it).
    fn uid(&self) -> &str;
}

/// A stored object; cloning shares it.
#[derive(Clone)]
pub(super) struct Slot {
    value: OnceCell<Rc<Value>>,
    lazy: Option<Rc<dyn LazyObject>>,
}

impl std::fmt::Debug for Slot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.get().fmt(f)
    }
}

impl Slot {
    pub(super) fn ready(v: Rc<Value>) -> Slot {
        Slot {
            value: OnceCell::from(v),
            lazy: None,
        }
    }

    pub(super) fn lazy(obj: Rc<dyn LazyObject>) -> Slot {
        Slot {
            value: OnceCell::new(),
            lazy: Some(obj),
        }
    }

    /// The object, built now if it never was.
    pub(super) fn get(&self) -> &Rc<Value> {
        self.value
            .get_or_init(|| Rc::new(self.lazy.as_ref().map_or(Value::Null, |l| l.build())))
    }

    pub(super) fn get_mut(&mut self) -> &mut Rc<Value> {
        self.get();
        self.lazy = None;
        self.value.get_mut().expect("built just above")
    }

    pub(super) fn into_rc(self) -> Rc<Value> {
        self.get();
        self.value.into_inner().expect("built just above")
    }

    /// The uid, without building a lazy object.
    pub(super) fn uid(&self) -> &str {
        match (self.value.get(), &self.lazy) {
            (None, Some(l)) => l.uid(),
            _ => super::meta::uid(self.get()),
        }
    }

    /// Whether the object is still an unbuilt record (such objects own nothing).
    pub(super) fn is_unbuilt(&self) -> bool {
        self.value.get().is_none()
    }
}
