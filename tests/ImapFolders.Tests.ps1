BeforeAll {
    . $PSScriptRoot/Common.ps1
    . $PSScriptRoot/ImapCommon.ps1
    # Folder names as the bed's profile writes them: 'Projects/Alerts' is 'INBOX.Projects.Alerts' on the
    # InboxPrefix profile ($env:MAILTESTBED_PROFILE), so every test here runs against both layouts.
    function N([string] $Name) { Get-TestFolderName -Bed $Bed -Name $Name }
}

Describe 'Get-ImapFolder' {
    BeforeAll {
        $user = New-TestUser -Bed $Bed
        New-TestFolder -Bed $Bed -User $user -Folder (N 'Projects/Alerts') -Subscribe | Out-Null
        New-TestFolder -Bed $Bed -User $user -Folder (N 'Projects/Ops') | Out-Null
        New-TestFolder -Bed $Bed -User $user -Folder (N 'Über/Straße & Co') | Out-Null
        1..3 | ForEach-Object { Add-TestMessage -Bed $Bed -User $user -Subject "inbox $_" -Flags $(if ($_ -eq 1) { 'S' } else { '' }) | Out-Null }
        1..2 | ForEach-Object { Add-TestMessage -Bed $Bed -User $user -Folder (N 'Projects/Alerts') -Subject "alert $_" | Out-Null }
        Add-TestMessage -Bed $Bed -User $user -Folder (N 'Über/Straße & Co') -Subject 'grüße' | Out-Null
        $log = New-ImapLogPath 'folders'
        $session = Connect-TestImap -User $user -ProtocolLogPath $log -NotDefault
        $folders = @(Get-ImapFolder -Session $session)
    }
    AfterAll { $session | Disconnect-Imap -ErrorAction SilentlyContinue }

    It 'lists every folder, nested ones included, with full Unicode names and the server delimiter' {
        $expected = @((Invoke-MailCheck -Bed $Bed -User $user -Command imap-folders -Arguments '--namespace', 'personal').name)
        $folders.FullName | Should -HaveCount $expected.Count
        foreach ($name in $expected) { $folders.FullName | Should -Contain $name }
        $folders.FullName | Should -Contain (N 'Über/Straße & Co')
        $folders.FullName | Should -Contain (N 'Projects/Alerts')
        ($folders | Where-Object FullName -eq (N 'Über/Straße & Co')).Name | Should -Be 'Straße & Co'
        $folders | ForEach-Object { $_.Separator | Should -Be $Bed.Separator }
        $folders | ForEach-Object { $_.GetType().FullName | Should -Be 'MailProtocols.ImapFolderInfo' }
        $folders[0].FullName | Should -Be 'INBOX'
    }

    It 'reports the special use of each folder' {
        ($folders | Where-Object FullName -eq 'INBOX').SpecialUse | Should -Be 'Inbox'
        ($folders | Where-Object FullName -eq (N 'Trash')).SpecialUse | Should -Be 'Trash'
        ($folders | Where-Object FullName -eq (N 'Sent')).SpecialUse | Should -Be 'Sent'
        ($folders | Where-Object FullName -eq (N 'Drafts')).SpecialUse | Should -Be 'Drafts'
        ($folders | Where-Object FullName -eq (N 'Junk')).SpecialUse | Should -Be 'Junk'
        ($folders | Where-Object FullName -eq (N 'Archive')).SpecialUse | Should -Be 'Archive'
        ($folders | Where-Object FullName -eq (N 'Projects/Ops')).SpecialUse | Should -Be 'None'
        ($folders | Where-Object FullName -eq (N 'Projects')).Attributes.ToString() -split ', ' | Should -Contain 'HasChildren'
    }

    It 'reports Count, Unread, Recent, UidValidity and UidNext as STATUS does' {
        foreach ($name in 'INBOX', (N 'Projects/Alerts'), (N 'Über/Straße & Co'), (N 'Trash')) {
            $status = Invoke-MailCheck -Bed $Bed -User $user -Command imap-status -Arguments $name
            $folder = $folders | Where-Object FullName -eq $name
            $folder.Count | Should -Be $status.messages -Because $name
            $folder.Unread | Should -Be $status.unseen -Because $name
            $folder.UidValidity | Should -Be $status.uidvalidity -Because $name
            $folder.UidNext | Should -Be $status.uidnext -Because $name
            $folder.Recent | Should -Not -BeNullOrEmpty
        }
        ($folders | Where-Object FullName -eq 'INBOX').Count | Should -Be 3
        ($folders | Where-Object FullName -eq 'INBOX').Unread | Should -Be 2
    }

    It 'asks for all of it with one LIST-STATUS command and no STATUS per folder' {
        $session.Capabilities | Should -Contain 'ListStatus'
        $lists = @(Get-ImapClientCommands -Path $log | Where-Object { $_ -match '^LIST .*RETURN .*STATUS' })
        $lists | Should -HaveCount 1
        # Below an "INBOX." prefix the LIST cannot return INBOX itself, so INBOX gets the one STATUS.
        Measure-ImapCommand -Path $log -Pattern 'STATUS' | Should -Be $(if ($Bed.FolderPrefix) { 1 } else { 0 })
    }

    It 'lists INBOX and finds it by name, also when the personal folders live below INBOX.' {
        @($folders | Where-Object FullName -eq 'INBOX') | Should -HaveCount 1
        $inbox = @(Get-ImapFolder -Session $session -Name INBOX -ErrorAction Stop)
        $inbox.FullName | Should -Be @('INBOX')
        $inbox[0].Count | Should -Be 3
        $inbox[0].Namespace | Should -Be 'Personal'
        @($folders | Where-Object Namespace -ne 'Personal') | Should -BeNullOrEmpty
    }

    It 'carries the session so folders can be piped on' {
        $folders | ForEach-Object { $_.Session | Should -Be $session }
    }

    It 'filters with a wildcard -Name' {
        $matched = @(Get-ImapFolder -Session $session -Name (N 'Projects/*'))
        $matched.FullName | Sort-Object | Should -Be @((N 'Projects/Alerts'), (N 'Projects/Ops'))
        @(Get-ImapFolder -Session $session -Name (N 'über/*')).FullName | Should -Be @((N 'Über/Straße & Co'))
    }

    It 'lists only subscribed folders with -Subscribed' {
        $expected = @((Invoke-MailCheck -Bed $Bed -User $user -Command imap-folders -Arguments '--subscribed', '--namespace', 'personal').name)
        $subscribed = @(Get-ImapFolder -Session $session -Subscribed)
        $subscribed.FullName | Should -Contain (N 'Projects/Alerts')
        $subscribed.FullName | Should -Not -Contain (N 'Projects/Ops')
        foreach ($name in $expected) { $subscribed.FullName | Should -Contain $name }
    }

    It 'fails with ObjectNotFound for a literal name that does not exist' {
        $err = $null
        $out = Get-ImapFolder -Session $session -Name (N 'No/Such/Folder') -ErrorVariable err -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GetImapFolderFolderNotFound*'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        # A wildcard that matches nothing is not an error.
        Get-ImapFolder -Session $session -Name (N 'Nothing*') -ErrorAction Stop | Should -BeNullOrEmpty
    }

    It 'uses the default session when -Session is omitted' {
        $default = Connect-TestImap -User $user
        try { @(Get-ImapFolder -Name INBOX).Session | Should -Be $default }
        finally { $default | Disconnect-Imap }
    }
}

