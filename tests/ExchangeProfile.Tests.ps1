# A server that offers few capabilities, as Exchange Online does after log-in (issue 14): a Dovecot of its own
# with the test bed's Exchange profile (no SPECIAL-USE, CONDSTORE, SORT, QUOTA, ESEARCH, LIST-STATUS; folders
# 'Sent Items', 'Deleted Items', 'Junk Email', 'Archive'). Every cmdlet works there or says clearly what is
# missing, and the protocol logs prove that no command of an unadvertised extension was sent.

BeforeAll {
    . $PSScriptRoot/Common.ps1
    . $PSScriptRoot/ImapCommon.ps1
    . $PSScriptRoot/ImapLiveCommon.ps1

    # This file's own Dovecot; the shared bed keeps serving the other files.
    $script:Bed = Start-TestDovecot -Name 'exchange' -CapabilityProfile Exchange
    $script:Logs = [System.Collections.Generic.List[string]]::new()

    function Connect-ExchangeImap {
        param([Parameter(Mandatory)] $User)
        $log = New-ImapLogPath 'exchange'
        $script:Logs.Add($log)
        $p = Get-TestImapParameters -User $User
        Connect-Imap @p -ProtocolLogPath $log -NotDefault
    }

    # Commands (or arguments) that belong to extensions the profile does not advertise.
    $script:Unadvertised = @(
        @{ Name = 'SORT'; Pattern = '^(UID )?SORT\b' },
        @{ Name = 'ESEARCH'; Pattern = '\bRETURN \(' },
        @{ Name = 'CONDSTORE'; Pattern = '\b(CONDSTORE|CHANGEDSINCE|UNCHANGEDSINCE|HIGHESTMODSEQ|MODSEQ)\b' },
        @{ Name = 'QRESYNC'; Pattern = '\b(QRESYNC|VANISHED)\b' },
        @{ Name = 'QUOTA'; Pattern = '^(GETQUOTA|GETQUOTAROOT|SETQUOTA)\b' },
        @{ Name = 'LIST-STATUS'; Pattern = '^LIST\b.*\bRETURN\b' },
        @{ Name = 'SPECIAL-USE'; Pattern = '\bSPECIAL-USE\b' },
        @{ Name = 'ENABLE'; Pattern = '^ENABLE\b' }
    )
}

AfterAll {
    Stop-TestDovecot -Bed $script:Bed
    foreach ($log in $script:Logs) { Remove-Item -LiteralPath $log -ErrorAction SilentlyContinue }
}

Describe 'The Exchange profile' {
    BeforeAll {
        $user = New-TestUser -Bed $Bed
        $session = Connect-ExchangeImap -User $user
    }
    AfterAll { $session | Disconnect-Imap -ErrorAction SilentlyContinue }

    It 'advertises exactly Exchange Online''s capabilities after log-in, and the session''s map says so' {
        $advertised = Invoke-MailCheck -Bed $Bed -User $user -Command imap-capability
        @($advertised) | Should -Be @('IMAP4 IMAP4rev1 AUTH=PLAIN AUTH=XOAUTH2 SASL-IR UIDPLUS MOVE ID UNSELECT CHILDREN IDLE NAMESPACE LITERAL+' -split ' ')
        $f = $session.Features
        $f.SpecialUse, $f.CondStore, $f.Sort, $f.Quota, $f.ESearch, $f.ListStatus | Should -Be @($false, $false, $false, $false, $false, $false)
        $f.Move, $f.UidPlus, $f.Idle | Should -Be @($true, $true, $true)
    }

    It 'lists Exchange''s folder names, none with a special use' {
        $folders = @(Get-ImapFolder -Session $session)
        $folders.FullName | Should -Contain 'Deleted Items'
        $folders.FullName | Should -Contain 'Sent Items'
        $folders.FullName | Should -Contain 'Junk Email'
        @($folders | Where-Object { $_.FullName -ne 'INBOX' -and $_.SpecialUse -and "$($_.SpecialUse)" -ne 'None' }) | Should -BeNullOrEmpty
    }
}

