BeforeAll {
    . $PSScriptRoot/Common.ps1
    . $PSScriptRoot/ImapCommon.ps1
    . $PSScriptRoot/ImapLiveCommon.ps1

    function Get-SyncedFile {
        # The file of UID -Uid in a Maildir folder directory (cur/ or new/), or $null.
        param([string] $Directory, [uint32] $Uid)
        Get-ChildItem -LiteralPath (Join-Path $Directory 'cur'), (Join-Path $Directory 'new') -File |
            Where-Object Name -Match "^\d+\.$($Uid)_\d+\.mailprotocols" | Select-Object -First 1
    }
}

Describe 'Sync-ImapFolder of a 1,000-message INBOX' {
    BeforeAll {
        $user = New-TestUser -Bed $Bed
        $seed = Add-TestMessageBatch -Bed $Bed -User $user -Count 1000
        $log = New-ImapLogPath 'sync'
        $session = Connect-TestImap -User $user -ProtocolLogPath $log -NotDefault
        $dest = New-TestDirectory 'sync'
        $first = Sync-ImapFolder -Session $session -Destination $dest
    }
    AfterAll { $session | Disconnect-Imap -ErrorAction SilentlyContinue }

    It 'downloads every message into a Maildir that Python''s mailbox module reads: count, subjects, flags' {
        $first | Should -BeOfType MailProtocols.ImapSyncResult
        $first.Folder | Should -Be 'INBOX'
        $first.New | Should -Be 1000
        $first.Count | Should -Be 1000
        $first.Path | Should -Be $dest

        $local = Invoke-MailboxCheck 'maildir', $dest
        $server = Invoke-MailCheck -Bed $Bed -User $user -Command imap-messages -Arguments INBOX
        $local.Count | Should -Be 1000
        $byUid = @{}
        foreach ($m in $server) { $byUid[[int]$m.uid] = $m }
        # Collected first and asserted once: 1,000 separate Should calls would take most of a minute.
        $problems = foreach ($m in $local) {
            $expected = $byUid[[int]$m.uid]
            $letters = ConvertTo-MaildirLetters $expected.flags
            if ($m.subdir -ne 'cur') { "UID $($m.uid) is in $($m.subdir)" }
            if ($m.subject -cne $expected.subject) { "UID $($m.uid) subject '$($m.subject)' <> '$($expected.subject)'" }
            if ($m.flags -cne $letters) { "UID $($m.uid) flags '$($m.flags)' <> '$letters'" }
            if ($m.size -ne $expected.size) { "UID $($m.uid) size $($m.size) <> $($expected.size)" }
        }
        $problems | Should -BeNullOrEmpty
        @($local.uid | Sort-Object -Unique).Count | Should -Be 1000
        ($local | Where-Object { $_.flags -match 'S' }).Count | Should -Be $seed.Seen
        ($local | Where-Object { $_.flags -match 'F' }).Count | Should -Be $seed.Flagged
        ($local | Where-Object { $_.flags -match 'R' }).Count | Should -Be $seed.Answered
    }

    It 'writes each message byte for byte as the server sends it, dated INTERNALDATE' {
        foreach ($uid in 1, 10, 999) {
            $fetched = Invoke-MailCheck -Bed $Bed -User $user -Command imap-fetch -Arguments INBOX, $uid
            $file = Get-SyncedFile -Directory $dest -Uid $uid
            [System.IO.File]::ReadAllBytes($file.FullName) | Should -Be $fetched.Bytes
            $file.Name | Should -Match "^\d+\.$($uid)_$($first.UidValidity)\.mailprotocols,S=$($fetched.Bytes.Length):2,[A-Z]*$"
        }
        $message = (Invoke-MailCheck -Bed $Bed -User $user -Command imap-messages -Arguments INBOX, '--uids', '7')[0]
        $file = Get-SyncedFile -Directory $dest -Uid 7
        ($file.LastWriteTimeUtc - ([datetimeoffset]$message.internaldate).UtcDateTime).Duration().TotalSeconds | Should -BeLessThan 1
        Get-ChildItem (Join-Path $dest 'tmp') | Should -BeNullOrEmpty
    }

    It 'fetched the bodies in batches and the metadata with one command' {
        $commands = Get-ImapClientCommands -Path $log
        @($commands | Where-Object { $_ -match '^UID FETCH \S+ \(BODY\.PEEK\[\]\)' }).Count | Should -Be 4
        @($commands | Where-Object { $_ -match '^UID FETCH 1:\* \(UID FLAGS INTERNALDATE RFC822\.SIZE\)' }).Count | Should -Be 1
    }

    It 'writes the same Maildir with -NoFlush (mbsync''s FSync no): every file complete, renamed into cur, nothing left in tmp' {
        $noFlush = New-TestDirectory 'sync-noflush'
        $result = Sync-ImapFolder -Session $session -Destination $noFlush -NoFlush
        $result.New | Should -Be 1000
        $expected = @(Get-ChildItem (Join-Path $dest 'cur') -File | Sort-Object Name)
        $actual = @(Get-ChildItem (Join-Path $noFlush 'cur') -File | Sort-Object Name)
        $actual.Name | Should -Be $expected.Name
        $different = for ($i = 0; $i -lt $actual.Count; $i++) {
            if ($actual[$i].Length -ne $expected[$i].Length -or $actual[$i].LastWriteTimeUtc -ne $expected[$i].LastWriteTimeUtc) { $actual[$i].Name }
        }
        $different | Should -BeNullOrEmpty
        [System.IO.File]::ReadAllBytes($actual[500].FullName) | Should -Be ([System.IO.File]::ReadAllBytes($expected[500].FullName))
        Get-ChildItem (Join-Path $noFlush 'tmp') | Should -BeNullOrEmpty
        Remove-Item -LiteralPath $noFlush -Recurse -Force
    }

    It 're-syncs an unchanged folder with one STATUS in well under half a second' {
        $before = @(Get-ImapClientCommands -Path $log).Count
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $again = Sync-ImapFolder -Session $session -Destination $dest
        $clock.Stop()
        $again.Unchanged | Should -BeTrue
        $again.New + $again.FlagsUpdated + $again.Removed | Should -Be 0
        $sent = @(Get-ImapClientCommands -Path $log | Select-Object -Skip $before)
        $sent | Should -Be @('STATUS INBOX (MESSAGES UIDNEXT UIDVALIDITY HIGHESTMODSEQ)')
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 0.5
    }

    It 'downloads only the one new message (Dovecot body_count = 1)' {
        Add-TestMessage -Bed $Bed -User $user -Subject 'The one new message' | Out-Null
        $fresh = Connect-TestImap -User $user -NotDefault
        $result = Sync-ImapFolder -Session $fresh -Destination $dest
        $fresh | Disconnect-Imap
        $result.New | Should -Be 1
        $result.Count | Should -Be 1001

        $raw = Get-TestRawLog -Bed $Bed -User $user -Last
        @($raw.Commands | Where-Object Name -eq 'UID FETCH' | Where-Object Text -Match 'BODY\.PEEK\[\]').Text | Should -Match 'UID FETCH 1001 \(BODY\.PEEK\[\]\)'
        $deadline = [DateTime]::UtcNow.AddSeconds(10)
        while (-not ($stats = Get-DovecotLogoutStats -Bed $Bed -User $user -MinimumCount 0 | Where-Object Pid -eq $raw.Pid) -and [DateTime]::UtcNow -lt $deadline) {
            Start-Sleep -Milliseconds 50
        }
        $stats.body_count | Should -Be 1
        (Get-SyncedFile -Directory $dest -Uid 1001) | Should -Not -BeNullOrEmpty
        (Invoke-MailboxCheck 'maildir', $dest).Count | Should -Be 1001
    }

    It 'renames the file when a flag changes on the server (CHANGEDSINCE)' {
        Invoke-MailCheck -Bed $Bed -User $user -Command imap-store -Arguments INBOX, 1, '+FLAGS', '\Flagged' | Out-Null
        Invoke-MailCheck -Bed $Bed -User $user -Command imap-store -Arguments '--', INBOX, 2, '-FLAGS', '\Seen' | Out-Null
        Invoke-MailCheck -Bed $Bed -User $user -Command imap-store -Arguments INBOX, 3, '+FLAGS', '$Forwarded' | Out-Null
        $before = @(Get-ImapClientCommands -Path $log).Count
        $result = Sync-ImapFolder -Session $session -Destination $dest
        $result.FlagsUpdated | Should -Be 3
        $result.New | Should -Be 0
        (Get-SyncedFile -Directory $dest -Uid 1).Name | Should -Match ':2,F$'
        (Get-SyncedFile -Directory $dest -Uid 2).Name | Should -Match ':2,$'
        (Get-SyncedFile -Directory $dest -Uid 3).Name | Should -Match ':2,P$'
        $sent = @(Get-ImapClientCommands -Path $log | Select-Object -Skip $before)
        @($sent | Where-Object { $_ -match '^UID FETCH 1:1001 \(UID FLAGS MODSEQ\) \(CHANGEDSINCE \d+\)$' }).Count | Should -Be 1
        @($sent | Where-Object { $_ -match 'BODY\.PEEK|SEARCH' }).Count | Should -Be 0
        ((Invoke-MailboxCheck 'maildir', $dest) | Where-Object uid -eq 1).flags | Should -Be 'F'
    }

    It 'removes the local copy of a message expunged on the server' {
        Invoke-MailCheck -Bed $Bed -User $user -Command imap-store -Arguments INBOX, 4, '+FLAGS', '\Deleted' | Out-Null
        Invoke-MailCheck -Bed $Bed -User $user -Command imap-expunge -Arguments INBOX | Out-Null
        $result = Sync-ImapFolder -Session $session -Destination $dest
        $result.Removed | Should -Be 1
        $result.Count | Should -Be 1000
        Get-SyncedFile -Directory $dest -Uid 4 | Should -BeNullOrEmpty
        (Invoke-MailboxCheck 'maildir', $dest).Count | Should -Be 1000
    }

    It 'keeps the local copy of an expunged message with -KeepDeleted' {
        Invoke-MailCheck -Bed $Bed -User $user -Command imap-store -Arguments INBOX, 6, '+FLAGS', '\Deleted' | Out-Null
        Invoke-MailCheck -Bed $Bed -User $user -Command imap-expunge -Arguments INBOX | Out-Null
        $result = Sync-ImapFolder -Session $session -Destination $dest -KeepDeleted
        $result.Removed | Should -Be 0
        $result.Kept | Should -Be 1
        Get-SyncedFile -Directory $dest -Uid 6 | Should -Not -BeNullOrEmpty
    }

    It 'downloads only what is missing when the state file is gone' {
        Remove-Item (Get-SyncedFile -Directory $dest -Uid 8).FullName
        Remove-Item (Join-Path $dest 'mailprotocols.sync')
        $result = Sync-ImapFolder -Session $session -Destination $dest -KeepDeleted
        $result.New | Should -Be 1
        Get-SyncedFile -Directory $dest -Uid 8 | Should -Not -BeNullOrEmpty
        (Get-Content (Join-Path $dest 'mailprotocols.sync')) | Should -Contain "uidvalidity=$($first.UidValidity)"
    }

    It 'shows results as a table' {
        $text = $first | Out-String
        $text | Should -Match 'New\s+FlagsUpdated\s+Removed\s+Bytes\s+Duration\s+Note\s+Folder'
        $text | Should -Match '1000\s+0\s+0\s+\d+(\.\d)? (KB|MB)\s+\d+\.\d\ds\s+INBOX'
    }
}

