# Sync-ImapFolder -Direction Push|Both (issue 16): local changes go to the server, checked with the Python client.

BeforeAll {
    . $PSScriptRoot/Common.ps1
    . $PSScriptRoot/ImapCommon.ps1
    . $PSScriptRoot/ImapLiveCommon.ps1
    . $PSScriptRoot/ImapTwoWayCommon.ps1
}

Describe 'Sync-ImapFolder -Direction Both on a folder first mirrored by the pull-only sync' {
    BeforeAll {
        $user = New-TestUser -Bed $Bed
        Add-ServerMessages -User $user -Count 6 -Prefix 'm'
        Set-ServerFlags -User $user -MessageId 'm-1@test', 'm-2@test' -Flags '\Seen'
        $log = New-ImapLogPath 'twoway'
        $session = Connect-TestImap -User $user -ProtocolLogPath $log -NotDefault
        $dest = New-TestDirectory 'twoway'
        $null = Sync-ImapFolder -Session $session -Destination $dest
    }
    AfterAll { $session | Disconnect-Imap -ErrorAction SilentlyContinue }

    It 'upgrades the pull-only state: the server wins where there is no record, and nothing is pushed' {
        # A local change made before any two-way run has no base: the mirror's server flags win.
        Set-LocalLetters -Directory $dest -MessageId 'm-3@test' -Letters 'F'
        $result = Sync-ImapFolder -Session $session -Destination $dest -Direction Both
        $result.FlagsPushed | Should -Be 0
        $result.FlagsUpdated | Should -Be 1
        (Get-LocalFlagState $dest)['m-3@test'] | Should -Be ''
        (Get-ServerFlagState -User $user)['m-3@test'] | Should -Be ''
        Get-Content -LiteralPath (Join-Path $dest 'mailprotocols.sync') | Should -Contain 'twoway=true'
    }

    It 'pushes local flags, deletions and new files, and brings server changes down, in one run' {
        Set-LocalLetters -Directory $dest -MessageId 'm-3@test' -Letters 'S'
        Set-LocalLetters -Directory $dest -MessageId 'm-4@test' -Letters 'RS'
        Remove-LocalMessage -Directory $dest -MessageId 'm-5@test'
        $null = New-LocalMessage -Directory $dest -MessageId 'local-1@test'
        $null = New-LocalMessage -Directory $dest -MessageId 'local-2@test' -Letters 'FS'
        Set-ServerFlags -User $user -MessageId 'm-1@test', 'm-6@test' -Flags '\Flagged'
        Add-ServerMessages -User $user -Count 1 -Prefix 'srv'
        $before = @(Get-ImapClientCommands -Path $log).Count

        $result = Sync-ImapFolder -Session $session -Destination $dest -Direction Both

        $result.Appended | Should -Be 2
        $result.FlagsPushed | Should -Be 2
        $result.DeletedOnServer | Should -Be 1
        $result.New | Should -Be 1
        $result.Conflicts | Should -Be 0
        $server = Get-ServerFlagState -User $user
        $server['m-1@test'] | Should -Be 'FS'
        $server['m-3@test'] | Should -Be 'S'
        $server['m-4@test'] | Should -Be 'RS'
        $server['m-5@test'] | Should -Be 'T'
        $server['m-6@test'] | Should -Be 'F'
        $server['local-1@test'] | Should -Be ''
        $server['local-2@test'] | Should -Be 'FS'
        $local = Get-LocalFlagState $dest
        $local.Keys.Count | Should -Be 8
        $local.ContainsKey('m-5@test') | Should -BeFalse
        $local['m-1@test'] | Should -Be 'FS'
        $local['m-6@test'] | Should -Be 'F'
        $local['srv-1@test'] | Should -Be ''
        # Appended files now carry their UIDs; nothing in new/.
        @(Get-ChildItem (Join-Path $dest 'new')).Count | Should -Be 0
        (Find-LocalMessage $dest 'local-1@test').Name | Should -Match '^\d+\.\d+_\d+\.mailprotocols,S=\d+:2,$'
        # One UID STORE per distinct change, and no bare EXPUNGE.
        $sent = @(Get-ImapClientCommands -Path $log | Select-Object -Skip $before)
        @($sent | Where-Object { $_ -match '^UID STORE' }).Count | Should -Be 3
        @($sent | Where-Object { $_ -match '^EXPUNGE' }).Count | Should -Be 0
    }

    It 'dates an appended message by its file''s modification time' {
        $uid = ((Find-LocalMessage $dest 'local-1@test').Name -split '[._]')[1]
        $message = (Invoke-MailCheck -Bed $Bed -User $user -Command imap-messages -Arguments INBOX, '--uids', $uid)[0]
        $file = Find-LocalMessage $dest 'local-1@test'
        ($file.LastWriteTimeUtc - ([datetimeoffset]$message.internaldate).UtcDateTime).Duration().TotalSeconds | Should -BeLessThan 2
    }

    It 'has nothing to do on the next run, and does not download the locally deleted message again' {
        $again = Sync-ImapFolder -Session $session -Destination $dest -Direction Both
        $again.New + $again.Appended + $again.FlagsPushed + $again.DeletedOnServer + $again.FlagsUpdated + $again.Removed | Should -Be 0
        (Get-LocalFlagState $dest).ContainsKey('m-5@test') | Should -BeFalse
        $third = Sync-ImapFolder -Session $session -Destination $dest -Direction Both
        $third.Unchanged | Should -BeTrue
    }

    It 'with -Expunge removes exactly the messages it deleted, never another client''s \Deleted message' {
        Set-ServerFlags -User $user -MessageId 'm-6@test' -Flags '\Deleted'
        Remove-LocalMessage -Directory $dest -MessageId 'm-2@test'
        $before = @(Get-ImapClientCommands -Path $log).Count
        $result = Sync-ImapFolder -Session $session -Destination $dest -Direction Both -Expunge
        $result.Expunged | Should -Be 2
        $server = Get-ServerFlagState -User $user
        $server.ContainsKey('m-2@test') | Should -BeFalse
        $server.ContainsKey('m-5@test') | Should -BeFalse
        $server['m-6@test'] | Should -Be 'FT'
        $sent = @(Get-ImapClientCommands -Path $log | Select-Object -Skip $before)
        @($sent | Where-Object { $_ -match '^UID EXPUNGE' }).Count | Should -Be 1
        @($sent | Where-Object { $_ -match '^EXPUNGE' }).Count | Should -Be 0
    }

    It 'keeps a message deleted on one side and changed on the other on both sides, with a warning naming it' {
        Remove-LocalMessage -Directory $dest -MessageId 'm-3@test'
        Set-ServerFlags -User $user -MessageId 'm-3@test' -Flags '\Answered'
        Set-LocalLetters -Directory $dest -MessageId 'm-4@test' -Letters 'FRS'
        $uid4 = ((Find-LocalMessage $dest 'm-4@test').Name -split '[._]')[1]
        $null = Invoke-MailCheck -Bed $Bed -User $user -Command imap-store -Arguments INBOX, $uid4, '+FLAGS', '\Deleted'
        $null = Invoke-MailCheck -Bed $Bed -User $user -Command imap-expunge -Arguments INBOX

        $result = Sync-ImapFolder -Session $session -Destination $dest -Direction Both -WarningVariable warnings -WarningAction SilentlyContinue

        $result.Conflicts | Should -Be 2
        ($warnings -join "`n") | Should -Match 'deleted locally'
        ($warnings -join "`n") | Should -Match 'expunged on the server'
        $server = Get-ServerFlagState -User $user
        $local = Get-LocalFlagState $dest
        $server['m-3@test'] | Should -Be 'RS'
        $local['m-3@test'] | Should -Be 'RS'
        $server['m-4@test'] | Should -Be 'FRS'
        $local['m-4@test'] | Should -Be 'FRS'
    }
}

