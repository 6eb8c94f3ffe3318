# Shared folders (issue 15): namespaces, access rights (RFC 4314), the help-desk scenario, special use and subscriptions.
# Needs the Default profile of the test bed (acl + imap_acl, shared/<owner>/ and Public/ namespaces).
BeforeDiscovery {
    $script:NotDefaultBed = $env:MAILTESTBED_PROFILE -and $env:MAILTESTBED_PROFILE -ne 'Default'
}

BeforeAll {
    . $PSScriptRoot/Common.ps1
    . $PSScriptRoot/ImapCommon.ps1

    function Get-ServerAcl([Parameter(Mandatory)] $User, [Parameter(Mandatory)][string] $Folder) {
        # GETACL through the independent Python client, as a hashtable identity -> letters.
        $acl = Invoke-MailCheck -Bed $Bed -User $User -Command imap-getacl -Arguments $Folder
        $table = @{}
        foreach ($p in $acl.PSObject.Properties) { $table[$p.Name] = $p.Value }
        $table
    }
    function Get-ServerFolderNames([Parameter(Mandatory)] $User, [string] $Namespace = 'all', [switch] $Subscribed) {
        $arguments = @('--namespace', $Namespace) + @(if ($Subscribed) { '--subscribed' })
        @((Invoke-MailCheck -Bed $Bed -User $User -Command imap-folders -Arguments $arguments).name)
    }
}

Describe 'Get-ImapFolder -Namespace' -Skip:$NotDefaultBed {
    BeforeAll {
        $alice = New-TestUser -Bed $Bed
        $bob = New-TestUser -Bed $Bed
        New-TestFolder -Bed $Bed -User $alice -Folder 'Team' | Out-Null
        1..2 | ForEach-Object { Add-TestMessage -Bed $Bed -User $alice -Folder 'Team' -Subject "team $_" | Out-Null }
        Invoke-MailCheck -Bed $Bed -User $alice -Command imap-setacl -Arguments 'Team', $bob.Name, 'lrs' | Out-Null
        $shared = "shared/$($alice.Name)/Team"
        $session = Connect-TestImap -User $bob -NotDefault
    }
    AfterAll { $session | Disconnect-Imap -ErrorAction SilentlyContinue }

    It 'lists only the personal folders by default' {
        $folders = @(Get-ImapFolder -Session $session)
        $folders.FullName | Should -Not -Contain $shared
        $folders.FullName | Should -Not -Contain 'Public/Announcements'
        $folders | ForEach-Object { $_.Namespace | Should -Be 'Personal' }
        $folders.FullName | Sort-Object | Should -Be (Get-ServerFolderNames -User $bob -Namespace personal | Sort-Object)
    }

    It 'lists the folders other users shared, with their owner' {
        $other = @(Get-ImapFolder -Session $session -Namespace OtherUsers)
        $team = $other | Where-Object FullName -eq $shared
        $team | Should -Not -BeNullOrEmpty
        $team.Namespace | Should -Be 'OtherUsers'
        $team.Owner | Should -Be $alice.Name
        $team.Count | Should -Be 2
        $other.FullName | Should -Not -Contain 'INBOX'
        foreach ($name in Get-ServerFolderNames -User $bob -Namespace other) { $other.FullName | Should -Contain $name }
    }

    It 'lists personal, other users'' and public folders with -Namespace All' {
        $all = @(Get-ImapFolder -Session $session -Namespace All)
        ($all | Where-Object FullName -eq 'INBOX').Namespace | Should -Be 'Personal'
        ($all | Where-Object FullName -eq $shared).Owner | Should -Be $alice.Name
        $public = $all | Where-Object FullName -eq 'Public/Announcements'
        $public.Namespace | Should -Be 'Shared'
        $public.Owner | Should -BeNullOrEmpty
        # LIST "" "*" also returns the namespace roots "shared" and "Public", which are containers, not folders.
        $all.FullName | Sort-Object | Should -Be (Get-ServerFolderNames -User $bob -Namespace all | Where-Object { $_ -notin 'shared', 'Public' } | Sort-Object)
    }

    It 'takes another user''s folder name wherever a cmdlet takes -Folder' {
        @(Search-ImapFolder -Session $session -Folder $shared).Subject | Sort-Object | Should -Be @('team 1', 'team 2')
        @(Search-ImapFolder -Session $session -Folder 'Public/Announcements') | Should -BeNullOrEmpty
        (Get-ImapFolder -Session $session -Namespace OtherUsers -Name $shared | Search-ImapFolder).Count | Should -Be 2
    }

    It 'offers the listed shared folder names to tab completion' {
        $default = Connect-TestImap -User $bob
        try {
            Get-ImapFolder -Namespace All | Out-Null
            $line = "Search-ImapFolder -Folder shared/$($alice.Name)/T"
            @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText) | Should -Be @($shared)
        }
        finally { $default | Disconnect-Imap }
    }
}

