<#
.SYNOPSIS
    Prints a rollplan description, as JSON, of the Windows Server failover
    cluster it is run on (or the one -Cluster names). Read-only: it only
    calls Get-* cmdlets.

.DESCRIPTION
    Reads the nodes (Get-ClusterNode), each node's Windows build
    (Win32_OperatingSystem), the clustered roles and their preferred owners
    (Get-ClusterGroup, Get-ClusterOwnerNode) and the quorum model
    (Get-ClusterQuorum), and prints a description for rollplan with
    `platform: wsfc`. Check the target, the minutes and the roles' owners,
    then plan it:

        .\wsfc.ps1 -Target 20348 > cluster.json
        rollplan plan cluster.json

    Nodes that are not Up are reported as warnings (on the warning stream),
    not left out. See docs/import.md.

.PARAMETER Target
    The Windows build every node should run, e.g. 20348 (Windows Server
    2022) or 26100 (Windows Server 2025). Default: the newest build a node
    runs now.

.PARAMETER Cluster
    The cluster to read; default: the cluster of the machine it runs on.
#>
[CmdletBinding()]
param(
    [string]$Target = '',
    [string]$Cluster = '.'
)

$ErrorActionPreference = 'Stop'
Import-Module FailoverClusters

$clusterObject = Get-Cluster -Name $Cluster
$clusterName = $clusterObject.Name
$nodes = @(Get-ClusterNode -Cluster $clusterName | Sort-Object -Property Name)

# Each node's Windows build, as text.
$builds = [ordered]@{}
foreach ($node in $nodes) {
    if ($node.State -ne 'Up') {
        Write-Warning "node $($node.Name) is $($node.State): bring it up before the upgrade starts"
    }
    $os = Get-CimInstance -ClassName Win32_OperatingSystem -ComputerName $node.Name
    $builds[$node.Name] = [string]$os.BuildNumber
}

$current = @($builds.Values | Sort-Object -Property { [int]$_ } -Unique)
if (-not $Target) {
    $Target = $current[-1]
}
$releases = @(@($current) + @($Target) | Sort-Object -Property { [int]$_ } -Unique)

# The clustered roles, without the cluster's own group and its available storage.
$groups = @(Get-ClusterGroup -Cluster $clusterName | Where-Object {
        $_.GroupType -ne 'Cluster' -and $_.GroupType -ne 'AvailableStorage'
    } | Sort-Object -Property Name)
$services = @(foreach ($group in $groups) {
        $entry = [ordered]@{
            name = $group.Name
            on   = $group.OwnerNode.Name
        }
        $owners = @((Get-ClusterOwnerNode -Group $group.Name -Cluster $clusterName).OwnerNodes | ForEach-Object { $_.Name })
        if ($owners.Count -gt 0) {
            # The preferred owners, in order; the node it runs on is an owner too.
            if ($owners -notcontains $entry.on) {
                $owners += $entry.on
            }
            $entry.owners = @($owners)
        }
        $entry
    })

# The quorum model: a witness (disk, file share or cloud) counts as a vote.
$quorum = Get-ClusterQuorum -Cluster $clusterName
$quorumModel = if ([string]$quorum.QuorumType -eq 'DiskOnly') {
    'disk'
} elseif ($null -ne $quorum.QuorumResource) {
    'witness'
} else {
    'majority'
}

$description = [ordered]@{
    format     = 1
    cluster    = $clusterName
    platform   = 'wsfc'
    components = [ordered]@{
        windows = [ordered]@{
            title    = 'Windows Server'
            releases = @($releases)
            target   = $Target
            minutes  = 60
        }
    }
    nodes      = @(foreach ($node in $nodes) {
            [ordered]@{
                name     = $node.Name
                versions = [ordered]@{ windows = $builds[$node.Name] }
            }
        })
    services   = @($services)
    policy     = [ordered]@{
        max_down = 1
        quorum   = $quorumModel
        failback = 'verify'
    }
}

$description | ConvertTo-Json -Depth 6