Describe 'The offline loop from PowerShell: Import-MailMessage, Set-MailFileFlag, Remove-Item, then a two-way sync' {
    BeforeAll {
        $user = New-TestUser -Bed $Bed
        Add-ServerMessages -User $user -Count 4 -Prefix 'o'
        $session = Connect-TestImap -User $user -NotDefault
        $dest = New-TestDirectory 'offline'
        $null = Sync-ImapFolder -Session $session -Destination $dest -Direction Both
    }
    AfterAll { $session | Disconnect-Imap -ErrorAction SilentlyContinue }

    It 'Set-MailFileFlag renames the file the Maildir way and -PassThru shows the new flags' {
        $message = Import-MailMessage $dest | Where-Object MessageId -eq 'o-1@test'
        $changed = $message | Set-MailFileFlag -Add Seen, Flagged -Forwarded -PassThru
        $changed.Flags | Should -Be ([MailProtocols.ImapMessageFlags]'Seen, Flagged')
        $changed.Keywords | Should -Be '$Forwarded'
        $changed.Path | Should -Match ':2,FPS$'
        Test-Path -LiteralPath $message.Path | Should -BeFalse
        ($message.Path -replace ':2,.*$') | Should -Be ($changed.Path -replace ':2,.*$') -Because 'the unique part of the name is the file''s identity'
    }

    It 'Set-MailFileFlag refuses a file outside a Maildir with a non-terminating error and goes on' {
        $loose = Join-Path (New-TestDirectory 'loose') 'a.eml'
        Set-Content -LiteralPath $loose -Value "Subject: x`r`n`r`nbody"
        $good = Import-MailMessage $dest | Where-Object MessageId -eq 'o-2@test'
        $loose, $good.Path | Set-MailFileFlag -Add Answered -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs | Should -HaveCount 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'SetMailFileFlagNotInMaildir,MailProtocols.Commands.SetMailFileFlagCommand'
        (Get-LocalFlagState $dest)['o-2@test'] | Should -Be 'R'
    }

    It '-WhatIf lists the plan as objects and changes nothing on either side' {
        Import-MailMessage $dest | Where-Object MessageId -eq 'o-3@test' | Remove-Item -LiteralPath { $_.Path }
        $state = Get-Content -LiteralPath (Join-Path $dest 'mailprotocols.sync') -Raw
        $files = (Get-ChildItem -LiteralPath $dest -Recurse -File).FullName | Sort-Object
        $plan = @(Sync-ImapFolder -Session $session -Destination $dest -Direction Both -WhatIf)
        $plan | ForEach-Object { $_ | Should -BeOfType MailProtocols.ImapSyncPlanItem }
        @($plan | Where-Object { $_.Side -eq 'Server' -and $_.Action -eq 'AddFlags' }).Count | Should -Be 4 -Because 'F, P, S on o-1 and R on o-2'
        @($plan | Where-Object Action -eq 'MarkDeleted').Uid | Should -Be 3
        Get-Content -LiteralPath (Join-Path $dest 'mailprotocols.sync') -Raw | Should -Be $state
        (Get-ChildItem -LiteralPath $dest -Recurse -File).FullName | Sort-Object | Should -Be $files
        $server = Get-ServerFlagState -User $user
        $server['o-1@test'] | Should -Be ''
        $server['o-3@test'] | Should -Be ''
    }

    It '-Direction Push sends the flags and the deletion, and leaves server changes for later' {
        Set-ServerFlags -User $user -MessageId 'o-4@test' -Flags '\Flagged'
        $result = Sync-ImapFolder -Session $session -Destination $dest -Direction Push
        $result.FlagsPushed | Should -Be 2
        $result.DeletedOnServer | Should -Be 1
        $server = Get-ServerFlagState -User $user
        $server['o-1@test'] | Should -Be 'FPS'
        $server['o-2@test'] | Should -Be 'R'
        $server['o-3@test'] | Should -Be 'T'
        (Get-LocalFlagState $dest)['o-4@test'] | Should -Be '' -Because 'Push touches no local file'
        $both = Sync-ImapFolder -Session $session -Destination $dest -Direction Both
        $both.FlagsPushed | Should -Be 0
        (Get-LocalFlagState $dest)['o-4@test'] | Should -Be 'F'
        (Get-LocalFlagState $dest).ContainsKey('o-3@test') | Should -BeFalse
    }
}