Describe 'Sync-ImapFolder of 10,000 messages' {
    BeforeAll {
        $user = New-TestUser -Bed $Bed
        Add-TestMessageBatch -Bed $Bed -User $user -Count 10000 | Out-Null
        $log = New-ImapLogPath 'sync-10k'
        $session = Connect-TestImap -User $user -ProtocolLogPath $log -NotDefault
        $dest = New-TestDirectory 'sync-10k'
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $first = Sync-ImapFolder -Session $session -Destination $dest
        $firstSeconds = $clock.Elapsed.TotalSeconds
    }
    AfterAll { $session | Disconnect-Imap -ErrorAction SilentlyContinue }

    It 'downloads them with one metadata FETCH and 40 body FETCHes' {
        $first.New | Should -Be 10000
        @(Get-ChildItem (Join-Path $dest 'cur')).Count | Should -Be 10000
        $commands = Get-ImapClientCommands -Path $log
        @($commands | Where-Object { $_ -match '^UID FETCH \S+ \(BODY\.PEEK\[\]\)' }).Count | Should -Be 40
        @($commands | Where-Object { $_ -match '^UID FETCH 1:\* \(UID FLAGS' }).Count | Should -Be 1
        Write-Host "      first sync of 10,000 messages: $([math]::Round($firstSeconds, 2)) s"
    }

    It 're-syncs the unchanged folder with one STATUS in under 0.5 s (CONDSTORE)' {
        $before = @(Get-ImapClientCommands -Path $log).Count
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $again = Sync-ImapFolder -Session $session -Destination $dest
        $seconds = $clock.Elapsed.TotalSeconds
        $again.Unchanged | Should -BeTrue
        @(Get-ImapClientCommands -Path $log | Select-Object -Skip $before) | Should -Be @('STATUS INBOX (MESSAGES UIDNEXT UIDVALIDITY HIGHESTMODSEQ)')
        Write-Host "      unchanged re-sync of 10,000 messages: $([math]::Round($seconds * 1000)) ms"
        $seconds | Should -BeLessThan 0.5
    }

    It 're-syncs after one flag change with one CHANGEDSINCE fetch and no listing' {
        Invoke-MailCheck -Bed $Bed -User $user -Command imap-store -Arguments INBOX, 5000, '+FLAGS', '\Flagged' | Out-Null
        $before = @(Get-ImapClientCommands -Path $log).Count
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $again = Sync-ImapFolder -Session $session -Destination $dest
        $seconds = $clock.Elapsed.TotalSeconds
        $again.FlagsUpdated | Should -Be 1
        $sent = @(Get-ImapClientCommands -Path $log | Select-Object -Skip $before)
        @($sent | Where-Object { $_ -match 'SEARCH|BODY' }).Count | Should -Be 0
        Write-Host "      re-sync of 10,000 messages after one flag change: $([math]::Round($seconds * 1000)) ms ($($sent -join '; '))"
    }
}

