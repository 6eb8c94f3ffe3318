# Two-way Sync-ImapFolder (issue 16) under faults and at scale: a connection cut during each phase (through
# tests/TestBed/faultproxy.py), after which a re-run finishes the job exactly once; 1,000 local flag changes in a
# 10,000-message folder pushed with a handful of UID STORE commands; servers without CONDSTORE (the Exchange
# profile) and with folders below INBOX. (the InboxPrefix profile).

BeforeAll {
    . $PSScriptRoot/Common.ps1
    . $PSScriptRoot/ImapCommon.ps1
    . $PSScriptRoot/ImapLiveCommon.ps1
    . $PSScriptRoot/ImapTwoWayCommon.ps1
    Import-Module (Join-Path $PSScriptRoot 'TestBed/FaultProxy.psm1') -Force

    function Connect-ThroughProxy {
        # A plaintext session through the proxy (the proxy reads the commands; -Security None warns, expected here).
        param([Parameter(Mandatory)] $User, [Parameter(Mandatory)] $Proxy, [string] $ProtocolLogPath)
        $p = @{ Server = '127.0.0.1'; Port = $Proxy.Port; Credential = $User.Credential; Security = 'None'; TimeoutSec = 15; NotDefault = $true }
        if ($ProtocolLogPath) { $p.ProtocolLogPath = $ProtocolLogPath }
        Connect-Imap @p -WarningAction SilentlyContinue
    }

    function New-TwoWayCopy {
        # A user with -Count messages, synced two-way once into a fresh directory; returns user and directory.
        param([int] $Count = 4, [string] $Prefix = 'f')
        $user = New-TestUser -Bed $Bed
        Add-ServerMessages -User $user -Count $Count -Prefix $Prefix
        $s = Connect-TestImap -User $user -NotDefault
        $dest = New-TestDirectory 'fault'
        try { $null = Sync-ImapFolder -Session $s -Destination $dest -Direction Both }
        finally { $s | Disconnect-Imap -ErrorAction SilentlyContinue }
        [pscustomobject]@{ User = $user; Dest = $dest }
    }

    function Invoke-CutThenRerun {
        # One Both run through a proxy that cuts at -Command (with -With's switches). A cut command the engine may repeat
        # (FETCH, STORE, EXPUNGE of given UIDs) is retried on a new connection and the run succeeds; a cut APPEND fails the
        # folder with ConnectionLost. Either way a second run on the same session follows. Returns the second run's result.
        param([Parameter(Mandatory)] $Copy, [Parameter(Mandatory)] [string] $Command, [hashtable] $With = @{}, [switch] $Expunge, [switch] $Fails)
        $p = @{ TargetPort = $Bed.ImapPort; CutAfterCommand = $Command }
        foreach ($k in $With.Keys) { $p[$k] = $With[$k] }
        $proxy = Start-FaultProxy @p
        $s = Connect-ThroughProxy $Copy.User $proxy
        try {
            $first = Sync-ImapFolder -Session $s -Destination $Copy.Dest -Direction Both -Expunge:$Expunge -ErrorVariable errs -ErrorAction SilentlyContinue
            @(Get-FaultProxyEvent $proxy | Where-Object event -EQ cut) | Should -HaveCount 1
            if ($Fails) {
                @($errs) | Should -HaveCount 1
                $errs[0].FullyQualifiedErrorId | Should -BeLike 'SyncImapFolderConnectionLost,*'
            }
            else {
                @($errs) | Should -HaveCount 0 -Because 'a command that can be repeated safely is retried on a new connection'
                $script:FirstRun = $first
            }
            Sync-ImapFolder -Session $s -Destination $Copy.Dest -Direction Both -Expunge:$Expunge
        }
        finally { $s | Disconnect-Imap -ErrorAction SilentlyContinue; Stop-FaultProxy $proxy }
    }

    function Get-MessageIdCounts {
        # Message-ID -> how many messages carry it, on the server.
        param([Parameter(Mandatory)] $User, [string] $Folder = 'INBOX')
        $counts = @{}
        $messages = Invoke-MailCheck -Bed $Bed -User $User -Command imap-messages -Arguments $Folder, '--uids', '1:*'
        foreach ($m in $messages) { $id = $m.message_id.Trim('<', '>'); $counts[$id] = 1 + [int]$counts[$id] }
        $counts
    }
}

