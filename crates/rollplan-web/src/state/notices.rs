//! What the page must tell the user about browser storage: that it refuses
//! writes (progress lives in memory only), and which saved values could not
//! be read and were kept aside. Each can be dismissed.

use std::rc::Rc;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notices {
    /// Browser storage refused a write (or is missing): progress lives in memory only.
    pub memory_only: bool,
    /// The user dismissed the notice that says so.
    pub memory_notice_dismissed: bool,
    /// Saved values that could not be read, and the keys they were kept aside under.
    pub kept_aside: Rc<[(Rc<str>, Rc<str>)]>,
}

impl Default for Notices {
    fn default() -> Self {
        Notices { memory_only: false, memory_notice_dismissed: false, kept_aside: Rc::new([]) }
    }
}

impl Notices {
    pub fn storage_failed(&mut self) -> bool {
        !std::mem::replace(&mut self.memory_only, true)
    }

    pub fn dismiss_storage(&mut self) -> bool {
        !std::mem::replace(&mut self.memory_notice_dismissed, true)
    }

    /// The saved value under `key` could not be read; it was copied to `kept`.
    pub fn kept_aside(&mut self, key: &str, kept: &str) -> bool {
        let mut kept_aside = self.kept_aside.to_vec();
        kept_aside.push((key.into(), kept.into()));
        self.kept_aside = kept_aside.into();
        true
    }

    pub fn dismiss_kept_aside(&mut self) -> bool {
        let had = !self.kept_aside.is_empty();
        self.kept_aside = Rc::new([]);
        had
    }
}
