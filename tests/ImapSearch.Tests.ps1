BeforeAll {
    . $PSScriptRoot/Common.ps1
    . $PSScriptRoot/ImapCommon.ps1
}

Describe 'Search-ImapFolder criteria, checked against the server''s own SEARCH' {
    BeforeAll {
        $user = New-TestUser -Bed $Bed
        $d = { param($text) [datetimeoffset]::Parse($text, [cultureinfo]::InvariantCulture) }
        $seed = @(
            @{ Subject = 'Disk space warning on web01'; From = 'alerts@monitoring.example'; To = 'ops@example.test'; Cc = 'boss@example.test'; Body = 'var is almost full'; Date = (& $d '2023-01-10T09:00:00+00:00'); Flags = 'S' }
            @{ Subject = 'Grüße aus Zürich'; From = 'Jürgen <juergen@example.test>'; To = 'team@example.test'; Body = 'Schöne Grüße, bis bald'; Date = (& $d '2024-05-01T12:00:00+00:00'); Flags = 'SF'; Headers = [ordered]@{ 'X-Priority' = '1' } }
            @{ Subject = 'Quarterly report'; From = 'finance@example.test'; To = 'team@example.test'; Body = 'The report is attached.'; Date = (& $d '2024-06-01T08:00:00+00:00'); Flags = 'R'; AttachmentName = 'report.bin'; AttachmentBytes = [byte[]]::new(30000) }
            @{ Subject = 'Draft note'; From = 'me@example.test'; To = 'ops@example.test'; Body = 'unfinished'; Date = (& $d '2024-07-01T08:00:00+00:00'); Flags = 'D' }
            @{ Subject = 'Old deleted thing'; From = 'someone@example.test'; To = 'ops@example.test'; Body = 'gone soon'; Date = (& $d '2022-03-03T08:00:00+00:00'); Flags = 'T' }
            @{ Subject = 'Backup completed'; From = 'alerts@monitoring.example'; To = 'ops@example.test'; Cc = 'boss@example.test'; Body = 'Nightly backup OK'; Date = (& $d '2025-02-02T08:00:00+00:00'); Headers = [ordered]@{ 'X-Mailer' = 'BackupBot 2.0' } }
        )
        foreach ($m in $seed) {
            $p = @{ Bed = $Bed; User = $user; InternalDate = $m.Date } + $m
            Add-TestMessage @p | Out-Null
        }
        Invoke-MailCheck -Bed $Bed -User $user -Command imap-store -Arguments 'INBOX', '3,6', '+FLAGS', 'Project-X' | Out-Null
        $total = $seed.Count
        $log = New-ImapLogPath 'search'
        $session = Connect-TestImap -User $user -ProtocolLogPath $log -NotDefault
        $uidOf = @{}
        $listed = Invoke-MailCheck -Bed $Bed -User $user -Command imap-messages -Arguments INBOX
        foreach ($m in $listed) {
            $uidOf[(ConvertFrom-EncodedWord $m.subject)] = $m.uid
        }
    }
    AfterAll { $session | Disconnect-Imap -ErrorAction SilentlyContinue }

    It 'matches SEARCH <Imap> for <Name>' -ForEach @(
        @{ Name = '-Subject'; Splat = @{ Subject = 'report' }; Imap = 'SUBJECT report' }
        @{ Name = '-From'; Splat = @{ From = 'alerts@' }; Imap = 'FROM alerts@' }
        @{ Name = '-To'; Splat = @{ To = 'team@' }; Imap = 'TO team@' }
        @{ Name = '-Cc'; Splat = @{ Cc = 'boss' }; Imap = 'CC boss' }
        @{ Name = '-Body'; Splat = @{ Body = 'backup' }; Imap = 'BODY backup' }
        @{ Name = '-Text'; Splat = @{ Text = 'BackupBot' }; Imap = 'TEXT BackupBot' }
        @{ Name = '-Header'; Splat = @{ Header = @{ 'X-Priority' = '1' } }; Imap = 'HEADER X-Priority 1' }
        @{ Name = '-Header (exists)'; Splat = @{ Header = @{ 'X-Mailer' = '' } }; Imap = 'HEADER X-Mailer ""' }
        @{ Name = '-Since'; Splat = @{ Since = [datetime]'2024-05-15' }; Imap = 'SINCE 15-May-2024' }
        @{ Name = '-Before'; Splat = @{ Before = [datetime]'2024-05-15' }; Imap = 'BEFORE 15-May-2024' }
        @{ Name = '-SentSince'; Splat = @{ SentSince = [datetime]'2024-06-01' }; Imap = 'SENTSINCE 1-Jun-2024' }
        @{ Name = '-SentBefore'; Splat = @{ SentBefore = [datetime]'2024-06-01' }; Imap = 'SENTBEFORE 1-Jun-2024' }
        @{ Name = '-Unread'; Splat = @{ Unread = $true }; Imap = 'UNSEEN' }
        @{ Name = '-Seen'; Splat = @{ Seen = $true }; Imap = 'SEEN' }
        @{ Name = '-Flagged'; Splat = @{ Flagged = $true }; Imap = 'FLAGGED' }
        @{ Name = '-Unflagged'; Splat = @{ Unflagged = $true }; Imap = 'UNFLAGGED' }
        @{ Name = '-Answered'; Splat = @{ Answered = $true }; Imap = 'ANSWERED' }
        @{ Name = '-Deleted'; Splat = @{ Deleted = $true }; Imap = 'DELETED' }
        @{ Name = '-Draft'; Splat = @{ Draft = $true }; Imap = 'DRAFT' }
        @{ Name = '-Keyword'; Splat = @{ Keyword = 'Project-X' }; Imap = 'KEYWORD Project-X' }
        @{ Name = '-LargerThan'; Splat = @{ LargerThan = 20000 }; Imap = 'LARGER 20000' }
        @{ Name = '-SmallerThan'; Splat = @{ SmallerThan = 20000 }; Imap = 'SMALLER 20000' }
        @{ Name = '-Uid'; Splat = @{ Uid = [uint32[]](2, 4) }; Imap = 'UID 2,4' }
        @{ Name = 'criteria ANDed'; Splat = @{ From = 'alerts@'; Unread = $true; Cc = 'boss' }; Imap = 'FROM alerts@ UNSEEN CC boss' }
        # Several values of one text criterion: any of them (OR); different criteria still AND.
        @{ Name = '-From with two values'; Splat = @{ From = 'alerts@', 'finance@' }; Imap = 'OR FROM alerts@ FROM finance@' }
        @{ Name = '-Subject with three values, ANDed with -To'; Splat = @{ Subject = 'report', 'note', 'Backup'; To = 'ops@' }; Imap = 'OR OR SUBJECT report SUBJECT note SUBJECT Backup TO ops@' }
        @{ Name = '-Cc and -Body with two values'; Splat = @{ Cc = 'boss', 'nobody'; Body = 'full', 'Nightly' }; Imap = 'OR CC boss CC nobody OR BODY full BODY Nightly' }
        @{ Name = '-Text with two values'; Splat = @{ Text = 'BackupBot', 'web01' }; Imap = 'OR TEXT BackupBot TEXT web01' }
        @{ Name = '-To with two values'; Splat = @{ To = 'team@', 'nobody@' }; Imap = 'OR TO team@ TO nobody@' }
        @{ Name = '-Keyword with two values'; Splat = @{ Keyword = 'Project-X', 'NoSuchKeyword' }; Imap = 'OR KEYWORD Project-X KEYWORD NoSuchKeyword' }
        # -Not forms and the raw -Query.
        @{ Name = '-NotFrom'; Splat = @{ NotFrom = 'alerts@' }; Imap = 'NOT FROM alerts@' }
        @{ Name = '-NotSubject with two values'; Splat = @{ NotSubject = 'report', 'Draft' }; Imap = 'NOT SUBJECT report NOT SUBJECT Draft' }
        @{ Name = '-NotTo, ANDed with -From'; Splat = @{ NotTo = 'team@'; From = 'alerts@', 'finance@', 'me@' }; Imap = 'NOT TO team@ OR OR FROM alerts@ FROM finance@ FROM me@' }
        @{ Name = '-Query with OR, parentheses and a quoted string'; Splat = @{ Query = 'OR (FROM alerts@ UNSEEN) SUBJECT "Quarterly report"' }; Imap = 'OR (FROM alerts@ UNSEEN) SUBJECT "Quarterly report"' }
        @{ Name = '-Query with a date and NOT'; Splat = @{ Query = 'since 1-Jan-2024 NOT LARGER 20000 UNDELETED' }; Imap = 'SINCE 1-Jan-2024 NOT LARGER 20000 UNDELETED' }
        @{ Name = '-Query ANDed with -From'; Splat = @{ Query = 'NOT SEEN'; From = 'alerts@' }; Imap = 'UNSEEN FROM alerts@' }
        @{ Name = '-Query with UID and HEADER'; Splat = @{ Query = 'OR UID 1:2 HEADER X-Mailer BackupBot' }; Imap = 'OR UID 1:2 HEADER X-Mailer BackupBot' }
        # The short syntax, in -Query.
        @{ Name = 'from: and subject:'; Splat = @{ Query = 'from:alerts@ subject:Backup' }; Imap = 'FROM alerts@ SUBJECT Backup' }
        @{ Name = 'since: and larger: with a unit'; Splat = @{ Query = 'since:2024-05-15 larger:20K' }; Imap = 'SINCE 15-May-2024 LARGER 20480' }
        @{ Name = 'before: and a quoted subject:'; Splat = @{ Query = 'before:2024-05-15 subject:"space warning"' }; Imap = 'BEFORE 15-May-2024 SUBJECT "space warning"' }
        @{ Name = 'is:flagged and -from:'; Splat = @{ Query = 'is:flagged -from:alerts@' }; Imap = 'FLAGGED NOT FROM alerts@' }
        @{ Name = 'is:unread and to:'; Splat = @{ Query = 'is:unread to:ops@' }; Imap = 'UNSEEN TO ops@' }
        @{ Name = 'a repeated key and a bare word'; Splat = @{ Query = 'from:alerts@ from:finance@ -subject:Backup report' }; Imap = 'OR FROM alerts@ FROM finance@ NOT SUBJECT Backup TEXT report' }
    ) {
        $expected = Invoke-MailCheck -Bed $Bed -User $user -Command imap-uids -Arguments 'INBOX', '--search', $Imap
        $expected.Count | Should -BeGreaterThan 0 -Because 'the criterion must select something'
        $expected.Count | Should -BeLessThan $total -Because 'the criterion must leave something out'
        $found = @(Search-ImapFolder -Session $session @Splat)
        @($found.Uid) | Should -Be $expected
    }

    It 'returns everything without criteria' {
        @((Search-ImapFolder -Session $session).Uid) | Should -Be (Invoke-MailCheck -Bed $Bed -User $user -Command imap-uids -Arguments INBOX)
    }

    It 'finds non-ASCII text with CHARSET UTF-8' {
        @((Search-ImapFolder -Session $session -Subject 'Grüße').Uid) | Should -Be @($uidOf['Grüße aus Zürich'])
        @((Search-ImapFolder -Session $session -Body 'Schöne').Uid) | Should -Be @($uidOf['Grüße aus Zürich'])
        @((Search-ImapFolder -Session $session -From 'Jürgen').Uid) | Should -Be @($uidOf['Grüße aus Zürich'])
        @(Get-ImapClientCommands -Path $log | Where-Object { $_ -match '^UID SEARCH .*CHARSET UTF-8' }).Count | Should -BeGreaterOrEqual 3
    }

    It 'outputs summaries with every field of the issue' {
        $server = Invoke-MailCheck -Bed $Bed -User $user -Command imap-messages -Arguments INBOX
        $status = Invoke-MailCheck -Bed $Bed -User $user -Command imap-status -Arguments INBOX
        $found = @(Search-ImapFolder -Session $session -IncludeStructure)
        $found | Should -HaveCount $total
        foreach ($m in $found) {
            $m.GetType().FullName | Should -Be 'MailProtocols.ImapMessage'
            $m.GetType().BaseType.FullName | Should -Be 'MailProtocols.MailMessageBase'
            $m.Uid | Should -BeOfType ([uint32])
            $m.Folder | Should -Be 'INBOX'
            $m.UidValidity | Should -Be $status.uidvalidity
            $m.Session | Should -Be $session
            $s = $server | Where-Object uid -eq $m.Uid
            $m.Size | Should -Be $s.size
            $m.InternalDate.ToUnixTimeSeconds() | Should -Be ([datetimeoffset]::Parse($s.internaldate).ToUnixTimeSeconds())
            $m.MessageId | Should -Be $s.message_id.Trim('<', '>')
        }
        $greeting = $found | Where-Object Uid -eq $uidOf['Grüße aus Zürich']
        $greeting.Subject | Should -Be 'Grüße aus Zürich'
        $greeting.From | Should -BeLike '*Jürgen*juergen@example.test*'
        $greeting.To | Should -Be 'team@example.test'
        $greeting.Date | Should -Be ([datetimeoffset]'2024-05-01T12:00:00+00:00')
        $greeting.Flags | Should -Be 'Seen, Flagged'
        $greeting.HasAttachments | Should -BeFalse
        $greeting.TextBody | Should -BeNullOrEmpty
        $disk = $found | Where-Object Uid -eq $uidOf['Disk space warning on web01']
        $disk.Cc | Should -Be 'boss@example.test'
        $report = $found | Where-Object Uid -eq $uidOf['Quarterly report']
        $report.HasAttachments | Should -BeTrue
        $report.Attachments.Name | Should -Be 'report.bin'
        $report.Attachments[0].PartSpecifier | Should -Be '2'
        $report.Flags | Should -Be 'Answered'
        $report.Keywords | Should -Be @('Project-X')
        ($found | Where-Object Uid -eq $uidOf['Draft note']).Flags | Should -Be 'Draft'
        ($found | Where-Object Uid -eq $uidOf['Old deleted thing']).Flags | Should -Be 'Deleted'
    }

    It 'shows summaries as a table with Uid, Date, From, Subject, Size and flags' {
        $text = Search-ImapFolder -Session $session -Flagged | Format-Table | Out-String -Width 200
        $text | Should -Match 'Uid\s+Flags\s+Date\s+Size\s+From\s+Subject'
        $text | Should -Match 'Grüße aus Zürich'
        $text | Should -Match 'S-F--'
    }

    It 'orders with the server''s SORT when it offers it: <Field>' -ForEach @(
        @{ Field = 'Arrival' }, @{ Field = 'Date' }, @{ Field = 'Subject' }, @{ Field = 'Size' }, @{ Field = 'From' }
    ) {
        $before = Measure-ImapCommand -Path $log -Pattern 'UID SORT'
        $sorted = @(Search-ImapFolder -Session $session -SortBy $Field)
        Measure-ImapCommand -Path $log -Pattern 'UID SORT' | Should -Be ($before + 1)
        $key = switch ($Field) {
            'Arrival' { { $_.InternalDate.UtcDateTime } }
            'Date' { { $_.Date.UtcDateTime } }
            'Subject' { { $_.Subject -replace '^(Re|Fwd?):\s*', '' } }
            'Size' { { $_.Size } }
            'From' { { ($_.From -replace '^.*<|>$', '') -replace '@.*$', '' } }
        }
        @($sorted.Uid) | Should -Be @(($sorted | Sort-Object $key, Uid).Uid)
        # REVERSE reverses the key only; ties stay in UID order (RFC 5256).
        $descending = @(Search-ImapFolder -Session $session -SortBy $Field -Descending)
        @($descending.Uid) | Should -Be @(($sorted | Sort-Object @{ Expression = $key; Descending = $true }, @{ Expression = 'Uid'; Descending = $false }).Uid)
    }

    It 'takes the first N after sorting, and fetches only those' {
        $before = @(Get-ImapClientCommands -Path $log)
        $newest = @(Search-ImapFolder -Session $session -SortBy Date -Descending -First 2)
        $newest.Subject | Should -Be @('Backup completed', 'Draft note')
        $fetches = @(Get-ImapClientCommands -Path $log | Select-Object -Skip $before.Count | Where-Object { $_ -match '^UID FETCH' })
        $fetches | Should -HaveCount 1
        $fetches[0] | Should -Match "^UID FETCH ($($newest[0].Uid),$($newest[1].Uid)|$($newest[1].Uid),$($newest[0].Uid)|$(($newest.Uid | Sort-Object) -join ':')) "
    }

    It 'orders by UID, or the reverse with -Descending, without -SortBy' {
        $all = Invoke-MailCheck -Bed $Bed -User $user -Command imap-uids -Arguments INBOX
        @((Search-ImapFolder -Session $session -First 2).Uid) | Should -Be $all[0..1]
        @((Search-ImapFolder -Session $session -Descending -First 2).Uid) | Should -Be @($all[-1], $all[-2])
    }

    It 'fails with ObjectNotFound for a missing folder' {
        Search-ImapFolder -Session $session -Folder 'Nicht da' -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'SearchImapFolderFolderNotFound*'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}

Describe 'Search-ImapFolder wire behaviour' {
    BeforeAll {
        $user = New-TestUser -Bed $Bed
        Add-TestMessageBatch -Bed $Bed -User $user -Count 5000 -AttachmentEvery 10 | Out-Null
        $log = New-ImapLogPath 'batch'
        $session = Connect-TestImap -User $user -ProtocolLogPath $log -NotDefault
        $found = @(Search-ImapFolder -Session $session -IncludeStructure)
        $session | Disconnect-Imap
        $stats = @(Get-DovecotLogoutStats -Bed $Bed -User $user)[-1]
        $commands = Get-ImapClientCommands -Path $log
    }

    It 'returns all 5000 summaries' {
        $found | Should -HaveCount 5000
        ($found | Where-Object HasAttachments).Count | Should -Be 500
    }

    It 'sends no SEARCH for the whole folder, and a few batched FETCH commands by message number, not one per message' {
        @($commands | Where-Object { $_ -match 'SEARCH' }) | Should -BeNullOrEmpty
        $fetches = @($commands | Where-Object { $_ -match '^(UID )?FETCH' })
        # 5,000 summaries in batches of 500 (small batches keep little alive at each garbage collection).
        $fetches | Should -HaveCount 10
        $fetches[0] | Should -Match '^FETCH 1:500 '
        $fetches | ForEach-Object { $_ | Should -Match 'ENVELOPE' ; $_ | Should -Match 'BODYSTRUCTURE' ; $_ | Should -Not -Match 'BODY(\.PEEK)?\[' }
    }

    It 'writes them in UID order, each once' {
        $found.Uid | Should -Be @(Invoke-MailCheck -Bed $Bed -User $user -Command imap-uids -Arguments INBOX | ForEach-Object { $_ })
    }

    It 'downloads no bodies and no header blocks (Dovecot: body_count=0)' {
        $stats.body_count | Should -Be 0
        $stats.hdr_count | Should -Be 0
    }
}

Describe 'Search-ImapFolder walks a whole folder by message number' {
    BeforeAll {
        $user = New-TestUser -Bed $Bed
        Add-TestMessageBatch -Bed $Bed -User $user -Count 1200 | Out-Null
    }

    It 'fetches the first or last N with one FETCH and no SEARCH' {
        $serverUids = @(Invoke-MailCheck -Bed $Bed -User $user -Command imap-uids -Arguments INBOX | ForEach-Object { $_ })
        $log = New-ImapLogPath 'first-n'
        $session = Connect-TestImap -User $user -ProtocolLogPath $log -NotDefault
        try {
            (Search-ImapFolder -Session $session -First 10).Uid | Should -Be $serverUids[0..9]
            (Search-ImapFolder -Session $session -Descending -First 10).Uid | Should -Be $serverUids[1199..1190]
        }
        finally { $session | Disconnect-Imap }
        $commands = @(Get-ImapClientCommands -Path $log)
        @($commands | Where-Object { $_ -match 'SEARCH' }) | Should -BeNullOrEmpty
        @($commands | Where-Object { $_ -match '^(UID )?FETCH' }) | Should -HaveCount 2
        $commands | Where-Object { $_ -match '^FETCH 1:10 ' } | Should -HaveCount 1
        $commands | Where-Object { $_ -match '^FETCH 1191:1200 ' } | Should -HaveCount 1
    }

    It 'skips and repeats nothing when a message is expunged on the same session while it walks (<Case>)' -ForEach @(
        @{ Case = 'the count changes'; Append = $false }
        @{ Case = 'one expunged and one appended'; Append = $true }
    ) {
        # The folder is walked in ranges of 500 numbers. While the first range goes down the pipeline, a message
        # in it is expunged, so every later message moves down one number. Whether the next range or the one after
        # notices (by the count, or by the number it re-reads) depends on the read-ahead; either way the rest goes by UID.
        $serverUids = @(Invoke-MailCheck -Bed $Bed -User $user -Command imap-uids -Arguments INBOX | ForEach-Object { $_ })
        $eml = Join-Path $TestDrive 'arrived.eml'
        Set-Content -LiteralPath $eml -Value "From: a@example.test`r`nTo: b@example.test`r`nSubject: arrived during the walk`r`n`r`nHello.`r`n" -NoNewline
        $log = New-ImapLogPath 'walk-shift'
        $session = Connect-TestImap -User $user -ProtocolLogPath $log -NotDefault
        try {
            $victim = $serverUids[2]
            $first = $true
            $written = @(Search-ImapFolder -Session $session -First 1100 | ForEach-Object {
                    if ($first) {
                        $first = $false
                        Remove-ImapMessage -Session $session -Folder INBOX -Uid $victim -Permanent -Confirm:$false
                        if ($Append) {
                            # APPEND into the selected folder: the server announces it (EXISTS), so the count is back where it was.
                            $null = Add-ImapMessage -Session $session -Folder INBOX -LiteralPath $eml -Confirm:$false
                        }
                    }
                    $_
                })
        }
        finally { $session | Disconnect-Imap }
        $written.Uid | Should -Be $serverUids[0..1099]
        $commands = @(Get-ImapClientCommands -Path $log)
        # The walk noticed and went on by UID from the last message it wrote.
        @($commands | Where-Object { $_ -match '^UID SEARCH .*UID \d+:\*' }) | Should -HaveCount 1
    }
}

Describe 'Search-ImapFolder streams a walk' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestBed/FaultProxy.psm1') -Force
        $user = New-TestUser -Bed $Bed
        Add-TestMessageBatch -Bed $Bed -User $user -Count 1200 | Out-Null
    }

    It 'writes every message once when the connection is cut part-way through a range it was streaming' {
        # The messages of a range go down the pipeline while its FETCH answer is still arriving. The proxy cuts the
        # connection part-way through the first answer: the session reconnects, and the rest goes by UID after the
        # last message written, not again from the start of the range.
        [uint32[]] $serverUids = @(Invoke-MailCheck -Bed $Bed -User $user -Command imap-uids -Arguments INBOX | ForEach-Object { $_ })
        $proxy = Start-FaultProxy -TargetPort $Bed.ImapPort -CutAfterCommand 'FETCH 1:500 ' -ThenBytes 40000
        $log = New-ImapLogPath 'walk-cut'
        $session = $null
        try {
            $session = Connect-Imap -Server 127.0.0.1 -Port $proxy.Port -Credential $user.Credential -Security None -TimeoutSec 15 -NotDefault -WarningAction SilentlyContinue -ProtocolLogPath $log
            $written = @(Search-ImapFolder -Session $session)
            @(Get-FaultProxyEvent -Proxy $proxy | Where-Object event -EQ 'cut') | Should -HaveCount 1
        }
        finally {
            if ($session) { $session | Disconnect-Imap -ErrorAction SilentlyContinue }
            Stop-FaultProxy -Proxy $proxy
        }
        $written.Uid | Should -Be $serverUids
        $beyond = @(Get-ImapClientCommands -Path $log | Where-Object { $_ -match '^UID SEARCH .*UID (\d+):\*' })
        $beyond | Should -HaveCount 1
        # The search starts inside the first range: what was written before the cut was not fetched again.
        $null = $beyond[0] -match 'UID (\d+):\*'
        $edge = [uint32]$Matches[1] - 1
        [Array]::IndexOf($serverUids, $edge) | Should -BeGreaterThan 0
        [Array]::IndexOf($serverUids, $edge) | Should -BeLessThan 499
    }
}