Describe 'Two-way sync of a folder recreated on the server (new UIDVALIDITY) with local changes pending' {
    BeforeAll {
        $user = New-TestUser -Bed $Bed
        Add-ServerMessages -User $user -Folder 'Work' -Count 3 -Prefix 'w'
        $session = Connect-TestImap -User $user -NotDefault
        $dest = New-TestDirectory 'recreated'
        $null = Sync-ImapFolder -Session $session -Folder Work -Destination $dest -Direction Both
        $work = Join-Path $dest '.Work'
    }
    AfterAll { $session | Disconnect-Imap -ErrorAction SilentlyContinue }

    It 'loses nothing: flag changes go to the same messages, a changed message the new folder lacks and a new file are appended' {
        Set-LocalLetters -Directory $work -MessageId 'w-1@test' -Letters 'FS'
        Set-LocalLetters -Directory $work -MessageId 'w-3@test' -Letters 'R'
        $null = New-LocalMessage -Directory $work -MessageId 'w-new@test'
        $null = Invoke-MailCheck -Bed $Bed -User $user -Command imap-delete -Arguments Work
        Add-ServerMessages -User $user -Folder 'Work' -Count 2 -Prefix 'w'

        $result = Sync-ImapFolder -Session $session -Folder Work -Destination $dest -Direction Both -WarningVariable warnings -WarningAction SilentlyContinue

        ($warnings -join "`n") | Should -Match 'UIDVALIDITY'
        $server = Get-ServerFlagState -User $user -Folder Work
        $server['w-1@test'] | Should -Be 'FS'
        $server['w-2@test'] | Should -Be ''
        $server['w-3@test'] | Should -Be 'R'
        $server['w-new@test'] | Should -Be ''
        $server.Keys.Count | Should -Be 4
        $local = Get-LocalFlagState $work
        $local.Keys.Count | Should -Be 4
        $local['w-1@test'] | Should -Be 'FS'
        $result.Appended | Should -Be 2
        # Every file now belongs to the new generation.
        $validity = (Invoke-MailCheck -Bed $Bed -User $user -Command imap-status -Arguments Work).uidvalidity
        Get-ChildItem -LiteralPath (Join-Path $work 'cur') | ForEach-Object { $_.Name | Should -Match "^\d+\.\d+_$($validity)\.mailprotocols" }
    }
}

