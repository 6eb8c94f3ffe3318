<#
.SYNOPSIS
    Runs the example runbooks against a local Dovecot with sample mail (./build.ps1 -Task Demo).
.DESCRIPTION
    Starts a private Dovecot from the test bed, creates a demo mailbox with sample mail, then runs
    each runbook examples/NN-*.ps1 in order with its real output. build.ps1 makes this process trust
    the bed's CA (SSL_CERT_FILE), so the runbooks use the module's default, fully validated TLS.
#>
param([Parameter(Mandatory)] [string] $ModulePath)

$ErrorActionPreference = 'Stop'
Import-Module $ModulePath -Force
Import-Module (Join-Path $PSScriptRoot '../tests/TestBed/MailTestBed.psm1') -Force
. (Join-Path $PSScriptRoot 'SampleMail.ps1')

$bed = Start-TestDovecot -Name 'demo' -WithSmtp
try {
    $user = New-TestUser -Bed $bed -Name 'demo'
    Add-SampleMail -Bed $bed -User $user.Name
    # The request the last runbook answers, from a colleague whose mailbox then shows the reply arriving.
    $requester = New-TestUser -Bed $bed -Name 'sam'
    $null = Add-TestMessage -Bed $bed -User $user.Name -Subject 'Access request: wiki' -From 'Sam <sam@testbed.example>' -To 'demo@testbed.example' `
        -MessageId '<request-1@testbed.example>' -Body "Hi,`r`ncould I get access to the wiki?`r`nSam`r`n"

    # A second server for the migration runbook: folders below INBOX. with '.', as Cyrus and Courier have them.
    $target = Start-TestDovecot -Name 'demo-target' -Profile InboxPrefix
    $targetUser = New-TestUser -Bed $target -Name 'demo'

    $common = @{ Server = 'localhost'; ImapPort = $bed.ImapPort; Pop3Port = $bed.Pop3Port; SmtpPort = $bed.SmtpPort; Credential = $user.Credential
        DestinationImapPort = $target.ImapPort; DestinationCredential = $targetUser.Credential }
    foreach ($runbook in Get-ChildItem $PSScriptRoot -File | Where-Object Name -Match '^\d\d-.*\.ps1$' | Sort-Object Name) {
        Write-Host ''
        Write-Host ('=' * 72) -ForegroundColor Cyan
        Write-Host "Runbook $($runbook.Name)" -ForegroundColor Cyan
        Write-Host ('=' * 72) -ForegroundColor Cyan
        # Each runbook gets the connection facts it declares, so runbooks stay runnable on their own.
        $declared = (Get-Command $runbook.FullName).Parameters.Keys
        $splat = @{}
        foreach ($key in $common.Keys) { if ($declared -contains $key) { $splat[$key] = $common[$key] } }
        & $runbook.FullName @splat | Out-Host
        Get-MailSession -Protocol Imap | Disconnect-Imap
        Get-MailSession -Protocol Pop3 | Disconnect-Pop3 -Rollback
        Get-MailSession -Protocol Smtp | Disconnect-Smtp
    }
    Write-Host ''
    Write-Host "The reply arriving in Sam's INBOX:" -ForegroundColor Cyan
    $sam = Connect-Imap -Server localhost -Port $bed.ImapPort -Credential $requester.Credential -NotDefault
    $deadline = [DateTime]::UtcNow.AddSeconds(20)
    while (-not ($arrived = Search-ImapFolder -Session $sam -Folder INBOX -Subject 'Re: Access request') -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 200 }
    $arrived | Get-ImapMessage -Session $sam -Full | Format-List Subject, From, Date, TextBody | Out-Host
    $sam | Disconnect-Imap
    Write-Host ''
    Write-Host 'Demo finished.' -ForegroundColor Green
    Write-Host 'More runbooks, each with its Pester tests (mocks and a local test server): examples/Runbooks; see Get-Help about_MailProtocols_Testing.'
}
finally {
    if ($target) { Stop-TestDovecot -Bed $target }
    Stop-TestDovecot -Bed $bed
}
