//! Inventory pasted, opened or dropped in place of a description (the JSON
//! of `kubectl get nodes -o json`, Elasticsearch's `_nodes`): the page
//! offers to convert it with the core's import, shows what was read, and
//! can go back to the JSON, so nothing of the user's is lost.

use std::rc::Rc;

use rollplan_core::import::{self, ImportError, Imported, Inventory, Offer};

use super::document::Document;

/// Node inventory longer than this is held, not shown in the editor's
/// textarea: a browser takes hundreds of milliseconds to put megabytes
/// into one, and again to take them out (a `kubectl get nodes -o json` of
/// 500 nodes is about 3 MB). Far above any description typed by hand.
pub const SHOWN_UP_TO: usize = 256 * 1024;

/// Whether `text` may be node inventory too long to show in the editor
/// ([`SHOWN_UP_TO`]): JSON that names a node list near its start or end (a
/// scan, no parse; the analysis then says whether it is one).
pub fn too_long_to_show(text: &str) -> bool {
    text.len() > SHOWN_UP_TO && import::may_be_inventory(text)
}

/// Whether the text of `document` is, or until its analysis says
/// otherwise may be, node inventory too long to show: held out of the
/// textarea and not saved as the draft. Once the analysis of the text shown
/// finds no node list in it, it is the user's text like any other.
pub fn long_inventory(document: &Document) -> bool {
    too_long_to_show(&document.text) && (document.is_stale() || document.analysis.inventory.is_some())
}

/// What the page knows about inventory in the editor, beyond what its
/// analysis says (whether the editor holds inventory is part of that,
/// `Findings::inventory`, read by the analysis worker where the page has one).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InventoryState {
    /// The last conversion, until dismissed.
    pub converted: Option<Rc<Converted>>,
    /// The text a pasted node list replaced, and the revision the paste
    /// made: it can be put back only while the editor still holds that paste.
    replaced: Option<(u64, Rc<str>)>,
    /// The user asked to see inventory too long to show in the editor anyway
    /// (until another text is loaded: `State::apply`).
    pub shown_anyway: bool,
}

/// A conversion: what was read, and the JSON it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Converted {
    pub from: Inventory,
    pub imported: Imported,
    pub original: Rc<str>,
}

/// The offer to convert the text of `document`: only once its analysis is
/// of the text shown (an offer for a text typed over since would convert
/// the wrong one).
pub fn offered(document: &Document) -> Option<&Rc<Offer>> {
    document.analysis.inventory.as_ref().filter(|_| !document.is_stale())
}

/// Why a node list cannot be converted, as a sentence.
pub fn import_error(error: &ImportError) -> String {
    match error.line {
        Some(line) => format!("Could not import line {line}: {}", error.message),
        None => format!("Could not import: {}", error.message),
    }
}

impl InventoryState {
    /// Converts the text of `document`: the description to load, or why not.
    pub fn convert(&mut self, document: &Document) -> Result<String, String> {
        let offer = offered(document).ok_or("the text is not a node list rollplan can import")?;
        let imported = offer.imported.as_ref().map_err(import_error)?;
        let description = imported.description.clone();
        self.converted =
            Some(Rc::new(Converted { from: offer.kind, imported: imported.clone(), original: document.text.clone() }));
        Ok(description)
    }

    /// The JSON of the last conversion, to put back; forgets the conversion.
    pub fn revert(&mut self) -> Option<Rc<str>> {
        self.converted.take().map(|converted| converted.original.clone())
    }

    pub fn dismiss(&mut self) -> bool {
        self.converted.take().is_some()
    }

    /// A node list too long to show was pasted into the editor: it replaces
    /// the whole text (it is a whole node list, not a part of a description),
    /// and the text it replaced is kept to put back.
    pub fn paste(&mut self, document: &mut Document, text: &str) -> bool {
        if *document.text == *text {
            return false;
        }
        let previous = document.text.clone();
        // A new paste: what an earlier conversion read is not about it.
        self.converted = None;
        document.edit(text);
        self.replaced =
            (!previous.trim().is_empty() && !too_long_to_show(&previous)).then_some((document.revision, previous));
        true
    }

    /// Whether the text a pasted node list replaced can be put back: while
    /// the editor holds that paste, unedited.
    pub fn can_put_back(&self, document: &Document) -> bool {
        self.replaced.as_ref().is_some_and(|(revision, _)| *revision == document.revision)
    }

    /// The text the pasted node list in `document` replaced, to put back; forgets it.
    pub fn put_back(&mut self, document: &Document) -> Option<Rc<str>> {
        let replaced = self.replaced.take()?;
        (replaced.0 == document.revision).then_some(replaced.1)
    }

    /// Whether the editor holds inventory it does not show (the user may ask to see it).
    pub fn holds(&self, document: &Document) -> bool {
        !self.shown_anyway && long_inventory(document)
    }
}

