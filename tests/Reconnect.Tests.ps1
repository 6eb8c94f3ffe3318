# Automatic reconnect: a session whose connection the server dropped reconnects on its next use.

BeforeAll {
    . $PSScriptRoot/Common.ps1
    $script:User = New-TestUser -Bed $Bed
    $null = Add-TestMessageBatch -Bed $Bed -User $User -Count 5
}

Describe 'Reconnect after the server drops the session' {
    It 'reconnects an IMAP session on its next use after doveadm kick, and says so in verbose text' {
        $s = Connect-Imap -Server localhost -Port $Bed.ImapPort -Credential $User.Credential -NotDefault
        try {
            @(Search-ImapFolder -Session $s -Folder INBOX).Count | Should -Be 5
            $null = Invoke-DoveadmKick -Bed $Bed -User $User
            $found = @(Search-ImapFolder -Session $s -Folder INBOX -Verbose 4>&1)
            $verbose = @($found | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
            @($found | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }).Count | Should -Be 5
            ($verbose.Message -join "`n") | Should -Match 'reconnecting'
            $s.IsConnected | Should -BeTrue
            @(Get-TestSession -Bed $Bed -User $User | Where-Object Service -EQ 'imap').Count | Should -BeGreaterThan 0
        }
        finally { $s | Disconnect-Imap -ErrorAction SilentlyContinue }
    }

    It 'reconnects a POP3 session on its next use, and nothing was deleted by the lost connection' {
        $p = Connect-Pop3 -Server localhost -Port $Bed.Pop3Port -Credential $User.Credential -NotDefault
        try {
            Get-Pop3Message -Session $p -Index 1 | Remove-Pop3Message -Confirm:$false
            $null = Invoke-DoveadmKick -Bed $Bed -User $User
            # The first use after the kick may report the lost connection; the session then reconnects.
            $listed = @(Get-Pop3Message -Session $p -ErrorAction SilentlyContinue)
            if ($listed.Count -eq 0) { $listed = @(Get-Pop3Message -Session $p) }
            $listed.Count | Should -Be 5 -Because 'the DELE mark of the lost connection is gone'
            $p.IsConnected | Should -BeTrue
            (Invoke-MailCheck -Bed $Bed -User $User -Command pop3-stat).count | Should -Be 5
        }
        finally { $p | Disconnect-Pop3 -Rollback -ErrorAction SilentlyContinue }
    }

    It 'does not reconnect a session the user closed' {
        $s = Connect-Imap -Server localhost -Port $Bed.ImapPort -Credential $User.Credential -NotDefault
        $s | Disconnect-Imap
        $err = { Search-ImapFolder -Session $s -Folder INBOX -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'SearchImapFolderSessionClosed,*'
        $err.CategoryInfo.Category | Should -Be 'InvalidOperation'
        $s.IsConnected | Should -BeFalse
    }
}
