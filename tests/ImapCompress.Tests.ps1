# Connect-Imap -Compress: COMPRESS=DEFLATE (RFC 4978) after log-in, before any SELECT, where the server offers it
# (the test bed's Dovecot loads imap_zlib); a warning and an uncompressed session where it does not.

BeforeAll {
    . $PSScriptRoot/Common.ps1
    . $PSScriptRoot/ImapCommon.ps1
}

Describe 'Connect-Imap -Compress on a server that offers COMPRESS=DEFLATE' {
    BeforeAll {
        $user = New-TestUser -Bed $Bed
        $body = (1..400 | ForEach-Object { "Line $_ of a compressible text body." }) -join "`r`n"
        Add-TestMessage -Bed $Bed -User $user -Subject 'first' -Body "$body`r`n" | Out-Null
        Add-TestMessage -Bed $Bed -User $user -Subject 'second' -Body "Short.`r`n" | Out-Null
        $log = New-ImapLogPath 'compress'
        $p = Get-TestImapParameters -User $user
        $session = Connect-Imap @p -ProtocolLogPath $log -NotDefault -Compress -WarningVariable warnings
        $found = @(Search-ImapFolder -Session $session)
        $full = $found | Where-Object Subject -EQ 'first' | Get-ImapMessage -Full
        $commands = @(Get-ImapClientCommands -Path $log)
    }
    AfterAll { $session | Disconnect-Imap -ErrorAction SilentlyContinue }

    It 'shows compression on in the session, without a warning' {
        $session.Features.Compress | Should -BeTrue
        $session.Compressed | Should -BeTrue
        $warnings | Should -BeNullOrEmpty
    }

    It 'sends COMPRESS DEFLATE once, after the log-in and before any SELECT or EXAMINE' {
        $at = [array]::FindIndex([string[]]$commands, [Predicate[string]] { param($c) $c -match '^COMPRESS DEFLATE$' })
        $at | Should -BeGreaterOrEqual 0
        @($commands | Where-Object { $_ -match '^COMPRESS' }) | Should -HaveCount 1
        $login = [array]::FindIndex([string[]]$commands, [Predicate[string]] { param($c) $c -match '^(LOGIN|AUTHENTICATE)\b' })
        $select = [array]::FindIndex([string[]]$commands, [Predicate[string]] { param($c) $c -match '^(SELECT|EXAMINE)\b' })
        $login | Should -BeLessThan $at
        $select | Should -BeGreaterThan $at
    }

    It 'still moves data both ways: summaries, a whole message, and a flag the server sees' {
        $found.Subject | Sort-Object | Should -Be @('first', 'second')
        # MimeKit gives the text with LF line ends.
        ($full.TextBody -replace "`r`n", "`n").TrimEnd() | Should -Be ($body -replace "`r`n", "`n")
        $found | Where-Object Subject -EQ 'second' | Set-ImapFlag -Add Flagged
        $server = Invoke-MailCheck -Bed $Bed -User $user -Command imap-flags -Arguments INBOX
        ($server | Where-Object uid -EQ ($found | Where-Object Subject -EQ 'second').Uid).flags | Should -Contain '\Flagged'
    }
}

Describe 'Connect-Imap -Compress on a server without COMPRESS=DEFLATE' {
    BeforeAll {
        $user = New-TestUser -Bed $Bed
        Add-TestMessage -Bed $Bed -User $user -Subject 'plain' | Out-Null
        $proxy = Start-ImapCapabilityProxy -Hide 'COMPRESS=DEFLATE'
        $log = New-ImapLogPath 'nocompress'
        $session = Connect-Imap -Server localhost -Port $proxy.Port -Credential $user.Credential -Security None -TimeoutSec 15 -NotDefault `
            -ProtocolLogPath $log -Compress -WarningVariable warnings -WarningAction SilentlyContinue
    }
    AfterAll {
        $session | Disconnect-Imap -ErrorAction SilentlyContinue
        Stop-ImapCapabilityProxy $proxy
    }

    It 'connects uncompressed and says so with a warning' {
        $session.Features.Compress | Should -BeFalse
        $session.Compressed | Should -BeFalse
        @($warnings | Where-Object { "$_" -match 'does not offer COMPRESS=DEFLATE' }) | Should -HaveCount 1
        @(Get-ImapClientCommands -Path $log | Where-Object { $_ -match '^COMPRESS' }) | Should -BeNullOrEmpty
    }

    It 'works as without -Compress' {
        @(Search-ImapFolder -Session $session).Subject | Should -Be @('plain')
    }
}

Describe 'Connect-Imap without -Compress' {
    It 'does not compress even where the server offers it' {
        $user = New-TestUser -Bed $Bed
        $p = Get-TestImapParameters -User $user
        $s = Connect-Imap @p -NotDefault
        try {
            $s.Features.Compress | Should -BeTrue
            $s.Compressed | Should -BeFalse
        }
        finally { $s | Disconnect-Imap }
    }
}
