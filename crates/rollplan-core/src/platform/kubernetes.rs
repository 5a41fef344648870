//! Kubernetes clusters built with kubeadm on Debian-family nodes (packages
//! from pkgs.k8s.io): `kubectl` from the administrator's machine, `kubeadm`
//! and the packages on each node through `ssh`, as the kubeadm upgrade
//! guide gives them.

use super::{Check, NOTHING, Profile, Recipe, Shell, Upgrade, here, manual, note, on_node};

/// The kubelet's and kubectl's packages, the kubelet restarted.
const KUBELET: Recipe = Recipe {
    run: &[
        on_node(&["sudo", "apt-mark", "unhold", "kubeadm", "kubelet", "kubectl"]),
        on_node(&["sudo", "apt-get", "install", "-y", "kubeadm={package_version}"]),
        on_node(&["sudo", "kubeadm", "upgrade", "node"]),
        on_node(&["sudo", "apt-get", "install", "-y", "kubelet={package_version}", "kubectl={package_version}"]),
        on_node(&["sudo", "apt-mark", "hold", "kubeadm", "kubelet", "kubectl"]),
        on_node(&["sudo", "systemctl", "daemon-reload"]),
        on_node(&["sudo", "systemctl", "restart", "kubelet"]),
    ],
    verify: &[here(&[
        "kubectl",
        "get",
        "node",
        "-o",
        "jsonpath={.status.nodeInfo.kubeletVersion}",
        "--",
        "{node}",
        "@| grep -F --",
        "v{version}",
    ])],
};

/// `kubectl drain` (which cordons the node), and the check that it is cordoned.
const DRAINED: Recipe = Recipe {
    run: &[here(&["kubectl", "drain", "--ignore-daemonsets", "--delete-emptydir-data", "--", "{node}"])],
    verify: &[here(&[
        "kubectl",
        "get",
        "node",
        "-o",
        "jsonpath={.spec.unschedulable}",
        "--",
        "{node}",
        "@| grep -qx true",
    ])],
};

/// The API server's static pod runs the release.
const API_SERVER_CHECK: &[super::Line] = &[here(&[
    "kubectl",
    "-n",
    "kube-system",
    "get",
    "pod",
    "kube-apiserver-{node}",
    "-o",
    "jsonpath={.spec.containers[0].image}",
    "@| grep -F --",
    ":v{version}",
])];

pub(super) const PROFILE: Profile = Profile {
    shell: Shell::Posix,
    preflight: &[
        Check {
            text: "An etcd snapshot is taken (etcdctl snapshot save) and copied off the control-plane nodes",
            command: None,
        },
        Check { text: "Every node is Ready", command: Some(here(&["kubectl", "get", "nodes"])) },
        Check {
            text: "kubeadm shows the upgrade path (run on the first control-plane node, with the new kubeadm)",
            command: Some(here(&["sudo", "kubeadm", "upgrade", "plan"])),
        },
        Check {
            text: "Each node's apt source points at the target minor's repository (pkgs.k8s.io has one per minor)",
            command: None,
        },
        Check {
            text: "PodDisruptionBudgets allow the drains (ALLOWED DISRUPTIONS above 0)",
            command: Some(here(&["kubectl", "get", "poddisruptionbudgets", "--all-namespaces"])),
        },
    ],
    moves: Recipe {
        run: &[note(&["{service}", "moves from", "{from}", "to", "{to}", "as the scheduler places it"])],
        verify: &[],
    },
    drain: DRAINED,
    // A node drained already is drained again at once: its pause is the same command.
    pause: DRAINED,
    upgrade: &[
        Upgrade {
            component: "kube-apiserver",
            recipe: Recipe {
                run: &[
                    on_node(&["sudo", "apt-mark", "unhold", "kubeadm"]),
                    on_node(&["sudo", "apt-get", "install", "-y", "kubeadm={package_version}"]),
                    on_node(&["sudo", "apt-mark", "hold", "kubeadm"]),
                    on_node(&["sudo", "kubeadm", "upgrade", "node"]),
                ],
                verify: API_SERVER_CHECK,
            },
            first: Some(Recipe {
                run: &[
                    on_node(&["sudo", "apt-mark", "unhold", "kubeadm"]),
                    on_node(&["sudo", "apt-get", "install", "-y", "kubeadm={package_version}"]),
                    on_node(&["sudo", "apt-mark", "hold", "kubeadm"]),
                    // The version of the kubeadm just installed: a release label
                    // (`stable-1.30`) would be looked up on dl.k8s.io, which a
                    // locked-down network cannot reach.
                    on_node(&["sudo", "kubeadm", "upgrade", "apply", "-y", "@\"$(kubeadm version -o short)\""]),
                ],
                verify: API_SERVER_CHECK,
            }),
        },
        Upgrade {
            component: "kube-controller-manager",
            recipe: Recipe { run: &[note(&["kubeadm upgraded", "{component}", "with kube-apiserver"])], verify: &[] },
            first: None,
        },
        Upgrade {
            component: "kube-scheduler",
            recipe: Recipe { run: &[note(&["kubeadm upgraded", "{component}", "with kube-apiserver"])], verify: &[] },
            first: None,
        },
        Upgrade {
            component: "kube-proxy",
            recipe: Recipe {
                run: &[note(&["kube-proxy is a DaemonSet: kubeadm upgrade apply rolls it out to", "{version}"])],
                verify: &[],
            },
            first: None,
        },
        Upgrade { component: "kubelet", recipe: KUBELET, first: None },
        Upgrade {
            component: "*",
            recipe: Recipe { run: &[manual(&["upgrade", "{title}", "to", "{version}", "on", "{node}"])], verify: &[] },
            first: None,
        },
    ],
    reboot: Recipe {
        run: &[on_node(&["sudo", "systemctl", "reboot", "--no-block"]), manual(&["wait until", "{node}", "is back"])],
        verify: &[here(&["kubectl", "wait", "--for=condition=Ready", "node/{node}", "--timeout=15m"])],
    },
    resume: Recipe {
        run: &[here(&["kubectl", "uncordon", "--", "{node}"])],
        verify: &[here(&["kubectl", "wait", "--for=condition=Ready", "node/{node}", "--timeout=10m"])],
    },
    all_up: NOTHING,
    offline: Recipe { run: &[manual(&["scale", "{service}", "to zero replicas"])], verify: &[] },
    online: Recipe { run: &[manual(&["scale", "{service}", "back to its replicas"])], verify: &[] },
    finalize: Recipe { run: &[manual(&["{title}"])], verify: &[] },
};
