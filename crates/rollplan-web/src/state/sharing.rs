//! Plan links: opening one, and the link "Copy link" makes.
//!
//! A link carries a whole description in the page address's fragment (core's
//! [`rollplan_core::link`]); checklist progress is not in it, it belongs to
//! whoever does the work. Opening a link must never cost the user their own
//! description, so a good link is shown as a *shared plan*: the editor shows
//! the link's description (read-only) and the plan below is its plan, while
//! the user's own description stays saved, untouched, in [`Shared::own`]. The
//! user then chooses: "Back to my description", or "Keep the shared one",
//! which asks first when it would replace work of theirs (anything but an
//! empty text or an unchanged example). A bad link (damaged, cut short, from
//! a newer rollplan, inflating beyond the size limit) only sets
//! [`Sharing::link_error`]: nothing else changes.
//!
//! The address bar follows the state (`hooks/link.rs`): while a shared plan is
//! shown its link stays in the address, so a reload shows the same shared
//! plan and the address can be copied again; once the user chooses (or the
//! link was bad) the fragment is removed, so a reload shows their own work.

use std::rc::Rc;

use rollplan_core::link;

use super::document::Document;
use super::examples::recognise;

/// Links longer than this may be cut by mail and chat tools, and some proxies.
pub const LONG_LINK: usize = 2_000;

/// A shared plan being shown, and what it was opened over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shared {
    /// The user's own description, kept (and saved) unchanged meanwhile.
    pub own: Rc<str>,
    /// The file the user's own description was opened from, if any.
    pub own_file: Option<Rc<str>>,
    /// The link's fragment (`r1.…`, no `#`), kept in the address bar meanwhile.
    pub fragment: Rc<str>,
    /// Whether "Keep the shared one" waits for the user to confirm replacing their description.
    pub confirming: bool,
}

impl Shared {
    /// Whether replacing the user's description with `shared` would lose work of
    /// theirs: it is neither empty, nor an unchanged example, nor the same text.
    pub fn replaces_work(&self, shared: &str) -> bool {
        !self.own.trim().is_empty() && recognise(&self.own).is_none() && *self.own != *shared
    }

    /// How the user's own description is called in the shared plan's banner.
    pub fn own_label(&self) -> String {
        match recognise(&self.own) {
            Some(example) => format!("the example {example}"),
            None if self.own.trim().is_empty() => "your empty description".to_owned(),
            None => {
                let lines = self.own.lines().count();
                format!("your own description ({lines} line{})", if lines == 1 { "" } else { "s" })
            }
        }
    }
}

/// The link "Copy link" made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareLink {
    pub link: Rc<str>,
    /// Whether it is on the clipboard; if not, the page shows it to copy by hand.
    pub copied: bool,
}

impl ShareLink {
    /// What the page says about the link: where it is, and how long.
    pub fn message(&self) -> String {
        let length = self.link.chars().count();
        let mut message = if self.copied {
            format!("Link copied to the clipboard ({length} characters).")
        } else {
            format!("Copy this link ({length} characters):")
        };
        if length > LONG_LINK {
            message.push_str(
                " It is long: some mail and chat tools cut links over 2,000 characters, so attach the description file too.",
            );
        }
        message
    }
}

/// Plan links opened and made.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sharing {
    /// The shared plan shown, when the page was opened from a plan link: the
    /// document's text is the link's description, and the user's own is kept in here.
    pub shared: Option<Rc<Shared>>,
    /// Why the last plan link could not be opened (nothing else changed).
    pub link_error: Option<Rc<str>>,
    /// How many plan links were opened, good or bad: the address bar is tidied after each.
    pub links_opened: u64,
    /// The link "Copy link" made, while the text it carries is unchanged.
    pub share: Option<Rc<ShareLink>>,
}