Describe 'Search-ImapFolder fetches only what is shown or asked for' {
    BeforeAll {
        $user = New-TestUser -Bed $Bed
        $payload = [byte[]](1..200)
        Add-TestMessage -Bed $Bed -User $user -Subject 'plain' -Body "No attachment here.`r`n" | Out-Null
        Add-TestMessage -Bed $Bed -User $user -Subject 'with file' -Body "See the file.`r`n" -AttachmentName 'data.bin' -AttachmentBytes $payload | Out-Null
        $log = New-ImapLogPath 'structure'
        $session = Connect-TestImap -User $user -ProtocolLogPath $log -NotDefault
        $found = @(Search-ImapFolder -Session $session)
        $afterSearch = @(Get-ImapClientCommands -Path $log)
        $dir = Join-Path $TestDrive 'structure-attachments'
        $files = @($found | Save-MailAttachment -Path $dir)
        $afterSave = @(Get-ImapClientCommands -Path $log)
        $withStructure = @(Search-ImapFolder -Session $session -IncludeStructure)
        $session | Disconnect-Imap
        $commands = @(Get-ImapClientCommands -Path $log)
    }

    It 'asks for no BODYSTRUCTURE in a default search, and says the attachment properties were not fetched' {
        $found | Should -HaveCount 2
        @($afterSearch | Where-Object { $_ -match 'FETCH' }).Count | Should -BeGreaterThan 0
        @($afterSearch | Where-Object { $_ -match 'BODYSTRUCTURE' }) | Should -BeNullOrEmpty
        # The whole of a folder in UID order is walked by message number: one FETCH 1:2, no SEARCH.
        @($afterSearch | Where-Object { $_ -match 'SEARCH' }) | Should -BeNullOrEmpty
        @($afterSearch | Where-Object { $_ -match '^FETCH 1:2 ' }) | Should -HaveCount 1
        foreach ($m in $found) {
            $m.HasAttachments | Should -BeNullOrEmpty -Because 'null means not fetched'
            $null -eq $m.HasAttachments | Should -BeTrue
            $null -eq $m.Attachments | Should -BeTrue
            $m.Subject | Should -Not -BeNullOrEmpty
            $m.Size | Should -BeGreaterThan 0
        }
    }

    It 'lets Save-MailAttachment work from the default output: it fetches the structures itself, in one command' {
        $files | Should -HaveCount 1
        $files[0].Name | Should -Be 'data.bin'
        [IO.File]::ReadAllBytes($files[0].FullName) | Should -Be $payload
        $structureFetches = @($afterSave | Select-Object -Skip $afterSearch.Count | Where-Object { $_ -match '^UID FETCH .*BODYSTRUCTURE' })
        # Both piped summaries lacked their structure: one UID FETCH asks for both, not one per message.
        $structureFetches | Should -HaveCount 1
        $structureFetches[0] | Should -Match '^UID FETCH \d+[:,]\d+ '
    }

    It 'brings Attachments and HasAttachments with -IncludeStructure' {
        ($withStructure | Where-Object Subject -EQ 'plain').HasAttachments | Should -BeExactly $false
        ($withStructure | Where-Object Subject -EQ 'plain').Attachments | Should -HaveCount 0
        $file = $withStructure | Where-Object Subject -EQ 'with file'
        $file.HasAttachments | Should -BeTrue
        $file.Attachments.Name | Should -Be 'data.bin'
        @($commands | Select-Object -Skip $afterSave.Count | Where-Object { $_ -match '^(UID )?FETCH .*ENVELOPE.*BODYSTRUCTURE|^(UID )?FETCH .*BODYSTRUCTURE.*ENVELOPE' }).Count | Should -BeGreaterThan 0
    }

    It 'fetches the structure for has:attachment, which only it can answer' {
        $s = Connect-TestImap -User $user -NotDefault
        try { @(Search-ImapFolder -Session $s -Query 'has:attachment').Subject | Should -Be @('with file') }
        finally { $s | Disconnect-Imap }
    }
}

