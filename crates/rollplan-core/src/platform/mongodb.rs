//! `MongoDB` replica sets: `mongosh` against each member by name and against
//! the set at `$MONGODB_URI` (credentials in the URI or `~/.mongoshrc`),
//! `mongod` and its Debian package on each member through `ssh`.

use super::{Check, NOTHING, Profile, Recipe, Shell, Upgrade, here, on_node};

pub(super) const PROFILE: Profile = Profile {
    shell: Shell::Posix,
    preflight: &[
        Check {
            text: "MONGODB_URI is set to the replica set's connection string (mongodb://m1,m2,m3/?replicaSet=rs0)",
            command: Some(here(&["@test -n \"$MONGODB_URI\""])),
        },
        Check { text: "A backup (mongodump or a snapshot of every member) is taken and restorable", command: None },
        Check {
            text: "Every member is PRIMARY or SECONDARY and healthy",
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
    moves: Recipe {
        run: &[here(&["mongosh", "--host={from}", "--quiet", "--eval", "rs.stepDown()"])],
        verify: &[here(&[
            "mongosh",
            "--host",
            "{to}",
            "--quiet",
            "--eval",
            "db.hello().isWritablePrimary",
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
        verify: &[here(&[
            "mongosh",
            "--host",
            "{node}",
            "--quiet",
            "--eval",
            "rs.status().myState",
            "@| grep -Eqx '1|2'",
        ])],
    },
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
