BeforeAll {
    . $PSScriptRoot/Common.ps1
    . $PSScriptRoot/ImapCommon.ps1

    function Get-ServerFlags {
        # UID -> flags array, as the independent client sees them.
        param($User, [string] $Folder = 'INBOX')
        $map = @{}
        $flags = Invoke-MailCheck -Bed $Bed -User $User -Command imap-flags -Arguments $Folder
        foreach ($f in $flags) { $map[[uint32]$f.uid] = @($f.flags) }
        $map
    }

    function Get-ServerSubjects {
        # Decoded subjects of a folder, in UID order.
        param($User, [string] $Folder = 'INBOX')
        $messages = Invoke-MailCheck -Bed $Bed -User $User -Command imap-messages -Arguments $Folder
        @($messages | ForEach-Object { ConvertFrom-EncodedWord $_.subject })
    }
}

Describe 'Set-ImapFlag' {
    BeforeAll {
        $user = New-TestUser -Bed $Bed
        1..6 | ForEach-Object { Add-TestMessage -Bed $Bed -User $user -Subject "message $_" -Flags $(if ($_ -le 2) { 'S' } else { '' }) | Out-Null }
        1..2 | ForEach-Object { Add-TestMessage -Bed $Bed -User $user -Folder 'Other' -Subject "other $_" | Out-Null }
        $log = New-ImapLogPath 'flags'
        $session = Connect-TestImap -User $user -ProtocolLogPath $log -NotDefault
    }
    AfterAll { $session | Disconnect-Imap -ErrorAction SilentlyContinue }

    It 'Connect-Imap … | Search-ImapFolder -Unread | Set-ImapFlag -Add Seen marks them read with one STORE' {
        $pipeLog = New-ImapLogPath 'pipe'
        $p = Get-TestImapParameters -User $user
        Connect-Imap @p -ProtocolLogPath $pipeLog -NotDefault | Search-ImapFolder -Unread | Set-ImapFlag -Add Seen
        $flags = Get-ServerFlags -User $user
        $flags.Keys | ForEach-Object { $flags[$_] | Should -Contain '\Seen' }
        @(Get-ImapClientCommands -Path $pipeLog | Where-Object { $_ -match '^UID STORE' }) | Should -HaveCount 1
        (Get-ImapClientCommands -Path $pipeLog | Where-Object { $_ -match '^UID STORE' }) | Should -Match '^UID STORE 3:6 \+FLAGS\.SILENT \(\\Seen\)'
        Get-MailSession -Protocol Imap | Where-Object { $_ -ne $session } | Disconnect-Imap
    }

    It 'removes flags' {
        Search-ImapFolder -Session $session -Uid 5, 6 | Set-ImapFlag -Remove Seen
        $flags = Get-ServerFlags -User $user
        $flags[[uint32]5] | Should -Not -Contain '\Seen'
        $flags[[uint32]6] | Should -Not -Contain '\Seen'
        $flags[[uint32]4] | Should -Contain '\Seen'
    }

    It 'adds several flags and a keyword, and -PassThru outputs the new state' {
        $out = @(Search-ImapFolder -Session $session -Uid 1, 2 | Set-ImapFlag -Add Flagged, Answered -Keyword 'Urgent', '$Work' -PassThru)
        $out | Should -HaveCount 2
        $out | ForEach-Object {
            $_.Flags | Should -Be 'Seen, Answered, Flagged'
            $_.Keywords | Should -Be @('$Work', 'Urgent')
        }
        $flags = Get-ServerFlags -User $user
        foreach ($uid in 1, 2) {
            $flags[[uint32]$uid] | Sort-Object | Should -Be (@('\Answered', '\Flagged', '\Seen', '$Work', 'Urgent') | Sort-Object)
        }
        $fresh = Search-ImapFolder -Session $session -Uid 1
        $fresh.Keywords | Should -Be @('$Work', 'Urgent')
    }

    It 'removes a keyword with -Remove -Keyword' {
        Set-ImapFlag -Session $session -Uid 1 -Remove Answered -Keyword 'Urgent'
        (Get-ServerFlags -User $user)[[uint32]1] | Sort-Object | Should -Be (@('\Flagged', '\Seen', '$Work') | Sort-Object)
    }

    It 'adds keywords given alone' {
        Set-ImapFlag -Session $session -Uid 3 -Keyword 'Project-X'
        (Get-ServerFlags -User $user)[[uint32]3] | Should -Contain 'Project-X'
    }

    It 'replaces flags and keywords with -Replace' {
        Set-ImapFlag -Session $session -Uid 1 -Replace Draft
        (Get-ServerFlags -User $user)[[uint32]1] | Should -Be @('\Draft')
        Set-ImapFlag -Session $session -Uid 1 -Replace None
        (Get-ServerFlags -User $user)[[uint32]1] | Should -BeNullOrEmpty
    }

    It 'changes nothing with -WhatIf' {
        $before = (Get-ServerFlags -User $user)[[uint32]4]
        Search-ImapFolder -Session $session -Uid 4 | Set-ImapFlag -Add Deleted -WhatIf
        (Get-ServerFlags -User $user)[[uint32]4] | Should -Be $before
    }

    It 'sends one STORE per folder for messages from several folders' {
        $before = Measure-ImapCommand -Path $log -Pattern 'UID STORE'
        $inbox = @(Search-ImapFolder -Session $session -Uid 5, 6)
        $other = @(Search-ImapFolder -Session $session -Folder Other)
        $inbox[0], $other[0], $inbox[1], $other[1] | Set-ImapFlag -Add Flagged
        Measure-ImapCommand -Path $log -Pattern 'UID STORE' | Should -Be ($before + 2)
        (Get-ServerFlags -User $user -Folder Other).Values | ForEach-Object { $_ | Should -Contain '\Flagged' }
        (Get-ServerFlags -User $user)[[uint32]5] | Should -Contain '\Flagged'
    }

    It 'refuses -Replace with -Add, and a call that changes nothing' {
        { Set-ImapFlag -Session $session -Uid 1 -Add Seen -Replace Draft } | Should -Throw -ErrorId 'SetImapFlagConflictingParameters*'
        { Set-ImapFlag -Session $session -Uid 1 } | Should -Throw -ErrorId 'SetImapFlagNothingToChange*'
    }
}