Describe 'Two-way sync with -Recurse -CreateFolders' {
    BeforeAll {
        $user = New-TestUser -Bed $Bed
        Add-ServerMessages -User $user -Folder 'Projects' -Count 1 -Prefix 'p'
        Add-ServerMessages -User $user -Folder 'Projects/Old' -Count 1 -Prefix 'old'
        $session = Connect-TestImap -User $user -NotDefault
        $dest = New-TestDirectory 'folders'
        $null = Sync-ImapFolder -Session $session -Folder Projects -Recurse -Destination $dest -Direction Both
    }
    AfterAll { $session | Disconnect-Imap -ErrorAction SilentlyContinue }

    It 'creates a local Maildir++ folder on the server with its messages, and reports a folder deleted on the server without deleting anything' {
        $new = Join-Path $dest '.Projects.New'
        foreach ($d in 'cur', 'new', 'tmp') { $null = New-Item -ItemType Directory -Path (Join-Path $new $d) }
        $null = New-LocalMessage -Directory $new -MessageId 'made-offline@test'
        $null = Invoke-MailCheck -Bed $Bed -User $user -Command imap-delete -Arguments 'Projects/Old'

        $results = @(Sync-ImapFolder -Session $session -Folder Projects -Recurse -Destination $dest -Direction Both -CreateFolders -WarningVariable warnings -WarningAction SilentlyContinue)

        ($results.Folder | Sort-Object) | Should -Be @('Projects', 'Projects/New')
        ($results | Where-Object Folder -eq 'Projects/New').Appended | Should -Be 1
        (Get-ServerFlagState -User $user -Folder 'Projects/New').Keys | Should -Be 'made-offline@test'
        ($warnings -join "`n") | Should -Match "Projects/Old' is gone from the server"
        (Get-LocalFlagState (Join-Path $dest '.Projects.Old')).Keys | Should -Be 'old-1@test' -Because 'a deleted folder is never deleted on the other side'
    }
}

