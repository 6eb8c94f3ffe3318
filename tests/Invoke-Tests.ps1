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
    [string[]] $TestName = @(if ($env:MAILPROTOCOLS_TESTNAME) { $env:MAILPROTOCOLS_TESTNAME } else { '*' })
)

$ErrorActionPreference = 'Stop'
Import-Module $PesterPath -Force
Import-Module (Join-Path $PSScriptRoot 'TestBed/MailTestBed.psm1') -Force
$env:MAILPROTOCOLS_MODULE = (Resolve-Path $ModulePath).Path
# The companion test-server module is built beside the main one; the gallery's runbook tests import it.
$env:MAILPROTOCOLS_TESTSERVER_MODULE = Join-Path (Split-Path (Split-Path $env:MAILPROTOCOLS_MODULE)) 'MailProtocols.TestServer/MailProtocols.TestServer.psd1'
$TestName = $TestName | ForEach-Object { $_ -split ',' }

# One Dovecot serves the whole run; each Describe block makes its own users, so tests stay isolated.
$global:MailProtocolsTestBed = Start-TestDovecot -Name 'tests'
if (-not (Test-TestBedTrust -Bed $global:MailProtocolsTestBed)) {
    throw 'This process does not trust the test CA. Run the tests through ./build.ps1 -Task Test, which sets SSL_CERT_FILE.'
}

# The suite, plus the tests of the runbook gallery in examples/Runbooks.
$files = Get-ChildItem -Path $PSScriptRoot, (Join-Path $PSScriptRoot '../examples/Runbooks') -Filter '*.Tests.ps1' -Recurse |
    Where-Object { $n = $_.Name; @($TestName | Where-Object { $n -like $_ -or $n -like "$_.Tests.ps1" }).Count -gt 0 }

$config = New-PesterConfiguration
$config.Run.Path = @($files.FullName)
$config.Run.PassThru = $true
# Progress (one line per file) and failures with their details; passing tests print nothing.
$config.Output.Verbosity = 'Normal'
$config.Should.ErrorAction = 'Continue'
try {
    $result = Invoke-Pester -Configuration $config
}
finally {
    Stop-TestDovecot -Bed $global:MailProtocolsTestBed
}

# build.ps1 ran the core (xunit) tests first and passes their counts "passed,failed,skipped": one closing line counts both.
$core = @(if ($env:MAILPROTOCOLS_CORE_RESULTS) { $env:MAILPROTOCOLS_CORE_RESULTS -split ',' | ForEach-Object { [int]$_ } } else { 0, 0, 0 })
$failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount + $core[1]
Write-Host ''
Write-Host "Tests: $($result.PassedCount + $core[0]) passed, $failed failed, $($result.SkippedCount + $core[2]) skipped"
if ($failed -gt 0 -or $result.PassedCount -eq 0) { exit 1 }
exit 0