Describe 'Set-ImapFlag in batches' {
    BeforeAll {
        $user = New-TestUser -Bed $Bed
        Add-TestMessageBatch -Bed $Bed -User $user -Count 3000 -AttachmentEvery 0 | Out-Null
        $log = New-ImapLogPath 'store'
        $session = Connect-TestImap -User $user -ProtocolLogPath $log -NotDefault
        $unread = @(Search-ImapFolder -Session $session -Unread)
        $unread | Set-ImapFlag -Add Flagged
    }
    AfterAll { $session | Disconnect-Imap -ErrorAction SilentlyContinue }

    It 'flags 1500 scattered messages with one STORE' {
        $unread | Should -HaveCount 1500
        @(Get-ImapClientCommands -Path $log | Where-Object { $_ -match '^UID STORE' }) | Should -HaveCount 1
        $flagged = Invoke-MailCheck -Bed $Bed -User $user -Command imap-uids -Arguments INBOX, '--search', 'FLAGGED UNSEEN'
        $flagged.Count | Should -Be 1500
    }
}

Describe 'UIDVALIDITY guard' {
    BeforeAll {
        $user = New-TestUser -Bed $Bed
        Add-TestMessage -Bed $Bed -User $user -Folder 'Work' -Subject 'old work 1' | Out-Null
        Add-TestMessage -Bed $Bed -User $user -Folder 'Work' -Subject 'old work 2' | Out-Null
        $log = New-ImapLogPath 'uidvalidity'
        $session = Connect-TestImap -User $user -ProtocolLogPath $log -NotDefault
        $old = @(Search-ImapFolder -Session $session -Folder Work)
        Search-ImapFolder -Session $session -Folder INBOX | Out-Null   # leave Work
        Invoke-MailCheck -Bed $Bed -User $user -Command imap-delete -Arguments Work | Out-Null
        Invoke-MailCheck -Bed $Bed -User $user -Command imap-create -Arguments Work | Out-Null
        $file = Join-Path ([IO.Path]::GetTempPath()) "mp-new-$([guid]::NewGuid().ToString('N')).eml"
        [IO.File]::WriteAllText($file, "From: a@example.test`r`nSubject: new work`r`n`r`nnew`r`n")
        $appended = Invoke-MailCheck -Bed $Bed -User $user -Command imap-append -Arguments Work, $file
    }
    AfterAll { $session | Disconnect-Imap -ErrorAction SilentlyContinue }

    It 'the folder really got a new UIDVALIDITY and reuses UID 1' {
        $appended.uidvalidity | Should -Not -Be $old[0].UidValidity
        $appended.uid | Should -Be 1
    }

    It 'refuses to act on messages read before, and touches nothing: <Name>' -ForEach @(
        @{ Name = 'Set-ImapFlag'; Command = { $old | Set-ImapFlag -Add Flagged -ErrorVariable err -ErrorAction SilentlyContinue; $err } }
        @{ Name = 'Move-ImapMessage'; Command = { $old | Move-ImapMessage -Destination INBOX -ErrorVariable err -ErrorAction SilentlyContinue; $err } }
        @{ Name = 'Remove-ImapMessage'; Command = { $old | Remove-ImapMessage -Permanent -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue; $err } }
        @{ Name = 'Get-ImapMessage'; Command = { $old | Get-ImapMessage -Full -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null; $err } }
    ) {
        $err = & $Command
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeLike "$($Name -replace '-', '')UidValidityChanged*"
        $err[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $err[0].Exception.Message | Should -Match 'UIDVALIDITY'
        (Get-ServerFlags -User $user -Folder Work)[[uint32]1] | Should -BeNullOrEmpty
        Get-ServerSubjects -User $user -Folder Work | Should -Be @('new work')
        Measure-ImapCommand -Path $log -Pattern 'UID (STORE|MOVE|COPY|EXPUNGE)' | Should -Be 0
    }
}

Describe 'Copy-ImapMessage and Move-ImapMessage' {
    BeforeAll {
        $user = New-TestUser -Bed $Bed
        $old = (Get-Date).AddYears(-2)
        Add-TestMessage -Bed $Bed -User $user -Subject 'ancient 1' -InternalDate $old -Flags 'S' | Out-Null
        Add-TestMessage -Bed $Bed -User $user -Subject 'fresh 1' | Out-Null
        Add-TestMessage -Bed $Bed -User $user -Subject 'ancient 2' -InternalDate $old.AddDays(3) | Out-Null
        Add-TestMessage -Bed $Bed -User $user -Subject 'fresh 2' -Flags 'F' | Out-Null
        New-TestFolder -Bed $Bed -User $user -Folder 'Kunden/Müller' | Out-Null
        $log = New-ImapLogPath 'move'
        $session = Connect-TestImap -User $user -ProtocolLogPath $log
    }
    AfterAll { $session | Disconnect-Imap -ErrorAction SilentlyContinue }

    It 'copies with -PassThru: new UIDs from COPYUID, originals stay' {
        $copies = @(Search-ImapFolder -Subject fresh | Copy-ImapMessage -Destination 'Kunden/Müller' -PassThru)
        $copies | Should -HaveCount 2
        $copies.Folder | Should -Be @('Kunden/Müller', 'Kunden/Müller')
        $copies.Subject | Should -Be @('fresh 1', 'fresh 2')
        $status = Invoke-MailCheck -Bed $Bed -User $user -Command imap-status -Arguments 'Kunden/Müller'
        $copies | ForEach-Object { $_.UidValidity | Should -Be $status.uidvalidity }
        @($copies.Uid) | Should -Be (Invoke-MailCheck -Bed $Bed -User $user -Command imap-uids -Arguments 'Kunden/Müller')
        Get-ServerSubjects -User $user -Folder 'Kunden/Müller' | Should -Be @('fresh 1', 'fresh 2')
        (Get-ServerFlags -User $user -Folder 'Kunden/Müller')[$copies[1].Uid] | Should -Contain '\Flagged'
        Get-ServerSubjects -User $user | Should -Be @('ancient 1', 'fresh 1', 'ancient 2', 'fresh 2')
        # The piped-on copies act on the new place.
        $copies[0] | Set-ImapFlag -Add Answered
        (Get-ServerFlags -User $user -Folder 'Kunden/Müller')[$copies[0].Uid] | Should -Contain '\Answered'
    }

    It 'Search-ImapFolder -Before (Get-Date).AddYears(-1) | Move-ImapMessage -Destination Archive' {
        Search-ImapFolder -Before (Get-Date).AddYears(-1) | Move-ImapMessage -Destination Archive
        Get-ServerSubjects -User $user | Should -Be @('fresh 1', 'fresh 2')
        Get-ServerSubjects -User $user -Folder Archive | Should -Be @('ancient 1', 'ancient 2')
        (Get-ServerFlags -User $user -Folder Archive).Values | Where-Object { $_ -contains '\Seen' } | Should -HaveCount 1
        @(Get-ImapClientCommands -Path $log | Where-Object { $_ -match '^UID MOVE' }) | Should -HaveCount 1
        Get-ImapClientCommands -Path $log | Where-Object { $_ -match '^EXPUNGE' } | Should -BeNullOrEmpty
    }

    It 'moves by -Folder and -Uid and outputs the summaries at the new place' {
        $uid = (Invoke-MailCheck -Bed $Bed -User $user -Command imap-uids -Arguments Archive)[0]
        $moved = Move-ImapMessage -Folder Archive -Uid $uid -Destination INBOX -PassThru
        $moved.Folder | Should -Be 'INBOX'
        $moved.Subject | Should -Be 'ancient 1'
        $moved.Flags | Should -Be 'Seen'
        Get-ServerSubjects -User $user | Should -Contain 'ancient 1'
        Get-ServerSubjects -User $user -Folder Archive | Should -Not -Contain 'ancient 1'
    }

    It 'fails with ObjectNotFound for a missing destination and moves nothing' {
        Search-ImapFolder -Subject fresh | Move-ImapMessage -Destination 'Gibt/Es/Nicht' -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'MoveImapMessageFolderNotFound*'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        Get-ServerSubjects -User $user | Should -Contain 'fresh 1'
    }

    It 'reports UIDs that are not there' {
        Copy-ImapMessage -Uid 4711 -Destination Archive -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'CopyImapMessageMessageNotFound*'
    }

    It 'changes nothing with -WhatIf' {
        Search-ImapFolder -Subject fresh | Move-ImapMessage -Destination Archive -WhatIf
        Get-ServerSubjects -User $user | Should -Contain 'fresh 2'
    }
}

Describe 'Move-ImapMessage on servers without MOVE' {
    BeforeAll {
        $user = New-TestUser -Bed $Bed
        1..4 | ForEach-Object { Add-TestMessage -Bed $Bed -User $user -Subject "m$_" | Out-Null }
        # Another client marked message 4 \Deleted (and has not expunged it yet).
        Invoke-MailCheck -Bed $Bed -User $user -Command imap-store -Arguments INBOX, 4, '+FLAGS', '\Deleted' | Out-Null
        $noMove = Start-ImapCapabilityProxy -Hide MOVE
        $neither = Start-ImapCapabilityProxy -Hide MOVE, UIDPLUS
    }
    AfterAll {
        Get-MailSession -Protocol Imap | Disconnect-Imap -ErrorAction SilentlyContinue
        Stop-ImapCapabilityProxy $noMove
        Stop-ImapCapabilityProxy $neither
    }

    It 'copies, marks \Deleted and expunges exactly those UIDs with UID EXPUNGE' {
        $log = New-ImapLogPath 'nomove'
        $s = Connect-ProxiedImap -User $user -Proxy $noMove -ProtocolLogPath $log
        $s.Capabilities | Should -Not -Contain 'Move'
        $moved = @(Search-ImapFolder -Session $s -Uid 1, 2 | Move-ImapMessage -Destination Archive -PassThru)
        $moved.Subject | Should -Be @('m1', 'm2')
        Get-ServerSubjects -User $user -Folder Archive | Should -Be @('m1', 'm2')
        Get-ServerSubjects -User $user | Should -Be @('m3', 'm4')
        (Get-ServerFlags -User $user)[[uint32]4] | Should -Contain '\Deleted'
        $commands = Get-ImapClientCommands -Path $log
        $commands | Where-Object { $_ -match '^UID MOVE' } | Should -BeNullOrEmpty
        @($commands | Where-Object { $_ -match '^UID COPY 1:2 ' }) | Should -HaveCount 1
        @($commands | Where-Object { $_ -match '^UID STORE 1:2 \+FLAGS\.SILENT \(\\Deleted\)' }) | Should -HaveCount 1
        @($commands | Where-Object { $_ -match '^UID EXPUNGE 1:2' }) | Should -HaveCount 1
        $commands | Where-Object { $_ -match '^EXPUNGE' } | Should -BeNullOrEmpty
    }

    It 'without UIDPLUS either: copies, leaves the originals marked \Deleted, never expunges, and warns' {
        $log = New-ImapLogPath 'neither'
        $s = Connect-ProxiedImap -User $user -Proxy $neither -ProtocolLogPath $log
        $s.Capabilities | Should -Not -Contain 'UidPlus'
        Search-ImapFolder -Session $s -Uid 3 | Move-ImapMessage -Destination Archive -WarningVariable warn -WarningAction SilentlyContinue
        $warn | Should -Not -BeNullOrEmpty
        ($warn -join ' ') | Should -Match 'not expunged'
        Get-ServerSubjects -User $user -Folder Archive | Should -Contain 'm3'
        (Get-ServerFlags -User $user)[[uint32]3] | Should -Contain '\Deleted'
        (Get-ServerFlags -User $user)[[uint32]4] | Should -Contain '\Deleted'
        Get-ImapClientCommands -Path $log | Where-Object { $_ -match 'EXPUNGE' } | Should -BeNullOrEmpty
    }
}

Describe 'Remove-ImapMessage' {
    BeforeAll {
        $user = New-TestUser -Bed $Bed
        1..5 | ForEach-Object { Add-TestMessage -Bed $Bed -User $user -Subject "r$_" | Out-Null }
        $log = New-ImapLogPath 'remove'
        $session = Connect-TestImap -User $user -ProtocolLogPath $log -NotDefault
        $noUidPlus = Start-ImapCapabilityProxy -Hide UIDPLUS
    }
    AfterAll {
        $session | Disconnect-Imap -ErrorAction SilentlyContinue
        Stop-ImapCapabilityProxy $noUidPlus
    }

    It 'is ConfirmImpact High' {
        (Get-Command Remove-ImapMessage).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0].ConfirmImpact | Should -Be 'High'
    }

    It 'moves to the \Trash special-use folder by default' {
        Search-ImapFolder -Session $session -Subject 'r1' | Remove-ImapMessage -Confirm:$false
        Get-ServerSubjects -User $user | Should -Not -Contain 'r1'
        Get-ServerSubjects -User $user -Folder Trash | Should -Be @('r1')
    }

    It 'refuses to move Trash to Trash' {
        Search-ImapFolder -Session $session -Folder Trash | Remove-ImapMessage -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'RemoveImapMessageAlreadyInTrash*'
        Get-ServerSubjects -User $user -Folder Trash | Should -Be @('r1')
    }

    It 'deletes permanently only its own UIDs: another client''s \Deleted message survives' {
        Invoke-MailCheck -Bed $Bed -User $user -Command imap-store -Arguments INBOX, 5, '+FLAGS', '\Deleted' | Out-Null
        Search-ImapFolder -Session $session -Subject 'r2' | Remove-ImapMessage -Permanent -Confirm:$false
        Get-ServerSubjects -User $user | Should -Be @('r3', 'r4', 'r5')
        (Get-ServerFlags -User $user)[[uint32]5] | Should -Contain '\Deleted'
        Get-ServerSubjects -User $user -Folder Trash | Should -Not -Contain 'r2'
        $commands = Get-ImapClientCommands -Path $log
        @($commands | Where-Object { $_ -match '^UID EXPUNGE 2$' }) | Should -HaveCount 1
        $commands | Where-Object { $_ -match '^EXPUNGE' } | Should -BeNullOrEmpty
    }

    It 'removes nothing with -WhatIf' {
        Search-ImapFolder -Session $session -Subject 'r3' | Remove-ImapMessage -Permanent -WhatIf
        Get-ServerSubjects -User $user | Should -Contain 'r3'
    }

    It 'refuses -Permanent without UIDPLUS and changes nothing' {
        $proxyLog = New-ImapLogPath 'nouidplus'
        $s = Connect-ProxiedImap -User $user -Proxy $noUidPlus -ProtocolLogPath $proxyLog
        $before = Get-ServerFlags -User $user
        Search-ImapFolder -Session $s -Subject 'r3' | Remove-ImapMessage -Permanent -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
        $s | Disconnect-Imap
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'RemoveImapMessageUidPlusRequired*'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        Get-ServerSubjects -User $user | Should -Be @('r3', 'r4', 'r5')
        (Get-ServerFlags -User $user)[[uint32]3] | Should -Be $before[[uint32]3]
        Get-ImapClientCommands -Path $proxyLog | Where-Object { $_ -match '^(UID )?(STORE|EXPUNGE)' } | Should -BeNullOrEmpty
    }
}