Describe 'Two-way Sync-ImapFolder when the connection breaks' {
    It 'cut after the server stored an APPEND but before its OK: the re-run finds the message by Message-ID and does not append it again' {
        $copy = New-TwoWayCopy
        $null = New-LocalMessage -Directory $copy.Dest -MessageId 'once@test' -Letters 'S'
        $rerun = Invoke-CutThenRerun -Copy $copy -Command '^\S+ APPEND ' -With @{ BeforeCompletion = $true } -Fails
        $rerun.Appended | Should -Be 0
        (Get-MessageIdCounts $copy.User)['once@test'] | Should -Be 1
        $local = @(Get-ChildItem -LiteralPath (Join-Path $copy.Dest 'cur'), (Join-Path $copy.Dest 'new') -File | Where-Object { (Get-MessageIdOfFile $_.FullName) -eq 'once@test' })
        $local | Should -HaveCount 1
        $local[0].Name | Should -Match '\.mailprotocols,S=\d+:2,S$'
        (Get-ServerFlagState -User $copy.User)['once@test'] | Should -Be 'S'
    }

    It 'cut before the APPEND reaches the server: the re-run appends it, once' {
        $copy = New-TwoWayCopy
        $null = New-LocalMessage -Directory $copy.Dest -MessageId 'late@test'
        $rerun = Invoke-CutThenRerun -Copy $copy -Command '^\S+ APPEND ' -With @{ BeforeCommand = $true } -Fails
        $rerun.Appended | Should -Be 1
        (Get-MessageIdCounts $copy.User)['late@test'] | Should -Be 1
    }

    It 'cut before a UID STORE: the command is repeated on a new connection, the flags are pushed once, and the server''s own change comes down' {
        $copy = New-TwoWayCopy
        Set-LocalLetters -Directory $copy.Dest -MessageId 'f-1@test' -Letters 'S'
        Set-LocalLetters -Directory $copy.Dest -MessageId 'f-2@test' -Letters 'F'
        Set-ServerFlags -User $copy.User -MessageId 'f-3@test' -Flags '\Answered'
        $rerun = Invoke-CutThenRerun -Copy $copy -Command '^\S+ UID STORE ' -With @{ CommandCount = 2; BeforeCommand = $true }
        $script:FirstRun.FlagsPushed | Should -Be 2
        $rerun.FlagsPushed + $rerun.FlagsUpdated | Should -Be 0
        $server = Get-ServerFlagState -User $copy.User
        $local = Get-LocalFlagState $copy.Dest
        foreach ($id in 'f-1@test', 'f-2@test', 'f-3@test', 'f-4@test') { $local[$id] | Should -Be $server[$id] -Because $id }
        $server['f-1@test'] | Should -Be 'S'
        $server['f-2@test'] | Should -Be 'F'
        $server['f-3@test'] | Should -Be 'R'
    }

    It 'cut after the server marked local deletions \Deleted but before its OK: repeated, no conflict, and -Expunge removes them' {
        $copy = New-TwoWayCopy
        Remove-LocalMessage -Directory $copy.Dest -MessageId 'f-2@test'
        $rerun = Invoke-CutThenRerun -Copy $copy -Command '^\S+ UID STORE .*\\Deleted' -With @{ BeforeCompletion = $true } -Expunge
        $script:FirstRun.Conflicts + $rerun.Conflicts | Should -Be 0
        $script:FirstRun.Expunged | Should -Be 1
        $rerun.New | Should -Be 0
        $server = Get-ServerFlagState -User $copy.User
        $server.ContainsKey('f-2@test') | Should -BeFalse
        $server.Keys.Count | Should -Be 3
        (Get-LocalFlagState $copy.Dest).Keys.Count | Should -Be 3
    }

    It 'cut after UID EXPUNGE but before its OK: repeated harmlessly; the next run has nothing to do and downloads nothing again' {
        $copy = New-TwoWayCopy
        Remove-LocalMessage -Directory $copy.Dest -MessageId 'f-4@test'
        $rerun = Invoke-CutThenRerun -Copy $copy -Command '^\S+ UID EXPUNGE ' -With @{ BeforeCompletion = $true } -Expunge
        $script:FirstRun.Expunged | Should -Be 1
        $rerun.New + $rerun.Expunged | Should -Be 0
        (Get-ServerFlagState -User $copy.User).ContainsKey('f-4@test') | Should -BeFalse
        (Get-LocalFlagState $copy.Dest).ContainsKey('f-4@test') | Should -BeFalse
    }

    It 'cut while downloading new server messages after the push: the download is repeated, each message lands once, nothing is pushed twice' {
        $copy = New-TwoWayCopy
        Set-LocalLetters -Directory $copy.Dest -MessageId 'f-1@test' -Letters 'F'
        $null = New-LocalMessage -Directory $copy.Dest -MessageId 'mine@test'
        Add-ServerMessages -User $copy.User -Count 3 -Prefix 'arrived'
        $rerun = Invoke-CutThenRerun -Copy $copy -Command '^\S+ UID FETCH .*BODY\.PEEK\[\]' -With @{ ThenBytes = 300 }
        $script:FirstRun.Appended | Should -Be 1
        $script:FirstRun.New | Should -Be 3
        $rerun.Appended + $rerun.New | Should -Be 0
        $counts = Get-MessageIdCounts $copy.User
        $counts['mine@test'] | Should -Be 1
        $local = Get-LocalFlagState $copy.Dest
        $local.Keys.Count | Should -Be 8
        @(Get-ChildItem -LiteralPath (Join-Path $copy.Dest 'cur') -File).Count | Should -Be 8 -Because 'no message twice on disk'
        $local['f-1@test'] | Should -Be 'F'
        (Get-ServerFlagState -User $copy.User)['f-1@test'] | Should -Be 'F'
    }

    It 'cut after the push and before the pull part (its listing of new messages cut, retries too): the run fails; the re-run pushes nothing twice and finishes' {
        $copy = New-TwoWayCopy
        Set-LocalLetters -Directory $copy.Dest -MessageId 'f-1@test' -Letters 'F'
        Set-ServerFlags -User $copy.User -MessageId 'f-3@test' -Flags '\Answered'
        Add-ServerMessages -User $copy.User -Count 2 -Prefix 'arrived'
        # The push part ends with its UID STORE; the pull part, on the folder still selected, first lists the messages
        # above the highest UID on disk (the only FETCH asking for RFC822.SIZE before a download): cutting that on every
        # connection stops the run between the two.
        $proxy = Start-FaultProxy -TargetPort $Bed.ImapPort -CutAfterCommand '^\S+ UID FETCH .*RFC822\.SIZE' -BeforeCommand -CutConnections 20
        $s = Connect-ThroughProxy $copy.User $proxy
        try {
            $null = Sync-ImapFolder -Session $s -Destination $copy.Dest -Direction Both -ErrorVariable errs -ErrorAction SilentlyContinue
            @(Get-FaultProxyEvent $proxy | Where-Object event -EQ cut).Count | Should -BeGreaterThan 0
            @($errs) | Should -HaveCount 1
            $errs[0].FullyQualifiedErrorId | Should -BeLike 'SyncImapFolderConnectionLost,*'
        }
        finally { $s | Disconnect-Imap -ErrorAction SilentlyContinue; Stop-FaultProxy $proxy }
        (Get-ServerFlagState -User $copy.User)['f-1@test'] | Should -Be 'F' -Because 'the push part finished before the cut'
        (Get-LocalFlagState $copy.Dest).ContainsKey('arrived-1@test') | Should -BeFalse -Because 'the pull part never ran'

        $s = Connect-TestImap -User $copy.User -NotDefault
        try {
            $rerun = Sync-ImapFolder -Session $s -Destination $copy.Dest -Direction Both
            $rerun.FlagsPushed + $rerun.Conflicts + $rerun.Appended | Should -Be 0
            $rerun.New | Should -Be 2
            $server = Get-ServerFlagState -User $copy.User
            $local = Get-LocalFlagState $copy.Dest
            $local.Keys.Count | Should -Be 6
            $server.Keys.Count | Should -Be 6
            foreach ($id in $server.Keys) { $local[$id] | Should -Be $server[$id] -Because $id }
            $server['f-1@test'] | Should -Be 'F'
            $server['f-3@test'] | Should -Be 'R'
            @(Get-ChildItem -LiteralPath (Join-Path $copy.Dest 'cur') -File).Count | Should -Be 6 -Because 'no message twice on disk'

            $again = Sync-ImapFolder -Session $s -Destination $copy.Dest -Direction Both
            $again.New + $again.FlagsPushed + $again.FlagsUpdated + $again.Removed + $again.Conflicts | Should -Be 0
        }
        finally { $s | Disconnect-Imap -ErrorAction SilentlyContinue }
    }
}

