# POP3: Get-Pop3Mailbox, Get-Pop3Message, Save-Pop3Message, Remove-Pop3Message, Reset-Pop3Session and
# the session states, against the real Dovecot, with the independent client (mailcheck.py) checking the server.

BeforeAll {
    . $PSScriptRoot/Common.ps1
    . $PSScriptRoot/Pop3Common.ps1
    Import-Module (Join-Path $PSScriptRoot 'TestBed/FaultProxy.psm1') -Force

    function Get-PipelinedRuns {
        # From a protocol log: the lengths of each run of <Command> lines the client sent before the
        # server answered anything, i.e. one entry per pipelined batch.
        param([Parameter(Mandatory)][string] $LogPath, [Parameter(Mandatory)][string] $Command)
        $runs = [System.Collections.Generic.List[int]]::new()
        $current = 0
        foreach ($line in [System.IO.File]::ReadLines($LogPath)) {
            if ($line -match " C: $Command ") { $current++ }
            elseif ($line -match ' S: ' -and $current -gt 0) { $runs.Add($current); $current = 0 }
        }
        if ($current -gt 0) { $runs.Add($current) }
        $runs -join ','
    }

    function Get-ServerCommandCount {
        # How many <Command> lines Dovecot received from a user: its rawlog of what clients sent (.in files
        # only, so large downloads cost nothing), independent of our client.
        param([Parameter(Mandatory)] $User, [Parameter(Mandatory)][string] $Command)
        $dir = Join-Path $Bed.RawLogRoot $User.Name
        @(Get-ChildItem -LiteralPath $dir -Filter '*.in' | Get-Content | Where-Object { $_ -match "^(\S+ )?$Command(\s|$)" }).Count
    }

    function Get-ServerBatches {
        # The round trips Dovecot saw in the user's last POP3 session, as "TOPx5" style strings for one command.
        param([Parameter(Mandatory)] $User, [Parameter(Mandatory)][string] $Command)
        $session = Get-TestRawLog -Bed $Bed -User $User -Protocol pop3 -Last
        @($session.Batches | ForEach-Object { @($_.Names | Where-Object { $_ -eq $Command }).Count } | Where-Object { $_ -gt 0 }) -join ','
    }

    function Set-TestPop3Uidl {
        # Gives messages chosen UIDLs by writing Dovecot's dovecot-uidlist (its POP3 UIDL field 'P')
        # before Dovecot first opens the mailbox, so a real server hands out UIDLs with '/', case, etc.
        param([Parameter(Mandatory)] $User, [Parameter(Mandatory)][string[]] $Path, [Parameter(Mandatory)][string[]] $Uidl)
        $lines = @("3 V1700000000 N$($Path.Count + 1)")
        for ($i = 0; $i -lt $Path.Count; $i++) {
            $base = ([System.IO.Path]::GetFileName($Path[$i]) -split ':')[0]
            $lines += "$($i + 1) P$($Uidl[$i]) :$base"
        }
        $file = Join-Path $User.Maildir 'dovecot-uidlist'
        [System.IO.File]::WriteAllText($file, ($lines -join "`n") + "`n")
        & chown nobody:nogroup $file
    }
}

Describe 'Get-Pop3Mailbox' {
    BeforeAll {
        $script:User = New-Pop3TestUser
        1..3 | ForEach-Object { Add-TestMessage -Bed $Bed -User $User -Subject "Stat $_" -Body ("x" * (100 * $_)) } | Out-Null
        $script:Empty = New-Pop3TestUser
    }

    It 'reports STAT: the count and size the server reports, and the session' {
        $s = Connect-TestPop3 $User
        try {
            $box = $s | Get-Pop3Mailbox
            $stat = Invoke-MailCheck -Bed $Bed -User $User -Command pop3-stat
            $box | Should -BeOfType MailProtocols.Pop3Mailbox
            $box.Count | Should -Be 3
            $box.Count | Should -Be $stat.count
            $box.Size | Should -Be $stat.size
            $box.MarkedForDeletion | Should -Be 0
            $box.Session | Should -Be $s
        }
        finally { $s | Disconnect-Pop3 }
    }

    It 'handles an empty mailbox in every command' {
        $s = Connect-TestPop3 $Empty
        try {
            $box = Get-Pop3Mailbox
            $box.Count | Should -Be 0
            $box.Size | Should -Be 0
            @(Get-Pop3Message -ErrorVariable listErrors) | Should -HaveCount 0
            $listErrors | Should -HaveCount 0
            $dir = Join-Path $TestDrive 'empty'
            @(Save-Pop3Message -Path $dir -Delete -ErrorVariable saveErrors) | Should -HaveCount 0
            $saveErrors | Should -HaveCount 0
            $err = Get-Pop3Message -Index 1 -ErrorAction SilentlyContinue -ErrorVariable missing
            $missing[0].FullyQualifiedErrorId | Should -Be 'GetPop3MessageMessageNotFound,MailProtocols.Commands.GetPop3MessageCommand'
            $missing[0].Exception.Message | Should -Match 'empty'
        }
        finally { Disconnect-Pop3 }
        (Invoke-MailCheck -Bed $Bed -User $Empty -Command pop3-stat).count | Should -Be 0
    }

    It 'has a table view' {
        (Get-FormatData -TypeName MailProtocols.Pop3Mailbox).FormatViewDefinition[0].Control.GetType().Name | Should -Be 'TableControl'
    }
}

