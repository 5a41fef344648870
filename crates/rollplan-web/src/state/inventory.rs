//! Inventory pasted, opened or dropped in place of a description (the JSON
//! of `kubectl get nodes -o json`, Elasticsearch's `_nodes`): the page
//! offers to convert it with the core's import, shows what was read, and
//! can go back to the JSON, so nothing of the user's is lost.

use std::rc::Rc;

use rollplan_core::import::{self, Imported, Inventory};

/// What the page knows about inventory in the editor.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InventoryState {
    /// The editor holds inventory the page can convert.
    pub offered: Option<Inventory>,
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

impl InventoryState {
    /// Looks at a new text: offers a conversion when it is inventory. Only
    /// JSON that names a node list is parsed, so typing a description costs nothing.
    pub fn look_at(&mut self, text: &str) -> bool {
        let candidate = text.trim_start().starts_with(['{', '['])
            && ["\"NodeList\"", "\"Node\"", "\"_nodes\"", "\"node.role\""].iter().any(|marker| text.contains(marker));
        let offered = if candidate { import::detect(text) } else { None };
        let changed = offered != self.offered;
        self.offered = offered;
        changed
    }

    /// Converts `text` (the editor's): the description to load, or why not.
    pub fn convert(&mut self, text: &str) -> Result<String, String> {
        let from = self.offered.ok_or("the text is not a node list rollplan can import")?;
        let imported = import::import(from, text, None).map_err(|error| match error.line {
            Some(line) => format!("Could not import line {line}: {}", error.message),
            None => format!("Could not import: {}", error.message),
        })?;
        let description = imported.description.clone();
        self.converted = Some(Rc::new(Converted { from, imported, original: text.into() }));
        self.offered = None;
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
        assert!(!state.look_at("format: 1\n"));
        assert_eq!(state.offered, None);
        assert!(state.look_at(NODES));
        assert_eq!(state.offered, Some(Inventory::Kubernetes));
        let description = state.convert(NODES).unwrap();
        assert!(description.contains("platform: kubernetes"));
        let converted = state.converted.clone().unwrap();
        assert_eq!(converted.imported.nodes.len(), 6);
        assert_eq!(converted.imported.warnings.len(), 2);
        assert_eq!(state.revert().as_deref(), Some(NODES));
        assert_eq!(state.converted, None);
    }

    #[test]
    fn json_that_is_no_node_list_is_not_offered() {
        let mut state = InventoryState::default();
        state.look_at(r#"{"kind": "Pod", "metadata": {"name": "Node"}}"#);
        assert_eq!(state.offered, None);
        assert!(state.convert("{}").is_err());
    }
}
