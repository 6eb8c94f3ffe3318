# Search, flags, moves and sync in nested folders, on whatever layout the test bed's profile has:
# 'Projects/Web' on the Default profile, 'INBOX.Projects.Web' on the InboxPrefix one (Cyrus, Courier).
# Run both: ./build.ps1 -Task Test -TestName ImapLayouts, and again with MAILTESTBED_PROFILE=InboxPrefix.
BeforeAll {
    . $PSScriptRoot/Common.ps1
    . $PSScriptRoot/ImapCommon.ps1
    . $PSScriptRoot/ImapLiveCommon.ps1
    function N([string] $Name) { Get-TestFolderName -Bed $Bed -Name $Name }
}

Describe 'Nested folders on the bed''s layout' {
    BeforeAll {
        $user = New-TestUser -Bed $Bed
        $web = N 'Projects/Web'
        foreach ($i in 1..3) { Add-TestMessage -Bed $Bed -User $user -Folder $web -Subject "Web $i" -Flags $(if ($i -eq 2) { 'S' } else { '' }) | Out-Null }
        foreach ($i in 1..2) { Add-TestMessage -Bed $Bed -User $user -Subject "Inbox $i" | Out-Null }
        $session = Connect-TestImap -User $user -NotDefault
    }
    AfterAll { $session | Disconnect-Imap -ErrorAction SilentlyContinue }

    It 'lists the nested folder with the layout''s name and separator, and INBOX' {
        $folders = @(Get-ImapFolder -Session $session)
        $folders.FullName | Should -Contain 'INBOX'
        $folders.FullName | Should -Contain $web
        ($folders | Where-Object FullName -eq $web).Separator | Should -Be $Bed.Separator
        ($folders | Where-Object FullName -eq $web).Count | Should -Be 3
    }

    It 'searches INBOX and the nested folder' {
        @(Search-ImapFolder -Session $session -Folder INBOX).Subject | Sort-Object | Should -Be @('Inbox 1', 'Inbox 2')
        @(Search-ImapFolder -Session $session -Folder $web -Unread).Subject | Sort-Object | Should -Be @('Web 1', 'Web 3')
        @(Get-ImapFolder -Session $session -Name $web | Search-ImapFolder -Subject 'Web 2').Folder | Should -Be @($web)
    }

    It 'flags a message, as the Python client sees' {
        Search-ImapFolder -Session $session -Folder $web -Subject 'Web 3' | Set-ImapFlag -Add Flagged
        $server = Invoke-MailCheck -Bed $Bed -User $user -Command imap-messages -Arguments $web
        ($server | Where-Object subject -eq 'Web 3').flags | Should -Contain '\Flagged'
        ($server | Where-Object subject -eq 'Web 1').flags | Should -Not -Contain '\Flagged'
    }

    It 'moves a message into a new nested folder' {
        $done = N 'Projects/Done'
        New-ImapFolder -Session $session -Name $done | Out-Null
        Search-ImapFolder -Session $session -Folder $web -Subject 'Web 1' | Move-ImapMessage -Destination $done
        @((Invoke-MailCheck -Bed $Bed -User $user -Command imap-messages -Arguments $done).subject) | Should -Be @('Web 1')
        @((Invoke-MailCheck -Bed $Bed -User $user -Command imap-messages -Arguments $web).subject) | Sort-Object | Should -Be @('Web 2', 'Web 3')
    }

    It 'syncs the folder tree into a Maildir that Dovecot serves back with the same folders and messages' {
        $tree = New-TestDirectory 'layout'
        $results = @(Sync-ImapFolder -Session $session -Folder (N 'Projects') -Recurse -Destination $tree)
        $results.Folder | Sort-Object | Should -Be @((N 'Projects/Done'), $web)
        ($results | Measure-Object New -Sum).Sum | Should -Be 3
        $reader = New-TestUser -Bed $Bed
        Get-ChildItem -LiteralPath $tree -Force | Copy-Item -Destination $reader.Maildir -Recurse -Force
        & chown -R nobody:nogroup $reader.Maildir
        foreach ($folder in $web, (N 'Projects/Done')) {
            $copy = @(Invoke-MailCheck -Bed $Bed -User $reader -Command imap-messages -Arguments $folder)
            $original = @(Invoke-MailCheck -Bed $Bed -User $user -Command imap-messages -Arguments $folder)
            $copy.subject | Sort-Object | Should -Be ($original.subject | Sort-Object) -Because $folder
            ($copy | Where-Object subject -eq 'Web 3').flags | Should -Be ($original | Where-Object subject -eq 'Web 3').flags
        }
    }
}