Describe 'Get-Pop3Message' {
    BeforeAll {
        $script:User = New-Pop3TestUser
        $script:Date = [DateTimeOffset]::new(2024, 5, 2, 9, 12, 0, [TimeSpan]::FromHours(2))
        Add-TestMessage -Bed $Bed -User $User -Subject 'Plain subject' -From 'Alice <alice@example.com>' -To 'Bob <bob@example.com>' -Cc 'Carol <carol@example.com>' -Date $Date -MessageId '<plain-1@example.com>' | Out-Null
        # RFC 2047 encoded words in Subject and From.
        Add-TestMessage -Bed $Bed -User $User -Raw ("From: =?UTF-8?B?SsO2cmcgTcO8bGxlcg==?= <joerg@example.de>`r`nTo: bob@example.com`r`n" +
            "Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_K=C3=B6ln?= =?UTF-8?B?IOKckw==?=`r`nDate: Thu, 02 May 2024 10:00:00 +0000`r`nMessage-ID: <encoded-2@example.de>`r`n`r`nHallo`r`n") | Out-Null
        # Raw 8-bit UTF-8 in the headers, as some servers store it.
        Add-TestMessage -Bed $Bed -User $User -Raw ([System.Text.Encoding]::UTF8.GetBytes(
                "From: Zoë Ødegård <zoe@example.no>`r`nTo: bob@example.com`r`nSubject: Привет, мир — 8-bit`r`nDate: Thu, 02 May 2024 11:00:00 +0000`r`nMessage-ID: <eight-3@example.no>`r`n`r`nBody`r`n")) | Out-Null
        Add-TestMessage -Bed $Bed -User $User -Subject 'With attachment' -Body "See attached.`r`n" -Html '<p>See <b>attached</b>.</p>' -AttachmentName 'figures.csv' -AttachmentBytes ([System.Text.Encoding]::ASCII.GetBytes("a,b`r`n1,2`r`n")) -AttachmentContentType 'text/csv' | Out-Null
        Add-TestMessage -Bed $Bed -User $User -Subject 'Fifth' | Out-Null
        $script:ServerUidl = Get-ServerUidl $User
        $script:ServerList = Invoke-MailCheck -Bed $Bed -User $User -Command pop3-list
    }

    It 'outputs one object per message with Index, Uid, Size and the header facts, reading only headers' {
        $log = Join-Path $TestDrive 'top.log'
        $s = Connect-TestPop3 $User -With @{ ProtocolLogPath = $log }
        try {
            $all = @(Get-Pop3Message)
        }
        finally { Disconnect-Pop3 }
        $all | Should -HaveCount 5
        $all[0] | Should -BeOfType MailProtocols.Pop3Message
        $all.Index | Should -Be @(1, 2, 3, 4, 5)
        $all.Uid | Should -Be $ServerUidl.uidl
        $all.Size | Should -Be $ServerList.size
        $all[0].Subject | Should -BeExactly 'Plain subject'
        $all[0].From | Should -Match 'alice@example.com'
        $all[0].To | Should -Match 'bob@example.com'
        $all[0].Cc | Should -Match 'carol@example.com'
        $all[0].Date | Should -Be $Date
        $all[0].MessageId | Should -BeExactly 'plain-1@example.com'
        $all[0].Session | Should -Be $s
        ($all[0].Headers | Where-Object Name -EQ 'Subject').Value | Should -BeExactly 'Plain subject'
        $all[0].TextBody | Should -BeNullOrEmpty
        $all[0].Attachments | Should -BeNullOrEmpty
        # TOP n 0 for all five in one pipelined batch; no message body left the server.
        Get-PipelinedRuns -LogPath $log -Command 'TOP' | Should -Be '5'
        # BeforeAll's two independent-client sessions come first.
        $stats = (Get-DovecotLogoutStats -Bed $Bed -User $User -Protocol pop3 -MinimumCount 3)[2]
        $stats.top | Should -Be 5
        $stats.retr | Should -Be 0
        Get-ServerBatches -User $User -Command 'TOP' | Should -Be '5' -Because 'the server read all five TOP commands in one round trip'

    }

    It 'decodes RFC 2047 and raw 8-bit headers' {
        $null = Connect-TestPop3 $User
        try {
            $encoded, $eightBit = Get-Pop3Message -Index 2, 3
        }
        finally { Disconnect-Pop3 }
        $encoded.Subject | Should -BeExactly 'Grüße aus Köln ✓'
        $encoded.From | Should -Match 'Jörg Müller'
        $eightBit.Subject | Should -BeExactly 'Привет, мир — 8-bit'
        $eightBit.From | Should -Match 'Zoë Ødegård'
        $eightBit.MessageId | Should -BeExactly 'eight-3@example.no'
    }

    It 'selects by -Index, -Uid and -First, and reports a missing one without stopping the rest' {
        $null = Connect-TestPop3 $User
        try {
            (Get-Pop3Message -Index 4, 2).Subject | Should -Be @('With attachment', 'Grüße aus Köln ✓')
            (Get-Pop3Message -Uid $ServerUidl[4].uidl).Index | Should -Be 5
            (Get-Pop3Message -First 2).Index | Should -Be @(1, 2)
            $found = @(Get-Pop3Message -Index 1, 99, 5 -ErrorVariable errs -ErrorAction SilentlyContinue)
            $found.Index | Should -Be @(1, 5)
            $errs | Should -HaveCount 1
            $errs[0].FullyQualifiedErrorId | Should -Be 'GetPop3MessageMessageNotFound,MailProtocols.Commands.GetPop3MessageCommand'
            $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $errs[0].Exception.Message | Should -Match 'messages 1 to 5'
            $null = Get-Pop3Message -Uid 'no-such-uidl' -ErrorVariable uidErr -ErrorAction SilentlyContinue
            $uidErr[0].FullyQualifiedErrorId | Should -BeLike 'GetPop3MessageMessageNotFound,*'
        }
        finally { Disconnect-Pop3 }
    }

    It 'with -Full adds the parsed message: text, HTML, attachments and headers' {
        $null = Connect-TestPop3 $User
        try {
            $m = Get-Pop3Message -Index 4 -Full
        }
        finally { Disconnect-Pop3 }
        $m.TextBody | Should -Match 'See attached\.'
        $m.HtmlBody | Should -Match '<b>attached</b>'
        $m.Attachments | Should -HaveCount 1
        $m.Attachments[0].Name | Should -BeExactly 'figures.csv'
        $m.Attachments[0].ContentType | Should -Be 'text/csv'
        $m.Attachments[0].Size | Should -Be 10
        ($m.Headers | Where-Object Name -EQ 'Subject').Value | Should -BeExactly 'With attachment'
        $m.Size | Should -Be $ServerList[3].size
    }

    It 'keeps the UIDL stable across sessions while Index is per session' {
        $null = Connect-TestPop3 $User
        try { $first = @(Get-Pop3Message) } finally { Disconnect-Pop3 }
        $null = Connect-TestPop3 $User
        try { $second = @(Get-Pop3Message) } finally { Disconnect-Pop3 }
        $second.Uid | Should -Be $first.Uid
        $second.Uid | Should -Be (Get-ServerUidl $User).uidl
        $first[0].Session | Should -Not -Be $second[0].Session
    }

    It 'shows a table of Index, Date, Size, From and Subject' {
        $view = (Get-FormatData -TypeName MailProtocols.Pop3Message).FormatViewDefinition[0].Control
        $view.Headers.Label | Should -Be @('Index', 'Date', 'Size', 'From', 'Subject')
    }
}

