# The benchmark's building blocks, in three parts: seeding (Bench.Seed.ps1), running (Bench.Run.ps1) and
# reporting (Bench.Report.ps1). What is measured and compared, and the targets, are data: bench/Targets.psd1.
# Invoke-Bench.ps1 puts them together; see bench/README.md and docs/performance.md.

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$script:BenchRoot = $PSScriptRoot
$script:RepoRoot = Split-Path $PSScriptRoot -Parent
$script:Pwsh = Join-Path $PSHOME 'pwsh'
$script:MB = 1024 * 1024
$script:Definition = Import-PowerShellDataFile -LiteralPath (Join-Path $PSScriptRoot 'Targets.psd1')

function Get-BenchDefinition {
    # bench/Targets.psd1 as loaded: SizeMix, Measurements, CountOperations, MemoryScenarios, Rows, Targets.
    $script:Definition
}

function Get-Property {
    # A property of a stored result or a definition entry, or $null when it does not have it.
    param($Object, [string] $Name)
    if ($null -eq $Object) { return $null }
    if ($Object -is [System.Collections.IDictionary]) { return $Object[$Name] }
    $p = $Object.PSObject.Properties[$Name]
    if ($p) { $p.Value } else { $null }
}

. (Join-Path $PSScriptRoot 'Bench.Seed.ps1')
. (Join-Path $PSScriptRoot 'Bench.Maildir.ps1')
. (Join-Path $PSScriptRoot 'Bench.SessionMailKit.ps1')
. (Join-Path $PSScriptRoot 'Bench.Run.ps1')
. (Join-Path $PSScriptRoot 'Bench.Report.ps1')
. (Join-Path $PSScriptRoot 'Bench.Migration.ps1')

Export-ModuleMember -Function @(
    'Get-BenchDefinition',
    # Seeding
    'Add-BenchMailbox', 'Add-BigMessage', 'Disable-RawLog', 'Enable-RawLog',
    # Running
    'Get-Median', 'New-Measurement', 'Get-BenchMachine', 'Get-LoadAverage', 'Install-Mbsync', 'Build-RawMailKit', 'Invoke-InterleavedBench',
    'New-EmptyModule', 'Get-SessionMailKit', 'Measure-ImportModule', 'Measure-ProtocolCount', 'Measure-ModuleMemory',
    # Reporting
    'Get-SideBySide', 'ConvertTo-MarkdownTable', 'Format-WireRows', 'Format-ScaleOutRows', 'Get-RunSection', 'Write-PerformanceDoc',
    # Mailbox migration (issue 17)
    'Install-OfflineImap', 'Measure-MailboxMigration', 'Get-MigrationSection'
)
