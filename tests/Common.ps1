# Dot-sourced by every *.Tests.ps1 (in BeforeAll). Imports the built module and the shared test bed.
$ErrorActionPreference = 'Stop'

if (-not $env:MAILPROTOCOLS_MODULE -or -not $global:MailProtocolsTestBed) {
    throw 'Run the tests through ./build.ps1 -Task Test: it builds the module and starts the Dovecot test bed.'
}

Import-Module $env:MAILPROTOCOLS_MODULE
Import-Module (Join-Path $PSScriptRoot 'TestBed/MailTestBed.psm1')
$script:Bed = $global:MailProtocolsTestBed

function Get-TestImapParameters {
    # Splat for Connect-Imap against the bed with STARTTLS on the plain port (the module's default policy).
    param([Parameter(Mandatory)] $User, [int] $TimeoutSec = 15)
    @{ Server = 'localhost'; Port = $script:Bed.ImapPort; Credential = $User.Credential; TimeoutSec = $TimeoutSec }
}

function Get-TestPop3Parameters {
    param([Parameter(Mandatory)] $User, [int] $TimeoutSec = 15)
    @{ Server = 'localhost'; Port = $script:Bed.Pop3Port; Credential = $User.Credential; TimeoutSec = $TimeoutSec }
}

function Get-ErrorText {
    # Everything an error record would show a user, for secret-leak assertions.
    param([Parameter(Mandatory)] [System.Management.Automation.ErrorRecord] $ErrorRecord)
    ($ErrorRecord | Format-List * -Force | Out-String) + ($ErrorRecord.Exception | Format-List * -Force | Out-String)
}
