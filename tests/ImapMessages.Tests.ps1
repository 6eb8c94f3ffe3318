BeforeAll {
    . $PSScriptRoot/Common.ps1
    . $PSScriptRoot/ImapCommon.ps1

    function Get-ServerFlags {
        # UID -> flags, as the independent client sees them.
        param($User, [string] $Folder = 'INBOX')
        $map = @{}
        $flags = Invoke-MailCheck -Bed $Bed -User $User -Command imap-flags -Arguments $Folder
        foreach ($f in $flags) { $map[[uint32]$f.uid] = @($f.flags) }
        $map
    }
}

Describe 'Get-ImapMessage' {
    BeforeAll {
        $user = New-TestUser -Bed $Bed
        $attachment = [byte[]](0..255) * 40
        $big = [byte[]]::new(8MB); [Random]::new(7).NextBytes($big)
        Add-TestMessage -Bed $Bed -User $user -Subject 'plain one' -Body "Line one`r`nLine two`r`n" -Headers ([ordered]@{ 'X-Custom' = 'custom value' }) | Out-Null
        Add-TestMessage -Bed $Bed -User $user -Subject 'rich one' -Body "The text part.`r`n" -Html '<p>The html part.</p>' -AttachmentName 'data.bin' -AttachmentBytes $attachment | Out-Null
        Add-TestMessage -Bed $Bed -User $user -Subject 'huge one' -Body "Just the text, please.`r`n" -AttachmentName 'scan.raw' -AttachmentBytes $big | Out-Null
        $uids = Invoke-MailCheck -Bed $Bed -User $user -Command imap-uids -Arguments INBOX
        $log = New-ImapLogPath 'get'
        $session = Connect-TestImap -User $user -ProtocolLogPath $log -NotDefault
    }
    AfterAll { $session | Disconnect-Imap -ErrorAction SilentlyContinue }

    It 'outputs summaries by -Folder and -Uid, like Search-ImapFolder' {
        $got = @(Get-ImapMessage -Session $session -Folder INBOX -Uid $uids[0], $uids[1] -IncludeStructure)
        $got.Uid | Should -Be @($uids[0], $uids[1])
        $got[0].Subject | Should -Be 'plain one'
        $got[0].TextBody | Should -BeNullOrEmpty
        $got[1].HasAttachments | Should -BeTrue
        $got[0].GetType().FullName | Should -Be 'MailProtocols.ImapMessage'
    }

    It 'reads every message of the folder without -Uid' {
        @((Get-ImapMessage -Session $session -Folder INBOX).Uid) | Should -Be $uids
    }

    It 'reports a UID that is not in the folder as ObjectNotFound and goes on' {
        $got = @(Get-ImapMessage -Session $session -Uid 999, $uids[0] -ErrorVariable err -ErrorAction SilentlyContinue)
        $got.Uid | Should -Be @($uids[0])
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GetImapMessageMessageNotFound*'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'fails with ObjectNotFound for a missing folder' {
        Get-ImapMessage -Session $session -Folder 'Fehlt' -Uid 1 -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GetImapMessageFolderNotFound*'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'parses the whole message with -Full: text, html, headers and attachments with their part specifiers' {
        $summary = Search-ImapFolder -Session $session -Subject 'rich one' -IncludeStructure
        $full = $summary | Get-ImapMessage -Full
        $full.TextBody.Trim() | Should -Be 'The text part.'
        $full.HtmlBody | Should -Match 'The html part.'
        ($full.Headers | Where-Object Name -eq 'Subject').Value | Should -Be 'rich one'
        $full.Attachments | Should -HaveCount 1
        $full.Attachments[0].Name | Should -Be 'data.bin'
        $full.Attachments[0].ContentType | Should -Be 'application/octet-stream'
        $full.Attachments[0].Size | Should -Be $attachment.Length
        # The part specifier must name the attachment for the server too.
        $part = Invoke-MailCheck -Bed $Bed -User $user -Command imap-fetch -Arguments INBOX, $full.Uid, '--section', $full.Attachments[0].PartSpecifier
        [Convert]::FromBase64String([Text.Encoding]::ASCII.GetString($part.Bytes)) | Should -Be $attachment
        $full.Attachments[0].PartSpecifier | Should -Be $summary.Attachments[0].PartSpecifier
        # The piped summary is left as it was.
        $summary.TextBody | Should -BeNullOrEmpty
    }

    It 'gets the header block with -HeadersOnly and no body' {
        $h = Get-ImapMessage -Session $session -Uid $uids[0] -HeadersOnly
        ($h.Headers | Where-Object Name -eq 'X-Custom').Value | Should -Be 'custom value'
        $h.TextBody | Should -BeNullOrEmpty
        $h.Subject | Should -Be 'plain one'
    }

    It 'downloads only the asked MIME part with -BodyPart' {
        $probe = Connect-TestImap -User $user -NotDefault
        $huge = Get-ImapMessage -Session $probe -Uid $uids[2]
        $huge.Size | Should -BeGreaterThan 8MB
        $text = $huge | Get-ImapMessage -BodyPart 1
        $probe | Disconnect-Imap
        $text.TextBody.Trim() | Should -Be 'Just the text, please.'
        $stats = @(Get-DovecotLogoutStats -Bed $Bed -User $user -MinimumCount 1)[-1]
        $stats.body_bytes | Should -BeLessThan 64KB
        $stats.body_count | Should -BeGreaterThan 0
    }

    It 'outputs a non-text part as the only attachment with -BodyPart' {
        $part = Get-ImapMessage -Session $session -Uid $uids[1] -BodyPart 2
        $part.Attachments.Name | Should -Be 'data.bin'
        $part.Attachments[0].PartSpecifier | Should -Be '2'
    }

    It 'reports a part that does not exist, and refuses a malformed specifier' {
        Get-ImapMessage -Session $session -Uid $uids[0] -BodyPart 7 -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GetImapMessageBodyPartNotFound*'
        Get-ImapMessage -Session $session -Uid $uids[0] -BodyPart 'TEXT]' -ErrorVariable err2 -ErrorAction SilentlyContinue
        $err2[0].FullyQualifiedErrorId | Should -BeLike 'GetImapMessageInvalidPartSpecifier*'
        $err2[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'never sets \Seen, whatever it reads' {
        Get-ImapMessage -Session $session -Folder INBOX | Out-Null
        Get-ImapMessage -Session $session -Folder INBOX -Full | Out-Null
        Get-ImapMessage -Session $session -Folder INBOX -HeadersOnly | Out-Null
        Get-ImapMessage -Session $session -Uid $uids[0] -BodyPart 1 | Out-Null
        $flags = Get-ServerFlags -User $user
        foreach ($uid in $uids) { $flags[[uint32]$uid] | Should -Not -Contain '\Seen' }
        Measure-ImapCommand -Path $log -Pattern 'UID FETCH .*BODY\[' | Should -Be 0
    }

    It 'sets \Seen with -MarkSeen, with one STORE' {
        $before = Measure-ImapCommand -Path $log -Pattern 'UID STORE'
        $read = @(Get-ImapMessage -Session $session -Uid $uids[0], $uids[1] -Full -MarkSeen)
        $read | ForEach-Object { $_.Flags.ToString() | Should -Match 'Seen' }
        $flags = Get-ServerFlags -User $user
        $flags[[uint32]$uids[0]] | Should -Contain '\Seen'
        $flags[[uint32]$uids[1]] | Should -Contain '\Seen'
        $flags[[uint32]$uids[2]] | Should -Not -Contain '\Seen'
        Measure-ImapCommand -Path $log -Pattern 'UID STORE' | Should -Be ($before + 1)
    }
}

Describe 'Get-ImapMessage -Full in batches' {
    BeforeAll {
        $user = New-TestUser -Bed $Bed
        Add-TestMessageBatch -Bed $Bed -User $user -Count 1200 -AttachmentEvery 100 | Out-Null
        $log = New-ImapLogPath 'full'
        $session = Connect-TestImap -User $user -ProtocolLogPath $log -NotDefault
        $full = @(Search-ImapFolder -Session $session | Get-ImapMessage -Full)
    }
    AfterAll { $session | Disconnect-Imap -ErrorAction SilentlyContinue }

    It 'parses all 1200 messages' {
        $full | Should -HaveCount 1200
        ($full | Where-Object { $_.Attachments.Count -eq 1 }).Count | Should -Be 12
        $full | Where-Object { -not $_.TextBody } | Should -BeNullOrEmpty
    }

    It 'uses a few UID FETCH BODY.PEEK[] commands, not one per message' {
        $bodies = @(Get-ImapClientCommands -Path $log | Where-Object { $_ -match '^UID FETCH .*BODY\.PEEK\[\]' })
        $bodies.Count | Should -BeLessOrEqual 3
        # The summaries came with the piped messages: no second summary FETCH.
        @(Get-ImapClientCommands -Path $log | Where-Object { $_ -match '^UID FETCH .*ENVELOPE' }).Count | Should -BeLessOrEqual 1
    }
}

Describe 'Save-ImapMessage' {
    BeforeAll {
        $user = New-TestUser -Bed $Bed
        $raw = "From: Ünïcødé Sender <s@example.test>`r`nTo: r@example.test`r`nSubject: =?UTF-8?B?" + [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes('Grüße')) + "?=`r`nMessage-ID: <raw-1@example.test>`r`nMIME-Version: 1.0`r`nContent-Type: text/plain; charset=utf-8`r`nContent-Transfer-Encoding: 8bit`r`n`r`nSchöne Grüße,   trailing spaces   `r`n`r`n.leading dot`r`nlast line without newline"
        Add-TestMessage -Bed $Bed -User $user -Raw ([Text.Encoding]::UTF8.GetBytes($raw)) | Out-Null
        Add-TestMessage -Bed $Bed -User $user -Subject 'with attachment' -AttachmentName 'a.bin' -AttachmentBytes ([byte[]](1..200)) | Out-Null
        Add-TestMessage -Bed $Bed -User $user -Folder 'Projekte/Ärger' -Subject 'nested' | Out-Null
        $log = New-ImapLogPath 'save'
        $session = Connect-TestImap -User $user -ProtocolLogPath $log -NotDefault
        $dir = Join-Path ([IO.Path]::GetTempPath()) "mp-save-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
        $uidValidity = (Invoke-MailCheck -Bed $Bed -User $user -Command imap-status -Arguments INBOX).uidvalidity
    }
    AfterAll {
        $session | Disconnect-Imap -ErrorAction SilentlyContinue
        Remove-Item -Recurse -Force $dir -ErrorAction SilentlyContinue
    }

    It 'writes one byte-identical .eml per piped message and outputs FileInfo' {
        $files = @(Search-ImapFolder -Session $session | Save-ImapMessage -Path $dir)
        $files | Should -HaveCount 2
        $files[0].GetType().FullName | Should -Be 'System.IO.FileInfo'
        $uids = Invoke-MailCheck -Bed $Bed -User $user -Command imap-uids -Arguments INBOX
        $files.Name | Should -Be @($uids | ForEach-Object { "INBOX_${uidValidity}_$_.eml" })
        foreach ($uid in $uids) {
            $server = Invoke-MailCheck -Bed $Bed -User $user -Command imap-fetch -Arguments INBOX, $uid
            $saved = [IO.File]::ReadAllBytes((Join-Path $dir "INBOX_${uidValidity}_$uid.eml"))
            $saved.Length | Should -Be $server.Bytes.Length
            [Convert]::ToBase64String($saved) | Should -Be $server.data_b64
        }
        Get-ChildItem $dir -Filter '*.partial' | Should -BeNullOrEmpty
    }

    It 'saves by -Folder and -Uid, naming nested folders safely' {
        $status = Invoke-MailCheck -Bed $Bed -User $user -Command imap-status -Arguments 'Projekte/Ärger'
        $file = Save-ImapMessage -Session $session -Folder 'Projekte/Ärger' -Uid 1 -Path $dir
        $file.Name | Should -Be "Projekte_Ärger_$($status.uidvalidity)_1.eml"
        $server = Invoke-MailCheck -Bed $Bed -User $user -Command imap-fetch -Arguments 'Projekte/Ärger', 1
        [Convert]::ToBase64String([IO.File]::ReadAllBytes($file.FullName)) | Should -Be $server.data_b64
    }

    It 'does not download a message again whose file exists, unless -Force' {
        $before = Measure-ImapCommand -Path $log -Pattern 'UID FETCH .*BODY\.PEEK\[\]'
        $again = @(Search-ImapFolder -Session $session | Save-ImapMessage -Path $dir)
        $again | Should -HaveCount 2
        Measure-ImapCommand -Path $log -Pattern 'UID FETCH .*BODY\.PEEK\[\]' | Should -Be $before
        Set-Content -LiteralPath $again[0].FullName -Value 'damaged'
        $forced = @(Search-ImapFolder -Session $session | Save-ImapMessage -Path $dir -Force)
        $forced | Should -HaveCount 2
        Measure-ImapCommand -Path $log -Pattern 'UID FETCH .*BODY\.PEEK\[\]' | Should -Be ($before + 1)
        $server = Invoke-MailCheck -Bed $Bed -User $user -Command imap-fetch -Arguments INBOX, $forced[0].BaseName.Split('_')[-1]
        [Convert]::ToBase64String([IO.File]::ReadAllBytes($forced[0].FullName)) | Should -Be $server.data_b64
    }

    It 'reports a missing UID and saves the others' {
        $files = @(Save-ImapMessage -Session $session -Uid 1, 4711 -Path (Join-Path $dir 'missing') -ErrorVariable err -ErrorAction SilentlyContinue)
        $files | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'SaveImapMessageMessageNotFound*'
    }

    It 'never marks messages as read' {
        $flags = Invoke-MailCheck -Bed $Bed -User $user -Command imap-flags -Arguments INBOX
        $flags | ForEach-Object { $_.flags | Should -Not -Contain '\Seen' }
    }

    It 'refuses a -Path that is a file, and reports a folder that cannot be created' {
        $file = Join-Path $dir 'not-a-folder.txt'
        Set-Content -LiteralPath $file -Value 'x'
        { Search-ImapFolder -Session $session | Save-ImapMessage -Path $file -ErrorAction Stop } | Should -Throw -ErrorId 'SaveImapMessagePathIsAFile*'
        { Search-ImapFolder -Session $session | Save-ImapMessage -Path (Join-Path $file 'sub') -ErrorAction Stop } | Should -Throw -ErrorId 'SaveImapMessageCreateFolderFailed*'
    }

    It 'refuses -Folder without -Uid' {
        { Save-ImapMessage -Session $session -Folder INBOX -Path $dir -ErrorAction Stop } | Should -Throw -ErrorId 'SaveImapMessageUidRequired*'
    }
}

Describe 'Save-ImapMessage with a 20 MB message' {
    BeforeAll {
        $user = New-TestUser -Bed $Bed
        $random = [byte[]]::new(15MB)
        [Random]::new(20).NextBytes($random)
        $head = "From: big@example.com`r`nTo: you@example.com`r`nSubject: Twenty megabytes`r`nMIME-Version: 1.0`r`n" +
            "Content-Type: application/octet-stream; name=big.bin`r`nContent-Transfer-Encoding: base64`r`n`r`n"
        $raw = [Text.Encoding]::ASCII.GetBytes($head + [Convert]::ToBase64String($random, 'InsertLineBreaks') + "`r`n")
        Add-TestMessage -Bed $Bed -User $user -Raw $raw | Out-Null
        Add-TestMessage -Bed $Bed -User $user -Subject 'small one' | Out-Null
        $dir = Join-Path ([IO.Path]::GetTempPath()) "mp-big-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
        $log = New-ImapLogPath 'big'
        $session = Connect-TestImap -User $user -ProtocolLogPath $log -NotDefault
    }
    AfterAll {
        $session | Disconnect-Imap -ErrorAction SilentlyContinue
        Remove-Item -Recurse -Force $dir -ErrorAction SilentlyContinue
    }

    It 'streams it to disk byte-identical, one 2 MB slice at a time' {
        $raw.Length | Should -BeGreaterThan 20MB
        $messages = @(Search-ImapFolder -Session $session)
        [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
        $allocatedBefore = [GC]::GetTotalAllocatedBytes($true)
        $heapBefore = [GC]::GetTotalMemory($true)
        # Sample the managed heap while the save runs: the peak is what holding a whole message would show.
        $peak = [ref]0L
        $timer = [Timers.Timer]::new(5)
        $sampler = Register-ObjectEvent -InputObject $timer -EventName Elapsed -Action { $p = $Event.MessageData; $h = [GC]::GetTotalMemory($false); if ($h -gt $p.Value) { $p.Value = $h } } -MessageData $peak
        $timer.Start()
        $files = @($messages | Save-ImapMessage -Path $dir)
        $timer.Stop(); Unregister-Event -SourceIdentifier $sampler.Name; $timer.Dispose()
        $allocated = [GC]::GetTotalAllocatedBytes($true) - $allocatedBefore
        $growth = $peak.Value - $heapBefore
        Write-Host ("    20 MB save: {0:N2} MB allocated, managed heap peak {1:+0.00;-0.00} MB" -f ($allocated / 1MB), ($growth / 1MB))
        $files | Should -HaveCount 2
        $big = $files | Where-Object { $_.Length -gt 1MB }
        $big.Length | Should -Be $raw.Length
        [Convert]::ToBase64String([IO.File]::ReadAllBytes($big.FullName)) | Should -Be ([Convert]::ToBase64String($raw))
        # The heap figures include garbage not yet collected, so they are shown, not asserted; what keeps memory
        # bounded is that no command asks for more than one slice, which the protocol log proves.
        $commands = Get-ImapClientCommands -Path $log
        @($commands | Where-Object { $_ -match '^UID FETCH \d+ \(BODY\.PEEK\[\]<\d+\.2097152>\)' }).Count | Should -Be ([math]::Ceiling($raw.Length / 2MB))
        @($commands | Where-Object { $_ -match '^UID FETCH .*\(BODY\.PEEK\[\]\)' }) | Should -HaveCount 1 -Because 'the small message still comes in the batch'
    }

    It 'fetches the sizes in one command when only UIDs are given' {
        $before = @(Get-ImapClientCommands -Path $log).Count
        $file = Save-ImapMessage -Session $session -Uid 1 -Path (Join-Path $dir 'by-uid')
        $file.Length | Should -Be $raw.Length
        $new = @(Get-ImapClientCommands -Path $log | Select-Object -Skip $before)
        @($new | Where-Object { $_ -match '^UID FETCH 1 \(UID RFC822\.SIZE\)' }) | Should -HaveCount 1
    }

    It 'reports progress with one activity, and completes it' {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript({
                    param($Module, $Connect, $Path)
                    Import-Module $Module
                    $null = Connect-Imap @Connect
                    try { Search-ImapFolder | Save-ImapMessage -Path $Path -ProgressAction Continue } finally { Disconnect-Imap }
                }.ToString()).AddParameters(@{ Module = $env:MAILPROTOCOLS_MODULE; Connect = (Get-TestImapParameters $user); Path = (Join-Path $dir 'progress') })
            $files = $ps.Invoke()
            $records = @($ps.Streams.Progress | Where-Object Activity -eq 'Save-ImapMessage')
        }
        finally { $ps.Dispose() }
        $files | Should -HaveCount 2
        $records.Count | Should -BeGreaterThan 1
        @($records.ActivityId | Select-Object -Unique) | Should -HaveCount 1
        $records[0].StatusDescription | Should -Match '\d+ of 2 messages'
        $records[-1].RecordType | Should -Be 'Completed'
    }
}

Describe 'Save-ImapMessage with 10,000 messages' {
    BeforeAll {
        $user = New-TestUser -Bed $Bed
        Add-TestMessageBatch -Bed $Bed -User $user -Count 10000 -AttachmentEvery 0 | Out-Null
        $log = New-ImapLogPath 'save10k'
        $session = Connect-TestImap -User $user -ProtocolLogPath $log -NotDefault
        $dir = Join-Path ([IO.Path]::GetTempPath()) "mp-save10k-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $files = @(Search-ImapFolder -Session $session | Save-ImapMessage -Path $dir)
        $seconds = $clock.Elapsed.TotalSeconds
        $session | Disconnect-Imap
        $commands = Get-ImapClientCommands -Path $log
    }
    AfterAll { Remove-Item -Recurse -Force $dir -ErrorAction SilentlyContinue }

    It 'saves all of them' {
        $files | Should -HaveCount 10000
        (Get-ChildItem $dir -Filter *.eml).Count | Should -Be 10000
        Write-Host "    10,000 summaries + 10,000 .eml files in $([math]::Round($seconds, 1)) s"
    }

    It 'uses a handful of FETCH commands for the bodies' {
        @($commands | Where-Object { $_ -match '^UID FETCH .*BODY\.PEEK\[\]' }).Count | Should -BeLessOrEqual 5
        # Plus the summaries, 500 per UID FETCH: 20 for 10,000.
        @($commands | Where-Object { $_ -match '^UID FETCH' }).Count | Should -BeLessOrEqual 25
    }

    It 'starts saving while summaries are still coming down the pipeline, so a long pipeline holds little' {
        # Select-Object -First 1 stops the pipeline at the first file: had Save-ImapMessage waited for all
        # 10,000 summaries, all 10,000 files would be written by then.
        $early = Join-Path ([IO.Path]::GetTempPath()) "mp-save-early-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
        $s = Connect-TestImap -User $user -NotDefault
        try {
            $first = @(Search-ImapFolder -Session $s | Save-ImapMessage -Path $early | Select-Object -First 1)
            $first | Should -HaveCount 1
            $written = @(Get-ChildItem $early -Filter *.eml).Count
            $written | Should -BeGreaterThan 0
            $written | Should -BeLessOrEqual 2000
            @(Get-ChildItem $early -Exclude *.eml).Count | Should -Be 0 -Because 'a stopped pipeline leaves no temporary file'
            # The session is still in a usable state after the stop.
            @(Search-ImapFolder -Session $s -First 3).Count | Should -Be 3
        }
        finally {
            $s | Disconnect-Imap -ErrorAction SilentlyContinue
            Remove-Item -Recurse -Force $early -ErrorAction SilentlyContinue
        }
    }

    It 'saves byte-identical files (spot check)' {
        foreach ($uid in 1, 5000, 10000) {
            $server = Invoke-MailCheck -Bed $Bed -User $user -Command imap-fetch -Arguments INBOX, $uid
            $file = $files | Where-Object { $_.Name -like "INBOX_*_$uid.eml" }
            [Convert]::ToBase64String([IO.File]::ReadAllBytes($file.FullName)) | Should -Be $server.data_b64
        }
    }
}

Describe 'Save-MailAttachment with IMAP summaries' {
    BeforeAll {
        $user = New-TestUser -Bed $Bed
        $payload = [byte[]]::new(3MB); [Random]::new(11).NextBytes($payload)
        $filler = 'x' * 200KB
        Add-TestMessage -Bed $Bed -User $user -Subject 'scan' -Body "$filler`r`n" -AttachmentName 'scan.pdf' -AttachmentContentType 'application/pdf' -AttachmentBytes $payload | Out-Null
        Add-TestMessage -Bed $Bed -User $user -Subject 'two files' -AttachmentName 'notes.txt' -AttachmentContentType 'text/plain' -AttachmentBytes ([Text.Encoding]::UTF8.GetBytes("some notes`r`n")) | Out-Null
        Add-TestMessage -Bed $Bed -User $user -Folder 'Gone' -Subject 'doomed' -AttachmentName 'a.bin' -AttachmentBytes ([byte[]](1, 2, 3)) | Out-Null
        $dir = Join-Path ([IO.Path]::GetTempPath()) "mp-attach-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
        $log = New-ImapLogPath 'attach'
        $session = Connect-TestImap -User $user -ProtocolLogPath $log -NotDefault
        $summary = Search-ImapFolder -Session $session -Subject scan -IncludeStructure
        $files = @($summary | Save-MailAttachment -Path $dir)
        $session | Disconnect-Imap
        $stats = @(Get-DovecotLogoutStats -Bed $Bed -User $user)[-1]
    }
    AfterAll { Remove-Item -Recurse -Force $dir -ErrorAction SilentlyContinue }

    It 'saves the attachment of a summary, decoded' {
        $files | Should -HaveCount 1
        $files[0].Name | Should -Be 'scan.pdf'
        [Convert]::ToBase64String([IO.File]::ReadAllBytes($files[0].FullName)) | Should -Be ([Convert]::ToBase64String($payload))
        $summary.Attachments[0].PartSpecifier | Should -Be '2'
    }

    It 'fetches only the attachment part, not the whole message or the text' {
        $fetches = @(Get-ImapClientCommands -Path $log | Where-Object { $_ -match '^UID FETCH .*BODY' })
        @($fetches | Where-Object { $_ -match 'BODY\.PEEK\[\]' }) | Should -BeNullOrEmpty
        @($fetches | Where-Object { $_ -match 'BODY\.PEEK\[1\]' }) | Should -BeNullOrEmpty
        @($fetches | Where-Object { $_ -match 'BODY\.PEEK\[2\]' }) | Should -HaveCount 1
        $stats.body_bytes | Should -BeLessThan ($summary.Size - 200KB)
    }

    It 'never marks the message as read' {
        (Invoke-MailCheck -Bed $Bed -User $user -Command imap-flags -Arguments INBOX)[0].flags | Should -Not -Contain '\Seen'
    }

    It 'downloads nothing that -Filter or -WhatIf leaves out' {
        $probeLog = New-ImapLogPath 'attach-filter'
        $probe = Connect-TestImap -User $user -ProtocolLogPath $probeLog -NotDefault
        $all = @(Search-ImapFolder -Session $probe)
        $all | Save-MailAttachment -Path (Join-Path $dir 'filtered') -Filter *.txt | Select-Object -ExpandProperty Name | Should -Be @('notes.txt')
        $all | Save-MailAttachment -Path (Join-Path $dir 'whatif') -WhatIf | Should -BeNullOrEmpty
        $probe | Disconnect-Imap
        Test-Path (Join-Path $dir 'whatif') | Should -BeFalse
        # One part fetch in all: notes.txt. scan.pdf was never downloaded, not even for -WhatIf.
        @(Get-ImapClientCommands -Path $probeLog | Where-Object { $_ -match '^UID FETCH .*BODY\.PEEK\[\d' }) | Should -HaveCount 1
    }

    It 'refuses a message whose folder was recreated' {
        $s = Connect-TestImap -User $user -NotDefault
        $doomed = Search-ImapFolder -Session $s -Folder Gone
        Search-ImapFolder -Session $s | Out-Null
        Invoke-MailCheck -Bed $Bed -User $user -Command imap-delete -Arguments Gone | Out-Null
        Invoke-MailCheck -Bed $Bed -User $user -Command imap-create -Arguments Gone | Out-Null
        $doomed | Save-MailAttachment -Path (Join-Path $dir 'gone') -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $s | Disconnect-Imap
        $err[0].FullyQualifiedErrorId | Should -BeLike 'SaveMailAttachmentUidValidityChanged*'
    }
}