Describe 'Two-way Sync-ImapFolder while another client changes the folder' {
    It 'a flag changed by another client after the run read the flags (its download held at the proxy) comes down on the next run, not lost' {
        $copy = New-TwoWayCopy
        Set-LocalLetters -Directory $copy.Dest -MessageId 'f-1@test' -Letters 'F'
        Add-ServerMessages -User $copy.User -Count 2 -Prefix 'arrived'
        $messages = Invoke-MailCheck -Bed $Bed -User $copy.User -Command imap-messages -Arguments INBOX, '--uids', '1:*'
        $uid = @($messages | ForEach-Object { $_ } | Where-Object { $_.message_id -eq '<f-3@test>' })[0].uid
        $release = Join-Path (New-TestDirectory 'hold') 'release'
        # The push part stores f-1's flag; the pull part reads the flags changed since the last run, then downloads the
        # two new messages: that download waits at the proxy while another client answers f-3, and the server reports
        # the change (with its MODSEQ) to this session during the download, after the flags were read.
        $proxy = Start-FaultProxy -TargetPort $Bed.ImapPort -CutAfterCommand '^\S+ UID FETCH .*BODY\.PEEK\[\]' -BeforeCommand -HoldUntilFile $release
        $other = Start-ThreadJob -ArgumentList $proxy, $Bed, $copy.User, $uid, $release, (Join-Path $PSScriptRoot 'TestBed') {
            param($Proxy, $TestBed, $User, $Uid, $Release, $TestBedPath)
            Import-Module (Join-Path $TestBedPath 'FaultProxy.psm1'), (Join-Path $TestBedPath 'MailTestBed.psm1')
            try {
                $null = Wait-FaultProxyEvent -Proxy $Proxy -Event held -TimeoutSeconds 60
                $null = Invoke-MailCheck -Bed $TestBed -User $User -Command imap-store -Arguments INBOX, '--', "$Uid", '+FLAGS', '\Answered'
            }
            finally { [System.IO.File]::WriteAllText($Release, '') }
        }
        $s = Connect-ThroughProxy $copy.User $proxy
        try {
            $run = Sync-ImapFolder -Session $s -Destination $copy.Dest -Direction Both
            $other | Receive-Job -Wait -AutoRemoveJob -ErrorAction Stop
            @(Get-FaultProxyEvent $proxy | Where-Object event -EQ held) | Should -HaveCount 1
            $run.FlagsPushed | Should -Be 1
            $run.New | Should -Be 2
            (Get-LocalFlagState $copy.Dest)['f-3@test'] | Should -Be '' -Because 'the change came after this run read the flags'

            # The state must not claim the server's report of that change: the next run reads it and renames the file.
            $next = Sync-ImapFolder -Session $s -Destination $copy.Dest -Direction Both
            $next.Unchanged | Should -BeFalse
            $next.FlagsUpdated | Should -Be 1
            (Get-LocalFlagState $copy.Dest)['f-3@test'] | Should -Be 'R'
            (Get-ServerFlagState -User $copy.User)['f-1@test'] | Should -Be 'F'
        }
        finally { $s | Disconnect-Imap -ErrorAction SilentlyContinue; Stop-FaultProxy $proxy }
    }
}

