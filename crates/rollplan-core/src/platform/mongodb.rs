//! `MongoDB` replica sets: `mongosh` against the set at `$MONGODB_URI` (its
//! credentials with it: a member is never reached by a bare `--host`, which
//! would leave them out), a member found in `rs.status()` by its host name
//! (the node's name, or its first label: `mongo1` is `mongo1.example.com:27017`),
//! `mongod` and its Debian package on each member through `ssh`.
//!
//! A check that waits for the set (an election, a member catching up) asks
//! again every second for up to a minute or two before it fails.

use super::{Check, NOTHING, Profile, Recipe, Shell, Upgrade, here, on_node};

pub(super) const PROFILE: Profile = Profile {
    shell: Shell::Posix,
    preflight: &[
        Check {
            text: "MONGODB_URI is set to the replica set's connection string, with its credentials (mongodb://admin:…@m1,m2,m3/?replicaSet=rs0&authSource=admin)",
            command: Some(here(&["@test -n \"$MONGODB_URI\""])),
        },
        Check { text: "A backup (mongodump or a snapshot of every member) is taken and restorable", command: None },
        Check {
            text: "Every member is PRIMARY or SECONDARY and healthy, and its host is the name of a node of the description (with or without its domain): the steps find members by it",
            command: Some(here(&[
                "@mongosh \"$MONGODB_URI\" --quiet --eval 'rs.status().members.map(m => m.name + \" \" + m.stateStr + \" \" + m.health).join(\"\\n\")'",
            ])),
        },
        Check {
            text: "The featureCompatibilityVersion is the current release's",
            command: Some(here(&[
                "@mongosh \"$MONGODB_URI\" --quiet --eval 'db.adminCommand({getParameter: 1, featureCompatibilityVersion: 1})'",
            ])),
        },
        Check { text: "The new packages are in every member's apt repository", command: None },
    ],
    // The set's primary (`db.hello().primary`), stepped down only if it is
    // the member the plan moves it from; nothing to do if it is already the
    // member the plan moves it to (a runbook run again). `rs.stepDown()`
    // cannot name the next primary: when the election makes another member
    // primary than the plan's, the check stops the runbook there, for the
    // operator to step that one down.
    moves: Recipe {
        run: &[here(&[
            "@mongosh \"$MONGODB_URI\" --quiet --eval",
            "const p = (db.hello().primary || \"\").split(\":\")[0]; const is = (n) => p === n || p.startsWith(n + \".\"); if (is({to:js})) print(\"already the primary: \" + p); else if (!is({from:js})) throw new Error(\"the primary is \" + p + \", not \" + {from:js}); else rs.stepDown()",
        ])],
        verify: &[here(&[
            "@mongosh \"$MONGODB_URI\" --quiet --eval",
            "const is = (p) => p === {to:js} || p.startsWith({to:js} + \".\"); let p = \"\"; for (let i = 0; i < 60 && !is(p); i++) { if (i) sleep(1000); p = (db.hello().primary || \"\").split(\":\")[0] } is(p)",
            "@| grep -qx true",
        ])],
    },
    drain: NOTHING,
    pause: Recipe {
        run: &[on_node(&["sudo", "systemctl", "stop", "mongod"])],
        verify: &[on_node(&["@!", "systemctl", "is-active", "--quiet", "mongod"])],
    },
    upgrade: &[Upgrade {
        component: "*",
        recipe: Recipe {
            // The metapackage's dependencies are unversioned: each package is pinned, as MongoDB's guide does.
            run: &[on_node(&[
                "sudo",
                "apt-get",
                "install",
                "-y",
                "mongodb-org={apt_version}",
                "mongodb-org-database={apt_version}",
                "mongodb-org-server={apt_version}",
                "mongodb-org-mongos={apt_version}",
                "mongodb-org-tools={apt_version}",
            ])],
            verify: &[on_node(&["mongod", "--version", "@| grep -Fq --", "db version v{version}"])],
        },
        first: None,
    }],
    reboot: NOTHING,
    resume: Recipe {
        run: &[on_node(&["sudo", "systemctl", "start", "mongod"])],
        // Back in the set: PRIMARY or SECONDARY (not RECOVERING, STARTUP2), within two minutes.
        verify: &[here(&[
            "@mongosh \"$MONGODB_URI\" --quiet --eval",
            "const is = (m) => m.split(\":\")[0] === {node:js} || m.startsWith({node:js} + \".\"); let s = \"\"; for (let i = 0; i < 120 && s !== \"PRIMARY\" && s !== \"SECONDARY\"; i++) { if (i) sleep(1000); const m = rs.status().members.find((m) => is(m.name)); s = m ? m.stateStr : \"\" } s === \"PRIMARY\" || s === \"SECONDARY\"",
            "@| grep -qx true",
        ])],
    },
    all_up: NOTHING,
    offline: NOTHING,
    online: NOTHING,
    finalize: Recipe {
        run: &[here(&[
            "@mongosh \"$MONGODB_URI\" --quiet --eval",
            "db.adminCommand({setFeatureCompatibilityVersion: {minor_version:js}, confirm: true})",
        ])],
        verify: &[here(&[
            "@mongosh \"$MONGODB_URI\" --quiet --eval",
            "db.adminCommand({getParameter: 1, featureCompatibilityVersion: 1}).featureCompatibilityVersion.version",
            "@| grep -Fxq --",
            "{minor_version}",
        ])],
    },
};