Describe 'Two-way sync on a server without CONDSTORE (the Exchange capability profile)' {
    BeforeAll {
        $exchange = Start-TestDovecot -Name 'twoway-exchange' -CapabilityProfile Exchange
        $user = New-TestUser -Bed $exchange
        Add-ServerMessages -User $user -Count 3 -Prefix 'x' -TestBed $exchange
        $log = New-ImapLogPath 'twoway-exchange'
        $p = @{ Server = 'localhost'; Port = $exchange.ImapPort; Credential = $user.Credential; TimeoutSec = 15; NotDefault = $true; ProtocolLogPath = $log }
        $session = Connect-Imap @p
        $dest = New-TestDirectory 'twoway-exchange'
        $null = Sync-ImapFolder -Session $session -Destination $dest -Direction Both
    }
    AfterAll {
        $session | Disconnect-Imap -ErrorAction SilentlyContinue
        Stop-TestDovecot -Bed $exchange
        Remove-Item -LiteralPath $log -ErrorAction SilentlyContinue
    }

    It 'pushes and pulls the same way, and never sends a CONDSTORE command' {
        Set-LocalLetters -Directory $dest -MessageId 'x-1@test' -Letters 'S'
        Remove-LocalMessage -Directory $dest -MessageId 'x-2@test'
        $null = New-LocalMessage -Directory $dest -MessageId 'x-local@test'
        Set-ServerFlags -User $user -MessageId 'x-3@test' -Flags '\Flagged' -TestBed $exchange

        $result = Sync-ImapFolder -Session $session -Destination $dest -Direction Both -Expunge

        $result.Appended | Should -Be 1
        $result.FlagsPushed | Should -Be 1
        $result.Expunged | Should -Be 1
        $server = Get-ServerFlagState -User $user -TestBed $exchange
        $local = Get-LocalFlagState $dest
        ($server.Keys | Sort-Object | ForEach-Object { "$_=$($server[$_])" }) | Should -Be ($local.Keys | Sort-Object | ForEach-Object { "$_=$($local[$_])" })
        $server['x-1@test'] | Should -Be 'S'
        $server['x-3@test'] | Should -Be 'F'
        $server.ContainsKey('x-2@test') | Should -BeFalse
        @(Get-ImapClientCommands -Path $log | Where-Object { $_ -match '\b(CONDSTORE|CHANGEDSINCE|UNCHANGEDSINCE|HIGHESTMODSEQ|MODSEQ)\b' }) | Should -BeNullOrEmpty
        $again = Sync-ImapFolder -Session $session -Destination $dest -Direction Both
        $again.Appended + $again.FlagsPushed + $again.New + $again.Removed | Should -Be 0
    }
}

Describe 'Two-way sync on a server whose folders live below INBOX. (the InboxPrefix profile)' {
    BeforeAll {
        $prefixed = Start-TestDovecot -Name 'twoway-prefix' -Profile InboxPrefix
        $user = New-TestUser -Bed $prefixed
        Add-ServerMessages -User $user -Folder 'Work' -Count 2 -Prefix 'w' -TestBed $prefixed
        $p = @{ Server = 'localhost'; Port = $prefixed.ImapPort; Credential = $user.Credential; TimeoutSec = 15; NotDefault = $true }
        $session = Connect-Imap @p
        $dest = New-TestDirectory 'twoway-prefix'
        $null = Sync-ImapFolder -Session $session -Folder 'INBOX.Work' -Recurse -Destination $dest -Direction Both
        $work = Join-Path $dest '.Work'
    }
    AfterAll {
        $session | Disconnect-Imap -ErrorAction SilentlyContinue
        Stop-TestDovecot -Bed $prefixed
    }

    It 'pushes changes into INBOX.Work and creates a local subfolder as INBOX.Work.New' {
        Set-LocalLetters -Directory $work -MessageId 'w-1@test' -Letters 'FS'
        $new = Join-Path $dest '.Work.New'
        foreach ($d in 'cur', 'new', 'tmp') { $null = New-Item -ItemType Directory -Path (Join-Path $new $d) }
        $null = New-LocalMessage -Directory $new -MessageId 'sub@test'

        $results = @(Sync-ImapFolder -Session $session -Folder 'INBOX.Work' -Recurse -Destination $dest -Direction Both -CreateFolders)

        ($results.Folder | Sort-Object) | Should -Be @('INBOX.Work', 'INBOX.Work.New')
        (Get-ServerFlagState -User $user -Folder 'INBOX.Work' -TestBed $prefixed)['w-1@test'] | Should -Be 'FS'
        (Get-ServerFlagState -User $user -Folder 'INBOX.Work.New' -TestBed $prefixed).Keys | Should -Be 'sub@test'
    }
}