/// What the inventory is, in words.
pub fn inventory_name(inventory: Inventory) -> &'static str {
    match inventory {
        Inventory::Kubernetes => "Kubernetes node list (kubectl get nodes -o json)",
        Inventory::Elasticsearch => "Elasticsearch node list (GET _nodes)",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NODES: &str = include_str!("../../../../tests/import/kubeadm-3-control-plane-3-workers.json");

    #[test]
    fn a_node_list_is_offered_converted_and_can_be_put_back() {
        let mut state = InventoryState::default();
        let description = Document::analysing_here_up_to("format: 1\n", None);
        assert_eq!(offered(&description), None);
        let document = Document::analysing_here_up_to(NODES, None);
        assert_eq!(offered(&document).map(|offer| offer.kind), Some(Inventory::Kubernetes));
        let description = state.convert(&document).unwrap();
        assert!(description.contains("platform: kubernetes"));
        let converted = state.converted.clone().unwrap();
        assert_eq!(converted.imported.nodes.len(), 6);
        assert_eq!(converted.imported.warnings.len(), 2);
        assert_eq!(state.revert().as_deref(), Some(NODES));
        assert_eq!(state.converted, None);
    }

    #[test]
    fn no_offer_is_converted_while_its_text_waits_for_analysis() {
        let mut document = Document::analysing_here_up_to(NODES, None);
        assert!(document.edit(&NODES.replacen("worker-3", "worker-9", 1)));
        assert!(document.is_stale());
        assert_eq!(offered(&document), None);
        assert!(InventoryState::default().convert(&document).is_err());
    }

    /// A node list of megabytes pasted over a description: it becomes the
    /// text (held, not shown, not saved), the description it replaced can be
    /// put back while the paste is unedited, and the user may ask to see the
    /// list after all.
    #[test]
    fn a_node_list_too_long_to_show_is_held_and_what_it_replaced_kept() {
        use crate::state::{Action, State};
        let long = format!("{NODES}{}", " ".repeat(SHOWN_UP_TO));
        assert!(too_long_to_show(&long) && !too_long_to_show(NODES));
        assert!(!too_long_to_show(&"# not JSON\n".repeat(SHOWN_UP_TO / 8)), "a long description is shown");
        let mut state = State::seed();
        let seed = state.document.text.clone();
        assert!(!state.inventory.holds(&state.document));
        assert!(state.apply(Action::PasteInventory(long.clone())));
        assert_eq!(&*state.document.text, long.as_str());
        assert!(state.inventory.holds(&state.document), "held while its analysis is awaited");
        assert_eq!(state.text_to_save(), None, "not saved over the description");
        assert!(state.inventory.can_put_back(&state.document));
        state.apply(Action::Analyze { revision: state.document.revision });
        assert_eq!(offered(&state.document).map(|offer| offer.kind), Some(Inventory::Kubernetes));
        assert!(state.inventory.holds(&state.document));
        // Shown anyway, on request.
        assert!(state.apply(Action::ShowInventory));
        assert!(!state.inventory.holds(&state.document));
        assert!(!state.apply(Action::ShowInventory), "shown already");
        // The seed it replaced is put back (and saved again); then nothing is left to put back.
        assert!(state.apply(Action::PutBackReplaced));
        assert_eq!(state.document.text, seed);
        assert!(!state.inventory.can_put_back(&state.document));
        assert!(!state.apply(Action::PutBackReplaced), "put back once");
        assert_eq!(state.text_to_save(), Some(seed.clone()));
        // Pasted again: held again however the last one was shown.
        state.apply(Action::PasteInventory(long.clone()));
        assert!(state.inventory.holds(&state.document));
        // Edited since the paste: what it replaced is no longer offered (it would undo the edit).
        state.apply(Action::ShowInventory);
        state.apply(Action::Edit(format!("{long} ")));
        assert!(!state.inventory.holds(&state.document), "typing keeps it shown");
        assert!(!state.inventory.can_put_back(&state.document));
        assert!(!state.apply(Action::PutBackReplaced));
        // Converting a held list: the description shows in the editor, and is saved.
        state.apply(Action::PasteInventory(long.clone()));
        state.apply(Action::Analyze { revision: state.document.revision });
        assert!(state.apply(Action::ConvertInventory));
        assert!(state.document.text.contains("platform: kubernetes"));
        assert!(!state.inventory.holds(&state.document));
        assert!(state.text_to_save().is_some());
        // Back to the JSON: held again.
        assert!(state.apply(Action::RevertInventory));
        assert!(state.inventory.holds(&state.document));
        // A new paste forgets what an earlier conversion read.
        state.apply(Action::Analyze { revision: state.document.revision });
        state.apply(Action::ConvertInventory);
        assert!(state.inventory.converted.is_some());
        state.apply(Action::PasteInventory(format!("{long}  ")));
        assert_eq!(state.inventory.converted, None);
    }

    /// A long text that only looks like a node list: once its analysis finds
    /// none, it is the user's text like any other, shown and saved.
    #[test]
    fn a_long_text_that_is_no_node_list_after_all_is_shown_and_saved() {
        use crate::state::{Action, State};
        let broken = format!("{{\"kind\": \"Node\", {}", " ".repeat(SHOWN_UP_TO));
        let mut state = State::seed();
        state.apply(Action::PasteInventory(broken));
        assert!(state.inventory.holds(&state.document));
        assert_eq!(state.text_to_save(), None);
        state.apply(Action::Analyze { revision: state.document.revision });
        assert_eq!(offered(&state.document), None);
        assert!(!state.inventory.holds(&state.document));
        assert!(state.text_to_save().is_some());
        // What it replaced can still be put back.
        assert!(state.inventory.can_put_back(&state.document));
    }

    #[test]
    fn json_that_is_no_node_list_is_not_offered() {
        let document = Document::analysing_here_up_to(r#"{"kind": "Pod", "metadata": {"name": "Node"}}"#, None);
        assert_eq!(offered(&document), None);
        assert!(InventoryState::default().convert(&document).is_err());
    }

    #[test]
    fn a_node_list_that_cannot_be_converted_says_why_before_it_is_tried() {
        let broken = NODES.replace("\"kubeletVersion\"", "\"kubeletVersionX\"");
        let document = Document::analysing_here_up_to(&broken, None);
        let offer = offered(&document).unwrap();
        let error = offer.imported.as_ref().unwrap_err();
        assert!(import_error(error).contains("has no `status.nodeInfo.kubeletVersion`"), "{error:?}");
        assert!(InventoryState::default().convert(&document).unwrap_err().starts_with("Could not import line "));
    }
}