Describe 'Get-ImapFolder on a server without LIST-STATUS' {
    BeforeAll {
        $user = New-TestUser -Bed $Bed
        New-TestFolder -Bed $Bed -User $user -Folder (N 'Projects/Alerts') | Out-Null
        1..2 | ForEach-Object { Add-TestMessage -Bed $Bed -User $user -Folder (N 'Projects/Alerts') -Subject "alert $_" | Out-Null }
        $proxy = Start-ImapCapabilityProxy -Hide 'LIST-STATUS'
        $log = New-ImapLogPath 'nolststatus'
        $session = Connect-ProxiedImap -User $user -Proxy $proxy -ProtocolLogPath $log
    }
    AfterAll {
        $session | Disconnect-Imap -ErrorAction SilentlyContinue
        Stop-ImapCapabilityProxy $proxy
    }

    It 'sends one STATUS per matching folder only, with the same counts' {
        $session.Capabilities | Should -Not -Contain 'ListStatus'
        $folders = @(Get-ImapFolder -Session $session -Name (N 'Projects/*'), (N 'Trash'))
        $folders.FullName | Sort-Object | Should -Be @((N 'Projects/Alerts'), (N 'Trash'))
        ($folders | Where-Object FullName -eq (N 'Projects/Alerts')).Count | Should -Be 2
        $status = Invoke-MailCheck -Bed $Bed -User $user -Command imap-status -Arguments (N 'Projects/Alerts')
        ($folders | Where-Object FullName -eq (N 'Projects/Alerts')).UidValidity | Should -Be $status.uidvalidity
        Measure-ImapCommand -Path $log -Pattern 'STATUS' | Should -Be 2
        Get-ImapClientCommands -Path $log | Where-Object { $_ -match '^LIST .*RETURN .*STATUS' } | Should -BeNullOrEmpty
    }
}