Describe 'Sync-ImapFolder on a server without CONDSTORE' {
    BeforeAll {
        $user = New-TestUser -Bed $Bed
        Add-TestMessageBatch -Bed $Bed -User $user -Count 50 | Out-Null
        $proxy = Start-ImapCapabilityProxy -Hide CONDSTORE, QRESYNC
        $log = New-ImapLogPath 'sync-nocondstore'
        $session = Connect-ProxiedImap -User $user -Proxy $proxy -ProtocolLogPath $log
        $dest = New-TestDirectory 'sync-nocondstore'
        $first = Sync-ImapFolder -Session $session -Destination $dest
    }
    AfterAll {
        $session | Disconnect-Imap -ErrorAction SilentlyContinue
        Stop-ImapCapabilityProxy $proxy
    }

    It 'downloads everything without asking for mod-sequences' {
        $session.Capabilities | Should -Not -Contain 'CondStore'
        $first.New | Should -Be 50
        Get-Content (Join-Path $dest 'mailprotocols.sync') | Should -Contain 'highestmodseq=0'
        @(Get-ImapClientCommands -Path $log | Where-Object { $_ -match 'CONDSTORE|MODSEQ' }).Count | Should -Be 0
    }

    It 'fetches the flags of every message on a re-run and renames what changed' {
        Invoke-MailCheck -Bed $Bed -User $user -Command imap-store -Arguments INBOX, 11, '+FLAGS', '\Flagged' | Out-Null
        $before = @(Get-ImapClientCommands -Path $log).Count
        $result = Sync-ImapFolder -Session $session -Destination $dest
        $result.Unchanged | Should -BeFalse
        $result.FlagsUpdated | Should -Be 1
        (Get-ChildItem (Join-Path $dest 'cur') | Where-Object Name -Match '^\d+\.11_').Name | Should -Match ':2,F'
        $sent = @(Get-ImapClientCommands -Path $log | Select-Object -Skip $before)
        @($sent | Where-Object { $_ -eq 'UID FETCH 1:50 (UID FLAGS)' }).Count | Should -Be 1
        @($sent | Where-Object { $_ -match 'BODY|SEARCH' }).Count | Should -Be 0
    }

    It 'finds expunged messages in that same listing (no extra SEARCH)' {
        Invoke-MailCheck -Bed $Bed -User $user -Command imap-store -Arguments INBOX, 12, '+FLAGS', '\Deleted' | Out-Null
        Invoke-MailCheck -Bed $Bed -User $user -Command imap-expunge -Arguments INBOX | Out-Null
        $before = @(Get-ImapClientCommands -Path $log).Count
        $result = Sync-ImapFolder -Session $session -Destination $dest
        $result.Removed | Should -Be 1
        Get-ChildItem (Join-Path $dest 'cur') | Where-Object Name -Match '^\d+\.12_' | Should -BeNullOrEmpty
        @(Get-ImapClientCommands -Path $log | Select-Object -Skip $before | Where-Object { $_ -match 'SEARCH' }).Count | Should -Be 0
        (Invoke-MailboxCheck 'maildir', $dest).Count | Should -Be 49
    }
}