Describe 'Save-Pop3Message' {
    BeforeAll {
        $script:User = New-Pop3TestUser
        Add-TestMessage -Bed $Bed -User $User -Subject 'Dots' -Body "line`r`n.leading dot`r`n..two dots`r`n.`r`nafter a lone dot`r`n" | Out-Null
        Add-TestMessage -Bed $Bed -User $User -Subject 'Ünïcödé ✓' -Body "Grüße`r`n" -AttachmentName 'data.bin' -AttachmentBytes ([byte[]](0..255)) | Out-Null
        Add-TestMessage -Bed $Bed -User $User -Subject 'Third' | Out-Null
        $script:Uidl = Get-ServerUidl $User
        $script:Expected = @{}
        foreach ($u in $Uidl) { $Expected[$u.uidl] = Get-ServerBytes $User $u.n }
    }

    It 'keeps mail on the server and writes each message byte-identical to a file named after its UIDL, as FileInfo' {
        $dir = Join-Path $TestDrive 'keep'
        $log = Join-Path $TestDrive 'retr.log'
        $null = Connect-TestPop3 $User -With @{ ProtocolLogPath = $log }
        try {
            $files = @(Save-Pop3Message -Path $dir)
        }
        finally { Disconnect-Pop3 }
        $files | Should -HaveCount 3
        $files[0] | Should -BeOfType System.IO.FileInfo
        foreach ($u in $Uidl) {
            $path = Join-Path $dir "$($u.uidl).eml"
            $files.FullName | Should -Contain $path
            Test-SameBytes $Expected[$u.uidl] ([System.IO.File]::ReadAllBytes($path)) | Should -BeTrue -Because "message $($u.n) must be saved byte for byte"
        }
        @(Get-ChildItem $dir -Filter '*.partial') | Should -HaveCount 0
        Get-PipelinedRuns -LogPath $log -Command 'RETR' | Should -Be '3'
        (Get-ServerUidl $User).uidl | Should -Be $Uidl.uidl
    }

    It 'fetches only what is new with -SkipExisting' {
        $fresh = New-Pop3TestUser
        1..2 | ForEach-Object { Add-TestMessage -Bed $Bed -User $fresh -Subject "Old $_" } | Out-Null
        $dir = Join-Path $TestDrive 'incremental'
        $null = Connect-TestPop3 $fresh
        try { @(Save-Pop3Message -Path $dir -SkipExisting) | Should -HaveCount 2 } finally { Disconnect-Pop3 }
        Add-TestMessage -Bed $Bed -User $fresh -Subject 'Arrived later' | Out-Null
        $null = Connect-TestPop3 $fresh
        try { $files = @(Save-Pop3Message -Path $dir -SkipExisting) } finally { Disconnect-Pop3 }
        $files | Should -HaveCount 1
        $files[0].Name | Should -Be "$((Get-ServerUidl $fresh)[-1].uidl).eml"
        $stats = Get-DovecotLogoutStats -Bed $Bed -User $fresh -Protocol pop3 -MinimumCount 2
        $stats[1].retr | Should -Be 1 -Because 'the two saved messages are not downloaded again'
        @(Get-ChildItem $dir -Filter *.eml) | Should -HaveCount 3
        @(Get-ServerUidl $fresh) | Should -HaveCount 3
    }

    It 'saves piped messages, -Index and -Uid selections' {
        $dir = Join-Path $TestDrive 'selected'
        $null = Connect-TestPop3 $User
        try {
            (Get-Pop3Message -Index 2 | Save-Pop3Message -Path $dir).Name | Should -Be "$($Uidl[1].uidl).eml"
            (Save-Pop3Message -Path $dir -Index 3).Name | Should -Be "$($Uidl[2].uidl).eml"
            ([pscustomobject]@{ Uid = $Uidl[0].uidl } | Save-Pop3Message -Path $dir).Name | Should -Be "$($Uidl[0].uidl).eml"
        }
        finally { Disconnect-Pop3 }
    }

    It '-WhatIf writes no file and deletes nothing' {
        $dir = Join-Path $TestDrive 'whatif'
        $null = Connect-TestPop3 $User
        try {
            $out = @(Save-Pop3Message -Path $dir -Delete -WhatIf)
            $out | Should -HaveCount 0
            (Get-Pop3Mailbox).MarkedForDeletion | Should -Be 0
        }
        finally { Disconnect-Pop3 }
        Test-Path $dir | Should -BeFalse
        (Get-ServerUidl $User).uidl | Should -Be $Uidl.uidl
    }

    It 'keeps everything on the server with -Delete and Disconnect-Pop3 -Rollback' {
        $dir = Join-Path $TestDrive 'rollback'
        $null = Connect-TestPop3 $User
        try {
            @(Save-Pop3Message -Path $dir -Delete) | Should -HaveCount 3
            (Get-Pop3Mailbox).MarkedForDeletion | Should -Be 3
        }
        finally { Disconnect-Pop3 -Rollback }
        (Get-ServerUidl $User).uidl | Should -Be $Uidl.uidl
    }

    It 'never overwrites a different file of the same name, and leaves an identical one alone' {
        $dir = Join-Path $TestDrive 'existing'
        $null = New-Item -ItemType Directory -Path $dir
        $foreign = Join-Path $dir "$($Uidl[0].uidl).eml"
        [System.IO.File]::WriteAllText($foreign, 'another mailbox used this UIDL')
        [System.IO.File]::WriteAllBytes((Join-Path $dir "$($Uidl[1].uidl).eml"), $Expected[$Uidl[1].uidl])
        $null = Connect-TestPop3 $User
        try {
            $files = @(Save-Pop3Message -Path $dir -Index 1, 2 -WarningVariable warnings -WarningAction SilentlyContinue)
        }
        finally { Disconnect-Pop3 }
        $files.Name | Should -Be @("$($Uidl[0].uidl) (1).eml", "$($Uidl[1].uidl).eml")
        [System.IO.File]::ReadAllText($foreign) | Should -Be 'another mailbox used this UIDL'
        Test-SameBytes $Expected[$Uidl[0].uidl] ([System.IO.File]::ReadAllBytes($files[0].FullName)) | Should -BeTrue
        $warnings | Should -HaveCount 1
        $warnings[0] | Should -Match 'already exists with different content'
        @(Get-ChildItem $dir) | Should -HaveCount 3
    }

    It 'does not mark a message whose file cannot be written (disk full), and saves and marks the others' {
        $user = New-Pop3TestUser
        Add-TestMessage -Bed $Bed -User $user -Subject 'Small 1' | Out-Null
        Add-TestMessage -Bed $Bed -User $user -Subject 'Too big' -AttachmentName 'big.bin' -AttachmentBytes ([byte[]]::new(256KB)) | Out-Null
        Add-TestMessage -Bed $Bed -User $user -Subject 'Small 3' | Out-Null
        $uidl = Get-ServerUidl $user
        $dir = Join-Path $TestDrive 'full-disk'
        $null = New-Item -ItemType Directory -Path $dir
        # A 64 KB file system: the second message cannot fit.
        & mount -t tmpfs -o size=64k tmpfs $dir 2>$null
        if ($LASTEXITCODE -ne 0) { Set-ItResult -Skipped -Because 'a small tmpfs could not be mounted (needs root)'; return }
        try {
            $null = Connect-TestPop3 $user
            try {
                $files = @(Save-Pop3Message -Path $dir -Delete -ErrorVariable errs -ErrorAction SilentlyContinue)
                (Get-Pop3Mailbox).MarkedForDeletion | Should -Be 2
            }
            finally { Disconnect-Pop3 }
            $files.Name | Should -Be @("$($uidl[0].uidl).eml", "$($uidl[2].uidl).eml")
            $errs | Should -HaveCount 1
            $errs[0].FullyQualifiedErrorId | Should -Be 'SavePop3MessageFileWriteFailed,MailProtocols.Commands.SavePop3MessageCommand'
            $errs[0].CategoryInfo.Category | Should -Be 'WriteError'
            $errs[0].Exception.Message | Should -Match 'not marked for deletion'
            @(Get-ChildItem $dir) | Should -HaveCount 2 -Because 'the temporary file of the failed message is removed'
        }
        finally { & umount $dir }
        # QUIT deleted the two saved messages and kept the one that is not on disk.
        (Get-ServerUidl $user).uidl | Should -Be @($uidl[1].uidl)
    }

    It 'refuses messages whose session is gone, and finds them by UIDL in a session given explicitly' {
        $dir = Join-Path $TestDrive 'stale'
        $old = Connect-TestPop3 $User
        $messages = @(Get-Pop3Message -Session $old)
        $old | Disconnect-Pop3
        $out = @($messages | Save-Pop3Message -Path $dir -ErrorVariable errs -ErrorAction SilentlyContinue)
        $out | Should -HaveCount 0
        $errs | Should -HaveCount 3
        $errs[0].FullyQualifiedErrorId | Should -Be 'SavePop3MessageSessionClosed,MailProtocols.Commands.SavePop3MessageCommand'
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $errs[0].Exception.Message | Should -Match 'Message numbers are valid only within one session'
        Test-Path $dir | Should -BeFalse

        # In a new session the numbers are assigned anew; the UIDL still names the same message.
        $new = Connect-TestPop3 $User
        try {
            $saved = @($messages[2], $messages[0] | Save-Pop3Message -Path $dir -Session $new)
            $saved.Name | Should -Be @("$($Uidl[2].uidl).eml", "$($Uidl[0].uidl).eml")
            Test-SameBytes $Expected[$Uidl[2].uidl] ([System.IO.File]::ReadAllBytes($saved[0].FullName)) | Should -BeTrue
        }
        finally { $new | Disconnect-Pop3 }
    }

    It 'streams RETR with the shipped MailKit: the reflection into its POP3 internals finds every member' {
        # Without this, a MailKit upgrade that renames those internals would silently fall back to buffering.
        $wire = Get-CoreType Pop3.Pop3Wire
        $wire.GetProperty('IsAvailable', [System.Reflection.BindingFlags]'Public, Static').GetValue($null) | Should -BeTrue
        $wire.GetProperty('UseFallback', [System.Reflection.BindingFlags]'NonPublic, Static').GetValue($null) | Should -BeFalse
    }

    It 'saves byte-identical files through MailKit''s buffered GetStreams when the streaming path is unavailable' {
        # The fallback for a MailKit whose internals Pop3Wire does not recognise.
        $switch = (Get-CoreType Pop3.Pop3Wire).GetProperty('UseFallback', [System.Reflection.BindingFlags]'NonPublic, Static')
        $dir = Join-Path $TestDrive 'fallback'
        $null = Connect-TestPop3 $User
        $switch.SetValue($null, $true)
        try {
            $files = @(Save-Pop3Message -Path $dir -Delete)
            (Get-Pop3Mailbox).MarkedForDeletion | Should -Be 3
        }
        finally {
            $switch.SetValue($null, $false)
            Disconnect-Pop3 -Rollback
        }
        $files | Should -HaveCount 3
        foreach ($u in $Uidl) {
            Test-SameBytes $Expected[$u.uidl] ([System.IO.File]::ReadAllBytes((Join-Path $dir "$($u.uidl).eml"))) | Should -BeTrue
        }
    }

    It 'reports progress with messages and bytes, and completes it' {
        $dir = Join-Path $TestDrive 'progress'
        # A runspace of its own, because only there are progress records collected rather than shown.
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript({
                    param($Module, $Connect, $Path)
                    Import-Module $Module
                    $null = Connect-Pop3 @Connect
                    try { Save-Pop3Message -Path $Path -ProgressAction Continue } finally { Disconnect-Pop3 }
                }.ToString()).AddParameters(@{ Module = $env:MAILPROTOCOLS_MODULE; Connect = (Get-TestPop3Parameters $User); Path = $dir })
            $files = $ps.Invoke()
            $records = @($ps.Streams.Progress)
        }
        finally { $ps.Dispose() }
        $files | Should -HaveCount 3
        $records.Count | Should -BeGreaterThan 1
        @($records.ActivityId | Select-Object -Unique) | Should -HaveCount 1
        $records[0].StatusDescription | Should -Match '\d+ of 3 messages, .*B of .*B'
        $records[-1].RecordType | Should -Be 'Completed'
    }

    It 'refuses a -Path that is a file' {
        $file = Join-Path $TestDrive 'a-file.txt'
        Set-Content -Path $file -Value 'x'
        $null = Connect-TestPop3 $User
        try {
            $err = { Save-Pop3Message -Path $file -ErrorAction Stop } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -Be 'SavePop3MessagePathIsAFile,MailProtocols.Commands.SavePop3MessageCommand'
            $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        }
        finally { Disconnect-Pop3 }
    }

    It 'downloads and deletes: -Delete then Disconnect-Pop3 leaves the server empty and every file on disk' {
        $dir = Join-Path $TestDrive 'download-and-delete'
        $s = Connect-TestPop3 $User
        try {
            $files = @(Save-Pop3Message -Path $dir -Delete)
            $files | Should -HaveCount 3
            (Get-Pop3Mailbox).MarkedForDeletion | Should -Be 3
            # Until QUIT, the server still has them.
            @(Get-ServerUidl $User) | Should -HaveCount 3
        }
        finally { Disconnect-Pop3 }
        $s.State | Should -Be 'Update'
        (Invoke-MailCheck -Bed $Bed -User $User -Command pop3-stat).count | Should -Be 0
        foreach ($u in $Uidl) {
            Test-SameBytes $Expected[$u.uidl] ([System.IO.File]::ReadAllBytes((Join-Path $dir "$($u.uidl).eml"))) | Should -BeTrue
        }
    }
}

