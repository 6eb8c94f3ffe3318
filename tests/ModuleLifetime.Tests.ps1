# What happens to sessions across the module's life: removal logs out, and reconnect notices reach the
# command that is using the session (and no other).

BeforeAll {
    . $PSScriptRoot/Common.ps1
    $script:User = New-TestUser -Bed $Bed
    $null = Add-TestMessageBatch -Bed $Bed -User $User -Count 3
}

Describe 'Remove-Module MailProtocols' {
    It 'logs out every open session, and a POP3 session deletes nothing it was not told to at Disconnect-Pop3' {
        $imapBefore = @(Get-DovecotLogoutStats -Bed $Bed -User $User -Protocol imap -MinimumCount 0).Count
        $pop3Before = @(Get-DovecotLogoutStats -Bed $Bed -User $User -Protocol pop3 -MinimumCount 0).Count
        $result = Invoke-ChildPwsh -Environment @{ MP_PASSWORD = $User.Password } -Script @"
`$ErrorActionPreference = 'Stop'
Import-Module '$env:MAILPROTOCOLS_MODULE'
`$cred = [pscredential]::new('$($User.Name)', (ConvertTo-SecureString `$env:MP_PASSWORD -AsPlainText -Force))
`$imap = Connect-Imap -Server localhost -Port $($Bed.ImapPort) -Credential `$cred
`$pop3 = Connect-Pop3 -Server localhost -Port $($Bed.Pop3Port) -Credential `$cred
Get-Pop3Message -Session `$pop3 -Index 1 | Remove-Pop3Message -Confirm:`$false
Remove-Module MailProtocols
[pscustomobject]@{ Imap = `$imap.IsConnected; Pop3 = `$pop3.IsConnected; Pop3State = "`$(`$pop3.State)" } | ConvertTo-Json
"@
        $result.Imap | Should -BeFalse
        $result.Pop3 | Should -BeFalse
        $imapLogouts = @(Get-DovecotLogoutStats -Bed $Bed -User $User -Protocol imap -MinimumCount ($imapBefore + 1))
        $imapLogouts[-1].Reason | Should -Match 'Logged out'
        $pop3Logouts = @(Get-DovecotLogoutStats -Bed $Bed -User $User -Protocol pop3 -MinimumCount ($pop3Before + 1))
        $pop3Logouts[-1].Reason | Should -Match 'Logged out'
        $pop3Logouts[-1].del | Should -Be 0 -Because 'removing the module sends RSET before QUIT'
        (Invoke-MailCheck -Bed $Bed -User $User -Command pop3-stat).count | Should -Be 3
    }
}

Describe 'Reconnect notices' {
    It 'reach Add-ImapMessage, which uses the session after another command did' {
        $s = Connect-Imap -Server localhost -Port $Bed.ImapPort -Credential $User.Credential -NotDefault
        try {
            $null = Get-ImapFolder -Session $s
            $null = Invoke-DoveadmKick -Bed $Bed -User $User
            # A change is never repeated, so the first one after the kick reports the lost connection and
            # leaves the session dropped; the next command reconnects it.
            { New-ImapFolder -Session $s -Name 'AfterKick' -ErrorAction Stop } | Should -Throw
            $s.IsConnected | Should -BeFalse
            $file = Join-Path $TestDrive 'notice.eml'
            Set-Content -Path $file -Value "Subject: notice`r`nFrom: a@example.com`r`n`r`nbody" -NoNewline
            $output = @(Add-ImapMessage -Session $s -Folder INBOX -Path $file -Verbose 4>&1)
            $verbose = @($output | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
            ($verbose.Message -join "`n") | Should -Match 'reconnecting'
            @($output | Where-Object { $_ -is [MailProtocols.ImapMessage] }).Count | Should -Be 1
        }
        finally { $s | Disconnect-Imap -ErrorAction SilentlyContinue }
    }

    It 'are not written by a command that has finished, only by the one using the session now' {
        $s = Connect-Imap -Server localhost -Port $Bed.ImapPort -Credential $User.Credential -NotDefault
        try {
            # The first command listens while it runs; after it ends, a notice must not go to it.
            $first = @(Get-ImapFolder -Session $s -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
            $null = Invoke-DoveadmKick -Bed $Bed -User $User
            $second = @(Search-ImapFolder -Session $s -Folder INBOX -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
            @($second | Where-Object Message -Match 'reconnecting').Count | Should -Be 1 -Because 'exactly one listener, the running command, writes it'
            @($first | Where-Object Message -Match 'reconnecting').Count | Should -Be 0
        }
        finally { $s | Disconnect-Imap -ErrorAction SilentlyContinue }
    }
}