Describe 'Sync-ImapFolder of folder trees, recreated folders and the pipeline' {
    BeforeAll {
        $user = New-TestUser -Bed $Bed
        foreach ($i in 1..2) { Add-TestMessage -Bed $Bed -User $user -Folder 'Projects' -Subject "Projects $i" -Flags 'S' | Out-Null }
        foreach ($i in 1..3) { Add-TestMessage -Bed $Bed -User $user -Folder 'Projects/Web' -Subject "Web $i" -Flags $(if ($i -eq 2) { 'FR' } else { '' }) | Out-Null }
        Add-TestMessage -Bed $Bed -User $user -Folder 'Projects/Überblick' -Subject 'Überblick 1' -Flags 'D' | Out-Null
        foreach ($i in 1..3) { Add-TestMessage -Bed $Bed -User $user -Folder 'Recreated' -Subject "old $i" | Out-Null }
        $session = Connect-TestImap -User $user -NotDefault
    }
    AfterAll { $session | Disconnect-Imap -ErrorAction SilentlyContinue }

    It 'mirrors a folder and everything below it with -Recurse into Maildir++ directories' {
        $script:tree = New-TestDirectory 'tree'
        $results = @(Sync-ImapFolder -Session $session -Folder Projects -Recurse -Destination $tree)
        ($results.Folder | Sort-Object) | Should -Be @('Projects', 'Projects/Überblick', 'Projects/Web')
        ($results | Measure-Object New -Sum).Sum | Should -Be 6
        foreach ($sub in 'cur', 'new', 'tmp') { Join-Path $tree $sub | Should -Exist -Because 'the root of a Maildir++ tree is INBOX' }
        foreach ($name in '.Projects', '.Projects.Web', '.Projects.&ANw-berblick') {
            foreach ($sub in 'cur', 'new', 'tmp') { Join-Path $tree "$name/$sub" | Should -Exist }
            Join-Path $tree "$name/maildirfolder" | Should -Exist
        }
        (Invoke-MailboxCheck 'folders', $tree) | Should -Be @('Projects', 'Projects.&ANw-berblick', 'Projects.Web')
        $web = Invoke-MailboxCheck 'maildir', $tree, '--folder', 'Projects.Web'
        $web.subject | Should -Be @('Web 1', 'Web 2', 'Web 3')
        $web.flags | Should -Be @('', 'FR', '')
    }

    It 'gives a Maildir tree that Dovecot itself serves with the same folders, messages and flags' {
        $reader = New-TestUser -Bed $Bed
        Get-ChildItem -LiteralPath $tree -Force | Copy-Item -Destination $reader.Maildir -Recurse -Force
        & chown -R nobody:nogroup $reader.Maildir
        $folders = (Invoke-MailCheck -Bed $Bed -User $reader -Command imap-folders).name
        $folders | Should -Contain 'Projects/Web'
        $folders | Should -Contain 'Projects/Überblick'
        @($folders | Where-Object { $_ -like 'Projects*' } | Sort-Object) | Should -Be @('Projects', 'Projects/Überblick', 'Projects/Web')
        @($folders | Where-Object { $_ -match 'mailprotocols' }) | Should -BeNullOrEmpty
        foreach ($folder in 'Projects', 'Projects/Web', 'Projects/Überblick') {
            $original = Invoke-MailCheck -Bed $Bed -User $user -Command imap-messages -Arguments $folder
            $copy = Invoke-MailCheck -Bed $Bed -User $reader -Command imap-messages -Arguments $folder
            $copy.subject | Should -Be $original.subject
            ($copy | ForEach-Object { ConvertTo-MaildirLetters $_.flags }) | Should -Be ($original | ForEach-Object { ConvertTo-MaildirLetters $_.flags })
            $copy.size | Should -Be $original.size
        }
        (Invoke-MailCheck -Bed $Bed -User $reader -Command imap-fetch -Arguments 'Projects/Web', 2).Bytes |
            Should -Be (Invoke-MailCheck -Bed $Bed -User $user -Command imap-fetch -Arguments 'Projects/Web', 2).Bytes
    }

    It 'gives a Maildir++ tree that mbsync (isync) reads' -Skip:(-not (Get-Command mbsync -ErrorAction SilentlyContinue)) {
        # mbsync adds its own UIDs to the far store's file names, so it works on a copy.
        $far = New-TestDirectory 'mbsync-far'
        $near = New-TestDirectory 'mbsync-near'
        Get-ChildItem -LiteralPath $tree -Force | Copy-Item -Destination $far -Recurse
        $config = Join-Path (Split-Path $near) "mbsyncrc-$([guid]::NewGuid().ToString('N'))"
        Set-Content -Path $config -Value @"
MaildirStore far
Inbox $far
SubFolders Maildir++

MaildirStore near
Path $near/
Inbox $near/INBOX
SubFolders Verbatim

Channel copy
Far :far:
Near :near:
Patterns *
Create Near
Sync Pull
SyncState *
"@
        $output = & mbsync -c $config -a 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($output -join "`n")
        $copied = @(Get-ChildItem -LiteralPath $near -Recurse -File | Where-Object { $_.Directory.Name -in 'cur', 'new' })
        $copied.Count | Should -Be 6
        @(Get-ChildItem -LiteralPath (Join-Path $near 'Projects/Web') -Recurse -File | Where-Object { $_.Directory.Name -in 'cur', 'new' }).Count | Should -Be 3
        @(Get-ChildItem -LiteralPath (Join-Path $near 'Projects/cur') -File | Where-Object Name -match ':2,[A-Z]*S').Count | Should -Be 2
    }

    It 'takes folder objects from Get-ImapFolder through the pipeline' {
        $target = New-TestDirectory 'piped'
        $results = @(Get-ImapFolder -Session $session -Name 'Projects*' | Sync-ImapFolder -Destination $target)
        ($results.Folder | Sort-Object) | Should -Be @('Projects', 'Projects/Überblick', 'Projects/Web')
        (Invoke-MailboxCheck 'maildir', $target, '--folder', 'Projects').Count | Should -Be 2
    }

    It 'resyncs a recreated folder (new UIDVALIDITY) cleanly, with a warning' {
        $target = New-TestDirectory 'recreated'
        $before = Sync-ImapFolder -Session $session -Folder Recreated -Destination $target
        $before.New | Should -Be 3
        Invoke-MailCheck -Bed $Bed -User $user -Command imap-delete -Arguments Recreated | Out-Null
        Invoke-MailCheck -Bed $Bed -User $user -Command imap-create -Arguments Recreated | Out-Null
        foreach ($i in 1..2) { Add-TestMessage -Bed $Bed -User $user -Folder 'Recreated' -Subject "new $i" | Out-Null }
        $status = Invoke-MailCheck -Bed $Bed -User $user -Command imap-status -Arguments Recreated
        $status.uidvalidity | Should -Not -Be $before.UidValidity

        $after = Sync-ImapFolder -Session $session -Folder Recreated -Destination $target -WarningVariable warnings -WarningAction SilentlyContinue
        ($warnings -join ' ') | Should -Match "UIDVALIDITY of 'Recreated' changed from $($before.UidValidity) to $($status.uidvalidity)"
        $after.Resynced | Should -BeTrue
        $after.New | Should -Be 2
        $after.Removed | Should -Be 3
        $local = Invoke-MailboxCheck 'maildir', $target, '--folder', 'Recreated'
        $local.subject | Should -Be @('new 1', 'new 2')
        $local.uidvalidity | Sort-Object -Unique | Should -Be $status.uidvalidity
        Get-Content (Join-Path $after.Path 'mailprotocols.sync') | Should -Contain "uidvalidity=$($status.uidvalidity)"
    }

    It 'writes nothing with -WhatIf' {
        $target = Join-Path $Bed.Root "tmp/whatif-$([guid]::NewGuid().ToString('N'))"
        Sync-ImapFolder -Session $session -Folder Projects -Destination $target -WhatIf | Should -BeNullOrEmpty
        $target | Should -Not -Exist
    }

    It 'reports a missing folder and goes on with the others' {
        $target = New-TestDirectory 'missing'
        $results = @(Sync-ImapFolder -Session $session -Folder 'No/Such', 'Projects' -Destination $target -ErrorVariable errors -ErrorAction SilentlyContinue)
        $results.Folder | Should -Be 'Projects'
        $errors[0].FullyQualifiedErrorId | Should -Be 'SyncImapFolderFolderNotFound,MailProtocols.Commands.SyncImapFolderCommand'
        $errors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'shows a progress bar and always completes it' {
        $target = New-TestDirectory 'progress'
        $job = Start-Background -ArgumentList $env:MAILPROTOCOLS_MODULE, (Get-TestImapParameters -User $user), $target -ScriptBlock {
            param($module, $connect, $target)
            Import-Module $module
            $null = Connect-Imap @connect
            Sync-ImapFolder -Folder Projects -Recurse -Destination $target | Out-Null
        }
        $null = Receive-Background $job -TimeoutSec 60 -KeepOpen
        $records = @($job.PowerShell.Streams.Progress | Where-Object Activity -eq 'Sync-ImapFolder')
        $job.PowerShell.Dispose()
        $records.Count | Should -BeGreaterThan 0
        $records[-1].RecordType | Should -Be 'Completed'
    }
}

Describe 'Sync-ImapFolder when stopped' {
    BeforeAll {
        $user = New-TestUser -Bed $Bed
        Add-TestMessageBatch -Bed $Bed -User $user -Count 4000 -SizeBytes 4000 | Out-Null
        $session = Connect-TestImap -User $user -NotDefault
    }
    AfterAll { $session | Disconnect-Imap -ErrorAction SilentlyContinue }

    It 'stops promptly on Ctrl+C, leaves only complete files and no lock, and the next run finishes the job' {
        $target = New-TestDirectory 'sync-stop'
        $job = Start-Background -ArgumentList $env:MAILPROTOCOLS_MODULE, (Get-TestImapParameters -User $user), $target -ScriptBlock {
            param($module, $connect, $target)
            Import-Module $module
            $null = Connect-Imap @connect
            Sync-ImapFolder -Destination $target
        }
        $cur = Join-Path $target 'cur'
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        while (-not (Test-Path $cur) -or @(Get-ChildItem $cur).Count -lt 250) {
            if ([DateTime]::UtcNow -gt $deadline) { throw 'the sync did not get going' }
            Start-Sleep -Milliseconds 10
        }
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $job.PowerShell.Stop()
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 5
        $job.PowerShell.Dispose()

        $partial = @(Get-ChildItem $cur)
        $partial.Count | Should -BeLessThan 4000 -Because 'the run was stopped before the end'
        @($partial | Where-Object { $_.Length -ne [long]([regex]::Match($_.Name, ',S=(\d+)').Groups[1].Value) }).Name | Should -BeNullOrEmpty -Because 'every file in cur is complete'
        Get-ChildItem (Join-Path $target 'tmp') | Should -BeNullOrEmpty
        Join-Path $target 'mailprotocols.lock' | Should -Not -Exist

        $rest = Sync-ImapFolder -Session $session -Destination $target
        $rest.New | Should -Be (4000 - $partial.Count)
        @(Get-ChildItem $cur).Count | Should -Be 4000
    }
}

Describe 'Sync-ImapFolder lock' {
    BeforeAll {
        $user = New-TestUser -Bed $Bed
        Add-TestMessageBatch -Bed $Bed -User $user -Count 20 | Out-Null
        $session = Connect-TestImap -User $user -NotDefault
    }
    AfterAll { $session | Disconnect-Imap -ErrorAction SilentlyContinue }

    It 'stops a second run on the same destination with SyncImapFolderLocked while the first one runs' {
        $target = New-TestDirectory 'locked'
        $gate = [System.Threading.ManualResetEventSlim]::new($false)
        # The first run syncs INBOX, then waits for more pipeline input while holding the lock.
        $first = Start-Background -ArgumentList $env:MAILPROTOCOLS_MODULE, (Get-TestImapParameters -User $user), $target, $gate -ScriptBlock {
            param($module, $connect, $target, $gate)
            Import-Module $module
            $null = Connect-Imap @connect
            & { [pscustomobject]@{ FullName = 'INBOX' }; $null = $gate.Wait(60000) } | Sync-ImapFolder -Destination $target
        }
        try {
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            while (-not (Test-Path (Join-Path $target 'cur')) -or @(Get-ChildItem (Join-Path $target 'cur')).Count -lt 20) {
                if ([DateTime]::UtcNow -gt $deadline) { throw 'the first sync did not finish INBOX' }
                Start-Sleep -Milliseconds 25
            }
            Join-Path $target 'mailprotocols.lock' | Should -Exist
            $err = { Sync-ImapFolder -Session $session -Destination $target -ErrorAction Stop } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -Be 'SyncImapFolderLocked,MailProtocols.Commands.SyncImapFolderCommand'
            $err.CategoryInfo.Category | Should -Be 'ResourceBusy'
            $err.Exception.Message | Should -Match 'Another sync is using this destination'
        }
        finally { $gate.Set() }
        $output = @(Receive-Background $first)
        $output.Count | Should -Be 1
        $output[0].New | Should -Be 20
        Join-Path $target 'mailprotocols.lock' | Should -Not -Exist
        (Sync-ImapFolder -Session $session -Destination $target).Unchanged | Should -BeTrue
    }

    It 'takes over a stale lock left by a process that is gone, with a warning' {
        $target = New-TestDirectory 'stale'
        $dead = Start-Process -FilePath (Get-Command true).Source -PassThru
        $dead.WaitForExit()
        Set-Content -Path (Join-Path $target 'mailprotocols.lock') -Value "pid=$($dead.Id)`nhost=$([Environment]::MachineName)`nstart=0`nsince=2020-01-01T00:00:00Z`npurpose=Sync-ImapFolder into '$target'"
        $result = Sync-ImapFolder -Session $session -Destination $target -WarningVariable warnings -WarningAction SilentlyContinue
        $result.New | Should -Be 20
        ($warnings -join ' ') | Should -Match "stale lock .*process $($dead.Id)"
        Join-Path $target 'mailprotocols.lock' | Should -Not -Exist
    }
}

Describe 'Import-MailMessage reads Maildir folders' {
    BeforeAll {
        $user = New-TestUser -Bed $Bed
        Add-TestMessage -Bed $Bed -User $user -Subject 'Plain' | Out-Null
        Add-TestMessage -Bed $Bed -User $user -Subject 'Seen and flagged' -Flags 'SF' | Out-Null
        Add-TestMessage -Bed $Bed -User $user -Subject 'Forwarded' -Flags 'S' | Out-Null
        Add-TestMessage -Bed $Bed -User $user -Subject 'Still new' -New | Out-Null
        foreach ($i in 1..2) { Add-TestMessage -Bed $Bed -User $user -Folder 'Projects/Web' -Subject "Web $i" | Out-Null }
        Invoke-MailCheck -Bed $Bed -User $user -Command imap-store -Arguments INBOX, 3, '+FLAGS', '$Forwarded' | Out-Null
        $session = Connect-TestImap -User $user -NotDefault
        $dest = New-TestDirectory 'import'
        $null = Sync-ImapFolder -Session $session -Folder INBOX, 'Projects/Web' -Destination $dest
    }
    AfterAll { $session | Disconnect-Imap -ErrorAction SilentlyContinue }

    It 'reads the synced copy offline, with the flags its file names carry' {
        $messages = @(Import-MailMessage -Path $dest)
        $messages.Subject | Should -Be @('Plain', 'Seen and flagged', 'Forwarded', 'Still new')
        $messages | ForEach-Object { $_ | Should -BeOfType MailProtocols.MailFileMessage }
        ($messages | Where-Object Subject -eq 'Seen and flagged').Flags.ToString() | Should -Be 'Seen, Flagged'
        ($messages | Where-Object Subject -eq 'Plain').Flags.ToString() | Should -Be 'None'
        ($messages | Where-Object Subject -eq 'Forwarded').Keywords | Should -Be @('$Forwarded')
        $messages[0].Path | Should -BeLike (Join-Path $dest 'cur/*')
        @($messages | Where-Object { -not ($_.Flags.ToString() -match 'Seen') }).Subject | Should -Be @('Plain', 'Still new')
    }

    It 'reads a Maildir++ subfolder, also piped from Get-ChildItem' {
        @(Import-MailMessage -Path (Join-Path $dest '.Projects.Web')).Subject | Should -Be @('Web 1', 'Web 2')
        @(Get-ChildItem -LiteralPath $dest -Directory -Force | Where-Object Name -like '.*' | Import-MailMessage).Subject | Should -Be @('Web 1', 'Web 2')
    }

    It 'reads a Maildir another program wrote (Dovecot''s own), new/ included' {
        $messages = @(Import-MailMessage -LiteralPath $user.Maildir)
        ($messages.Subject | Sort-Object) | Should -Be @('Forwarded', 'Plain', 'Seen and flagged', 'Still new')
        ($messages | Where-Object Subject -eq 'Seen and flagged').Flags.ToString() | Should -Be 'Seen, Flagged'
        ($messages | Where-Object Subject -eq 'Still new').Flags.ToString() | Should -Be 'None'
    }

    It 'still refuses a folder that is not a Maildir when it is named outright' {
        $plain = New-TestDirectory 'plain'
        $null = Import-MailMessage -Path $plain -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors[0].FullyQualifiedErrorId | Should -Be 'ImportMailMessagePathIsAFolder,MailProtocols.Commands.ImportMailMessageCommand'
        $errors[0].Exception.Message | Should -Match 'not a Maildir folder'
    }
}