Describe 'Save-Pop3Message file names' {
    BeforeAll {
        $script:User = New-Pop3TestUser
        # UIDLs a server may use (RFC 1939: any printable ASCII) that must not share a file name.
        $script:Uids = @('a/b', 'a_b', 'AbC', 'abc', 'con', '%2f', '..', ('x' * 70))
        $paths = foreach ($u in $Uids) { Add-TestMessage -Bed $Bed -User $User -Subject "UIDL $u" }
        Set-TestPop3Uidl -User $User -Path $paths -Uidl $Uids
    }

    It 'the server hands out the chosen UIDLs' {
        (Get-ServerUidl $User).uidl | Should -Be $Uids
    }

    It 'gives every UIDL its own name, distinct even ignoring case, and recognises them again with -SkipExisting' {
        $dir = Join-Path $TestDrive 'names'
        $null = Connect-TestPop3 $User
        try { $files = @(Save-Pop3Message -Path $dir) } finally { Disconnect-Pop3 }
        $files | Should -HaveCount $Uids.Count
        @($files.Name | Sort-Object -Unique) | Should -HaveCount $Uids.Count
        @($files.Name.ToLowerInvariant() | Sort-Object -Unique) | Should -HaveCount $Uids.Count
        $fileName = Get-CoreType Pop3.Pop3FileName
        $files.Name | Should -Be @($Uids | ForEach-Object { $fileName::For($_) })
        $files[0].Name | Should -BeExactly 'a%2fb.eml'
        $files[1].Name | Should -BeExactly 'a_b.eml'
        $files[2].Name | Should -Match '^AbC~[0-9a-f]{16}\.eml$'
        $files[3].Name | Should -BeExactly 'abc.eml'
        $files[4].Name | Should -BeExactly '%63on.eml'
        $files[5].Name | Should -BeExactly '%252f.eml'
        $files[6].Name | Should -BeExactly '%2e%2e.eml'
        $files | ForEach-Object { $_.DirectoryName | Should -Be (Get-Item $dir).FullName }
        for ($i = 0; $i -lt $Uids.Count; $i++) {
            Test-SameBytes (Get-ServerBytes $User ($i + 1)) ([System.IO.File]::ReadAllBytes($files[$i].FullName)) | Should -BeTrue
        }

        $null = Connect-TestPop3 $User
        try { @(Save-Pop3Message -Path $dir -SkipExisting) | Should -HaveCount 0 } finally { Disconnect-Pop3 }
    }

    It 'never maps two different UIDLs to one name' {
        $samples = @('a', 'A', 'a/b', 'a%2fb', 'a_b', 'a~b', 'a%7eb', 'CON', 'con', 'Con', '%63on', ('x' * 70), (('x' * 69) + 'y'), (('x' * 69) + 'Y'), (('x' * 80) + 'a'), (('x' * 80) + 'b'), 'é', '%c3%a9')
        $fileName = Get-CoreType Pop3.Pop3FileName
        $safe = Get-CoreType Files.SafeFileName
        $names = $samples | ForEach-Object { $fileName::For($_).ToLowerInvariant() }
        @($names | Sort-Object -Unique) | Should -HaveCount $samples.Count
        $names | ForEach-Object { $safe::From($_) | Should -BeExactly $_ }
    }
}