Describe 'Add-ImapMessage' {
    BeforeAll {
        $user = New-TestUser -Bed $Bed
        $other = New-TestUser -Bed $Bed
        $dir = Join-Path ([IO.Path]::GetTempPath()) "mp-add-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
        New-Item -ItemType Directory $dir | Out-Null
        foreach ($i in 1..3) {
            $text = "From: Sender $i <s$i@example.test>`r`nTo: r@example.test`r`nSubject: file $i`r`nDate: Mon, 1 Jan 2024 10:0${i}:00 +0000`r`nMessage-ID: <file-$i@example.test>`r`nMIME-Version: 1.0`r`nContent-Type: text/plain; charset=utf-8`r`n`r`nBody $i with ümlaut`r`n"
            [IO.File]::WriteAllBytes((Join-Path $dir "m$i.eml"), [Text.Encoding]::UTF8.GetBytes($text))
        }
        New-TestFolder -Bed $Bed -User $user -Folder 'Eingang/Übertrag' | Out-Null
        $log = New-ImapLogPath 'append'
        $session = Connect-TestImap -User $user -ProtocolLogPath $log -NotDefault
    }
    AfterAll {
        Get-MailSession -Protocol Imap | Disconnect-Imap -ErrorAction SilentlyContinue
        Remove-Item -Recurse -Force $dir -ErrorAction SilentlyContinue
    }

    It 'appends a file with flags, keyword and date, and outputs it with its APPENDUID' {
        $date = [datetimeoffset]'2023-03-04T05:06:07+00:00'
        $added = Add-ImapMessage -Session $session -Folder 'Eingang/Übertrag' -Path (Join-Path $dir 'm1.eml') -Flag Seen, Flagged -Keyword 'Imported' -Date $date
        $added.GetType().FullName | Should -Be 'MailProtocols.ImapMessage'
        $added.Folder | Should -Be 'Eingang/Übertrag'
        $added.Subject | Should -Be 'file 1'
        $server = Invoke-MailCheck -Bed $Bed -User $user -Command imap-messages -Arguments 'Eingang/Übertrag'
        $added.Uid | Should -Be $server[0].uid
        $added.UidValidity | Should -Be (Invoke-MailCheck -Bed $Bed -User $user -Command imap-status -Arguments 'Eingang/Übertrag').uidvalidity
        $added.Size | Should -Be $server[0].size
        @($server[0].flags) | Where-Object { $_ -ne '\Recent' } | Sort-Object | Should -Be (@('Imported', '\Flagged', '\Seen') | Sort-Object)
        [datetimeoffset]::Parse($server[0].internaldate).ToUnixTimeSeconds() | Should -Be $date.ToUnixTimeSeconds()
        $fetched = Invoke-MailCheck -Bed $Bed -User $user -Command imap-fetch -Arguments 'Eingang/Übertrag', $added.Uid
        [Convert]::ToBase64String($fetched.Bytes) | Should -Be ([Convert]::ToBase64String([IO.File]::ReadAllBytes((Join-Path $dir 'm1.eml'))))
    }

    It 'appends files piped from Get-ChildItem with one APPEND command' {
        $before = Measure-ImapCommand -Path $log -Pattern 'APPEND'
        $added = @(Get-ChildItem $dir -Filter *.eml | Add-ImapMessage -Session $session -Folder INBOX)
        $added.Subject | Should -Be @('file 1', 'file 2', 'file 3')
        @($added.Uid) | Should -Be (Invoke-MailCheck -Bed $Bed -User $user -Command imap-uids -Arguments INBOX)
        Measure-ImapCommand -Path $log -Pattern 'APPEND' | Should -Be ($before + 1)
        $session.Capabilities | Should -Contain 'MultiAppend'
    }

    It 'appends by wildcard -Path' {
        $added = @(Add-ImapMessage -Session $session -Folder Archive -Path (Join-Path $dir 'm[23].eml'))
        $added.Subject | Should -Be @('file 2', 'file 3')
        Get-ServerSubjects -User $user -Folder Archive | Should -Be @('file 2', 'file 3')
    }

    It 'copies messages to another account, keeping flags and delivery date' {
        $target = Connect-TestImap -User $other -NotDefault
        $source = @(Search-ImapFolder -Session $session -Folder 'Eingang/Übertrag')
        $copied = @($source | Add-ImapMessage -Folder INBOX -Session $target)
        $copied | Should -HaveCount 1
        $copied[0].Session | Should -Be $target
        $server = Invoke-MailCheck -Bed $Bed -User $other -Command imap-messages -Arguments INBOX
        @($server[0].flags) | Where-Object { $_ -ne '\Recent' } | Sort-Object | Should -Be (@('Imported', '\Flagged', '\Seen') | Sort-Object)
        $server[0].internaldate | Should -Be (Invoke-MailCheck -Bed $Bed -User $user -Command imap-messages -Arguments 'Eingang/Übertrag')[0].internaldate
        $a = Invoke-MailCheck -Bed $Bed -User $other -Command imap-fetch -Arguments INBOX, $server[0].uid
        $b = Invoke-MailCheck -Bed $Bed -User $user -Command imap-fetch -Arguments 'Eingang/Übertrag', $source[0].Uid
        $a.data_b64 | Should -Be $b.data_b64
    }

    It 'appends parsed messages from Get-ImapMessage -Full' {
        $full = Get-ImapMessage -Session $session -Folder INBOX -Uid 1 -Full
        $added = $full | Add-ImapMessage -Session $session -Folder Drafts -Flag Draft
        $added.Flags | Should -Be 'Draft'
        Get-ServerSubjects -User $user -Folder Drafts | Should -Be @('file 1')
    }

    It 'reports a missing file and a missing folder' {
        Add-ImapMessage -Session $session -Folder INBOX -LiteralPath (Join-Path $dir 'nope.eml') -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AddImapMessageFileNotFound*'
        Add-ImapMessage -Session $session -Folder 'Nicht/Da' -Path (Join-Path $dir 'm1.eml') -ErrorVariable err2 -ErrorAction SilentlyContinue
        $err2[0].FullyQualifiedErrorId | Should -BeLike 'AddImapMessageFolderNotFound*'
        $err2[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}
