//! Windows Server failover clusters: the `FailoverClusters` PowerShell module
//! (`Suspend-ClusterNode -Drain`, `Move-ClusterGroup` or, for a virtual
//! machine, `Move-ClusterVirtualMachineRole` (live), `Resume-ClusterNode`,
//! `Update-ClusterFunctionalLevel`), run on a node of the cluster:
//! `Move-ClusterVirtualMachineRole` cannot be run from another machine
//! without `CredSSP`.

use super::{Check, NOTHING, Profile, Recipe, Shell, Upgrade, here, manual};

pub(super) const PROFILE: Profile = Profile {
    shell: Shell::PowerShell,
    preflight: &[
        Check {
            text: "A backup of every clustered role's data, and of the cluster configuration, is taken and restorable",
            command: None,
        },
        // Test-Cluster writes a report and returns it whatever it found: read the report.
        Check { text: "The cluster validation report (Test-Cluster -Ignore Storage) shows no failure", command: None },
        Check {
            text: "Every node is Up",
            command: Some(here(&["@(Get-ClusterNode | Where-Object State -ne 'Up').Count -eq 0"])),
        },
        Check {
            text: "Every clustered role is Online",
            command: Some(here(&["@(Get-ClusterGroup | Where-Object State -ne 'Online').Count -eq 0"])),
        },
        Check {
            text: "The update media or packages are on every node, and the maintenance window is agreed",
            command: None,
        },
    ],
    // A virtual machine is live-migrated (Move-ClusterGroup would quick-migrate
    // it: saved, moved, resumed, so it stops for the copy of its memory); any
    // other role is moved as a group.
    moves: Recipe {
        run: &[here(&[
            "@if ((Get-ClusterGroup -Name",
            "{service}",
            "@).GroupType -eq 'VirtualMachine') { Move-ClusterVirtualMachineRole -Name",
            "{service}",
            "-Node",
            "{to}",
            "@-MigrationType Live } else { Move-ClusterGroup -Name",
            "{service}",
            "-Node",
            "{to}",
            "@}",
        ])],
        verify: &[here(&["@(Get-ClusterGroup -Name", "{service}", "@).OwnerNode.Name -eq", "{to}"])],
    },
    drain: NOTHING,
    pause: Recipe {
        run: &[here(&["Suspend-ClusterNode", "-Name", "{node}", "-Drain", "-Wait"])],
        // Paused, and every role drained off it (a drain can fail and leave the node paused).
        verify: &[here(&[
            "@@(Get-ClusterNode -Name",
            "{node}",
            "@| Where-Object { $_.State -eq 'Paused' -and $_.DrainStatus -eq 'Completed' }).Count -eq 1",
        ])],
    },
    upgrade: &[Upgrade {
        component: "*",
        recipe: Recipe { run: &[manual(&["install", "{title}", "{version}", "on", "{node}"])], verify: &[] },
        first: None,
    }],
    reboot: Recipe {
        run: &[here(&["Restart-Computer", "-ComputerName", "{node}", "-Wait", "-For", "PowerShell", "-Force"])],
        verify: &[here(&["@(Get-ClusterNode -Name", "{node}", "@).State -eq 'Paused'"])],
    },
    resume: Recipe {
        run: &[here(&["Resume-ClusterNode", "-Name", "{node}", "-Failback", "NoFailback"])],
        verify: &[here(&["@(Get-ClusterNode -Name", "{node}", "@).State -eq 'Up'"])],
    },
    all_up: NOTHING,
    offline: Recipe {
        run: &[here(&["Stop-ClusterGroup", "-Name", "{service}"])],
        verify: &[here(&["@(Get-ClusterGroup -Name", "{service}", "@).State -eq 'Offline'"])],
    },
    online: Recipe {
        run: &[here(&["Start-ClusterGroup", "-Name", "{service}"])],
        verify: &[here(&["@(Get-ClusterGroup -Name", "{service}", "@).State -eq 'Online'"])],
    },
    finalize: Recipe {
        run: &[here(&["Update-ClusterFunctionalLevel", "-Force"])],
        // No check: the level is a number that says nothing without the one expected.
        verify: &[],
    },
};
