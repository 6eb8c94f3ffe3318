<#
.SYNOPSIS
    Runs the example runbooks against the local Dovecot that build.ps1 -Task Demo started.
.DESCRIPTION
    Creates a demo mailbox with sample mail in the test bed, then runs each runbook in examples/
    in order, with its real output. The test bed's CA is trusted through SSL_CERT_FILE, so the
    runbooks use the module's default, fully validated TLS.
#>
param([Parameter(Mandatory)] [string] $ModulePath)

$ErrorActionPreference = 'Stop'
Import-Module $ModulePath -Force
Import-Module (Join-Path $PSScriptRoot '../tests/TestBed/MailTestBed.psm1') -Force
$bed = Start-TestDovecot -Name 'demo'
try {

$user = New-TestUser -Bed $bed -Name 'demo'
. (Join-Path $PSScriptRoot 'SampleMail.ps1')
Add-SampleMail -Bed $bed -User $user.Name

$common = @{ Server = 'localhost'; ImapPort = $bed.ImapPort; Pop3Port = $bed.Pop3Port; Credential = $user.Credential }
foreach ($runbook in Get-ChildItem $PSScriptRoot -Filter '[0-9][0-9]-*.ps1' | Sort-Object Name) {
    Write-Host ''
    Write-Host ('=' * 72) -ForegroundColor Cyan
    Write-Host "Runbook $($runbook.Name)" -ForegroundColor Cyan
    Write-Host ('=' * 72) -ForegroundColor Cyan
    $parameters = (Get-Command $runbook.FullName).Parameters.Keys
    $splat = @{}
    foreach ($key in $common.Keys) { if ($parameters -contains $key) { $splat[$key] = $common[$key] } }
    & $runbook.FullName @splat | Out-Host
}
Get-MailSession | ForEach-Object { if ($_.Protocol -eq 'Imap') { $_ | Disconnect-Imap } else { $_ | Disconnect-Pop3 -Rollback } }
}
finally {
    Stop-TestDovecot -Bed $bed
}
Write-Host ''
Write-Host 'Demo finished.' -ForegroundColor Green
