# The capability map: what the server offers, read once per log-in, shown on the session and used by every
# feature check of the module.

BeforeAll {
    . $PSScriptRoot/Common.ps1
    . $PSScriptRoot/ImapCommon.ps1
    $script:User = New-TestUser -Bed $Bed
    $null = Add-TestMessageBatch -Bed $Bed -User $User -Count 2
}

Describe 'Session features' {
    It 'shows in words what Dovecot offers after log-in' {
        $parameters = Get-TestImapParameters $User
        $s = Connect-Imap @parameters -NotDefault
        try {
            $s.Features | Should -BeOfType ([MailProtocols.ImapFeatures])
            $s.Features.Idle | Should -BeTrue
            $s.Features.Move | Should -BeTrue
            $s.Features.UidPlus | Should -BeTrue
            $s.Features.CondStore | Should -BeTrue
            $s.Features.SpecialUse | Should -BeTrue
            $s.Features.Quota | Should -BeTrue
            "$($s.Features)" | Should -Match '\bIdle\b.*\bMove\b'
        }
        finally { $s | Disconnect-Imap }
    }

    It 'leaves out what the server hides, and the module then takes the fallback (COPY + UID EXPUNGE for a move)' {
        $proxy = Start-ImapCapabilityProxy -Hide MOVE
        $log = Join-Path $TestDrive 'nomove.log'
        try {
            $s = Connect-ProxiedImap -User $User -Proxy $proxy -ProtocolLogPath $log
            $s.Features.Move | Should -BeFalse
            $s.Features.UidPlus | Should -BeTrue
            $null = New-ImapFolder -Session $s -Name 'Moved'
            Search-ImapFolder -Session $s -Folder INBOX | Select-Object -First 1 | Move-ImapMessage -Destination 'Moved' -Confirm:$false
            $commands = Get-ImapClientCommands -Path $log | Where-Object { $_ -match '^UID (MOVE|COPY|EXPUNGE)' }
            ($commands -join "`n") | Should -Not -Match 'UID MOVE'
            ($commands -join "`n") | Should -Match 'UID COPY'
            ($commands -join "`n") | Should -Match 'UID EXPUNGE'
            $s | Disconnect-Imap
        }
        finally { Stop-ImapCapabilityProxy $proxy }
    }

    It 'shows what a POP3 server offers' {
        $parameters = Get-TestPop3Parameters $User
        $p = Connect-Pop3 @parameters -NotDefault
        try {
            $p.Features | Should -BeOfType ([MailProtocols.Pop3Features])
            $p.Features.Pipelining | Should -BeTrue
            $p.Features.Uidl | Should -BeTrue
            $p.Features.Top | Should -BeTrue
        }
        finally { $p | Disconnect-Pop3 -Rollback }
    }

    It 'is all false on a session built for a test' {
        "$([MailProtocols.ImapSession]::new('mail.example.com', 'alice').Features)" | Should -BeNullOrEmpty
    }
}
