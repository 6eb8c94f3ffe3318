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