Describe 'New-ImapFolder, Rename-ImapFolder and Remove-ImapFolder' {
    BeforeAll {
        $user = New-TestUser -Bed $Bed
        $session = Connect-TestImap -User $user -NotDefault
        function Get-ServerFolders { @((Invoke-MailCheck -Bed $Bed -User $user -Command imap-folders -Arguments '--namespace', 'personal').name) }
    }
    AfterAll { $session | Disconnect-Imap -ErrorAction SilentlyContinue }

    It 'creates a folder with a non-ASCII name and all missing parents' {
        $created = New-ImapFolder -Session $session -Name (N 'Kunden/Müller & Söhne/2024 Рабочие')
        $created.FullName | Should -Be (N 'Kunden/Müller & Söhne/2024 Рабочие')
        $created.Count | Should -Be 0
        $created.Session | Should -Be $session
        $server = Get-ServerFolders
        $server | Should -Contain (N 'Kunden')
        $server | Should -Contain (N 'Kunden/Müller & Söhne')
        $server | Should -Contain (N 'Kunden/Müller & Söhne/2024 Рабочие')
    }

    It 'refuses to create a folder that exists' {
        New-ImapFolder -Session $session -Name (N 'Kunden') -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'NewImapFolderFolderExists*'
    }

    It 'creates nothing with -WhatIf' {
        New-ImapFolder -Session $session -Name (N 'WhatIfFolder') -WhatIf
        Get-ServerFolders | Should -Not -Contain (N 'WhatIfFolder')
    }

    It 'renames a folder and its children, to a new parent if asked' {
        New-ImapFolder -Session $session -Name (N 'Alt/Ärger/Kind') | Out-Null
        $renamed = Rename-ImapFolder -Session $session -Name (N 'Alt/Ärger') -NewName (N 'Neu/Ärgernis') -PassThru
        $renamed.FullName | Should -Be (N 'Neu/Ärgernis')
        $server = Get-ServerFolders
        $server | Should -Contain (N 'Neu/Ärgernis')
        $server | Should -Contain (N 'Neu/Ärgernis/Kind')
        $server | Should -Not -Contain (N 'Alt/Ärger')
        $server | Should -Not -Contain (N 'Alt/Ärger/Kind')
    }

    It 'renames a folder piped from Get-ImapFolder and outputs nothing without -PassThru' {
        New-ImapFolder -Session $session -Name (N 'Piped') | Out-Null
        Get-ImapFolder -Session $session -Name (N 'Piped') | Rename-ImapFolder -NewName (N 'Gepiped') | Should -BeNullOrEmpty
        Get-ServerFolders | Should -Contain (N 'Gepiped')
        Get-ServerFolders | Should -Not -Contain (N 'Piped')
    }

    It 'keeps the messages of a renamed folder' {
        New-ImapFolder -Session $session -Name (N 'WithMail') | Out-Null
        Add-TestMessage -Bed $Bed -User $user -Folder (N 'WithMail') -Subject 'keep me' | Out-Null
        Rename-ImapFolder -Session $session -Name (N 'WithMail') -NewName (N 'Mit Post')
        (Invoke-MailCheck -Bed $Bed -User $user -Command imap-status -Arguments (N 'Mit Post')).messages | Should -Be 1
    }

    It 'fails with ObjectNotFound when the folder to rename does not exist' {
        Rename-ImapFolder -Session $session -Name (N 'Nope') -NewName (N 'Still nope') -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'RenameImapFolderFolderNotFound*'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'removes a folder with a non-ASCII name' {
        New-ImapFolder -Session $session -Name (N 'Löschen ✓') | Out-Null
        Remove-ImapFolder -Session $session -Name (N 'Löschen ✓') -Confirm:$false
        Get-ServerFolders | Should -Not -Contain (N 'Löschen ✓')
    }

    It 'removes folders piped from Get-ImapFolder' {
        (N 'Weg1'), (N 'Weg2') | New-ImapFolder -Session $session | Out-Null
        Get-ImapFolder -Session $session -Name (N 'Weg*') | Remove-ImapFolder -Confirm:$false
        $server = Get-ServerFolders
        $server | Should -Not -Contain (N 'Weg1')
        $server | Should -Not -Contain (N 'Weg2')
    }

    It 'is ConfirmImpact High and removes nothing with -WhatIf' {
        (Get-Command Remove-ImapFolder).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0].ConfirmImpact | Should -Be 'High'
        New-ImapFolder -Session $session -Name (N 'Bleibt') | Out-Null
        Remove-ImapFolder -Session $session -Name (N 'Bleibt') -WhatIf
        Get-ServerFolders | Should -Contain (N 'Bleibt')
    }

    It 'fails with ObjectNotFound for a missing folder, and goes on with the next one' {
        New-ImapFolder -Session $session -Name (N 'Danach') | Out-Null
        Remove-ImapFolder -Session $session -Name (N 'Gibt es nicht'), (N 'Danach') -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'RemoveImapFolderFolderNotFound*'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        Get-ServerFolders | Should -Not -Contain (N 'Danach')
    }

    It 'refuses to remove INBOX' {
        Remove-ImapFolder -Session $session -Name INBOX -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'RemoveImapFolderCannotRemoveInbox*'
        Get-ServerFolders | Should -Contain 'INBOX'
    }

    It 'sees folders created by another client' {
        Invoke-MailCheck -Bed $Bed -User $user -Command imap-create -Arguments (N 'Extern/Ünïcødé') | Out-Null
        @(Get-ImapFolder -Session $session -Name (N 'Extern/*')).FullName | Should -Be @((N 'Extern/Ünïcødé'))
    }
}

