BeforeAll {
    . $PSScriptRoot/Common.ps1
    . $PSScriptRoot/ImapCommon.ps1
    . $PSScriptRoot/ImapLiveCommon.ps1

    # "Another client": waits until the watch has issued -IdleCount IDLEs (it is then really waiting),
    # then runs -Action and returns when it finished (UTC).
    $script:OtherClient = {
        param($testBedModule, $bed, $user, $log, $pattern, $count, $action, $actionArgs)
        Import-Module $testBedModule
        $deadline = [DateTime]::UtcNow.AddSeconds(30)
        while ($true) {
            $text = if (Test-Path $log) { $s = [System.IO.File]::Open($log, 'Open', 'Read', 'ReadWrite'); try { [System.IO.StreamReader]::new($s).ReadToEnd() } finally { $s.Dispose() } } else { '' }
            if ([regex]::Matches($text, $pattern).Count -ge $count) { break }
            if ([DateTime]::UtcNow -gt $deadline) { throw "the watch never reached '$pattern' x$count" }
            Start-Sleep -Milliseconds 25
        }
        & ([scriptblock]::Create($action)) $bed $user @actionArgs
        [DateTime]::UtcNow
    }

    function Start-OtherClient {
        param($User, [string] $Log, [string] $Action, [object[]] $ActionArgs = @(), [string] $Pattern = 'S: \+ idling', [int] $Count = 1)
        Start-Background -ScriptBlock $script:OtherClient -ArgumentList @($script:TestBedModule, $script:Bed, $User, $Log, $Pattern, $Count, $Action, $ActionArgs)
    }

    $script:Append = 'param($bed, $user, $file) Invoke-MailCheck -Bed $bed -User $user -Command imap-append -Arguments INBOX, $file | Out-Null'
}