Describe 'Search-ImapFolder on a server without SORT' {
    BeforeAll {
        $user = New-TestUser -Bed $Bed
        $subjects = 'kiwi', 'Re: apple', 'mango', 'banana', 'Fwd: cherry'
        $i = 0
        foreach ($s in $subjects) {
            $i++
            $date = [datetimeoffset]::new(2024, 1, 10 - $i, 8, 0, 0, [timespan]::Zero)
            Add-TestMessage -Bed $Bed -User $user -Subject $s -From "$($s -replace '\W', '')@example.test" -Body ('x' * (100 * ((7 * $i) % 5 + 1))) -Date $date -InternalDate $date.AddDays($i % 2 * 3) | Out-Null
        }
        $direct = Connect-TestImap -User $user -NotDefault
        $proxy = Start-ImapCapabilityProxy -Hide SORT, 'SORT=DISPLAY', ESORT
        $log = New-ImapLogPath 'nosort'
        $session = Connect-ProxiedImap -User $user -Proxy $proxy -ProtocolLogPath $log
    }
    AfterAll {
        $session, $direct | Disconnect-Imap -ErrorAction SilentlyContinue
        Stop-ImapCapabilityProxy $proxy
    }

    It 'sees no SORT capability through the proxy' {
        $session.Capabilities | Should -Not -Contain 'Sort'
        $direct.Capabilities | Should -Contain 'Sort'
    }

    It 'sorts on the client exactly as the server''s SORT does: <Field>' -ForEach @(
        @{ Field = 'Arrival' }, @{ Field = 'Date' }, @{ Field = 'Subject' }, @{ Field = 'Size' }, @{ Field = 'From' }
    ) {
        $server = @((Search-ImapFolder -Session $direct -SortBy $Field).Uid)
        $client = @((Search-ImapFolder -Session $session -SortBy $Field).Uid)
        $client | Should -Be $server
        $clientDescending = @((Search-ImapFolder -Session $session -SortBy $Field -Descending).Uid)
        $clientDescending | Should -Be @((Search-ImapFolder -Session $direct -SortBy $Field -Descending).Uid)
        Measure-ImapCommand -Path $log -Pattern 'UID SORT' | Should -Be 0
    }

    It 'fetches only the sort key for all and summaries for the first N' {
        $before = @(Get-ImapClientCommands -Path $log).Count
        $first = @(Search-ImapFolder -Session $session -SortBy Subject -First 2)
        $first.Subject | Should -Be @('Re: apple', 'banana')
        $fetches = @(Get-ImapClientCommands -Path $log | Select-Object -Skip $before | Where-Object { $_ -match '^UID FETCH' })
        $fetches | Should -HaveCount 2
        $fetches[0] | Should -Match 'ENVELOPE'
        $fetches[0] | Should -Not -Match 'BODYSTRUCTURE'
        $fetches[1] | Should -Match 'ENVELOPE'
        # Summaries leave BODYSTRUCTURE out unless -IncludeStructure asks for it.
        $fetches[1] | Should -Not -Match 'BODYSTRUCTURE'
    }
}