impl Sharing {
    /// [`crate::state::Action::OpenLink`].
    pub fn open_link(&mut self, document: &mut Document, link: &str) -> bool {
        self.links_opened += 1;
        let text = match link::decode(link) {
            Ok(text) => text,
            Err(error) => {
                self.link_error = Some(
                    format!("This plan link cannot be opened: {error}. Nothing was changed: your own description is as you left it.")
                        .into(),
                );
                return true;
            }
        };
        self.link_error = None;
        let fragment: Rc<str> = fragment_of(link).into();
        if self.shared.as_ref().is_some_and(|shared| shared.fragment == fragment) {
            // Opened again (the address bar's history): already shown.
            return true;
        }
        // A second link while one is shown keeps what the user had before the first.
        let (own, own_file) = match self.shared.take() {
            Some(shared) => (shared.own.clone(), shared.own_file.clone()),
            None => (document.text.clone(), document.file.take()),
        };
        self.shared = Some(Rc::new(Shared { own, own_file, fragment, confirming: false }));
        document.file = None;
        document.load(&text);
        true
    }

    /// [`crate::state::Action::KeepShared`].
    pub fn keep_shared(&mut self, document: &Document) -> bool {
        let Some(shared) = &self.shared else {
            return false;
        };
        if !shared.confirming && shared.replaces_work(&document.text) {
            self.shared = Some(Rc::new(Shared { confirming: true, ..(**shared).clone() }));
            return true;
        }
        // The text shown becomes the user's own (and is saved as such).
        self.shared = None;
        true
    }

    /// [`crate::state::Action::CancelKeepShared`].
    pub fn cancel_keep_shared(&mut self) -> bool {
        match &self.shared {
            Some(shared) if shared.confirming => {
                self.shared = Some(Rc::new(Shared { confirming: false, ..(**shared).clone() }));
                true
            }
            _ => false,
        }
    }

    /// [`crate::state::Action::BackToOwn`].
    pub fn back_to_own(&mut self, document: &mut Document) -> bool {
        let Some(shared) = self.shared.take() else {
            return false;
        };
        document.file.clone_from(&shared.own_file);
        document.load(&shared.own);
        true
    }

    /// The user's own description: the one saved in the browser. While a shared
    /// plan is shown that is not the text shown, which is the link's.
    pub fn own_text(&self, document: &Document) -> Rc<str> {
        self.shared.as_ref().map_or_else(|| document.text.clone(), |shared| shared.own.clone())
    }
}

/// The fragment of a link (without `#`), or the link itself when it is a bare fragment.
fn fragment_of(link: &str) -> &str {
    let link = link.trim();
    link.rsplit_once('#').map_or(link, |(_, fragment)| fragment)
}

#[cfg(test)]
mod tests {
    use rollplan_core::link::{encode, link};

    use super::*;
    use crate::state::{Action, EXAMPLES, Example, SEED, State};

