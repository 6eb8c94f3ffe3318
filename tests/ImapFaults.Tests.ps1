# IMAP faults: connections cut before, during and after the commands that download or change mail
# (through tests/TestBed/faultproxy.py), servers that stall (fakeserver.py), and Ctrl+C of a long
# download. Each time: nothing lost or duplicated on the server (checked with mailcheck.py), only
# complete files on disk, a clear error, and a session that reconnects and finishes the job on a re-run.

BeforeAll {
    . $PSScriptRoot/Common.ps1
    . $PSScriptRoot/ImapCommon.ps1
    Import-Module (Join-Path $PSScriptRoot 'TestBed/FaultProxy.psm1') -Force

    function Start-CutProxy {
        # A fault proxy in front of the bed's plain IMAP port (the proxy must read the commands).
        param([Parameter(Mandatory)][string] $Command, [int] $CutConnections = 1, [hashtable] $With = @{})
        $p = @{ TargetPort = $Bed.ImapPort; CutAfterCommand = $Command; CutConnections = $CutConnections }
        foreach ($k in $With.Keys) { $p[$k] = $With[$k] }
        Start-FaultProxy @p
    }

    function Connect-ThroughProxy {
        # A plaintext session through the proxy (-Security None warns; expected here).
        param([Parameter(Mandatory)] $User, [Parameter(Mandatory)] $Proxy)
        Connect-Imap -Server 127.0.0.1 -Port $Proxy.Port -Credential $User.Credential -Security None -TimeoutSec 15 -NotDefault -WarningAction SilentlyContinue
    }

    function Assert-ConnectionLost {
        # The one error a cut leaves: <Cmdlet>ConnectionLost, ConnectionError, and the session knows it is down.
        param([Parameter(Mandatory)] $Errors, [Parameter(Mandatory)][string] $Cmdlet, $Session, [switch] $Change)
        @($Errors) | Should -HaveCount 1
        $Errors[0].FullyQualifiedErrorId | Should -Be "$($Cmdlet.Replace('-', ''))ConnectionLost,MailProtocols.Commands.$($Cmdlet.Replace('-', ''))Command"
        $Errors[0].CategoryInfo.Category | Should -Be 'ConnectionError'
        $Errors[0].Exception.Message | Should -Match 'reconnects on its next use'
        if ($Change) { $Errors[0].Exception.Message | Should -Match 'unknown' -Because 'a change whose answer was lost may or may not have been applied' }
        else { $Errors[0].Exception.Message | Should -Not -Match 'unknown' -Because 'a download changes nothing on the server' }
        if ($Session) { $Session.IsConnected | Should -BeFalse }
    }

    function Get-ServerMessages {
        # UID -> {uid, flags, size, message_id, subject} as the independent client sees the folder.
        param([Parameter(Mandatory)] $User, [string] $Folder = 'INBOX')
        $map = [ordered]@{}
        $messages = Invoke-MailCheck -Bed $Bed -User $User -Command imap-messages -Arguments $Folder
        foreach ($m in $messages) { $map[[uint32]$m.uid] = $m }
        $map
    }

    function Assert-SavedFiles {
        # -Directory holds exactly one complete .eml per server message (size = RFC822.SIZE) and nothing else.
        param([Parameter(Mandatory)][string] $Directory, [Parameter(Mandatory)] $Server, [int] $Count = -1)
        $files = @(Get-ChildItem -LiteralPath $Directory -File -Force -ErrorAction SilentlyContinue)
        @($files | Where-Object Extension -NE '.eml').Name | Should -BeNullOrEmpty -Because 'no temporary or partial file may be left'
        if ($Count -ge 0) { $files | Should -HaveCount $Count }
        foreach ($f in $files) {
            $f.Name | Should -Match '^INBOX_\d+_(\d+)\.eml$'
            $uid = [uint32]($f.Name -replace '^INBOX_\d+_(\d+)\.eml$', '$1')
            $Server.Contains($uid) | Should -BeTrue
            $f.Length | Should -Be $Server[$uid].size -Because "$($f.Name) must be complete"
        }
        $files
    }

    function Get-ActiveMessageIds {
        # Message-IDs of the messages not marked \Deleted in a folder.
        param([Parameter(Mandatory)] $User, [string] $Folder = 'INBOX')
        @((Get-ServerMessages -User $User -Folder $Folder).Values | Where-Object { @($_.flags) -notcontains '\Deleted' } | ForEach-Object message_id)
    }
}