Describe 'Search-ImapFolder in pipelines' {
    BeforeAll {
        $user = New-TestUser -Bed $Bed
        Add-TestMessage -Bed $Bed -User $user -Subject 'inbox alert' -From 'alerts@monitoring.example' | Out-Null
        Add-TestMessage -Bed $Bed -User $user -Subject 'inbox other' -From 'other@example.test' -Flags 'S' | Out-Null
        Add-TestMessage -Bed $Bed -User $user -Folder 'Projects/Web' -Subject 'web alert' -From 'alerts@monitoring.example' | Out-Null
        Add-TestMessage -Bed $Bed -User $user -Folder 'Projects/Web' -Subject 'web chat' -From 'dev@example.test' | Out-Null
        Add-TestMessage -Bed $Bed -User $user -Folder 'Projects/Db/Ünïcødé' -Subject 'db alert' -From 'alerts@monitoring.example' | Out-Null
        Add-TestMessage -Bed $Bed -User $user -Folder 'Other' -Subject 'other alert' -From 'alerts@monitoring.example' | Out-Null
    }
    AfterEach { Get-MailSession -Protocol Imap | Disconnect-Imap -ErrorAction SilentlyContinue }

    It 'Get-ImapFolder -Name ''Projects/*'' | Search-ImapFolder -From alerts@' {
        Connect-TestImap -User $user | Out-Null
        $found = @(Get-ImapFolder -Name 'Projects/*' | Search-ImapFolder -From alerts@)
        $found.Subject | Sort-Object | Should -Be @('db alert', 'web alert')
        ($found | Where-Object Subject -eq 'db alert').Folder | Should -Be 'Projects/Db/Ünïcødé'
        ($found | Where-Object Subject -eq 'web alert').Folder | Should -Be 'Projects/Web'
        foreach ($m in $found) {
            Invoke-MailCheck -Bed $Bed -User $user -Command imap-uids -Arguments $m.Folder, '--search', 'FROM alerts@' | Should -Be @($m.Uid)
        }
    }

    It 'Connect-Imap … | Search-ImapFolder -Unread searches INBOX of the piped session' {
        $p = Get-TestImapParameters -User $user
        $found = @(Connect-Imap @p | Search-ImapFolder -Unread)
        $found.Subject | Should -Be @('inbox alert')
        $found[0].Folder | Should -Be 'INBOX'
    }

    It 'searches several folders given by name' {
        $session = Connect-TestImap -User $user
        $found = @('Other', 'Projects/Web' | ForEach-Object { Search-ImapFolder -Folder $_ -From alerts@ })
        $found.Subject | Should -Be @('other alert', 'web alert')
    }
}

