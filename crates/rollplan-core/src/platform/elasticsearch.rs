//! Elasticsearch, as its rolling-upgrade guide does it: shard allocation
//! limited to primaries before a node stops and restored after, the REST
//! API through `curl` at `$ES` (with credentials in `~/.netrc`), the service
//! and its Debian package on each node through `ssh`.

use super::{Check, NOTHING, Profile, Recipe, Shell, Upgrade, here, manual, note, on_node};

/// The node is in the cluster: its name among `_cat/nodes`.
const IN_THE_CLUSTER: &[&str] = &["@curl -fsS --netrc-optional \"$ES/_cat/nodes?h=name\" | grep -Fxq --", "{node}"];

pub(super) const PROFILE: Profile = Profile {
    shell: Shell::Posix,
    preflight: &[
        Check {
            text: "ES is set to the cluster's address (export ES=https://es01:9200), its credentials in ~/.netrc",
            command: Some(here(&["@test -n \"$ES\""])),
        },
        Check {
            text: "A snapshot of every index is taken to a registered repository",
            command: Some(here(&["@curl -fsS --netrc-optional \"$ES/_cat/snapshots?v=true\""])),
        },
        Check {
            text: "The cluster is green",
            command: Some(here(&[
                "@curl -fsS --netrc-optional \"$ES/_cluster/health?wait_for_status=green&timeout=10s\"",
            ])),
        },
        Check {
            text: "No deprecated setting blocks the upgrade",
            command: Some(here(&["@curl -fsS --netrc-optional \"$ES/_migration/deprecations?pretty\""])),
        },
        Check { text: "The new package is in every node's apt repository", command: None },
    ],
    moves: Recipe { run: &[note(&["{service}", "moves from", "{from}", "to", "{to}"])], verify: &[] },
    drain: NOTHING,
    pause: Recipe {
        run: &[
            here(&[
                "@curl -fsS --netrc-optional -X PUT \"$ES/_cluster/settings\" -H 'Content-Type: application/json' -d",
                "{\"persistent\":{\"cluster.routing.allocation.enable\":\"primaries\"}}",
            ]),
            here(&["@curl -fsS --netrc-optional -X POST \"$ES/_flush\""]),
            on_node(&["sudo", "systemctl", "stop", "elasticsearch.service"]),
        ],
        // The node list read first, so that an unreachable cluster fails the check rather than passing it.
        verify: &[here(&[
            "@nodes=$(curl -fsS --netrc-optional \"$ES/_cat/nodes?h=name\") && ! printf '%s\\n' \"$nodes\" | grep -Fxq --",
            "{node}",
        ])],
    },
    upgrade: &[Upgrade {
        component: "*",
        recipe: Recipe {
            run: &[on_node(&["sudo", "apt-get", "install", "-y", "elasticsearch={apt_version}"])],
            verify: &[on_node(&["dpkg-query", "-W", "-f=${Version}", "elasticsearch", "@| grep -Fq --", "{version}"])],
        },
        first: None,
    }],
    reboot: NOTHING,
    resume: Recipe {
        run: &[
            on_node(&["sudo", "systemctl", "start", "elasticsearch.service"]),
            manual(&["wait until", "{node}", "has joined the cluster (_cat/nodes)"]),
        ],
        verify: &[here(IN_THE_CLUSTER)],
    },
    // Once every node of a wave is back: allocation on, then the cluster's
    // health. The plan's last resume of a wave may be carried out before
    // another node of the wave has joined (its nodes are worked on at once):
    // the cluster's node count is waited for first.
    all_up: Recipe {
        run: &[
            here(&[
                "@curl -fsS --netrc-optional \"$ES/_cluster/health?wait_for_nodes=%3E%3D{cluster_nodes}&timeout=60m\"",
            ]),
            here(&[
                "@curl -fsS --netrc-optional -X PUT \"$ES/_cluster/settings\" -H 'Content-Type: application/json' -d",
                "{\"persistent\":{\"cluster.routing.allocation.enable\":null}}",
            ]),
            here(&["@curl -fsS --netrc-optional \"$ES/_cluster/health?wait_for_status={health}&timeout=60m\""]),
        ],
        verify: &[],
    },
    offline: NOTHING,
    online: NOTHING,
    finalize: Recipe { run: &[manual(&["{title}"])], verify: &[] },
};