Describe 'Watch-ImapFolder with IDLE' {
    BeforeAll {
        $user = New-TestUser -Bed $Bed
        Add-TestMessageBatch -Bed $Bed -User $user -Count 5 | Out-Null
        $log = New-ImapLogPath 'watch'
        $session = Connect-TestImap -User $user -ProtocolLogPath $log -NotDefault
    }
    AfterAll { $session | Disconnect-Imap -ErrorAction SilentlyContinue }

    It 'emits a message appended by another client within a few seconds, and Select-Object -First 1 ends the watch' {
        $idles = [regex]::Matches((Read-SharedText $log), 'S: \+ idling').Count
        $other = Start-OtherClient -User $user -Log $log -Count ($idles + 1) -Action $Append -ActionArgs (New-RawMessageFile -Subject 'Arrived during the watch')
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $message = Watch-ImapFolder -Session $session -TimeoutSec 60 | Select-Object -First 1
        $received = [DateTime]::UtcNow
        $clock.Stop()
        $appended = Receive-Background $other

        $message | Should -BeOfType MailProtocols.ImapMessage
        $message.Subject | Should -Be 'Arrived during the watch'
        $message.Uid | Should -Be 6
        ($received - $appended).TotalSeconds | Should -BeLessThan 5 -Because 'the server announces the message during IDLE'
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 30 -Because 'Select-Object -First 1 stops the watch long before its timeout'
    }

    It 'ended the IDLE with DONE and left the session selected and usable' {
        $text = Read-SharedText $log
        $last = $text.LastIndexOf('S: + idling')
        $text.Substring($last) | Should -Match 'C: DONE'
        $text.Substring($last) | Should -Match 'OK Idle completed'
        $session.State | Should -Be 'Selected'
        @(Search-ImapFolder -Session $session -Subject 'Arrived during the watch').Count | Should -Be 1
    }

    It 'emits the same summary shape as Search-ImapFolder' {
        $other = Start-OtherClient -User $user -Log $log -Count ([regex]::Matches((Read-SharedText $log), 'S: \+ idling').Count + 1) -Action $Append -ActionArgs (New-RawMessageFile -Subject 'Shape check')
        $watched = Watch-ImapFolder -Session $session -TimeoutSec 60 | Select-Object -First 1
        $null = Receive-Background $other
        $searched = Search-ImapFolder -Session $session -Uid $watched.Uid -IncludeStructure
        foreach ($property in 'Uid', 'Folder', 'UidValidity', 'Subject', 'From', 'To', 'MessageId', 'Size', 'Flags', 'InternalDate', 'HasAttachments') {
            $watched.$property | Should -Be $searched.$property -Because "$property must match"
        }
        $watched.Session | Should -Be $session
        # Summaries come from one UID FETCH of the new UIDs, without bodies.
        @(Get-ImapClientCommands -Path $log | Where-Object { $_ -match "^UID FETCH $($watched.Uid):\* \(.*ENVELOPE" }).Count | Should -Be 1
        @(Get-ImapClientCommands -Path $log | Where-Object { $_ -match 'BODY\.PEEK\[\]' }).Count | Should -Be 0
    }

    It 'lets downstream commands use the same session while it watches (documented example)' {
        $dir = New-TestDirectory 'watch-save'
        $action = 'param($bed, $user, $one, $two) foreach ($file in $one, $two) { Invoke-MailCheck -Bed $bed -User $user -Command imap-append -Arguments INBOX, $file | Out-Null }'
        $other = Start-OtherClient -User $user -Log $log -Count ([regex]::Matches((Read-SharedText $log), 'S: \+ idling').Count + 1) -Action $action `
            -ActionArgs (New-RawMessageFile -Subject 'Saved one'), (New-RawMessageFile -Subject 'Saved two')
        $seen = @(Watch-ImapFolder -Session $session -TimeoutSec 60 |
                ForEach-Object { $_ | Save-ImapMessage -Session $session -Path $dir | Out-Null; $_ } |
                Select-Object -First 2)
        $null = Receive-Background $other
        $seen.Subject | Should -Be @('Saved one', 'Saved two')
        $files = @(Get-ChildItem $dir -Filter *.eml)
        $files.Count | Should -Be 2
        foreach ($message in $seen) {
            $file = $files | Where-Object { (Get-Content -Raw $_.FullName) -match [regex]::Escape("Subject: $($message.Subject)") }
            [System.IO.File]::ReadAllBytes($file.FullName) | Should -Be (Invoke-MailCheck -Bed $Bed -User $user -Command imap-fetch -Arguments INBOX, $message.Uid).Bytes
        }
    }

    It 'stops at -TimeoutSec with DONE when nothing arrives' {
        $before = [regex]::Matches((Read-SharedText $log), 'C: DONE').Count
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $output = @(Watch-ImapFolder -Session $session -TimeoutSec 2)
        $clock.Elapsed.TotalSeconds | Should -BeGreaterOrEqual 1.9
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 10
        $output.Count | Should -Be 0
        [regex]::Matches((Read-SharedText $log), 'C: DONE').Count | Should -Be ($before + 1)
        $session.State | Should -Be 'Selected'
    }

    It 'reports flag changes and expunges by other clients with -IncludeChanges' {
        $action = 'param($bed, $user) Invoke-MailCheck -Bed $bed -User $user -Command imap-store -Arguments INBOX, 2, "+FLAGS", "\Flagged" | Out-Null; Invoke-MailCheck -Bed $bed -User $user -Command imap-store -Arguments INBOX, 3, "+FLAGS", "\Deleted" | Out-Null; Invoke-MailCheck -Bed $bed -User $user -Command imap-expunge -Arguments INBOX | Out-Null'
        $other = Start-OtherClient -User $user -Log $log -Count ([regex]::Matches((Read-SharedText $log), 'S: \+ idling').Count + 1) -Action $action
        $changes = @(Watch-ImapFolder -Session $session -IncludeChanges -TimeoutSec 60 |
                Where-Object { $_.ChangeType -eq 'Expunged' -or ($_.ChangeType -eq 'FlagsChanged' -and $_.Uid -eq 2) } |
                Select-Object -First 2)
        $null = Receive-Background $other

        $changes | ForEach-Object { $_ | Should -BeOfType MailProtocols.ImapMessageChange }
        $flag = $changes | Where-Object ChangeType -eq 'FlagsChanged'
        $flag.Uid | Should -Be 2
        $flag.Flags.ToString() | Should -Match 'Flagged'
        $flag.Folder | Should -Be 'INBOX'
        $flag.UidValidity | Should -BeGreaterThan 0
        ($changes | Where-Object ChangeType -eq 'Expunged').Uid | Should -Be 3
        ($changes | Out-String) | Should -Match 'FlagsChanged'
        ($changes | Out-String) | Should -Match 'Expunged'
    }

    It 'issues IDLE again when the restart interval passes (9 minutes; shortened here)' {
        $watcher = Get-CoreType Imap.ImapFolderWatcher
        $property = $watcher.GetProperty('IdleRestartInterval', [Reflection.BindingFlags]'NonPublic, Static')
        $property.GetValue($null) | Should -Be ([timespan]::FromMinutes(9))
        $property.SetValue($null, [timespan]::FromSeconds(1))
        try {
            $before = @(Get-ImapClientCommands -Path $log | Where-Object { $_ -eq 'IDLE' }).Count
            $other = Start-OtherClient -User $user -Log $log -Count ([regex]::Matches((Read-SharedText $log), 'S: \+ idling').Count + 3) -Action $Append -ActionArgs (New-RawMessageFile -Subject 'After three IDLEs')
            $message = Watch-ImapFolder -Session $session -TimeoutSec 60 | Select-Object -First 1
            $null = Receive-Background $other
        }
        finally { $property.SetValue($null, [timespan]::FromMinutes(9)) }
        $message.Subject | Should -Be 'After three IDLEs'
        $idles = @(Get-ImapClientCommands -Path $log | Where-Object { $_ -eq 'IDLE' }).Count - $before
        $idles | Should -BeGreaterOrEqual 3
    }

    It 'stops on Ctrl+C (StopProcessing) with DONE' {
        $childLog = New-ImapLogPath 'watch-stop'
        $job = Start-Background -ArgumentList $env:MAILPROTOCOLS_MODULE, (Get-TestImapParameters -User $user), $childLog -ScriptBlock {
            param($module, $connect, $log)
            Import-Module $module
            $null = Connect-Imap @connect -ProtocolLogPath $log
            Watch-ImapFolder
        }
        $null = Wait-LogMatch -Path $childLog -Pattern 'S: \+ idling'
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $job.PowerShell.Stop()
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 5
        $job.PowerShell.Dispose()
        $null = Wait-LogMatch -Path $childLog -Pattern 'OK Idle completed' -TimeoutSec 5
        $text = Read-SharedText $childLog
        $text.Substring($text.LastIndexOf('S: + idling')) | Should -Match 'C: DONE'
    }

    It 'shows a waiting status with the time left, gone (Completed) when a message arrives' {
        $childLog = New-ImapLogPath 'watch-progress'
        $job = Start-Background -ArgumentList $env:MAILPROTOCOLS_MODULE, (Get-TestImapParameters -User $user), $childLog -ScriptBlock {
            param($module, $connect, $log)
            Import-Module $module
            $null = Connect-Imap @connect -ProtocolLogPath $log
            Watch-ImapFolder -TimeoutSec 300 | ForEach-Object { Write-Information "got $($_.Subject)" }
        }
        try {
            $progress = $job.PowerShell.Streams.Progress
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            while ($progress.Count -eq 0 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 25 }
            $first = $progress[0]
            $first.Activity | Should -Be 'Watch-ImapFolder'
            $first.StatusDescription | Should -Match '^waiting for new mail in INBOX, [45]:\d\d left$'
            $first.SecondsRemaining | Should -BeGreaterThan 240
            $first.RecordType | Should -Be 'Processing'
            $null = Wait-LogMatch -Path $childLog -Pattern 'S: \+ idling'

            Invoke-MailCheck -Bed $Bed -User $user -Command imap-append -Arguments INBOX, (New-RawMessageFile -Subject 'Ends the wait') | Out-Null
            # Completed when the message came out, then waiting again.
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            do {
                $types = @($progress | ForEach-Object { "$($_.RecordType)" })
                $completed = [array]::IndexOf($types, 'Completed')
                $again = $completed -ge 0 -and $types.Count -gt $completed + 1
                if (-not $again) { Start-Sleep -Milliseconds 25 }
            } until ($again -or [DateTime]::UtcNow -gt $deadline)
            $again | Should -BeTrue -Because "the records were: $($types -join ', ')"
            @($job.PowerShell.Streams.Information | ForEach-Object { "$($_.MessageData)" }) | Should -Contain 'got Ends the wait'
            $progress[$completed + 1].StatusDescription | Should -Match '^waiting for new mail in INBOX, [0-4]:\d\d left$'
            @($progress | Select-Object -Skip 1 | Where-Object RecordType -EQ 'Processing' | Where-Object StatusDescription -NE $first.StatusDescription) |
                Should -Not -BeNullOrEmpty -Because 'the time left counts down'
        }
        finally {
            $job.PowerShell.Stop()
            $job.PowerShell.Dispose()
        }
    }

    It 'reports a missing folder as FolderNotFound' {
        $err = { Watch-ImapFolder -Session $session -Folder 'No/Such/Folder' -TimeoutSec 1 -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'WatchImapFolderFolderNotFound,MailProtocols.Commands.WatchImapFolderCommand'
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}

Describe 'Watch-ImapFolder when the server drops the connection' {
    BeforeAll {
        $user = New-TestUser -Bed $Bed
        Add-TestMessageBatch -Bed $Bed -User $user -Count 3 | Out-Null
        $log = New-ImapLogPath 'watch-kick'
        $session = Connect-TestImap -User $user -ProtocolLogPath $log -NotDefault
    }
    AfterAll { $session | Disconnect-Imap -ErrorAction SilentlyContinue }

    It 'survives doveadm kick: warns, reconnects with the session credential, and emits what arrived meanwhile' {
        # The kick ends the IDLE; the message is appended right after, possibly before the watch is back.
        $action = 'param($bed, $user, $file) Invoke-DoveadmKick -Bed $bed -User $user -NoWait | Out-Null; Invoke-MailCheck -Bed $bed -User $user -Command imap-append -Arguments INBOX, $file | Out-Null'
        $other = Start-OtherClient -User $user -Log $log -Action $action -ActionArgs (New-RawMessageFile -Subject 'Sent while kicked')
        $message = Watch-ImapFolder -Session $session -TimeoutSec 60 -WarningVariable warnings -WarningAction SilentlyContinue | Select-Object -First 1
        $null = Receive-Background $other

        $message.Subject | Should -Be 'Sent while kicked'
        ($warnings -join ' ') | Should -Match 'connection .* was lost while watching'
        @(Get-ImapClientCommands -Path $log | Where-Object { $_ -match '^AUTHENTICATE' }).Count | Should -Be 2
        $session.IsConnected | Should -BeTrue
        @(Search-ImapFolder -Session $session).Count | Should -Be 4
    }

    It 'keeps watching after a kick and still emits later messages' {
        $action = 'param($bed, $user) Invoke-DoveadmKick -Bed $bed -User $user -NoWait | Out-Null'
        $idles = [regex]::Matches((Read-SharedText $log), 'S: \+ idling').Count
        $logins = @(Get-ImapClientCommands -Path $log | Where-Object { $_ -match '^AUTHENTICATE' }).Count
        # Kick during the first IDLE; append once the watch has logged in again and idles once more.
        $kick = Start-OtherClient -User $user -Log $log -Count ($idles + 1) -Action $action
        $other = Start-OtherClient -User $user -Log $log -Count ($idles + 2) -Action $Append -ActionArgs (New-RawMessageFile -Subject 'After the reconnect')
        $message = Watch-ImapFolder -Session $session -TimeoutSec 60 -WarningAction SilentlyContinue | Where-Object Subject -eq 'After the reconnect' | Select-Object -First 1
        $null = Receive-Background $kick
        $null = Receive-Background $other
        $message.Subject | Should -Be 'After the reconnect'
        @(Get-ImapClientCommands -Path $log | Where-Object { $_ -match '^AUTHENTICATE' }).Count | Should -Be ($logins + 1)
    }
}

Describe 'Watch-ImapFolder without IDLE' {
    BeforeAll {
        $user = New-TestUser -Bed $Bed
        Add-TestMessageBatch -Bed $Bed -User $user -Count 2 | Out-Null
        $proxy = Start-ImapCapabilityProxy -Hide IDLE
        $log = New-ImapLogPath 'watch-noop'
        $session = Connect-ProxiedImap -User $user -Proxy $proxy -ProtocolLogPath $log
    }
    AfterAll {
        $session | Disconnect-Imap -ErrorAction SilentlyContinue
        Stop-ImapCapabilityProxy $proxy
    }

    It 'polls with NOOP and emits a message appended by another client' {
        $session.Capabilities | Should -Not -Contain 'Idle'
        $other = Start-OtherClient -User $user -Log $log -Pattern 'C: [A-Z]\d+ NOOP' -Action $Append -ActionArgs (New-RawMessageFile -Subject 'Found by polling')
        $verbose = [System.Collections.Generic.List[string]]::new()
        $message = Watch-ImapFolder -Session $session -PollIntervalSec 1 -TimeoutSec 60 -Verbose 4>&1 |
            ForEach-Object { if ($_ -is [System.Management.Automation.VerboseRecord]) { $verbose.Add($_.Message) } else { $_ } } |
            Select-Object -First 1
        $appended = try { Receive-Background $other } catch { Write-Host (Read-SharedText $log); throw }
        $message.Subject | Should -Be 'Found by polling'
        ([DateTime]::UtcNow - $appended).TotalSeconds | Should -BeLessThan 5
        ($verbose -join ' ') | Should -Match 'does not offer IDLE'
        $commands = Get-ImapClientCommands -Path $log
        @($commands | Where-Object { $_ -eq 'IDLE' }).Count | Should -Be 0
        @($commands | Where-Object { $_ -eq 'NOOP' }).Count | Should -BeGreaterOrEqual 1
    }

    It 'with -IncludeChanges outputs a flag change and a new message in the order they happened, in one table' {
        # A flag change, then a new message, both right after one poll: they come back together in the next NOOP answer
        # (8 s later, time enough for the other client's two commands).
        $action = 'param($bed, $user, $file) Invoke-MailCheck -Bed $bed -User $user -Command imap-store -Arguments INBOX, 1, "+FLAGS", "\Flagged" | Out-Null; Invoke-MailCheck -Bed $bed -User $user -Command imap-append -Arguments INBOX, $file | Out-Null'
        $noops = [regex]::Matches((Read-SharedText $log), 'C: [A-Z]\d+ NOOP').Count
        $other = Start-OtherClient -User $user -Log $log -Pattern 'C: [A-Z]\d+ NOOP' -Count ($noops + 1) -Action $action -ActionArgs (New-RawMessageFile -Subject 'After the flag')
        $events = @(Watch-ImapFolder -Session $session -IncludeChanges -PollIntervalSec 8 -TimeoutSec 60 | Select-Object -First 2)
        $null = Receive-Background $other

        $events | Should -HaveCount 2
        $events[0].ChangeType | Should -Be 'FlagsChanged'
        $events[0].Uid | Should -Be 1
        $events[1] | Should -BeOfType MailProtocols.ImapMessage
        $events[1].Subject | Should -Be 'After the flag'
        $events[1].InternalDate | Should -BeLessOrEqual $events[0].Time.AddSeconds(1) -Because 'the message was there when the flag change was reported: both came with one poll'
        $text = $events | Out-String -Width 120
        [regex]::Matches($text, 'Time\s+Change\s+Uid\s+Flags\s+Details') | Should -HaveCount 1 -Because "one table:`n$text"
        $text | Should -Match '\d\d:\d\d:\d\d FlagsChanged\s+1 S?-?-?F'
        $text | Should -Match '\d\d:\d\d:\d\d New\s+\d+ -----\s+"?Other Client"? <other@example.test>: After the flag'
    }
}