Describe 'Get-ImapFolderAccess, Grant-ImapFolderAccess and Revoke-ImapFolderAccess' -Skip:$NotDefaultBed {
    BeforeAll {
        $alice = New-TestUser -Bed $Bed
        $bob = New-TestUser -Bed $Bed
        $carol = New-TestUser -Bed $Bed
        New-TestFolder -Bed $Bed -User $alice -Folder 'Shared Box' | Out-Null
        $session = Connect-TestImap -User $alice -NotDefault
    }
    AfterAll { $session, $script:bobSession | Where-Object { $_ } | Disconnect-Imap -ErrorAction SilentlyContinue }

    It 'grants rights given as RFC letters, as GETACL shows' {
        Grant-ImapFolderAccess -Session $session -Folder 'Shared Box' -Identity $bob.Name -Rights lrs
        (Get-ServerAcl -User $alice -Folder 'Shared Box')[$bob.Name] | Should -Be 'lrs'
    }

    It 'grants rights given as names, keeping the ones already there' {
        Grant-ImapFolderAccess -Session $session -Folder 'Shared Box' -Identity $bob.Name -Rights Write, DeleteMessages
        $letters = (Get-ServerAcl -User $alice -Folder 'Shared Box')[$bob.Name]
        foreach ($c in 'l', 'r', 's', 'w', 't') { $letters | Should -BeLike "*$c*" }
    }

    It 'reads the list with the rights in words and letters' {
        $acl = @(Get-ImapFolderAccess -Session $session -Folder 'Shared Box')
        $server = Get-ServerAcl -User $alice -Folder 'Shared Box'
        $acl.Identity | Sort-Object | Should -Be ($server.Keys | Sort-Object)
        $entry = $acl | Where-Object Identity -eq $bob.Name
        # Dovecot adds RFC 2086's "d" when "t" is granted ("lrwtsd"); it does not mean Expunge here.
        $entry.Rights | Should -Be ([MailProtocols.ImapFolderRights]'Lookup, Read, Seen, Write, DeleteMessages')
        $entry.Letters | Should -Be $server[$bob.Name]
        $entry.Source | Should -Be 'Acl'
        $entry.Folder | Should -Be 'Shared Box'
        ($acl | Where-Object Identity -eq $alice.Name).Rights.HasFlag([MailProtocols.ImapFolderRights]::Administer) | Should -BeTrue
        @(Get-ImapFolderAccess -Session $session -Folder 'Shared Box' -Identity $bob.Name).Identity | Should -Be @($bob.Name)
    }

    It 'falls back to MYRIGHTS for a user who may not read the list' {
        # Dovecot reads who shared what with a user when the user logs in, so bob signs in after the grant.
        $script:bobSession = Connect-TestImap -User $bob -NotDefault
        $mine = @(Get-ImapFolderAccess -Session $bobSession -Folder "shared/$($alice.Name)/Shared Box")
        $mine | Should -HaveCount 1
        $mine[0].Source | Should -Be 'MyRights'
        $mine[0].Identity | Should -Be $bob.Name
        $server = Invoke-MailCheck -Bed $Bed -User $bob -Command imap-myrights -Arguments "shared/$($alice.Name)/Shared Box"
        $mine[0].Letters | Should -Be $server.rights
        $mine[0].Rights.HasFlag([MailProtocols.ImapFolderRights]::Read) | Should -BeTrue
        $mine[0].Rights.HasFlag([MailProtocols.ImapFolderRights]::Administer) | Should -BeFalse
        # Someone else's rights are the list bob may not read: a permission error, not his own rights.
        Get-ImapFolderAccess -Session $bobSession -Folder "shared/$($alice.Name)/Shared Box" -Identity $carol.Name -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GetImapFolderAccessPermissionDenied,*'
        $err[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
    }

    It 'lists what may be granted with -ListRights' {
        $can = Get-ImapFolderAccess -Session $session -Folder 'Shared Box' -Identity $carol.Name -ListRights
        $can.Source | Should -Be 'ListRights'
        $can.Identity | Should -Be $carol.Name
        $can.Rights.HasFlag([MailProtocols.ImapFolderRights]::Lookup) | Should -BeTrue
    }

    It 'takes folder objects from Get-ImapFolder in all three cmdlets' {
        Get-ImapFolder -Session $session -Name 'Shared Box' | Grant-ImapFolderAccess -Identity $carol.Name -Rights 'Lookup, Read'
        (Get-ServerAcl -User $alice -Folder 'Shared Box')[$carol.Name] | Should -Be 'lr'
        (Get-ImapFolder -Session $session -Name 'Shared Box' | Get-ImapFolderAccess -Identity $carol.Name).Rights | Should -Be 'Lookup, Read'
        Get-ImapFolder -Session $session -Name 'Shared Box' | Revoke-ImapFolderAccess -Identity $carol.Name -Rights r -Confirm:$false
        (Get-ServerAcl -User $alice -Folder 'Shared Box')[$carol.Name] | Should -Be 'l'
    }

    It 'changes nothing with -WhatIf' {
        Grant-ImapFolderAccess -Session $session -Folder 'Shared Box' -Identity $carol.Name -Rights a -WhatIf
        Revoke-ImapFolderAccess -Session $session -Folder 'Shared Box' -Identity $bob.Name -WhatIf
        $server = Get-ServerAcl -User $alice -Folder 'Shared Box'
        $server[$carol.Name] | Should -Be 'l'
        $server[$bob.Name] | Should -Match '^lr.*s'
    }

    It 'revokes some rights, then all of them' {
        Revoke-ImapFolderAccess -Session $session -Folder 'Shared Box' -Identity $bob.Name -Rights 'w t' -Confirm:$false
        (Get-ServerAcl -User $alice -Folder 'Shared Box')[$bob.Name] | Should -Be 'lrs'
        Revoke-ImapFolderAccess -Session $session -Folder 'Shared Box' -Identity $bob.Name -Confirm:$false
        # MailKit has no DELETEACL: Dovecot keeps the identity with no rights.
        [string](Get-ServerAcl -User $alice -Folder 'Shared Box')[$bob.Name] | Should -BeNullOrEmpty
        (Get-ImapFolderAccess -Session $session -Folder 'Shared Box' -Identity $bob.Name | Select-Object -First 1).Rights | Should -BeIn @($null, [MailProtocols.ImapFolderRights]::None)
    }

    It 'refuses rights it does not know before sending anything' {
        { Grant-ImapFolderAccess -Session $session -Folder 'Shared Box' -Identity $bob.Name -Rights 'lrz' } |
            Should -Throw -ErrorId 'ParameterArgumentTransformationError,MailProtocols.Commands.GrantImapFolderAccessCommand'
        [string](Get-ServerAcl -User $alice -Folder 'Shared Box')[$bob.Name] | Should -BeNullOrEmpty
    }

    It 'fails with PermissionDenied when a user without the Administer right changes rights' {
        Grant-ImapFolderAccess -Session $session -Folder 'Shared Box' -Identity $bob.Name -Rights lr
        Grant-ImapFolderAccess -Session $bobSession -Folder "shared/$($alice.Name)/Shared Box" -Identity $carol.Name -Rights a -ErrorVariable err -ErrorAction SilentlyContinue
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -Be 'GrantImapFolderAccessPermissionDenied,MailProtocols.Commands.GrantImapFolderAccessCommand'
        $err[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        (Get-ServerAcl -User $alice -Folder 'Shared Box')[$carol.Name] | Should -Be 'l'
    }
}

Describe 'Folder access on a server without ACL' -Skip:$NotDefaultBed {
    BeforeAll {
        $user = New-TestUser -Bed $Bed
        $proxy = Start-ImapCapabilityProxy -Hide 'ACL'
        $session = Connect-ProxiedImap -User $user -Proxy $proxy
    }
    AfterAll {
        $session | Disconnect-Imap -ErrorAction SilentlyContinue
        Stop-ImapCapabilityProxy $proxy
    }

    It 'stops with an error that names the missing capability, for all three cmdlets' {
        $session.Capabilities | Should -Not -Contain 'Acl'
        foreach ($call in @(
                @{ Id = 'GetImapFolderAccessAclNotSupported'; Run = { Get-ImapFolderAccess -Session $session -Folder INBOX } },
                @{ Id = 'GrantImapFolderAccessAclNotSupported'; Run = { Grant-ImapFolderAccess -Session $session -Folder INBOX -Identity other -Rights l } },
                @{ Id = 'RevokeImapFolderAccessAclNotSupported'; Run = { Revoke-ImapFolderAccess -Session $session -Folder INBOX -Identity other -Confirm:$false } })) {
            $caught = $null
            try { & $call.Run } catch { $caught = $_ }
            $caught | Should -Not -BeNullOrEmpty
            $caught.FullyQualifiedErrorId | Should -BeLike "$($call.Id),*"
            $caught.CategoryInfo.Category | Should -Be 'InvalidOperation'
            $caught.Exception.Message | Should -BeLike '*ACL*RFC 4314*'
        }
        (Get-ServerAcl -User $user -Folder INBOX).Keys | Should -Not -Contain 'other'
    }
}

Describe 'The help-desk scenario' -Skip:$NotDefaultBed {
    BeforeAll {
        $alice = New-TestUser -Bed $Bed
        $bob = New-TestUser -Bed $Bed
        $aliceSession = Connect-TestImap -User $alice -NotDefault
        $support = "shared/$($alice.Name)/Support"
    }
    AfterAll { $aliceSession, $script:bobSession | Where-Object { $_ } | Disconnect-Imap -ErrorAction SilentlyContinue }

    It 'alice creates Support and grants bob lookup, read, seen, write and delete' {
        New-ImapFolder -Session $aliceSession -Name 'Support', 'Support/Done' | Out-Null
        1..3 | ForEach-Object { Add-TestMessage -Bed $Bed -User $alice -Folder 'Support' -Subject "ticket $_" -From 'customer@example.com' | Out-Null }
        Get-ImapFolder -Session $aliceSession -Name 'Support*' | Grant-ImapFolderAccess -Identity $bob.Name -Rights 'Lookup, Read, Seen, Write, Insert, DeleteMessages, Expunge'
        foreach ($folder in 'Support', 'Support/Done') {
            $letters = (Get-ServerAcl -User $alice -Folder $folder)[$bob.Name]
            foreach ($c in 'l', 'r', 's', 'w', 'i', 't', 'e') { $letters | Should -BeLike "*$c*" -Because $folder }
            $letters | Should -Not -BeLike '*a*'
        }
    }

    It 'bob finds it among the other users'' folders, searches it, flags a message and moves it to Support/Done' {
        # Dovecot reads who shared what with a user when the user logs in.
        $script:bobSession = Connect-TestImap -User $bob -NotDefault
        $found = @(Get-ImapFolder -Session $bobSession -Namespace OtherUsers -Name "$support*")
        $found.FullName | Sort-Object | Should -Be @($support, "$support/Done")
        ($found | Where-Object FullName -eq $support).Owner | Should -Be $alice.Name
        $tickets = @($found | Where-Object FullName -eq $support | Search-ImapFolder -Subject 'ticket')
        $tickets | Should -HaveCount 3
        $tickets | Where-Object Subject -eq 'ticket 2' | Set-ImapFlag -Add Flagged
        $tickets | Where-Object Subject -eq 'ticket 3' | Move-ImapMessage -Destination "$support/Done"
    }

    It 'alice sees the flag and the move' {
        $flags = Invoke-MailCheck -Bed $Bed -User $alice -Command imap-messages -Arguments 'Support'
        ($flags | Where-Object subject -eq 'ticket 2').flags | Should -Contain '\Flagged'
        @($flags.subject) | Should -Not -Contain 'ticket 3'
        @((Invoke-MailCheck -Bed $Bed -User $alice -Command imap-messages -Arguments 'Support/Done').subject) | Should -Be @('ticket 3')
    }

    It 'after alice revokes his read right, bob still sees Support but his search fails with PermissionDenied' {
        Revoke-ImapFolderAccess -Session $aliceSession -Folder 'Support' -Identity $bob.Name -Rights Read -Confirm:$false
        (Get-ServerAcl -User $alice -Folder 'Support')[$bob.Name] | Should -Not -BeLike '*r*'
        Get-ServerFolderNames -User $bob -Namespace other | Should -Contain $support
        # Dovecot keeps the rights it read in a session that is already open (even with cache_secs=0), so the
        # revocation is checked with bob's next session, as his next run of a script would have.
        $script:bobSession | Disconnect-Imap
        $script:bobSession = Connect-TestImap -User $bob -NotDefault
        Search-ImapFolder -Session $bobSession -Folder $support -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -Be 'SearchImapFolderPermissionDenied,MailProtocols.Commands.SearchImapFolderCommand'
        $err[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        $err[0].Exception.Message | Should -BeLike '*Get-ImapFolderAccess*'
    }

    It 'once alice revokes all his rights, Support is gone from bob''s listing' {
        # Support/Done too: a subfolder bob may still see keeps its parent in his listing.
        Get-ImapFolder -Session $aliceSession -Name 'Support*' | Revoke-ImapFolderAccess -Identity $bob.Name -Confirm:$false
        $script:bobSession | Disconnect-Imap
        $script:bobSession = Connect-TestImap -User $bob -NotDefault
        @(Get-ImapFolder -Session $bobSession -Namespace OtherUsers).FullName | Should -Not -Contain $support
        Get-ServerFolderNames -User $bob -Namespace other | Should -Not -Contain $support
    }
}

Describe 'Special-use folders' -Skip:$NotDefaultBed {
    BeforeAll {
        $user = New-TestUser -Bed $Bed
        New-TestFolder -Bed $Bed -User $user -Folder 'All Mail' | Out-Null
        New-TestFolder -Bed $Bed -User $user -Folder 'Sent Items' | Out-Null
        $session = Connect-TestImap -User $user -NotDefault
    }
    AfterAll { $session | Disconnect-Imap -ErrorAction SilentlyContinue }

    It 'finds the folder the server marks, before one with a well-known name' {
        @(Get-ImapFolder -Session $session -SpecialUse Sent).FullName | Should -Be @('Sent')
        @(Get-ImapFolder -Session $session -SpecialUse Trash).FullName | Should -Be @('Trash')
    }

    It 'falls back to a well-known name when no folder is marked' {
        @(Get-ImapFolder -Session $session -SpecialUse All).FullName | Should -Be @('All Mail')
    }

    It 'fails with ObjectNotFound when no folder plays the role' {
        Get-ImapFolder -Session $session -SpecialUse Important -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GetImapFolderSpecialUseNotFound,*'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'refuses New-ImapFolder -SpecialUse on Dovecot 2.3, naming CREATE-SPECIAL-USE, and leaves no folder behind' {
        $session.Capabilities | Should -Not -Contain 'CreateSpecialUse'
        New-ImapFolder -Session $session -Name 'Gesendet' -SpecialUse Sent -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'NewImapFolderCreateSpecialUseNotSupported,*'
        $err[0].Exception.Message | Should -BeLike '*CREATE-SPECIAL-USE*'
        Get-ServerFolderNames -User $user -Namespace personal | Should -Not -Contain 'Gesendet'
    }

    It 'creates a marked folder where the server offers CREATE-SPECIAL-USE' {
        $fake = Start-FakeServer -Mode imap-create-special-use -Bed $Bed -LifetimeSeconds 120
        try {
            $fs = Connect-Imap -Server 127.0.0.1 -Port $fake.Port -Credential $user.Credential -Security None -NotDefault -TimeoutSec 15 -WarningAction SilentlyContinue
            $created = New-ImapFolder -Session $fs -Name 'Gesendet' -SpecialUse Sent
            $created.FullName | Should -Be 'Gesendet'
            $created.SpecialUse | Should -Be 'Sent'
            @(Get-ImapFolder -Session $fs -SpecialUse Sent).FullName | Should -Be @('Gesendet')
            $fs | Disconnect-Imap
            Get-FakeTranscript -Server $fake -WaitForExit | Should -Match 'CREATE "?Gesendet"? \(USE \(\\Sent\)\)'
        }
        finally { Stop-FakeServer -Server $fake -ErrorAction SilentlyContinue }
    }
}

Describe 'Add-ImapSubscription and Remove-ImapSubscription' -Skip:$NotDefaultBed {
    BeforeAll {
        $user = New-TestUser -Bed $Bed
        New-TestFolder -Bed $Bed -User $user -Folder 'Lists/Dev' | Out-Null
        New-TestFolder -Bed $Bed -User $user -Folder 'Lists/Ops' | Out-Null
        $session = Connect-TestImap -User $user -NotDefault
    }
    AfterAll { $session | Disconnect-Imap -ErrorAction SilentlyContinue }

    It 'subscribes folders by name and from the pipeline' {
        Add-ImapSubscription -Session $session -Folder 'Lists/Dev'
        Get-ServerFolderNames -User $user -Subscribed | Should -Contain 'Lists/Dev'
        Get-ImapFolder -Session $session -Name 'Lists/Ops' | Add-ImapSubscription
        Get-ServerFolderNames -User $user -Subscribed | Should -Contain 'Lists/Ops'
        @(Get-ImapFolder -Session $session -Subscribed -Name 'Lists/*').FullName | Sort-Object | Should -Be @('Lists/Dev', 'Lists/Ops')
    }

    It 'changes nothing with -WhatIf' {
        Remove-ImapSubscription -Session $session -Folder 'Lists/Dev' -WhatIf
        Get-ServerFolderNames -User $user -Subscribed | Should -Contain 'Lists/Dev'
    }

    It 'unsubscribes, and Get-ImapFolder -Subscribed shows the result' {
        Remove-ImapSubscription -Session $session -Folder 'Lists/Dev'
        Get-ServerFolderNames -User $user -Subscribed | Should -Not -Contain 'Lists/Dev'
        @(Get-ImapFolder -Session $session -Subscribed -Name 'Lists/*').FullName | Should -Be @('Lists/Ops')
        Get-ServerFolderNames -User $user | Should -Contain 'Lists/Dev'
    }

    It 'fails with ObjectNotFound for a missing folder and goes on with the next' {
        Remove-ImapSubscription -Session $session -Folder 'No such', 'Lists/Ops' -ErrorVariable err -ErrorAction SilentlyContinue
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'RemoveImapSubscriptionFolderNotFound,*'
        Get-ServerFolderNames -User $user -Subscribed | Should -Not -Contain 'Lists/Ops'
    }
}

Describe 'The help-desk runbook examples/Invoke-SharedSupportFolder.ps1' -Skip:$NotDefaultBed {
    BeforeAll {
        $alice = New-TestUser -Bed $Bed
        $bob = New-TestUser -Bed $Bed
        New-TestFolder -Bed $Bed -User $alice -Folder 'Support' | Out-Null
        foreach ($day in 1..3) {
            Add-TestMessage -Bed $Bed -User $alice -Folder 'Support' -Subject "ticket $day" -Date ([datetimeoffset]::new(2026, 11, $day, 9, 0, 0, [timespan]::Zero)) | Out-Null
        }
        $report = & "$PSScriptRoot/../examples/Invoke-SharedSupportFolder.ps1" -Server localhost -ImapPort $Bed.ImapPort -OwnerCredential $alice.Credential -AgentCredential $bob.Credential
    }

    It 'shares the folder, flags the newest ticket and files the oldest, as the owner sees' {
        $report.SharedFolder | Should -Be "shared/$($alice.Name)/Support"
        $report.Owner | Should -Be $alice.Name
        $report.Tickets | Should -Be 3
        $report.Flagged | Should -Be 'ticket 3'
        $report.Filed | Should -Be 'ticket 1'
        (Get-ServerAcl -User $alice -Folder 'Support/Done')[$bob.Name] | Should -Be $report.AgentRights
        $support = Invoke-MailCheck -Bed $Bed -User $alice -Command imap-messages -Arguments 'Support'
        @($support.subject) | Sort-Object | Should -Be @('ticket 2', 'ticket 3')
        ($support | Where-Object subject -eq 'ticket 3').flags | Should -Contain '\Flagged'
        @((Invoke-MailCheck -Bed $Bed -User $alice -Command imap-messages -Arguments 'Support/Done').subject) | Should -Be @('ticket 1')
    }
}

Describe 'Rights in words and letters' {
    It 'reads names, RFC 4314 letters and RFC 2086''s c and d' {
        [MailProtocols.ImapFolderRightsText]::Parse('lrs') | Should -Be ([MailProtocols.ImapFolderRights]'Lookup, Read, Seen')
        [MailProtocols.ImapFolderRightsText]::Parse('Lookup, Read') | Should -Be ([MailProtocols.ImapFolderRights]'Lookup, Read')
        [MailProtocols.ImapFolderRightsText]::Parse('Lookup Expunge') | Should -Be ([MailProtocols.ImapFolderRights]'Lookup, Expunge')
        [MailProtocols.ImapFolderRightsText]::Parse('lc') | Should -Be ([MailProtocols.ImapFolderRights]'Lookup, CreateFolder, DeleteFolder')
        [MailProtocols.ImapFolderRightsText]::Parse('ld') | Should -Be ([MailProtocols.ImapFolderRights]'Lookup, DeleteMessages, Expunge')
        [MailProtocols.ImapFolderRightsText]::ToLetters([MailProtocols.ImapFolderRights]::All) | Should -BeExactly 'lrswipkxtea'
        { [MailProtocols.ImapFolderRightsText]::Parse('lrz') } | Should -Throw '*lrz*'
    }

    It 'reads a server''s "d" as virtual when the RFC 4314 letters are there' {
        $unknown = $null
        [MailProtocols.ImapFolderRightsText]::FromLetters('lrwtsd', [ref] $unknown) | Should -Be ([MailProtocols.ImapFolderRights]'Lookup, Read, Seen, Write, DeleteMessages')
        [MailProtocols.ImapFolderRightsText]::FromLetters('lrsd', [ref] $unknown) | Should -Be ([MailProtocols.ImapFolderRights]'Lookup, Read, Seen, DeleteMessages, Expunge')
        [MailProtocols.ImapFolderRightsText]::FromLetters('lrX', [ref] $unknown) | Should -Be ([MailProtocols.ImapFolderRights]'Lookup, Read')
        $unknown | Should -BeExactly 'X'
    }
}

Describe 'A Dovecot without the acl plugin (NoAcl profile)' -Skip:$NotDefaultBed {
    BeforeAll {
        $plain = Start-TestDovecot -Name 'noacl' -Profile NoAcl
        $user = New-TestUser -Bed $plain
        $session = Connect-Imap -Server localhost -Port $plain.ImapPort -Credential $user.Credential -NotDefault -TimeoutSec 15
    }
    AfterAll {
        $session | Disconnect-Imap -ErrorAction SilentlyContinue
        Stop-TestDovecot -Bed $plain
    }

    It 'stops Get-ImapFolderAccess with AclNotSupported and lists no other namespaces' {
        Invoke-MailCheck -Bed $plain -User $user -Command imap-capability | Should -Not -Contain 'ACL'
        { Get-ImapFolderAccess -Session $session -Folder INBOX } | Should -Throw -ErrorId 'GetImapFolderAccessAclNotSupported,MailProtocols.Commands.GetImapFolderAccessCommand'
        @(Get-ImapFolder -Session $session -Namespace OtherUsers) | Should -BeNullOrEmpty
        @(Get-ImapFolder -Session $session -Namespace All).FullName | Sort-Object | Should -Be (@((Invoke-MailCheck -Bed $plain -User $user -Command imap-folders).name) | Sort-Object)
    }
}