Describe 'Save-Pop3Message with a 20 MB message' {
    BeforeAll {
        $script:User = New-Pop3TestUser
        $random = [byte[]]::new(15MB)
        [System.Random]::new(20).NextBytes($random)
        $head = "From: big@example.com`r`nTo: you@example.com`r`nSubject: Twenty megabytes`r`nMIME-Version: 1.0`r`n" +
            "Content-Type: application/octet-stream; name=big.bin`r`nContent-Transfer-Encoding: base64`r`n`r`n"
        $script:Raw = [System.Text.Encoding]::ASCII.GetBytes($head + [Convert]::ToBase64String($random, 'InsertLineBreaks') + "`r`n")
        Add-TestMessage -Bed $Bed -User $User -Raw $Raw | Out-Null
    }

    It 'streams it to disk byte-identical while memory stays flat' {
        $Raw.Length | Should -BeGreaterThan 20MB
        $dir = Join-Path $TestDrive 'big'
        $null = Connect-TestPop3 $User
        try {
            $message = Get-Pop3Message
            [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
            $allocatedBefore = [GC]::GetTotalAllocatedBytes($true)
            $workingSetBefore = [Environment]::WorkingSet
            $file = $message | Save-Pop3Message -Path $dir
            $allocated = [GC]::GetTotalAllocatedBytes($true) - $allocatedBefore
            $workingSetGrowth = [Environment]::WorkingSet - $workingSetBefore
        }
        finally { Disconnect-Pop3 }
        Write-Host ("    20 MB save: {0:N2} MB allocated, working set {1:+0.00;-0.00} MB" -f ($allocated / 1MB), ($workingSetGrowth / 1MB))
        $file.Length | Should -Be $Raw.Length
        Test-SameBytes $Raw ([System.IO.File]::ReadAllBytes($file.FullName)) | Should -BeTrue
        $allocated | Should -BeLessThan 4MB -Because 'the body streams to disk instead of into memory'
        $workingSetGrowth | Should -BeLessThan 10MB
    }
}

Describe 'Save-Pop3Message over a connection that breaks' {
    BeforeAll {
        $script:User = New-Pop3TestUser
        # Twenty ~1 MB messages: two RETR batches (bounded at 16 MB), so the cut lands after the first
        # batch was marked with DELE.
        $script:Seed = Add-TestMessageBatch -Bed $Bed -User $User -Count 20 -SizeBytes 1000000 -AttachmentEvery 0
        $script:Uidl = Get-ServerUidl $User
        $script:Expected = @{}
        foreach ($u in $Uidl) { $Expected[$u.uidl] = Get-ServerBytes $User $u.n }
        $script:Proxy = Start-FaultProxy -TargetPort $Bed.Pop3sPort -CutAfterBytes ([long]($Seed.Bytes * 0.85))
    }
    AfterAll { if ($Proxy) { Stop-FaultProxy $Proxy } }

    It 'loses nothing: the server keeps every message, files are complete, and a re-run finishes the job' {
        $dir = Join-Path $TestDrive 'cut'
        $s = Connect-TestPop3 $User -With @{ Port = $Proxy.Port; Security = 'SslOnConnect'; TimeoutSec = 30 }
        $files = @(Save-Pop3Message -Path $dir -Delete -ErrorVariable errs -ErrorAction SilentlyContinue)
        $cut = Wait-FaultProxyEvent -Proxy $Proxy -Event cut

        # The cmdlet reported the failure, and the session knows it is gone.
        $errs | Should -HaveCount 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'SavePop3MessageConnectionLost,MailProtocols.Commands.SavePop3MessageCommand'
        $errs[0].CategoryInfo.Category | Should -Be 'ConnectionError'
        $errs[0].Exception.Message | Should -Match 'deleted nothing'
        $errs[0].Exception.Message | Should -Match '-SkipExisting'
        $errs[0].Exception.Message | Should -Not -Match 'unknown' -Because 'a POP3 connection that breaks applies nothing'
        $s.IsConnected | Should -BeFalse
        $s.State | Should -Be 'Disconnected'

        # It was cut halfway: some messages saved, some not, and DELE had already reached the server.
        $files.Count | Should -BeGreaterThan 0
        $files.Count | Should -BeLessThan $Uidl.Count
        $cut.server_bytes | Should -BeLessThan $Seed.Bytes
        Get-ServerCommandCount -User $User -Command 'DELE' | Should -BeGreaterThan 0

        # The server still holds every message.
        (Get-ServerUidl $User).uidl | Should -Be $Uidl.uidl

        # Every .eml on disk is complete and byte-identical; no temporary file is left.
        $onDisk = @(Get-ChildItem $dir -File)
        @($onDisk | Where-Object Extension -NE '.eml') | Should -HaveCount 0
        $onDisk.Count | Should -Be $files.Count
        foreach ($f in $onDisk) {
            Test-SameBytes $Expected[$f.BaseName] ([System.IO.File]::ReadAllBytes($f.FullName)) | Should -BeTrue -Because "$($f.Name) must be complete"
        }

        # The next use reconnects (the proxy lets later connections through): a new POP3 session on which
        # nothing is marked, because the server forgot the DELEs of the broken one.
        $box = Get-Pop3Mailbox -Session $s -Verbose 4>&1 | Where-Object { $_.GetType().Name -eq 'Pop3Mailbox' }
        $s.State | Should -Be 'Transaction'
        $box.Count | Should -Be $Uidl.Count
        $box.MarkedForDeletion | Should -Be 0

        # A re-run with -SkipExisting completes the job.
        try {
            $rest = @(Save-Pop3Message -Session $s -Path $dir -Delete -SkipExisting)
            $rest.Count | Should -Be ($Uidl.Count - $files.Count)
        }
        finally { $s | Disconnect-Pop3 }
        (Invoke-MailCheck -Bed $Bed -User $User -Command pop3-stat).count | Should -Be 0
        $all = @(Get-ChildItem $dir -File)
        $all | Should -HaveCount $Uidl.Count
        foreach ($u in $Uidl) {
            Test-SameBytes $Expected[$u.uidl] ([System.IO.File]::ReadAllBytes((Join-Path $dir "$($u.uidl).eml"))) | Should -BeTrue
        }
    }
}

Describe 'Save-Pop3Message in bounded pipelined batches' {
    BeforeAll {
        $script:User = New-Pop3TestUser
        $null = Add-TestMessageBatch -Bed $Bed -User $User -Count 120 -AttachmentEvery 0
    }

    It 'sends RETR in pipelined batches of at most 50, never one round trip per message' {
        $dir = Join-Path $TestDrive 'batches'
        $log = Join-Path $TestDrive 'batches.log'
        $null = Connect-TestPop3 $User -With @{ ProtocolLogPath = $log }
        try { @(Get-Pop3Message | Save-Pop3Message -Path $dir) | Should -HaveCount 120 } finally { Disconnect-Pop3 }
        Get-PipelinedRuns -LogPath $log -Command 'RETR' | Should -Be '50,50,20'
        Get-PipelinedRuns -LogPath $log -Command 'TOP' | Should -Be '100,20'
        $stats = (Get-DovecotLogoutStats -Bed $Bed -User $User -Protocol pop3)[-1]
        $stats.retr | Should -Be 120

    }
}

Describe 'Remove-Pop3Message and Reset-Pop3Session' {
    BeforeAll {
        $script:User = New-Pop3TestUser
        1..5 | ForEach-Object { Add-TestMessage -Bed $Bed -User $User -Subject "Remove me $_" } | Out-Null
        $script:Uidl = Get-ServerUidl $User
    }

    It 'is a High-impact change that supports -WhatIf' {
        $attribute = (Get-Command Remove-Pop3Message).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]
        $attribute.ConfirmImpact | Should -Be 'High'
        $attribute.SupportsShouldProcess | Should -BeTrue
    }

    It '-WhatIf deletes nothing' {
        $null = Connect-TestPop3 $User
        try {
            Get-Pop3Message | Remove-Pop3Message -WhatIf
            (Get-Pop3Mailbox).MarkedForDeletion | Should -Be 0
        }
        finally { Disconnect-Pop3 }
        (Get-ServerUidl $User).uidl | Should -Be $Uidl.uidl
        Get-ServerCommandCount -User $User -Command 'DELE' | Should -Be 0
    }

    It 'Reset-Pop3Session un-marks every deletion (RSET)' {
        $null = Connect-TestPop3 $User
        try {
            Get-Pop3Message -Index 1, 2 | Remove-Pop3Message -Confirm:$false
            (Get-Pop3Mailbox).MarkedForDeletion | Should -Be 2
            Reset-Pop3Session
            $box = Get-Pop3Mailbox
            $box.MarkedForDeletion | Should -Be 0
            $box.Count | Should -Be 5
            @(Get-Pop3Message) | Should -HaveCount 5
        }
        finally { Disconnect-Pop3 }
        (Get-ServerUidl $User).uidl | Should -Be $Uidl.uidl
        Get-ServerCommandCount -User $User -Command 'RSET' | Should -BeGreaterThan 0
    }

    It 'marks piped messages, -Index and -Uid; the server deletes exactly those at Disconnect-Pop3' {
        $null = Connect-TestPop3 $User
        try {
            Get-Pop3Message -Index 2 | Remove-Pop3Message -Confirm:$false
            Remove-Pop3Message -Index 4 -Confirm:$false
            [pscustomobject]@{ Uid = $Uidl[4].uidl } | Remove-Pop3Message -Confirm:$false
            $box = Get-Pop3Mailbox
            $box.MarkedForDeletion | Should -Be 3
            $box.Count | Should -Be 2
            (Get-Pop3Message).Index | Should -Be @(1, 3)
            # A marked message is refused, not acted on twice.
            Remove-Pop3Message -Index 2 -Confirm:$false -ErrorVariable again -ErrorAction SilentlyContinue
            $again[0].FullyQualifiedErrorId | Should -Be 'RemovePop3MessageMessageMarkedForDeletion,MailProtocols.Commands.RemovePop3MessageCommand'
            Get-Pop3Message -Index 4 -ErrorVariable hidden -ErrorAction SilentlyContinue
            $hidden[0].FullyQualifiedErrorId | Should -BeLike 'GetPop3MessageMessageMarkedForDeletion,*'
        }
        finally { Disconnect-Pop3 }
        (Get-ServerUidl $User).uidl | Should -Be @($Uidl[0].uidl, $Uidl[2].uidl)
    }
}