Describe 'Search-ImapFolder short queries in the folder slot, and -Query validation' {
    BeforeAll {
        $user = New-TestUser -Bed $Bed
        Add-TestMessage -Bed $Bed -User $user -Subject 'VPN down' -From 'Priya <priya@example.test>' | Out-Null
        Add-TestMessage -Bed $Bed -User $user -Subject 'VPN up again' -From 'Juergen <juergen@example.test>' | Out-Null
        Add-TestMessage -Bed $Bed -User $user -Subject 'Lunch' -From 'Priya <priya@example.test>' -AttachmentName 'menu.pdf' -AttachmentBytes ([byte[]](1..50)) | Out-Null
        New-TestFolder -Bed $Bed -User $user -Folder 'to:do' | Out-Null
        Add-TestMessage -Bed $Bed -User $user -Folder 'to:do' -Subject 'in the to:do folder' | Out-Null
        $log = New-ImapLogPath 'shortquery'
        $session = Connect-TestImap -User $user -ProtocolLogPath $log -NotDefault
        $uids = Invoke-MailCheck -Bed $Bed -User $user -Command imap-uids -Arguments 'INBOX'
    }
    AfterAll { $session | Disconnect-Imap -ErrorAction SilentlyContinue }

    It 'reads "from:priya subject:VPN" in the first position as a query on INBOX' {
        $expected = Invoke-MailCheck -Bed $Bed -User $user -Command imap-uids -Arguments 'INBOX', '--search', 'FROM priya SUBJECT VPN'
        $expected | Should -HaveCount 1
        $found = @(Search-ImapFolder 'from:priya subject:VPN' -Session $session -Verbose 4>&1)
        @(($found | Where-Object { $_ -isnot [Management.Automation.VerboseRecord] }).Uid) | Should -Be $expected
        @($found | Where-Object { $_ -is [Management.Automation.VerboseRecord] -and "$_" -match "no folder 'from:priya subject:VPN'" }) | Should -HaveCount 1
    }

    It 'prefers a folder that exists over a query' {
        $found = @(Search-ImapFolder 'to:do' -Session $session)
        $found | Should -HaveCount 1
        $found[0].Folder | Should -Be 'to:do'
        $found[0].Subject | Should -Be 'in the to:do folder'
    }

    It 'takes a folder and a short query side by side' {
        @(Search-ImapFolder INBOX 'from:juergen' -Session $session).Subject | Should -Be 'VPN up again'
    }

    It 'finds has:attachment from the summaries' {
        @(Search-ImapFolder 'has:attachment from:priya' -Session $session).Subject | Should -Be 'Lunch'
    }

    It 'accepts -From with several values (it used to fail to bind)' {
        @(Search-ImapFolder -Session $session -From priya, juergen).Count | Should -Be 3
    }

    It 'refuses -Query <Name> before anything is sent' -ForEach @(
        @{ Name = 'with CR LF and a second command'; Query = "SUBJECT x`r`nA1 DELETE INBOX" }
        @{ Name = 'with a literal'; Query = 'SUBJECT {5}' }
        @{ Name = 'with an unclosed parenthesis'; Query = '(FROM a' }
        @{ Name = 'with a stray closing parenthesis'; Query = 'FROM a)' }
        @{ Name = 'with an unclosed quote'; Query = 'SUBJECT "abc' }
        @{ Name = 'with an unknown key'; Query = 'FROB x' }
        @{ Name = 'with a missing value'; Query = 'OR FROM a' }
        @{ Name = 'with message sequence numbers'; Query = '1:5' }
        @{ Name = 'with a bad short date'; Query = 'since:yesterdayish' }
    ) {
        $before = Measure-ImapCommand -Path $log -Pattern 'UID SEARCH'
        $err = { Search-ImapFolder -Session $session -Query $Query -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'SearchImapFolderInvalidQuery,*'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        Measure-ImapCommand -Path $log -Pattern 'UID SEARCH' | Should -Be $before
        Get-ImapClientCommands -Path $log | Should -Not -Match 'DELETE'
    }

    It 'tells a folder name from a short query (pure parser)' -ForEach @(
        @{ Text = 'Projects/Web'; Query = $false }
        @{ Text = 'Re: hello'; Query = $false }
        @{ Text = 'from:priya'; Query = $true }
        @{ Text = 'VPN is:unread'; Query = $true }
        @{ Text = '-subject:spam'; Query = $true }
    ) {
        $core = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'MailProtocols.Core' } | Select-Object -First 1
        $parser = $core.GetType('MailProtocols.Core.Imap.ImapQueryParser', $true)
        $parser.GetMethod('LooksLikeQuery', [Reflection.BindingFlags]'Static, Public').Invoke($null, @($Text)) | Should -Be $Query
    }
}
