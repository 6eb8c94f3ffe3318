# Helpers shared by the POP3 and mail-file tests. Dot-sourced after Common.ps1, inside BeforeAll.

function New-Pop3TestUser {
    # New-TestUser now waits out Dovecot's passwd-file re-read itself.
    New-TestUser -Bed $Bed
}

function Connect-TestPop3 {
    # The bed's POP3 port with STARTTLS (the module's default policy); extra parameters override.
    param([Parameter(Mandatory)] $User, [hashtable] $With = @{})
    $p = Get-TestPop3Parameters $User
    foreach ($k in $With.Keys) { $p[$k] = $With[$k] }
    Connect-Pop3 @p
}

function Get-ServerUidl {
    # [{n, uidl}] as the independent client sees the mailbox.
    param([Parameter(Mandatory)] $User)
    $list = Invoke-MailCheck -Bed $Bed -User $User -Command pop3-uidl
    $list
}

function Get-ServerBytes {
    # The exact bytes RETR returns, through the independent client.
    param([Parameter(Mandatory)] $User, [Parameter(Mandatory)][int] $Number)
    , [byte[]](Invoke-MailCheck -Bed $Bed -User $User -Command pop3-retr -Arguments @("$Number")).Bytes
}

function Test-SameBytes {
    param([byte[]] $Expected, [byte[]] $Actual)
    $null -ne $Actual -and [System.Linq.Enumerable]::SequenceEqual($Expected, $Actual)
}

