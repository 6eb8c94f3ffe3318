<#
.SYNOPSIS
    Runs the Pester suite in this (fresh) pwsh process and prints the plain closing line CI reads.
.DESCRIPTION
    build.ps1 -Task Test starts the shared Dovecot test bed and calls this script in a new pwsh,
    so the tests always import the freshly built module.
#>
param(
    [Parameter(Mandatory)] [string] $PesterPath,
    [Parameter(Mandatory)] [string] $ModulePath,
    [string[]] $TestName = @('*')
)

$ErrorActionPreference = 'Stop'
Import-Module $PesterPath -Force
$env:MAILPROTOCOLS_MODULE = (Resolve-Path $ModulePath).Path

$files = Get-ChildItem -Path $PSScriptRoot -Filter '*.Tests.ps1' -Recurse |
    Where-Object { $n = $_.Name; @($TestName | Where-Object { $n -like $_ -or $n -like "$_.Tests.ps1" }).Count -gt 0 }

$config = New-PesterConfiguration
$config.Run.Path = @($files.FullName)
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
$config.Should.ErrorAction = 'Continue'
$result = Invoke-Pester -Configuration $config

$failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
Write-Host ''
Write-Host "Tests: $($result.PassedCount) passed, $failed failed, $($result.SkippedCount) skipped"
if ($failed -gt 0 -or $result.PassedCount -eq 0) { exit 1 }
exit 0