Describe 'POP3 session states' {
    BeforeAll {
        $script:User = New-Pop3TestUser
        1..2 | ForEach-Object { Add-TestMessage -Bed $Bed -User $User -Subject "State $_" } | Out-Null
    }

    It 'goes Transaction, then Update at Disconnect-Pop3' {
        $s = Connect-TestPop3 $User
        $s.State | Should -Be 'Transaction'
        $s | Disconnect-Pop3
        $s.State | Should -Be 'Update'
        $null = Get-Pop3Message -Session $s -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -Be 'GetPop3MessageSessionClosed,MailProtocols.Commands.GetPop3MessageCommand'
        $errs[0].Exception.Message | Should -Match 'ended with QUIT'
    }

    It 'deletes nothing when the connection drops before QUIT, says so, and reconnects with no marks' {
        $s = Connect-TestPop3 $User
        try {
            Get-Pop3Message | Remove-Pop3Message -Confirm:$false
            (Get-Pop3Mailbox).MarkedForDeletion | Should -Be 2
            $null = Invoke-DoveadmKick -Bed $Bed -User $User
            # Dovecot says "-ERR ... shutting down" and hangs up: that is a lost connection, not a refused RSET.
            Reset-Pop3Session -ErrorVariable errs -ErrorAction SilentlyContinue
            $errs | Should -HaveCount 1
            $errs[0].FullyQualifiedErrorId | Should -Be 'ResetPop3SessionConnectionLost,MailProtocols.Commands.ResetPop3SessionCommand'
            $errs[0].CategoryInfo.Category | Should -Be 'ConnectionError'
            $errs[0].Exception.Message | Should -Match 'deleted nothing'
            $s.IsConnected | Should -BeFalse
            $s.State | Should -Be 'Disconnected'
            @(Get-ServerUidl $User) | Should -HaveCount 2

            $notices = Get-Pop3Mailbox -Verbose 4>&1
            ($notices | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message | Should -Match 'reconnecting'
            $box = $notices | Where-Object { $_.GetType().Name -eq 'Pop3Mailbox' }
            $box.Count | Should -Be 2
            $box.MarkedForDeletion | Should -Be 0
            $s.State | Should -Be 'Transaction'
        }
        finally { $s | Disconnect-Pop3 }
        @(Get-ServerUidl $User) | Should -HaveCount 2
    }

    It 'refuses messages listed before a reconnect whose number now belongs to another message' {
        $user = New-Pop3TestUser
        1..3 | ForEach-Object { Add-TestMessage -Bed $Bed -User $user -Subject "Moving $_" } | Out-Null
        $uidl = Get-ServerUidl $user
        $s = Connect-TestPop3 $user
        try {
            $messages = @(Get-Pop3Message)
            # Another client deletes the first message while this session's connection is down. The next
            # read notices the drop, reconnects and repeats itself: the server now numbers the messages anew.
            $null = Invoke-DoveadmKick -Bed $Bed -User $user
            $null = Invoke-MailCheck -Bed $Bed -User $user -Command pop3-dele -Arguments 1
            (Get-Pop3Mailbox).Count | Should -Be 2
            $dir = Join-Path $TestDrive 'moved'
            $out = @($messages | Save-Pop3Message -Path $dir -Delete -ErrorVariable errs -ErrorAction SilentlyContinue)
            $out | Should -HaveCount 0
            $errs | Should -HaveCount 3
            $errs | ForEach-Object { $_.FullyQualifiedErrorId | Should -Be 'SavePop3MessageUidMismatch,MailProtocols.Commands.SavePop3MessageCommand' }
            $errs[1].Exception.Message | Should -Match 'reconnected'
            (Get-Pop3Mailbox).MarkedForDeletion | Should -Be 0
            # By UIDL, the identity, they are found again.
            $again = @($messages[1..2] | Select-Object Uid | Save-Pop3Message -Path $dir)
            $again.Name | Should -Be @("$($uidl[1].uidl).eml", "$($uidl[2].uidl).eml")
        }
        finally { $s | Disconnect-Pop3 }
        (Get-ServerUidl $user).uidl | Should -Be @($uidl[1].uidl, $uidl[2].uidl)
    }
}