    fn four() -> &'static Example {
        EXAMPLES.iter().find(|example| example.name == "exchange-four-node.yaml").unwrap()
    }

    const MINE: &str = "# my cluster, being written\nformat: 1\ncluster: MINE\n";

    /// A user who has typed a description of their own (not saved anywhere else).
    fn with_my_work() -> State {
        let mut state = State::seed();
        state.apply(Action::Edit(MINE.to_owned()));
        let revision = state.document.revision;
        state.apply(Action::Analyze { revision });
        state
    }

    fn four_link() -> String {
        link("https://intranet.example/tools/rollplan/", four().text)
    }

    #[test]
    fn a_link_shows_the_same_plan_and_keeps_the_users_description() {
        let mut state = with_my_work();
        assert!(state.apply(Action::OpenLink(four_link())));
        assert_eq!(&*state.document.text, four().text);
        assert!(!state.document.is_stale(), "analysed at once");
        let direct = State::with_text(four().text);
        assert_eq!(state.document.analysis.fingerprint, direct.document.analysis.fingerprint);
        assert_eq!(state.document.analysis.plan, direct.document.analysis.plan);
        assert_eq!(&*state.own_text(), MINE, "the user's own text is what is saved");
        let shared = state.sharing.shared.clone().expect("shown as a shared plan");
        assert_eq!(&*shared.fragment, encode(four().text));
        assert!(!shared.confirming);
        assert_eq!(state.sharing.link_error, None);
        assert_eq!(state.sharing.links_opened, 1);
    }

    #[test]
    fn the_shared_description_is_read_only() {
        let mut state = with_my_work();
        state.apply(Action::OpenLink(four_link()));
        let before = state.clone();
        assert!(!state.apply(Action::Edit("format: 1\n".to_owned())));
        assert_eq!(state, before);
    }

    #[test]
    fn bad_links_say_why_and_change_nothing() {
        let good = encode(four().text);
        let bomb = encode(&"a".repeat(2 * 1024 * 1024));
        for (link, says) in [
            (format!("#{}", &good[..good.len() / 2]), "damaged"),
            (format!("#{}x*y", &good), "damaged"),
            ("#r9.AAAA".to_owned(), "newer rollplan"),
            (format!("#{bomb}"), "larger than"),
            ("#random".to_owned(), "not a rollplan plan link"),
        ] {
            let mut state = with_my_work();
            let before = state.clone();
            assert!(state.apply(Action::OpenLink(link.clone())));
            let error = state.sharing.link_error.clone().expect("a message");
            assert!(error.contains(says), "{link}: {error}");
            assert!(error.contains("Nothing was changed"), "{error}");
            assert_eq!(state.document.text, before.document.text);
            assert_eq!(state.document.analysis, before.document.analysis);
            assert_eq!(&*state.own_text(), MINE);
            assert_eq!(state.sharing.shared, None);
            assert!(state.apply(Action::DismissLinkError));
            assert_eq!(state.sharing.link_error, None);
            assert!(!state.apply(Action::DismissLinkError));
        }
    }

    #[test]
    fn a_bad_link_while_a_shared_plan_is_shown_keeps_it() {
        let mut state = with_my_work();
        state.apply(Action::OpenLink(four_link()));
        let shown = state.sharing.shared.clone();
        state.apply(Action::OpenLink("#r1.AAAA".to_owned()));
        assert!(state.sharing.link_error.is_some());
        assert_eq!(state.sharing.shared, shown);
        assert_eq!(&*state.document.text, four().text);
    }

    #[test]
    fn opening_the_shown_link_again_changes_no_text() {
        let mut state = with_my_work();
        state.apply(Action::OpenLink(four_link()));
        let revision = state.document.revision;
        state.apply(Action::OpenLink(format!("#{}", encode(four().text))));
        assert_eq!(state.document.revision, revision, "no reload of the text");
        assert_eq!(state.sharing.links_opened, 2, "but the address bar is tidied again");
    }

    #[test]
    fn keeping_the_shared_one_asks_before_replacing_work() {
        let mut state = with_my_work();
        state.apply(Action::OpenLink(four_link()));
        assert!(state.apply(Action::KeepShared));
        assert!(state.sharing.shared.as_ref().unwrap().confirming, "asks first");
        assert_eq!(&*state.own_text(), MINE, "nothing replaced yet");

        assert!(state.apply(Action::CancelKeepShared));
        assert!(!state.sharing.shared.as_ref().unwrap().confirming);
        assert!(!state.apply(Action::CancelKeepShared), "nothing to cancel");
        assert_eq!(&*state.own_text(), MINE);

        state.apply(Action::KeepShared);
        assert!(state.apply(Action::KeepShared), "confirmed");
        assert_eq!(state.sharing.shared, None);
        assert_eq!(&*state.own_text(), four().text, "the shared one is now the user's");
        assert!(!state.apply(Action::KeepShared));

        // Now it is editable, like any description of theirs.
        assert!(state.apply(Action::Edit(format!("{}# reviewed\n", four().text))));
    }

    #[test]
    fn keeping_the_shared_one_over_an_example_does_not_ask() {
        let mut state = State::seed();
        state.apply(Action::OpenLink(four_link()));
        assert!(state.apply(Action::KeepShared));
        assert_eq!(state.sharing.shared, None);
        assert_eq!(&*state.own_text(), four().text);

        let mut empty = State::seed();
        empty.apply(Action::Edit("  \n".to_owned()));
        empty.apply(Action::OpenLink(four_link()));
        empty.apply(Action::KeepShared);
        assert_eq!(empty.sharing.shared, None, "an empty description is no work to lose");
    }

    #[test]
    fn back_to_my_description_restores_it_and_its_file() {
        let mut state = State::seed();
        state.apply(Action::Open { name: "mine.yaml".to_owned(), text: MINE.to_owned() });
        state.apply(Action::OpenLink(four_link()));
        assert_eq!(state.document.file, None, "the shared text is no file of theirs");
        assert!(state.apply(Action::BackToOwn));
        assert_eq!(state.sharing.shared, None);
        assert_eq!(&*state.document.text, MINE);
        assert_eq!(state.document.file.as_deref(), Some("mine.yaml"));
        assert!(!state.document.is_stale(), "analysed at once");
        assert_eq!(state.document.analysis.diagnostics, State::with_text(MINE).document.analysis.diagnostics);
        assert!(!state.apply(Action::BackToOwn));
    }

    #[test]
    fn a_second_link_keeps_what_the_user_had_before_the_first() {
        let mut state = with_my_work();
        state.apply(Action::OpenLink(four_link()));
        state.apply(Action::OpenLink(link("https://x.test/", SEED.text)));
        assert_eq!(&*state.document.text, SEED.text);
        assert_eq!(&*state.own_text(), MINE);
        state.apply(Action::BackToOwn);
        assert_eq!(&*state.document.text, MINE);
    }

    #[test]
    fn an_example_or_a_file_leaves_the_shared_plan() {
        let mut state = with_my_work();
        state.apply(Action::OpenLink(four_link()));
        assert!(state.apply(Action::LoadExample(SEED.name.to_owned())));
        assert_eq!(state.sharing.shared, None);
        assert_eq!(&*state.own_text(), SEED.text);

        state.apply(Action::OpenLink(four_link()));
        assert!(state.apply(Action::Open { name: "x.yaml".to_owned(), text: four().text.to_owned() }));
        assert_eq!(state.sharing.shared, None, "even a file with the same text");
        assert_eq!(state.document.file.as_deref(), Some("x.yaml"));
    }

    #[test]
    fn progress_on_a_shared_plan_is_the_viewers_own() {
        let mut state = with_my_work();
        state.apply(Action::OpenLink(four_link()));
        assert!(state.apply(Action::SetDone { step: 0, done: true }));
        let fingerprint = state.document.analysis.fingerprint.clone().unwrap();
        assert_eq!(*state.ticks.progress.done(&fingerprint), [0].into());
        state.apply(Action::BackToOwn);
        assert_eq!(*state.ticks.progress.done(&fingerprint), [0].into(), "kept per plan");
    }

    #[test]
    fn the_banner_names_the_users_description() {
        let shared = |own: &str| Shared { own: own.into(), own_file: None, fragment: "r1.x".into(), confirming: false };
        assert_eq!(shared(MINE).own_label(), "your own description (3 lines)");
        assert_eq!(shared(SEED.text).own_label(), "the example exchange-2003-two-node.yaml");
        assert_eq!(shared("").own_label(), "your empty description");
        assert!(shared(MINE).replaces_work(SEED.text));
        assert!(!shared(MINE).replaces_work(MINE));
        assert!(!shared(SEED.text).replaces_work(MINE));
    }

    #[test]
    fn a_copied_link_says_how_long_it_is_and_goes_with_the_text() {
        let mut state = State::seed();
        let made = link("https://intranet.example/tools/rollplan/", SEED.text);
        assert!(state.apply(Action::LinkMade { link: made.clone(), copied: true }));
        let share = state.sharing.share.clone().unwrap();
        assert_eq!(share.message(), format!("Link copied to the clipboard ({} characters).", made.len()));
        assert!(made.len() < 1_000, "the seed's link is short: {}", made.len());
        assert!(state.apply(Action::CloseLink));
        assert!(!state.apply(Action::CloseLink));

        state.apply(Action::LinkMade { link: made, copied: false });
        assert!(state.sharing.share.as_ref().unwrap().message().starts_with("Copy this link ("));
        state.apply(Action::Edit(String::new()));
        assert_eq!(state.sharing.share, None, "a link of the old text is gone with it");

        let long = ShareLink { link: "x".repeat(LONG_LINK + 1).into(), copied: true };
        assert!(long.message().contains("attach the description file"));
    }
}