Describe 'Two-way Sync-ImapFolder of 10,000 messages with 1,000 local flag changes' {
    BeforeAll {
        $user = New-TestUser -Bed $Bed
        $null = Add-TestMessageBatch -Bed $Bed -User $user -Count 10000 -NoFlags -AttachmentEvery 0
        $log = New-ImapLogPath 'twoway10k'
        $session = Connect-TestImap -User $user -ProtocolLogPath $log -NotDefault
        $dest = New-TestDirectory 'twoway10k'
        $first = Sync-ImapFolder -Session $session -Destination $dest -Direction Both
    }
    AfterAll { $session | Disconnect-Imap -ErrorAction SilentlyContinue; Remove-Item -LiteralPath $log -ErrorAction SilentlyContinue }

    It 'read the flags once on the first run into the empty Maildir (the pull part''s metadata FETCH only)' {
        $first.New | Should -Be 10000
        $commands = @(Get-ImapClientCommands -Path $log)
        @($commands | Where-Object { $_ -match '^UID FETCH 1:\* \(UID FLAGS\)$' }) | Should -BeNullOrEmpty
        @($commands | Where-Object { $_ -match '^UID FETCH 1:\* \(UID FLAGS INTERNALDATE RFC822\.SIZE\)$' }) | Should -HaveCount 1
    }

    It 'pushes them with one UID STORE per distinct change (the protocol log counts them)' {
        $first.New | Should -Be 10000
        $files = @(Get-ChildItem -LiteralPath (Join-Path $dest 'cur') -File | Sort-Object { [int](($_.Name -split '[._]')[1]) })
        # UIDs 1..700 read (S), 701..1000 flagged (F): two distinct changes.
        for ($i = 0; $i -lt 1000; $i++) {
            $letters = if ($i -lt 700) { 'S' } else { 'F' }
            $base = $files[$i].Name -replace ':2,.*$', ''
            [System.IO.File]::Move($files[$i].FullName, (Join-Path $dest "cur/${base}:2,$letters"))
        }
        $before = @(Get-ImapClientCommands -Path $log).Count

        $result = Sync-ImapFolder -Session $session -Destination $dest -Direction Both

        $result.FlagsPushed | Should -Be 1000
        $commands = @(Get-ImapClientCommands -Path $log | Select-Object -Skip $before)
        $stores = @($commands | Where-Object { $_ -match '^UID STORE' })
        $stores | Should -HaveCount 2
        # The records were the server's flags at a known mod-sequence: only the changes since are read, not all 10,000.
        @($commands | Where-Object { $_ -match '^UID FETCH 1:\* \(UID FLAGS MODSEQ\) \(CHANGEDSINCE \d+\)$' }) | Should -HaveCount 1
        @($commands | Where-Object { $_ -match '^UID FETCH 1:\* \(UID FLAGS\)$' }) | Should -BeNullOrEmpty
        # The SELECT reports what a STATUS would, and the pull part reads the folder the push part left selected.
        @($commands | Where-Object { $_ -match '^(STATUS|EXAMINE) ' }) | Should -BeNullOrEmpty
        @($commands | Where-Object { $_ -match '^(SELECT|UNSELECT)' }) | Should -HaveCount 2
        $flags = Invoke-MailCheck -Bed $Bed -User $user -Command imap-flags -Arguments INBOX, '--uids', '1:1100'
        $wrong = foreach ($m in $flags) {
            $expected = if ($m.uid -le 700) { '\Seen' } elseif ($m.uid -le 1000) { '\Flagged' } else { $null }
            $actual = @($m.flags | Where-Object { $_ -ne '\Recent' })
            if ("$actual" -ne "$expected") { "UID $($m.uid): '$actual' <> '$expected'" }
        }
        $wrong | Should -BeNullOrEmpty
    }

    It 'answers a later no-change run from STATUS and the times of cur/ and new/, and still sees the next rename' {
        # As if two seconds had passed since the last change: a directory time that recent is not trusted.
        foreach ($sub in 'cur', 'new') { [System.IO.Directory]::SetLastWriteTimeUtc((Join-Path $dest $sub), [datetime]::UtcNow.AddMinutes(-1)) }
        (Sync-ImapFolder -Session $session -Destination $dest -Direction Both).Unchanged | Should -BeTrue
        @(Get-Content -LiteralPath (Join-Path $dest 'mailprotocols.sync') | Where-Object { $_ -like 'localstamp=*' }) | Should -HaveCount 1

        $before = @(Get-ImapClientCommands -Path $log).Count
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $again = Sync-ImapFolder -Session $session -Destination $dest -Direction Both
        $clock.Stop()
        $again.Unchanged | Should -BeTrue
        @(Get-ImapClientCommands -Path $log | Select-Object -Skip $before) | Should -Be @('STATUS INBOX (MESSAGES UIDNEXT UIDVALIDITY HIGHESTMODSEQ)')
        Write-Host "      no-change two-way run over 10,000 messages: $([math]::Round($clock.Elapsed.TotalSeconds * 1000)) ms"

        $file = Get-ChildItem -LiteralPath (Join-Path $dest 'cur') -File | Where-Object Name -Match ':2,$' | Select-Object -First 1
        [System.IO.File]::Move($file.FullName, $file.FullName + 'D')
        $pushed = Sync-ImapFolder -Session $session -Destination $dest -Direction Both
        $pushed.Unchanged | Should -BeFalse
        $pushed.FlagsPushed | Should -Be 1
        @(Get-Content -LiteralPath (Join-Path $dest 'mailprotocols.sync') | Where-Object { $_ -like 'localstamp=*' }) | Should -BeNullOrEmpty
    }

    It 'still takes in what another client changed between two runs when it reads only the flags changed since (CHANGEDSINCE)' {
        function Get-LocalLetters([uint32] $Uid) {
            $file = Get-ChildItem -LiteralPath (Join-Path $dest 'cur') -File | Where-Object { [uint32](($_.Name -split '[._]')[1]) -eq $Uid }
            if ($file.Name -match ':2,(.*)$') { $Matches[1] } else { '' }
        }
        function Set-LocalLetters([uint32] $Uid, [string] $Letters) {
            $file = Get-ChildItem -LiteralPath (Join-Path $dest 'cur') -File | Where-Object { [uint32](($_.Name -split '[._]')[1]) -eq $Uid }
            [System.IO.File]::Move($file.FullName, (Join-Path $dest "cur/$($file.Name -replace ':2,.*$', ''):2,$Letters"))
        }
        Get-LocalLetters 5 | Should -BeExactly 'S'
        # Another client: \Answered on 2001..2010, \Seen off on 5 and 6; here: \Flagged added to 6 and 3000.
        $null = Invoke-MailCheck -Bed $Bed -User $user -Command imap-store -Arguments INBOX, '--', '2001:2010', '+FLAGS', '\Answered'
        $null = Invoke-MailCheck -Bed $Bed -User $user -Command imap-store -Arguments INBOX, '--', '5:6', '-FLAGS', '\Seen'
        Set-LocalLetters 6 'FS'
        Set-LocalLetters 3000 'F'
        $before = @(Get-ImapClientCommands -Path $log).Count

        $result = Sync-ImapFolder -Session $session -Destination $dest -Direction Both

        $result.FlagsPushed | Should -Be 2
        @(Get-ImapClientCommands -Path $log | Select-Object -Skip $before | Where-Object { $_ -match '^UID FETCH 1:\* \(UID FLAGS MODSEQ\) \(CHANGEDSINCE \d+\)$' }) | Should -HaveCount 1
        # Both sides' changes survive the three-way merge: the records gave the base of the messages not reported.
        foreach ($uid in 2001..2010) { Get-LocalLetters $uid | Should -MatchExactly '^D?R$' }
        Get-LocalLetters 5 | Should -BeExactly ''
        Get-LocalLetters 6 | Should -BeExactly 'F'
        Get-LocalLetters 3000 | Should -BeExactly 'F'
        $flags = Invoke-MailCheck -Bed $Bed -User $user -Command imap-flags -Arguments INBOX, '--uids', '5:6,3000'
        $wrong = foreach ($m in $flags) {
            $expected = if ($m.uid -eq 5) { $null } else { '\Flagged' }
            $actual = @($m.flags | Where-Object { $_ -ne '\Recent' })
            if ("$actual" -ne "$expected") { "UID $($m.uid): '$actual' <> '$expected'" }
        }
        $wrong | Should -BeNullOrEmpty
        @($flags) | Should -HaveCount 3

        # And the next run has nothing left to do on either side.
        $again = Sync-ImapFolder -Session $session -Destination $dest -Direction Both
        $again.FlagsPushed | Should -Be 0
        $again.FlagsUpdated | Should -Be 0
    }
}
