//! The descriptions shipped with the app, to start from or compare with.

/// A description shipped with the app, to start from or compare with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Example {
    /// File name in `tests/examples/`, shown in the examples menu.
    pub name: &'static str,
    pub text: &'static str,
}

/// The examples, the seed first. The files are the ones the core's tests use,
/// so the app never ships an example the core rejects.
pub const EXAMPLES: &[Example] = &[
    Example {
        name: "exchange-2003-two-node.yaml",
        text: include_str!("../../../../tests/examples/exchange-2003-two-node.yaml"),
    },
    Example {
        name: "exchange-2003-scanmail.yaml",
        text: include_str!("../../../../tests/examples/exchange-2003-scanmail.yaml"),
    },
    Example {
        name: "active-active-two-node.yaml",
        text: include_str!("../../../../tests/examples/active-active-two-node.yaml"),
    },
    Example {
        name: "exchange-four-node.yaml",
        text: include_str!("../../../../tests/examples/exchange-four-node.yaml"),
    },
    Example {
        name: "mongodb-replica-set-6-to-7.yaml",
        text: include_str!("../../../../tests/examples/mongodb-replica-set-6-to-7.yaml"),
    },
    Example {
        name: "windows-2019-to-2022-cluster.yaml",
        text: include_str!("../../../../tests/examples/windows-2019-to-2022-cluster.yaml"),
    },
    Example {
        name: "kubernetes-1.28-to-1.30.yaml",
        text: include_str!("../../../../tests/examples/kubernetes-1.28-to-1.30.yaml"),
    },
    Example {
        name: "exchange-2010-four-server.yaml",
        text: include_str!("../../../../tests/examples/exchange-2010-four-server.yaml"),
    },
    Example {
        name: "hyperv-16-node-waves.yaml",
        text: include_str!("../../../../tests/examples/hyperv-16-node-waves.yaml"),
    },
    Example {
        name: "exchange-2010-dag-three-copies.yaml",
        text: include_str!("../../../../tests/examples/exchange-2010-dag-three-copies.yaml"),
    },
    Example {
        name: "elasticsearch-9-node-rolling.yaml",
        text: include_str!("../../../../tests/examples/elasticsearch-9-node-rolling.yaml"),
    },
    Example {
        name: "sql-cluster-two-windows.yaml",
        text: include_str!("../../../../tests/examples/sql-cluster-two-windows.yaml"),
    },
];

/// The description a first visit starts with.
pub const SEED: Example = EXAMPLES[0];

/// The example `text` is, if it is one unchanged.
pub fn recognise(text: &str) -> Option<&'static str> {
    EXAMPLES.iter().find(|example| example.text == text).map(|example| example.name)
}