Describe 'Save-ImapMessage when the connection breaks' {
    BeforeAll {
        $script:User = New-TestUser -Bed $Bed
        # Six ~20 KB messages: one UID FETCH BODY.PEEK[] whose literals span many reads.
        $null = Add-TestMessageBatch -Bed $Bed -User $User -Count 6 -SizeBytes 20000 -AttachmentEvery 0
        $script:Server = Get-ServerMessages -User $User
        $script:Uids = [uint32[]]@($Server.Keys)
        $script:BodyFetch = 'UID FETCH .*BODY\.PEEK\[\]'
    }
    AfterEach { if ($proxy) { Stop-FaultProxy $proxy; $proxy = $null } }

    It 'cut before the FETCH, on the first try and on the retry: ConnectionLost, no file, and a re-run saves every message once' {
        $proxy = Start-CutProxy $BodyFetch -CutConnections 2 -With @{ BeforeCommand = $true }
        $dir = Join-Path $TestDrive 'before'
        $s = Connect-ThroughProxy $User $proxy
        try {
            $out = @(Save-ImapMessage -Session $s -Folder INBOX -Uid $Uids -Path $dir -ErrorVariable errs -ErrorAction SilentlyContinue)
            $out | Should -HaveCount 0
            Assert-ConnectionLost $errs Save-ImapMessage $s
            @(Get-FaultProxyEvent $proxy | Where-Object event -EQ cut) | Should -HaveCount 2 -Because 'the read is retried once on a new connection'
            $null = Assert-SavedFiles $dir $Server -Count 0

            # The next command reconnects (the third connection passes), and a re-run completes the job.
            @(Search-ImapFolder -Session $s -Folder INBOX) | Should -HaveCount 6
            $s.IsConnected | Should -BeTrue
            @(Save-ImapMessage -Session $s -Folder INBOX -Uid $Uids -Path $dir) | Should -HaveCount 6
        }
        finally { $s | Disconnect-Imap -ErrorAction SilentlyContinue }
        $null = Assert-SavedFiles $dir $Server -Count 6
        $one = Invoke-MailCheck -Bed $Bed -User $User -Command imap-fetch -Arguments INBOX, $Uids[0]
        [Convert]::ToBase64String([IO.File]::ReadAllBytes((Get-ChildItem $dir -Filter "INBOX_*_$($Uids[0]).eml").FullName)) | Should -Be $one.data_b64
    }

    It 'cut in the middle of a body literal, twice: only complete files, ConnectionLost, and a re-run adds the rest exactly once' {
        # 50,000 server bytes after the command: inside the third ~20 KB literal.
        $proxy = Start-CutProxy $BodyFetch -CutConnections 2 -With @{ ThenBytes = 50000 }
        $dir = Join-Path $TestDrive 'during'
        $s = Connect-ThroughProxy $User $proxy
        try {
            $null = @(Save-ImapMessage -Session $s -Folder INBOX -Uid $Uids -Path $dir -ErrorVariable errs -ErrorAction SilentlyContinue)
            Assert-ConnectionLost $errs Save-ImapMessage $s
            $cuts = @(Get-FaultProxyEvent $proxy | Where-Object event -EQ cut)
            $cuts | Should -HaveCount 2
            # Two messages arrived whole on each connection; the third was cut off and left no file behind.
            $partly = Assert-SavedFiles $dir $Server
            $partly.Count | Should -BeGreaterThan 0
            $partly.Count | Should -BeLessThan 6

            $again = @(Save-ImapMessage -Session $s -Folder INBOX -Uid $Uids -Path $dir)
            $again | Should -HaveCount 6 -Because 'the files saved before are reported too, not downloaded again'
        }
        finally { $s | Disconnect-Imap -ErrorAction SilentlyContinue }
        $null = Assert-SavedFiles $dir $Server -Count 6
        (Get-DovecotLogoutStats -Bed $Bed -User $User)[-1].body_count | Should -Be (6 - $partly.Count) -Because 'the re-run downloads only the messages still missing'
    }

    It 'cut once in the middle of a literal: the download is repeated on a new connection and completes without an error' {
        $proxy = Start-CutProxy $BodyFetch -CutConnections 1 -With @{ ThenBytes = 50000 }
        $dir = Join-Path $TestDrive 'retried'
        $s = Connect-ThroughProxy $User $proxy
        try {
            $out = @(Save-ImapMessage -Session $s -Folder INBOX -Uid $Uids -Path $dir -ErrorVariable errs -ErrorAction SilentlyContinue -Verbose 4>&1)
            $errs | Should -HaveCount 0
            @($out | Where-Object { $_ -is [IO.FileInfo] }) | Should -HaveCount 6
            (@($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n") | Should -Match 'reconnecting'
            $s.IsConnected | Should -BeTrue
            $null = Wait-FaultProxyEvent $proxy -Event cut
        }
        finally { $s | Disconnect-Imap -ErrorAction SilentlyContinue }
        $null = Assert-SavedFiles $dir $Server -Count 6
    }

    It 'cut after the last literal, before the tagged OK: every file is complete and the retry finds them saved' {
        $proxy = Start-CutProxy $BodyFetch -CutConnections 2 -With @{ BeforeCompletion = $true }
        $dir = Join-Path $TestDrive 'after'
        $s = Connect-ThroughProxy $User $proxy
        try {
            $out = @(Save-ImapMessage -Session $s -Folder INBOX -Uid $Uids -Path $dir -ErrorVariable errs -ErrorAction SilentlyContinue)
            $errs | Should -HaveCount 0
            $out | Should -HaveCount 6
            $cut = Wait-FaultProxyEvent $proxy -Event cut
            $cut.server_bytes | Should -BeGreaterThan 120000 -Because 'all six literals went through before the cut'
        }
        finally { $s | Disconnect-Imap -ErrorAction SilentlyContinue }
        $null = Assert-SavedFiles $dir $Server -Count 6
    }
}

Describe 'Sync-ImapFolder and Export-ImapFolder when the connection breaks' {
    BeforeAll {
        $script:User = New-TestUser -Bed $Bed
        $null = Add-TestMessageBatch -Bed $Bed -User $User -Count 6 -SizeBytes 20000 -AttachmentEvery 0
        $script:Server = Get-ServerMessages -User $User
        $script:BodyFetch = 'UID FETCH .*BODY\.PEEK\[\]'
    }
    AfterEach { if ($proxy) { Stop-FaultProxy $proxy; $proxy = $null } }

    It 'Sync-ImapFolder: a cut mid-literal (twice) leaves only complete messages in cur/, nothing in tmp/; a re-run completes' {
        $proxy = Start-CutProxy $BodyFetch -CutConnections 2 -With @{ ThenBytes = 50000 }
        $dest = Join-Path $TestDrive 'sync'
        $s = Connect-ThroughProxy $User $proxy
        try {
            $result = @(Sync-ImapFolder -Session $s -Destination $dest -ErrorVariable errs -ErrorAction SilentlyContinue)
            $result | Should -HaveCount 0
            Assert-ConnectionLost $errs Sync-ImapFolder $s
            @(Get-ChildItem (Join-Path $dest 'tmp') -File -ErrorAction SilentlyContinue) | Should -HaveCount 0
            $partial = @(Get-ChildItem (Join-Path $dest 'cur'), (Join-Path $dest 'new') -File -ErrorAction SilentlyContinue)
            $partial.Count | Should -BeLessThan 6
            foreach ($f in $partial) {
                $uid = [uint32]($f.Name -replace '^\d+\.(\d+)_\d+\.mailprotocols.*$', '$1')
                $f.Length | Should -Be $Server[$uid].size -Because "$($f.Name) must be complete"
            }

            $again = Sync-ImapFolder -Session $s -Destination $dest
            $again.New | Should -Be (6 - $partial.Count)
            $again.Count | Should -Be 6
        }
        finally { $s | Disconnect-Imap -ErrorAction SilentlyContinue }
        @(Get-ChildItem (Join-Path $dest 'tmp') -File) | Should -HaveCount 0
        $files = @(Get-ChildItem (Join-Path $dest 'cur'), (Join-Path $dest 'new') -File)
        $uids = @($files | ForEach-Object { [uint32]($_.Name -replace '^\d+\.(\d+)_\d+\.mailprotocols.*$', '$1') })
        ($uids | Sort-Object) | Should -Be @($Server.Keys) -Because 'every message exactly once'
        foreach ($f in $files) { $f.Length | Should -Be $Server[[uint32]($f.Name -replace '^\d+\.(\d+)_\d+\.mailprotocols.*$', '$1')].size }
    }

    It 'Export-ImapFolder: a cut mid-literal (twice) leaves neither the mbox file nor a temporary file; a re-run writes all' {
        $proxy = Start-CutProxy $BodyFetch -CutConnections 2 -With @{ ThenBytes = 50000 }
        $dir = Join-Path $TestDrive 'export'
        $null = New-Item -ItemType Directory $dir
        $mbox = Join-Path $dir 'inbox.mbox'
        $s = Connect-ThroughProxy $User $proxy
        try {
            $result = @(Export-ImapFolder -Session $s -Folder INBOX -Destination $mbox -ErrorVariable errs -ErrorAction SilentlyContinue)
            $result | Should -HaveCount 0
            Assert-ConnectionLost $errs Export-ImapFolder $s
            @(Get-ChildItem $dir -Force) | Should -HaveCount 0 -Because 'an incomplete export is never left under any name'

            $again = Export-ImapFolder -Session $s -Folder INBOX -Destination $mbox
            $again.Messages | Should -Be 6
        }
        finally { $s | Disconnect-Imap -ErrorAction SilentlyContinue }
        @(Get-ChildItem $dir -Force).Name | Should -Be 'inbox.mbox'
        $ids = @(Select-String -LiteralPath $mbox -Pattern '^Message-ID: (.*)$' | ForEach-Object { $_.Matches[0].Groups[1].Value.Trim() })
        ($ids | Sort-Object) | Should -Be (@($Server.Values.message_id) | Sort-Object)
    }
}

Describe 'Changes when the connection breaks' {
    BeforeAll {
        function New-ChangeUser {
            param([int] $Count = 3)
            $u = New-TestUser -Bed $Bed
            $null = Add-TestMessageBatch -Bed $Bed -User $u -Count $Count -NoFlags -AttachmentEvery 0
            $u
        }
    }
    AfterEach { if ($proxy) { Stop-FaultProxy $proxy; $proxy = $null } }

    It 'Set-ImapFlag, cut before UID STORE reaches the server: nothing changed; the next command reconnects and a re-run sets the flags' {
        $user = New-ChangeUser
        $proxy = Start-CutProxy 'UID STORE' -With @{ BeforeCommand = $true }
        $s = Connect-ThroughProxy $user $proxy
        try {
            Set-ImapFlag -Session $s -Folder INBOX -Uid 1, 2 -Add Flagged -ErrorVariable errs -ErrorAction SilentlyContinue
            Assert-ConnectionLost $errs Set-ImapFlag $s -Change
            (Get-ServerMessages $user).Values.flags | Should -Not -Contain '\Flagged'
            Set-ImapFlag -Session $s -Folder INBOX -Uid 1, 2 -Add Flagged
            $s.IsConnected | Should -BeTrue
        }
        finally { $s | Disconnect-Imap -ErrorAction SilentlyContinue }
        $server = Get-ServerMessages $user
        @($server[[uint32]1].flags) | Should -Contain '\Flagged'
        @($server[[uint32]2].flags) | Should -Contain '\Flagged'
        @($server[[uint32]3].flags) | Should -Not -Contain '\Flagged'
    }

    It 'Set-ImapFlag, cut after the server stored but before its OK: says the outcome is unknown; the flags are set' {
        $user = New-ChangeUser
        $proxy = Start-CutProxy 'UID STORE' -With @{ BeforeCompletion = $true }
        $s = Connect-ThroughProxy $user $proxy
        try {
            Set-ImapFlag -Session $s -Folder INBOX -Uid 1 -Add Seen -ErrorVariable errs -ErrorAction SilentlyContinue
            Assert-ConnectionLost $errs Set-ImapFlag $s -Change
        }
        finally { $s | Disconnect-Imap -ErrorAction SilentlyContinue }
        @((Get-ServerMessages $user)[[uint32]1].flags) | Should -Contain '\Seen'
    }

    It 'Set-ImapFlag over two folders: the cut fails only the first folder; the second is changed after a reconnect' {
        $user = New-ChangeUser
        $null = Add-TestMessageBatch -Bed $Bed -User $user -Folder Archive -Count 2 -NoFlags -AttachmentEvery 0
        $proxy = Start-CutProxy 'UID STORE' -With @{ BeforeCommand = $true }
        $s = Connect-ThroughProxy $user $proxy
        try {
            $messages = @(Search-ImapFolder -Session $s -Folder INBOX) + @(Search-ImapFolder -Session $s -Folder Archive)
            $messages | Set-ImapFlag -Add Flagged -ErrorVariable errs -ErrorAction SilentlyContinue
            Assert-ConnectionLost $errs Set-ImapFlag -Change
            $errs[0].TargetObject | Should -Be 'INBOX'
            $s.IsConnected | Should -BeTrue -Because 'the second folder reconnected'
        }
        finally { $s | Disconnect-Imap -ErrorAction SilentlyContinue }
        (Get-ServerMessages $user).Values.flags | Should -Not -Contain '\Flagged'
        @((Get-ServerMessages $user -Folder Archive).Values | Where-Object { @($_.flags) -contains '\Flagged' }) | Should -HaveCount 2
    }

    It 'Move-ImapMessage, cut before UID MOVE: every message still in the source, none in the target; a re-run moves them once' {
        $user = New-ChangeUser
        $ids = Get-ActiveMessageIds $user
        $proxy = Start-CutProxy 'UID MOVE' -With @{ BeforeCommand = $true }
        $s = Connect-ThroughProxy $user $proxy
        try {
            Move-ImapMessage -Session $s -Folder INBOX -Uid 1, 2, 3 -Destination Archive -ErrorVariable errs -ErrorAction SilentlyContinue
            Assert-ConnectionLost $errs Move-ImapMessage $s -Change
            (Get-ActiveMessageIds $user | Sort-Object) | Should -Be ($ids | Sort-Object)
            @(Get-ActiveMessageIds $user -Folder Archive) | Should -HaveCount 0
            Move-ImapMessage -Session $s -Folder INBOX -Uid 1, 2, 3 -Destination Archive
        }
        finally { $s | Disconnect-Imap -ErrorAction SilentlyContinue }
        @(Get-ActiveMessageIds $user) | Should -HaveCount 0
        (Get-ActiveMessageIds $user -Folder Archive | Sort-Object) | Should -Be ($ids | Sort-Object)
    }

    It 'Move-ImapMessage, cut after the server moved but before its OK: each message is in exactly one place' {
        $user = New-ChangeUser
        $ids = Get-ActiveMessageIds $user
        $proxy = Start-CutProxy 'UID MOVE' -With @{ BeforeCompletion = $true }
        $s = Connect-ThroughProxy $user $proxy
        try {
            Move-ImapMessage -Session $s -Folder INBOX -Uid 1, 2 -Destination Archive -ErrorVariable errs -ErrorAction SilentlyContinue
            Assert-ConnectionLost $errs Move-ImapMessage $s -Change
            # The next command reconnects; the moved UIDs are gone from INBOX, so a repeat finds nothing to move.
            Move-ImapMessage -Session $s -Folder INBOX -Uid 1, 2 -Destination Archive -ErrorVariable missing -ErrorAction SilentlyContinue
            $missing | Should -HaveCount 2
            $missing | ForEach-Object { $_.FullyQualifiedErrorId | Should -BeLike 'MoveImapMessageMessageNotFound,*' }
        }
        finally { $s | Disconnect-Imap -ErrorAction SilentlyContinue }
        $inbox = @(Get-ActiveMessageIds $user)
        $archive = @(Get-ActiveMessageIds $user -Folder Archive)
        $inbox | Should -HaveCount 1
        $archive | Should -HaveCount 2
        (($inbox + $archive) | Sort-Object) | Should -Be ($ids | Sort-Object)
    }

    It 'Copy-ImapMessage, cut before UID COPY: no copy made; cut after it: exactly one copy each' {
        $user = New-ChangeUser
        $ids = Get-ActiveMessageIds $user
        $proxy = Start-CutProxy 'UID COPY' -With @{ BeforeCommand = $true }
        $s = Connect-ThroughProxy $user $proxy
        try {
            Copy-ImapMessage -Session $s -Folder INBOX -Uid 1, 2, 3 -Destination Archive -ErrorVariable errs -ErrorAction SilentlyContinue
            Assert-ConnectionLost $errs Copy-ImapMessage $s -Change
            @(Get-ActiveMessageIds $user -Folder Archive) | Should -HaveCount 0
        }
        finally { $s | Disconnect-Imap -ErrorAction SilentlyContinue; Stop-FaultProxy $proxy; $proxy = $null }

        $proxy = Start-CutProxy 'UID COPY' -With @{ BeforeCompletion = $true }
        $s = Connect-ThroughProxy $user $proxy
        try {
            Copy-ImapMessage -Session $s -Folder INBOX -Uid 1, 2, 3 -Destination Archive -ErrorVariable errs -ErrorAction SilentlyContinue
            Assert-ConnectionLost $errs Copy-ImapMessage $s -Change
            @(Search-ImapFolder -Session $s -Folder Archive) | Should -HaveCount 3 -Because 'the next command reconnects'
        }
        finally { $s | Disconnect-Imap -ErrorAction SilentlyContinue }
        (Get-ActiveMessageIds $user -Folder Archive | Sort-Object) | Should -Be ($ids | Sort-Object)
        (Get-ActiveMessageIds $user | Sort-Object) | Should -Be ($ids | Sort-Object)
    }

    It 'Remove-ImapMessage -Permanent, cut before UID EXPUNGE: nothing is lost (marked \Deleted only); a re-run removes exactly those' {
        $user = New-ChangeUser
        $ids = Get-ActiveMessageIds $user
        $proxy = Start-CutProxy 'UID EXPUNGE' -With @{ BeforeCommand = $true }
        $s = Connect-ThroughProxy $user $proxy
        try {
            Remove-ImapMessage -Session $s -Folder INBOX -Uid 1, 2 -Permanent -Confirm:$false -ErrorVariable errs -ErrorAction SilentlyContinue
            Assert-ConnectionLost $errs Remove-ImapMessage $s -Change
            $server = Get-ServerMessages $user
            $server.Count | Should -Be 3 -Because 'nothing was expunged'
            @($server[[uint32]1].flags) | Should -Contain '\Deleted'
            @($server[[uint32]3].flags) | Should -Not -Contain '\Deleted'
            Remove-ImapMessage -Session $s -Folder INBOX -Uid 1, 2 -Permanent -Confirm:$false
        }
        finally { $s | Disconnect-Imap -ErrorAction SilentlyContinue }
        $server = Get-ServerMessages $user
        @($server.Keys) | Should -Be @([uint32]3)
        $server[[uint32]3].message_id | Should -Be $ids[2]
    }

    It 'Remove-ImapMessage -Permanent, cut after UID EXPUNGE but before its OK: exactly those messages are gone' {
        $user = New-ChangeUser
        $proxy = Start-CutProxy 'UID EXPUNGE' -With @{ BeforeCompletion = $true }
        $s = Connect-ThroughProxy $user $proxy
        try {
            Remove-ImapMessage -Session $s -Folder INBOX -Uid 2 -Permanent -Confirm:$false -ErrorVariable errs -ErrorAction SilentlyContinue
            Assert-ConnectionLost $errs Remove-ImapMessage $s -Change
            @(Search-ImapFolder -Session $s -Folder INBOX).Uid | Should -Be @(1, 3)
        }
        finally { $s | Disconnect-Imap -ErrorAction SilentlyContinue }
        @((Get-ServerMessages $user).Keys) | Should -Be @([uint32]1, [uint32]3)
    }

    It 'Add-ImapMessage, cut in the middle of the APPEND literals: nothing is stored; a re-run stores each file once' {
        $user = New-TestUser -Bed $Bed
        $dir = Join-Path $TestDrive 'append'
        $null = New-Item -ItemType Directory $dir
        foreach ($i in 1..3) {
            $text = "From: a@example.test`r`nTo: b@example.test`r`nSubject: append $i`r`nMessage-ID: <append-$i@example.test>`r`n`r`n" + ("line $i`r`n" * 400)
            [IO.File]::WriteAllText((Join-Path $dir "m$i.eml"), $text)
        }
        # MULTIAPPEND: one command carries all three; the cut lands inside the second literal.
        $proxy = Start-CutProxy 'APPEND' -With @{ ThenClientBytes = 5000 }
        $s = Connect-ThroughProxy $user $proxy
        try {
            Get-ChildItem $dir -Filter *.eml | Add-ImapMessage -Session $s -Folder INBOX -ErrorVariable errs -ErrorAction SilentlyContinue
            Assert-ConnectionLost $errs Add-ImapMessage $s -Change
            $uids = Invoke-MailCheck -Bed $Bed -User $user -Command imap-uids -Arguments INBOX
            @($uids | Where-Object { $_ }) | Should -HaveCount 0
            @(Get-ChildItem $dir -Filter *.eml | Add-ImapMessage -Session $s -Folder INBOX) | Should -HaveCount 3
        }
        finally { $s | Disconnect-Imap -ErrorAction SilentlyContinue }
        (Get-ActiveMessageIds $user | Sort-Object) | Should -Be @('<append-1@example.test>', '<append-2@example.test>', '<append-3@example.test>')
    }

    It 'Add-ImapMessage, cut after the server stored but before its OK: says the outcome is unknown; each message is stored once' {
        $user = New-TestUser -Bed $Bed
        $file = Join-Path $TestDrive 'one.eml'
        [IO.File]::WriteAllText($file, "From: a@example.test`r`nSubject: once`r`nMessage-ID: <once@example.test>`r`n`r`nbody`r`n")
        $proxy = Start-CutProxy 'APPEND' -With @{ BeforeCompletion = $true }
        $s = Connect-ThroughProxy $user $proxy
        try {
            Add-ImapMessage -Session $s -Folder INBOX -Path $file -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            Assert-ConnectionLost $errs Add-ImapMessage $s -Change
            $errs[0].Exception.Message | Should -Match 'Check the server'
        }
        finally { $s | Disconnect-Imap -ErrorAction SilentlyContinue }
        @(Get-ActiveMessageIds $user) | Should -Be @('<once@example.test>')
    }
}

Describe 'Servers that stall' {
    BeforeAll {
        $script:User = New-TestUser -Bed $Bed
        function Connect-Fake {
            param([Parameter(Mandatory)] $Fake, [int] $TimeoutSec = 2)
            Connect-Imap -Server 127.0.0.1 -Port $Fake.Port -Credential $User.Credential -Security None -TimeoutSec $TimeoutSec -NotDefault -WarningAction SilentlyContinue
        }
    }

    It 'fails within -TimeoutSec when the server stops in the middle of a body literal, and leaves no file' {
        $fake = Start-FakeServer -Mode imap-stall-literal -Bed $Bed
        $dir = Join-Path $TestDrive 'stall-literal'
        $s = Connect-Fake $fake
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $null = Save-ImapMessage -Session $s -Folder INBOX -Uid 1 -Path $dir -ErrorVariable errs -ErrorAction SilentlyContinue
        $watch.Stop()
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 5 -Because '-TimeoutSec 2 bounds every read'
        $errs | Should -HaveCount 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'SaveImapMessageTimeout,MailProtocols.Commands.SaveImapMessageCommand'
        $errs[0].CategoryInfo.Category | Should -Be 'OperationTimeout'
        $s.IsConnected | Should -BeFalse
        @(Get-ChildItem $dir -Force -ErrorAction SilentlyContinue) | Should -HaveCount 0
        @(Get-FakeServerEvent -Server $fake | Where-Object event -EQ stalled).at | Should -Be 'literal'
        $s | Disconnect-Imap -ErrorAction SilentlyContinue
    }

    It 'fails within -TimeoutSec when the server never answers a command after log-in' {
        $fake = Start-FakeServer -Mode imap-stall-command -Bed $Bed
        $s = Connect-Fake $fake
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $null = Search-ImapFolder -Session $s -Folder INBOX -ErrorVariable errs -ErrorAction SilentlyContinue
        $watch.Stop()
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 5
        $errs | Should -HaveCount 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'SearchImapFolderTimeout,MailProtocols.Commands.SearchImapFolderCommand'
        $errs[0].CategoryInfo.Category | Should -Be 'OperationTimeout'
        $errs[0].Exception.Message | Should -Match '-TimeoutSec'
        $s.IsConnected | Should -BeFalse
        @(Get-FakeServerEvent -Server $fake | Where-Object event -EQ stalled).at | Should -Match 'SELECT|EXAMINE'
        $s | Disconnect-Imap -ErrorAction SilentlyContinue
    }

    It 'does not allocate a 4 GiB literal the server announces: refused at once as a protocol error, not retried' {
        # Two connections: a retry would meet the same literal (and must not happen for a protocol error).
        $fake = Start-FakeServer -Mode imap-huge-literal -Bed $Bed -Connections 2
        $dir = Join-Path $TestDrive 'huge'
        $s = Connect-Fake $fake
        [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
        $me = [Diagnostics.Process]::GetCurrentProcess()
        $workingSet = $me.WorkingSet64
        $allocated = [GC]::GetTotalAllocatedBytes($true)
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $null = Save-ImapMessage -Session $s -Folder INBOX -Uid 1 -Path $dir -ErrorVariable errs -ErrorAction SilentlyContinue
        $watch.Stop()
        $allocatedDuring = [GC]::GetTotalAllocatedBytes($true) - $allocated
        $me.Refresh()
        $growth = $me.WorkingSet64 - $workingSet

        $watch.Elapsed.TotalSeconds | Should -BeLessThan 5
        $errs | Should -HaveCount 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'SaveImapMessageProtocolError,MailProtocols.Commands.SaveImapMessageCommand'
        $errs[0].CategoryInfo.Category | Should -Be 'ProtocolError'
        $errs[0].Exception.Message | Should -Match '4294967296'
        $s.IsConnected | Should -BeFalse
        @(Get-FakeServerEvent -Server $fake | Where-Object event -EQ connected) | Should -HaveCount 1 -Because 'a protocol error is not retried'
        $deadline = [DateTime]::UtcNow.AddSeconds(5)
        while (-not ($announced = Get-FakeServerEvent -Server $fake | Where-Object event -EQ literal) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
        $announced.size | Should -Be 4294967296 -Because 'the fake announced the literal before the client gave up'
        $allocatedDuring | Should -BeLessThan 64MB -Because 'the announced size must not be allocated up front'
        $growth | Should -BeLessThan 100MB
        @(Get-ChildItem $dir -Force -ErrorAction SilentlyContinue) | Should -HaveCount 0
        $s | Disconnect-Imap -ErrorAction SilentlyContinue
    }
}

Describe 'Stopping a 10,000-message IMAP download' {
    BeforeAll {
        $script:User = New-TestUser -Bed $Bed
        $null = Add-TestMessageBatch -Bed $Bed -User $User -Count 10000
    }

    It 'stops Save-ImapMessage within about two seconds, with only complete files and a usable session' {
        $dir = Join-Path $TestDrive 'imap'
        $stop = Stop-DownloadMidway -Directory $dir -TimeoutSeconds 120 `
            -Script 'param($m, $port, $cred, $dir) Import-Module $m; Connect-Imap -Server localhost -Port $port -Credential $cred | Out-Null; Search-ImapFolder -Folder INBOX | Save-ImapMessage -Path $dir' `
            -Arguments $env:MAILPROTOCOLS_MODULE, $Bed.ImapPort, $User.Credential, $dir
        $runspace = $stop.Runspace
        $stop.WasRunning | Should -BeTrue -Because 'the download must still be running when it is stopped'
        $stop.StopSeconds | Should -BeLessThan 2
        $stop.State | Should -Be 'Stopped'

        @(Get-ChildItem $dir -File | Where-Object Extension -NE '.eml') | Should -HaveCount 0 -Because 'no temporary file is left'
        $saved = @(Get-ChildItem $dir -Filter '*.eml')
        $saved.Count | Should -BeGreaterOrEqual 200
        $saved.Count | Should -BeLessThan 10000

        # The session goes on in the same runspace (still connected, or reconnecting by itself).
        $check = [powershell]::Create(); $check.Runspace = $runspace
        $null = $check.AddScript('$s = Get-MailSession -Protocol Imap; @(Search-ImapFolder -Session $s -Folder INBOX -Uid 1, 2).Count; $s.IsConnected')
        $after = $check.Invoke()
        $check.Streams.Error | Should -BeNullOrEmpty
        $after[0] | Should -Be 2
        $after[1] | Should -BeTrue
        $check.Dispose(); $runspace.Dispose()

        # Every file on disk is complete: its size is the server's size for that UID.
        $sizes = @{}
        $messages = Invoke-MailCheck -Bed $Bed -User $User -Command imap-messages -Arguments INBOX
        foreach ($m in $messages) { $sizes[[string]$m.uid] = [long]$m.size }
        $bad = @(foreach ($f in $saved) { $uid = $f.BaseName -replace '^INBOX_\d+_', ''; if ($f.Length -ne $sizes[$uid]) { $f.Name } })
        $bad | Should -BeNullOrEmpty
        $sizes.Count | Should -Be 10000 -Because 'a download changes nothing on the server'
    }
}