Describe 'Search, flags, move and remove without SORT, ESEARCH and SPECIAL-USE' {
    BeforeAll {
        $user = New-TestUser -Bed $Bed
        $now = [DateTime]::Now
        Add-TestMessage -Bed $Bed -User $user -Subject 'Charlie' -Date $now.AddHours(-1) | Out-Null
        Add-TestMessage -Bed $Bed -User $user -Subject 'Alpha' -Date $now.AddHours(-3) | Out-Null
        Add-TestMessage -Bed $Bed -User $user -Subject 'Bravo' -Date $now.AddHours(-2) | Out-Null
        Add-TestMessage -Bed $Bed -User $user -Subject 'Delta' -Date $now.AddHours(-4) | Out-Null
        $session = Connect-ExchangeImap -User $user
        $log = $script:Logs[-1]
    }
    AfterAll { $session | Disconnect-Imap -ErrorAction SilentlyContinue }

    It 'sorts by subject and by date on the client' {
        @(Search-ImapFolder -Session $session -SortBy Subject).Subject | Should -Be @('Alpha', 'Bravo', 'Charlie', 'Delta')
        @(Search-ImapFolder -Session $session -SortBy Date -Descending -First 2).Subject | Should -Be @('Charlie', 'Bravo')
        Measure-ImapCommand -Path $log -Pattern 'UID SORT|SORT' | Should -Be 0
    }

    It 'sets flags' {
        Search-ImapFolder -Session $session -Subject 'Alpha' | Set-ImapFlag -Add Flagged, Seen
        $server = Invoke-MailCheck -Bed $Bed -User $user -Command imap-messages -Arguments INBOX
        ($server | Where-Object subject -eq 'Alpha').flags | Should -Contain '\Flagged'
        ($server | Where-Object subject -eq 'Alpha').flags | Should -Contain '\Seen'
    }

    It 'moves a message to another folder with MOVE' {
        Search-ImapFolder -Session $session -Subject 'Delta' | Move-ImapMessage -Destination 'Archive' -Confirm:$false
        @(Invoke-MailCheck -Bed $Bed -User $user -Command imap-messages -Arguments Archive).subject | Should -Be @('Delta')
        Measure-ImapCommand -Path $log -Pattern 'UID MOVE' | Should -BeGreaterThan 0
    }

    It 'Remove-ImapMessage finds the Trash by its Exchange name, Deleted Items' {
        Search-ImapFolder -Session $session -Subject 'Bravo' | Remove-ImapMessage -Confirm:$false
        @(Invoke-MailCheck -Bed $Bed -User $user -Command imap-messages -Arguments 'Deleted Items').subject | Should -Be @('Bravo')
        @(Invoke-MailCheck -Bed $Bed -User $user -Command imap-messages -Arguments INBOX).subject | Should -Not -Contain 'Bravo'
    }

    It 'says AlreadyInTrash for a message that is in Deleted Items already' {
        $err = { Search-ImapFolder -Session $session -Folder 'Deleted Items' | Remove-ImapMessage -Confirm:$false -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Match '^RemoveImapMessageAlreadyInTrash,'
    }

    It 'Get-ImapQuota fails with NotSupported, naming QUOTA and what to do' {
        $err = { Get-ImapQuota -Session $session } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'GetImapQuotaNotSupported,MailProtocols.Commands.GetImapQuotaCommand'
        $err.Exception.Message | Should -Match 'QUOTA'
    }
}

Describe 'Which Trash without SPECIAL-USE' {
    It 'prefers a folder named Trash (in any case) over Deleted Items, as the documented order says' {
        $user = New-TestUser -Bed $Bed
        Add-TestMessage -Bed $Bed -User $user -Subject 'To the bin' | Out-Null
        Invoke-MailCheck -Bed $Bed -User $user -Command imap-create -Arguments 'TRASH' | Out-Null
        $session = Connect-ExchangeImap -User $user
        try { Search-ImapFolder -Session $session | Remove-ImapMessage -Confirm:$false }
        finally { $session | Disconnect-Imap -ErrorAction SilentlyContinue }
        @(Invoke-MailCheck -Bed $Bed -User $user -Command imap-messages -Arguments 'TRASH').subject | Should -Be @('To the bin')
        @(Invoke-MailCheck -Bed $Bed -User $user -Command imap-messages -Arguments 'Deleted Items') | Should -BeNullOrEmpty
    }
}

Describe 'Sync-ImapFolder without CONDSTORE' {
    BeforeAll {
        $user = New-TestUser -Bed $Bed
        Add-TestMessageBatch -Bed $Bed -User $user -Count 20 | Out-Null
        $session = Connect-ExchangeImap -User $user
        $dest = New-TestDirectory 'exchange-sync'
    }
    AfterAll { $session | Disconnect-Imap -ErrorAction SilentlyContinue }

    It 'downloads every message on the first sync' {
        $first = Sync-ImapFolder -Session $session -Destination $dest
        $first.New | Should -Be 20
        $first.Count | Should -Be 20
        (Invoke-MailboxCheck 'maildir', $dest).Count | Should -Be 20
    }

    It 're-syncs: one new message, one flag change seen, one removal' {
        Add-TestMessage -Bed $Bed -User $user -Subject 'New since the first sync' | Out-Null
        Set-ImapFlag -Session $session -Uid 1 -Add Flagged
        Invoke-MailCheck -Bed $Bed -User $user -Command imap-store -Arguments INBOX, 2, '+FLAGS', '\Deleted' | Out-Null
        Invoke-MailCheck -Bed $Bed -User $user -Command imap-expunge -Arguments INBOX | Out-Null
        $again = Sync-ImapFolder -Session $session -Destination $dest
        $again.New | Should -Be 1
        $again.FlagsUpdated | Should -BeGreaterOrEqual 1
        $again.Removed | Should -Be 1
        $local = Invoke-MailboxCheck 'maildir', $dest
        @($local | Where-Object subject -eq 'New since the first sync').Count | Should -Be 1
    }
}

Describe 'Watch-ImapFolder with IDLE only' {
    BeforeAll {
        # "Another client": waits until the watch is in its -Count-th IDLE, then runs -Action.
        $script:OtherClient = {
            param($testBedModule, $bed, $user, $log, $count, $action, $actionArgs)
            Import-Module $testBedModule
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            while ($true) {
                $text = if (Test-Path $log) { $s = [System.IO.File]::Open($log, 'Open', 'Read', 'ReadWrite'); try { [System.IO.StreamReader]::new($s).ReadToEnd() } finally { $s.Dispose() } } else { '' }
                if ([regex]::Matches($text, 'S: \+ idling').Count -ge $count) { break }
                if ([DateTime]::UtcNow -gt $deadline) { throw 'the watch never started IDLE' }
                Start-Sleep -Milliseconds 25
            }
            & ([scriptblock]::Create($action)) $bed $user @actionArgs
        }
        function Start-OtherClient([string] $Log, [string] $Action, [object[]] $ActionArgs = @()) {
            $count = [regex]::Matches((Read-SharedText $Log), 'S: \+ idling').Count + 1
            Start-Background -ScriptBlock $script:OtherClient -ArgumentList @($script:TestBedModule, $Bed, $user, $Log, $count, $Action, $ActionArgs)
        }

        $user = New-TestUser -Bed $Bed
        Add-TestMessage -Bed $Bed -User $user -Subject 'Before 1' | Out-Null
        Add-TestMessage -Bed $Bed -User $user -Subject 'Before 2' | Out-Null
        Add-TestMessage -Bed $Bed -User $user -Subject 'Before 3' | Out-Null
        $session = Connect-ExchangeImap -User $user
        $log = $script:Logs[-1]
    }
    AfterAll { $session | Disconnect-Imap -ErrorAction SilentlyContinue }

    It 'sees a message another client appends' {
        $append = 'param($bed, $user, $file) Invoke-MailCheck -Bed $bed -User $user -Command imap-append -Arguments INBOX, $file | Out-Null'
        $other = Start-OtherClient -Log $log -Action $append -ActionArgs (New-RawMessageFile -Subject 'Arrived during the watch')
        $message = Watch-ImapFolder -Session $session -TimeoutSec 60 | Select-Object -First 1
        Receive-Background $other | Out-Null
        $message.Subject | Should -Be 'Arrived during the watch'
        $message.Uid | Should -Be 4
    }

    It 'reports another client''s flag change and expunge by UID with -IncludeChanges (no CONDSTORE, so no UID in the server''s FETCH)' {
        $action = 'param($bed, $user) Invoke-MailCheck -Bed $bed -User $user -Command imap-store -Arguments INBOX, 2, "+FLAGS", "\Flagged" | Out-Null; Invoke-MailCheck -Bed $bed -User $user -Command imap-store -Arguments INBOX, 3, "+FLAGS", "\Deleted" | Out-Null; Invoke-MailCheck -Bed $bed -User $user -Command imap-expunge -Arguments INBOX | Out-Null'
        $other = Start-OtherClient -Log $log -Action $action
        $changes = @(Watch-ImapFolder -Session $session -IncludeChanges -TimeoutSec 60 |
                Where-Object { $_.ChangeType -eq 'Expunged' -or ($_.ChangeType -eq 'FlagsChanged' -and $_.Uid -eq 2) } |
                Select-Object -First 2)
        Receive-Background $other | Out-Null
        $flag = $changes | Where-Object ChangeType -eq 'FlagsChanged'
        $flag.Uid | Should -Be 2
        $flag.Flags.ToString() | Should -Match 'Flagged'
        ($changes | Where-Object ChangeType -eq 'Expunged').Uid | Should -Be 3
    }
}

Describe 'The other IMAP cmdlets without the missing extensions' {
    BeforeAll {
        $user = New-TestUser -Bed $Bed
        Add-TestMessage -Bed $Bed -User $user -Subject 'First' -AttachmentName 'report.txt' -AttachmentBytes ([Text.Encoding]::ASCII.GetBytes('attached text')) | Out-Null
        Add-TestMessage -Bed $Bed -User $user -Subject 'Second' | Out-Null
        $session = Connect-ExchangeImap -User $user
        $dir = New-TestDirectory 'exchange-files'
    }
    AfterAll { $session | Disconnect-Imap -ErrorAction SilentlyContinue }

    It 'creates, renames and removes folders' {
        New-ImapFolder -Session $session -Name 'Projects' | Out-Null
        Rename-ImapFolder -Session $session -Name 'Projects' -NewName 'Old Projects' -Confirm:$false
        (Invoke-MailCheck -Bed $Bed -User $user -Command imap-folders).name | Should -Contain 'Old Projects'
        Remove-ImapFolder -Session $session -Name 'Old Projects' -Confirm:$false
        (Invoke-MailCheck -Bed $Bed -User $user -Command imap-folders).name | Should -Not -Contain 'Old Projects'
    }

    It 'copies a message, appends one, reads one whole and saves one and its attachment' {
        Search-ImapFolder -Session $session -Subject 'Second' | Copy-ImapMessage -Destination 'Archive'
        @(Invoke-MailCheck -Bed $Bed -User $user -Command imap-messages -Arguments Archive).subject | Should -Be @('Second')

        $file = Join-Path $dir 'appended.eml'
        [IO.File]::WriteAllText($file, "From: a@example.test`r`nTo: b@example.test`r`nSubject: Appended`r`n`r`nBody.`r`n")
        Add-ImapMessage -Session $session -Folder 'Sent Items' -Path $file | Out-Null
        @(Invoke-MailCheck -Bed $Bed -User $user -Command imap-messages -Arguments 'Sent Items').subject | Should -Be @('Appended')

        $full = Search-ImapFolder -Session $session -Subject 'First' | Get-ImapMessage -Full
        $full.Subject | Should -Be 'First'
        Search-ImapFolder -Session $session -Subject 'First' | Save-ImapMessage -Path $dir
        @(Get-ChildItem -LiteralPath $dir -Filter *.eml | Where-Object Name -ne 'appended.eml').Count | Should -Be 1
        $full | Save-MailAttachment -Path $dir | Out-Null
        Get-Content -Raw -LiteralPath (Join-Path $dir 'report.txt') | Should -Be 'attached text'
    }

    It 'exports the folder to an mbox file' {
        $mbox = Join-Path $dir 'inbox.mbox'
        Export-ImapFolder -Session $session -Destination $mbox | Out-Null
        (Invoke-MailboxCheck 'mbox', $mbox).Count | Should -Be 2
    }

    It 'deletes a message for good with UID EXPUNGE (UIDPLUS is offered)' {
        Search-ImapFolder -Session $session -Folder 'Archive' | Remove-ImapMessage -Permanent -Confirm:$false
        @(Invoke-MailCheck -Bed $Bed -User $user -Command imap-messages -Arguments Archive) | Should -BeNullOrEmpty
    }
}

Describe 'What was sent' {
    It 'no command of an unadvertised extension (<Name>) went to the server' -ForEach @(
        @{ Name = 'SORT' }, @{ Name = 'ESEARCH' }, @{ Name = 'CONDSTORE' }, @{ Name = 'QRESYNC' }, @{ Name = 'QUOTA' },
        @{ Name = 'LIST-STATUS' }, @{ Name = 'SPECIAL-USE' }, @{ Name = 'ENABLE' }
    ) {
        $pattern = ($script:Unadvertised | Where-Object Name -eq $Name).Pattern
        $script:Logs.Count | Should -BeGreaterThan 3
        $sent = @(foreach ($log in $script:Logs) { Get-ImapClientCommands -Path $log })
        $sent.Count | Should -BeGreaterThan 20
        @($sent | Where-Object { $_ -match $pattern }) | Should -BeNullOrEmpty
    }
}
