//! Exchange 2000/2003 on a Windows Server 2003 cluster: `cluster.exe`, as
//! Cluster Administrator does it, called from PowerShell. Its checks read
//! the status column of `cluster.exe ... /status` (the last word of the
//! line, case as printed), each answering True or False.

use super::{Check, Line, NOTHING, Profile, Recipe, Shell, Upgrade, here, manual};

/// The node's status is Paused (after its pause, and after its restart).
const PAUSED: &[Line] = &[here(&[
    "@[bool](cluster.exe",
    "node",
    "{node}",
    "/status",
    "@| Select-String -CaseSensitive -Pattern '\\sPaused\\s*$')",
])];

pub(super) const PROFILE: Profile = Profile {
    shell: Shell::PowerShell,
    preflight: &[
        Check {
            text: "A full backup of every storage group is taken (NTBackup or your backup product) and verified",
            command: None,
        },
        Check {
            text: "Every node is Up",
            command: Some(here(&["@-not (cluster.exe node | Select-String -SimpleMatch -Quiet 'Paused', 'Down')"])),
        },
        Check {
            text: "Every Exchange Virtual Server's group is Online",
            command: Some(here(&[
                "@-not (cluster.exe group | Select-String -SimpleMatch -Quiet 'Offline', 'Failed', 'Partially')",
            ])),
        },
        Check {
            text: "The service pack or update is copied to every node, and the maintenance window is agreed",
            command: None,
        },
    ],
    moves: Recipe {
        run: &[here(&["cluster.exe", "group", "{service}", "/moveto:{to}"])],
        // The node in the group's status line, as a whole word.
        verify: &[here(&[
            "@[bool](cluster.exe",
            "group",
            "{service}",
            "/status",
            "@| Select-String -CaseSensitive -Pattern ('\\s' + [regex]::Escape(",
            "{to}",
            "@) + '\\s+\\S'))",
        ])],
    },
    drain: NOTHING,
    pause: Recipe { run: &[here(&["cluster.exe", "node", "{node}", "/pause"])], verify: PAUSED },
    upgrade: &[Upgrade {
        component: "*",
        recipe: Recipe { run: &[manual(&["run", "{title}", "{version}", "setup", "on", "{node}"])], verify: &[] },
        first: None,
    }],
    reboot: Recipe {
        run: &[
            here(&["shutdown.exe", "/r", "/t", "0", "/m", "\\\\{node}"]),
            manual(&["wait until", "{node}", "has restarted and its Cluster service runs"]),
        ],
        verify: PAUSED,
    },
    resume: Recipe {
        run: &[here(&["cluster.exe", "node", "{node}", "/resume"])],
        verify: &[here(&[
            "@[bool](cluster.exe",
            "node",
            "{node}",
            "/status",
            "@| Select-String -CaseSensitive -Pattern '\\sUp\\s*$')",
        ])],
    },
    all_up: NOTHING,
    offline: Recipe {
        run: &[here(&["cluster.exe", "group", "{service}", "/offline"])],
        verify: &[here(&[
            "@[bool](cluster.exe",
            "group",
            "{service}",
            "/status",
            "@| Select-String -CaseSensitive -Pattern '\\sOffline\\s*$')",
        ])],
    },
    online: Recipe {
        run: &[here(&["cluster.exe", "group", "{service}", "/online"])],
        verify: &[here(&[
            "@[bool](cluster.exe",
            "group",
            "{service}",
            "/status",
            "@| Select-String -CaseSensitive -Pattern '(?<!Partially)\\sOnline\\s*$')",
        ])],
    },
    finalize: Recipe { run: &[manual(&["{title}", "(the point of no return for", "{component}", ")"])], verify: &[] },
};
