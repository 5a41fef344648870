//! Inventory pasted, opened or dropped in place of a description (the JSON
//! of `kubectl get nodes -o json`, Elasticsearch's `_nodes`): the page
//! offers to convert it with the core's import, shows what was read, and
//! can go back to the JSON, so nothing of the user's is lost.

use std::rc::Rc;

use rollplan_core::import::{ImportError, Imported, Inventory, Offer};

use super::document::Document;

/// What the page knows about inventory converted in the editor. (Whether the
/// editor holds inventory is part of its analysis, `Findings::inventory`,
/// read by the analysis worker where the page has one.)
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InventoryState {
    /// The last conversion, until dismissed.
    pub converted: Option<Rc<Converted>>,
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