Describe 'Folder tab completion' -Skip:($env:MAILTESTBED_PROFILE -eq 'InboxPrefix') {
    BeforeAll {
        $user = New-TestUser -Bed $Bed
        New-TestFolder -Bed $Bed -User $user -Folder 'Projects/Alerts' | Out-Null
        New-TestFolder -Bed $Bed -User $user -Folder 'Projects/Größe 2' | Out-Null
        $log = New-ImapLogPath 'complete'
        $session = Connect-TestImap -User $user -ProtocolLogPath $log
        function Complete([string] $line) {
            @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText)
        }
    }
    AfterAll { $session | Disconnect-Imap -ErrorAction SilentlyContinue }

    It 'completes folder names from the cached list without a network call' {
        Get-ImapFolder | Out-Null
        $before = (Get-ImapClientCommands -Path $log).Count
        Complete 'Get-ImapFolder -Name Proj' | Should -Be @('Projects', 'Projects/Alerts', "'Projects/Größe 2'")
        Complete 'Remove-ImapFolder -Name projects/A' | Should -Be @('Projects/Alerts')
        Complete 'New-ImapFolder -Name Tra' | Should -Be @('Trash')
        Complete 'Rename-ImapFolder -Name Projects/Alerts -NewName Projects/G' | Should -Be @("'Projects/Größe 2'")
        (Get-ImapClientCommands -Path $log).Count | Should -Be $before
    }

    It 'keeps the cache current after New, Rename and Remove' {
        New-ImapFolder -Name 'Projects/Neu' | Out-Null
        Complete 'Get-ImapFolder -Name Projects/N' | Should -Be @('Projects/Neu')
        Rename-ImapFolder -Name 'Projects/Neu' -NewName 'Projects/Umbenannt'
        Complete 'Get-ImapFolder -Name Projects/N' | Should -BeNullOrEmpty
        Complete 'Get-ImapFolder -Name Projects/U' | Should -Be @('Projects/Umbenannt')
        Remove-ImapFolder -Name 'Projects/Umbenannt' -Confirm:$false
        Complete 'Get-ImapFolder -Name Projects/U' | Should -BeNullOrEmpty
    }

    It 'offers nothing (and does not fail) without a session' {
        Disconnect-Imap
        Complete 'Get-ImapFolder -Name Proj' | Should -BeNullOrEmpty
    }
}

Describe 'Tab completion of folder names right after Connect-Imap' {
    BeforeAll {
        $user = New-TestUser -Bed $Bed
        New-TestFolder -Bed $Bed -User $user -Folder 'Projects/Tab Test' | Out-Null
        $log = New-ImapLogPath 'tab'
        # The default session, so the completer finds it as it would at the prompt.
        $session = Connect-TestImap -User $user -ProtocolLogPath $log
    }
    AfterAll { $session | Disconnect-Imap -ErrorAction SilentlyContinue }

    It 'offers the folders before Get-ImapFolder has run' {
        $line = 'Search-ImapFolder -Folder Proj'
        $matches = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
        $matches | Should -Contain "'Projects/Tab Test'"
        $line = 'Get-ImapMessage -Folder IN'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain 'INBOX'
    }

    It 'listed the names with one LIST at connect, without STATUS, and Tab itself sends nothing' {
        $commands = @(Get-ImapClientCommands -Path $log)
        # MailKit itself lists INBOX and the special-use folders after log-in; the one full listing is ours.
        @($commands | Where-Object { $_ -match '^LIST "" "\*"' }) | Should -HaveCount 1
        @($commands | Where-Object { $_ -match 'STATUS' }) | Should -HaveCount 0
        $line = 'Watch-ImapFolder -Folder '
        $null = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        @(Get-ImapClientCommands -Path $log).Count | Should -Be $commands.Count
    }
}
