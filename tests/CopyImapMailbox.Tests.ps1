# Copy-ImapMailbox: a mailbox moved between two Dovecot instances side by side, one with '/' and SPECIAL-USE,
# the others with an INBOX. prefix and '.', or Exchange Online's folder names and few capabilities. Both
# servers are checked with the independent Python client (mailcheck.py imap-digest): every message by
# Message-ID with a byte-identical body (SHA-256 of BODY[]), its flags and INTERNALDATE, in the right folder.

BeforeAll {
    . $PSScriptRoot/Common.ps1
    . $PSScriptRoot/ImapCommon.ps1
    Import-Module (Join-Path $PSScriptRoot 'TestBed/FaultProxy.psm1') -Force

    # This file's own servers: the source ('/' delimiter, SPECIAL-USE), an INBOX.-prefixed one ('.') and an Exchange-like one.
    $script:Src = Start-TestDovecot -Name 'mig-src' -Profile NoAcl
    $script:Dot = Start-TestDovecot -Name 'mig-dot' -Profile InboxPrefix -QuotaStorage 2G
    $script:Exo = Start-TestDovecot -Name 'mig-exo' -Profile NoAcl -CapabilityProfile Exchange
    $script:Logs = [System.Collections.Generic.List[string]]::new()
    # The identity caches of this file's runs go to a folder of their own, not the tester's ~/.cache.
    $script:OldCacheHome = $env:XDG_CACHE_HOME
    $env:XDG_CACHE_HOME = Join-Path ([IO.Path]::GetTempPath()) "mp-migcache-$PID"
    $script:CacheDir = Join-Path $env:XDG_CACHE_HOME 'MailProtocols/Copy-ImapMailbox'

    function Connect-Bed {
        param([Parameter(Mandatory)] $Bed, [Parameter(Mandatory)] $User, [switch] $Log)
        $p = @{ Server = 'localhost'; Port = $Bed.ImapPort; Credential = $User.Credential; TimeoutSec = 30; NotDefault = $true }
        if ($Log) { $path = New-ImapLogPath 'migrate'; $script:Logs.Add($path); $p.ProtocolLogPath = $path }
        Connect-Imap @p
    }

    function Get-Digest {
        # "message-id|sha256|internaldate|flags" per message of a folder, sorted: two folders with the same list hold the same mail.
        param([Parameter(Mandatory)] $Bed, [Parameter(Mandatory)] $User, [Parameter(Mandatory)][string] $Folder)
        $digest = Invoke-MailCheck -Bed $Bed -User $User -Command imap-digest -Arguments $Folder -TimeoutSeconds 300
        @(foreach ($m in $digest) { '{0}|{1}|{2}|{3}' -f $m.message_id, $m.sha256, $m.internaldate, (@($m.flags) -join ' ') }) | Sort-Object
    }

    function Assert-SameMail {
        param($FromBed, $FromUser, [string] $From, $ToBed, $ToUser, [string] $To, [int] $Count)
        $a = Get-Digest -Bed $FromBed -User $FromUser -Folder $From
        $b = Get-Digest -Bed $ToBed -User $ToUser -Folder $To
        $a.Count | Should -Be $Count
        # Compared as one text: a missing, extra (duplicate) or altered message shows in the difference.
        ($b -join "`n") | Should -BeExactly ($a -join "`n") -Because "'$To' must hold exactly the messages of '$From', byte for byte, with flags and dates"
    }

    function Get-FolderNames {
        param($Bed, $User)
        $folders = Invoke-MailCheck -Bed $Bed -User $User -Command imap-folders
        @(foreach ($f in $folders) { $f.name })
    }

    function New-SourceMailbox {
        # INBOX (seeded, attachments, one message without Message-ID, one with a keyword), Sent, Trash, Junk, Projects/Web.
        param([int] $Inbox = 120)
        $u = New-TestUser -Bed $Src
        Add-TestMessageBatch -Bed $Src -User $u -Count $Inbox -AttachmentEvery 15 | Out-Null
        Add-TestMessage -Bed $Src -User $u -Raw "From: a@example.com`r`nTo: b@example.com`r`nSubject: no id`r`nDate: Fri, 1 Mar 2024 10:00:00 +0000`r`n`r`nThis one has no Message-ID.`r`n" -InternalDate '2024-03-01T10:00:00Z' -Flags '\Seen' | Out-Null
        Add-TestMessage -Bed $Src -User $u -Subject 'labelled' -MessageId '<kw@example.com>' -Flags '\Flagged' | Out-Null
        Invoke-MailCheck -Bed $Src -User $u -Command imap-store -Arguments INBOX, '*', '+FLAGS', '$Label1' | Out-Null
        Add-TestMessageBatch -Bed $Src -User $u -Count 12 -Folder Sent | Out-Null
        Add-TestMessageBatch -Bed $Src -User $u -Count 3 -Folder Trash | Out-Null
        Add-TestMessageBatch -Bed $Src -User $u -Count 4 -Folder Junk | Out-Null
        Add-TestMessageBatch -Bed $Src -User $u -Count 5 -Folder 'Projects/Web' | Out-Null
        $u
    }
}

AfterAll {
    foreach ($bed in $script:Src, $script:Dot, $script:Exo) { if ($bed) { Stop-TestDovecot -Bed $bed } }
    foreach ($log in $script:Logs) { Remove-Item -LiteralPath $log -ErrorAction SilentlyContinue }
    Remove-Item -LiteralPath $env:XDG_CACHE_HOME -Recurse -Force -ErrorAction SilentlyContinue
    $env:XDG_CACHE_HOME = $script:OldCacheHome
}

Describe 'Copy-ImapMailbox into a server with an INBOX. prefix and "." as delimiter' {
    BeforeAll {
        $from = New-SourceMailbox
        $to = New-TestUser -Bed $Dot
        $s = Connect-Bed -Bed $Src -User $from
        $d = Connect-Bed -Bed $Dot -User $to -Log
        $dLog = $script:Logs[-1]
        $first = @(Copy-ImapMailbox -Source $s -Destination $d)
        $second = @(Copy-ImapMailbox -Source $s -Destination $d)
    }
    AfterAll { $s, $d | Disconnect-Imap -ErrorAction SilentlyContinue }

    It 'copies every folder, one result per folder, creating what the destination lacks' {
        $first | Should -BeOfType MailProtocols.ImapMailboxCopyResult
        $byName = @{}; $first | ForEach-Object { $byName[$_.Source] = $_ }
        $byName['INBOX'].Destination | Should -Be 'INBOX'
        $byName['INBOX'].Copied | Should -Be 122
        $byName['Sent'].Destination | Should -Be 'INBOX.Sent'
        $byName['Projects/Web'].Destination | Should -Be 'INBOX.Projects.Web'
        $byName['Projects/Web'].Created | Should -BeTrue
        $byName['Projects/Web'].Copied | Should -Be 5
        ($first | Measure-Object Errors -Sum).Sum | Should -Be 0
        ($first | Measure-Object Bytes -Sum).Sum | Should -BeGreaterThan 0
        Get-FolderNames -Bed $Dot -User $to | Should -Contain 'INBOX.Projects.Web'
    }

    It 'leaves byte-identical messages with their flags, keywords and INTERNALDATE, a message without Message-ID included' {
        Assert-SameMail $Src $from 'INBOX' $Dot $to 'INBOX' 122
        Assert-SameMail $Src $from 'Sent' $Dot $to 'INBOX.Sent' 12
        Assert-SameMail $Src $from 'Projects/Web' $Dot $to 'INBOX.Projects.Web' 5
        (Get-Digest -Bed $Dot -User $to -Folder INBOX) -match '\$Label1' | Should -Not -BeNullOrEmpty
    }

    It 'appends in batches (MULTIAPPEND), never one command per message' {
        $appends = Measure-ImapCommand -Path $dLog -Pattern 'APPEND'
        $appends | Should -BeLessOrEqual 8 -Because '146 messages in 5 folders fit in one MULTIAPPEND per folder'
    }

    It 'copies nothing on a second run' {
        ($second | Measure-Object Copied -Sum).Sum | Should -Be 0
        ($second | Where-Object Source -eq 'INBOX').Skipped | Should -Be 122
        ($second | Measure-Object Errors -Sum).Sum | Should -Be 0
        Assert-SameMail $Src $from 'INBOX' $Dot $to 'INBOX' 122
    }

    It 'fetches nothing on a re-run of unchanged folders: the identity caches know every message and SELECT shows the same UIDs' {
        $before = Measure-ImapCommand -Path $dLog -Pattern 'UID FETCH'
        $again = @(Copy-ImapMailbox -Source $s -Destination $d)
        ($again | Measure-Object Copied -Sum).Sum | Should -Be 0
        ($again | Where-Object Source -eq 'INBOX').Skipped | Should -Be 122
        Measure-ImapCommand -Path $dLog -Pattern 'UID FETCH' | Should -Be $before
        $files = @(Get-ChildItem -LiteralPath $CacheDir -File)
        $files.Count | Should -BeGreaterOrEqual 10 -Because 'five folders on each side'
        $files | ForEach-Object { $_.UnixFileMode | Should -Be ([IO.UnixFileMode]'UserRead, UserWrite') }
        (Get-Item -LiteralPath $CacheDir).UnixFileMode | Should -Be ([IO.UnixFileMode]'UserRead, UserWrite, UserExecute')
    }

    It 'notices a new message on the source although the caches said the folder was unchanged, and copies only it' {
        Add-TestMessage -Bed $Src -User $from -Folder Trash -Subject 'late' -MessageId '<late@example.com>' | Out-Null
        $before = Measure-ImapCommand -Path $dLog -Pattern 'UID FETCH .*HEADER\.FIELDS'
        $r = @(Copy-ImapMailbox -Source $s -Destination $d)
        ($r | Where-Object Source -eq 'Trash').Copied | Should -Be 1
        ($r | Measure-Object Copied -Sum).Sum | Should -Be 1
        Measure-ImapCommand -Path $dLog -Pattern 'UID FETCH .*HEADER\.FIELDS' | Should -Be $before -Because 'the destination''s identities are all cached'
        Assert-SameMail $Src $from 'Trash' $Dot $to (($r | Where-Object Source -eq 'Trash').Destination) 4
    }

    It 'copies nothing either with -NoIdentityCache or after the cache is deleted, reading every Message-ID again' {
        $before = Measure-ImapCommand -Path $dLog -Pattern 'UID FETCH .*HEADER\.FIELDS'
        $stamp = (Get-ChildItem -LiteralPath $CacheDir -File | Measure-Object LastWriteTimeUtc -Maximum).Maximum
        $plain = @(Copy-ImapMailbox -Source $s -Destination $d -NoIdentityCache)
        ($plain | Measure-Object Copied -Sum).Sum | Should -Be 0
        ($plain | Where-Object Source -eq 'INBOX').Skipped | Should -Be 122
        Measure-ImapCommand -Path $dLog -Pattern 'UID FETCH .*HEADER\.FIELDS' | Should -Be ($before + 5)
        (Get-ChildItem -LiteralPath $CacheDir -File | Measure-Object LastWriteTimeUtc -Maximum).Maximum | Should -Be $stamp -Because '-NoIdentityCache writes nothing'
        Remove-Item -LiteralPath $CacheDir -Recurse -Force
        $fresh = @(Copy-ImapMailbox -Source $s -Destination $d)
        ($fresh | Measure-Object Copied -Sum).Sum | Should -Be 0
        ($fresh | Measure-Object Errors -Sum).Sum | Should -Be 0
        Assert-SameMail $Src $from 'INBOX' $Dot $to 'INBOX' 122
        Assert-SameMail $Src $from 'Sent' $Dot $to 'INBOX.Sent' 12
    }

    It 'fills in a half-emptied destination folder and nothing else' {
        Invoke-MailCheck -Bed $Dot -User $to -Command imap-store -Arguments INBOX, '1:60', '+FLAGS', '\Deleted' | Out-Null
        Invoke-MailCheck -Bed $Dot -User $to -Command imap-expunge -Arguments INBOX | Out-Null
        $r = Copy-ImapMailbox -Source $s -Destination $d -Folder INBOX
        $r.Copied | Should -Be 60
        $r.Skipped | Should -Be 62
        Assert-SameMail $Src $from 'INBOX' $Dot $to 'INBOX' 122
    }

    It 'brings flags up to date with -UpdateFlags, and only then' {
        Invoke-MailCheck -Bed $Src -User $from -Command imap-store -Arguments INBOX, '1:3', '+FLAGS', '\Answered' | Out-Null
        (Copy-ImapMailbox -Source $s -Destination $d -Folder INBOX).FlagsUpdated | Should -Be 0
        $r = Copy-ImapMailbox -Source $s -Destination $d -Folder INBOX -UpdateFlags
        $r.FlagsUpdated | Should -BeGreaterOrEqual 1
        $r.Copied | Should -Be 0
        Assert-SameMail $Src $from 'INBOX' $Dot $to 'INBOX' 122
    }
}

Describe 'Copy-ImapMailbox into an Exchange-like server (Sent Items, Deleted Items, Junk Email; no MULTIAPPEND)' {
    BeforeAll {
        $from = New-SourceMailbox -Inbox 30
        $to = New-TestUser -Bed $Exo
        $s = Connect-Bed -Bed $Src -User $from
        $d = Connect-Bed -Bed $Exo -User $to
    }
    AfterAll { $s, $d | Disconnect-Imap -ErrorAction SilentlyContinue }

    It '-WhatIf creates and appends nothing, and says what it would do' {
        $before = Get-FolderNames -Bed $Exo -User $to
        # What-if text goes to the host, so a child process runs it and its console output is read.
        $out = Invoke-ChildPwsh -Raw -Script @"
Import-Module '$env:MAILPROTOCOLS_MODULE'
`$s = Connect-Imap -Server localhost -Port $($Src.ImapPort) -Credential ([pscredential]::new('$($from.Name)', (ConvertTo-SecureString '$($from.Password)' -AsPlainText -Force))) -NotDefault
`$d = Connect-Imap -Server localhost -Port $($Exo.ImapPort) -Credential ([pscredential]::new('$($to.Name)', (ConvertTo-SecureString '$($to.Password)' -AsPlainText -Force))) -NotDefault
'objects: ' + @(Copy-ImapMailbox -Source `$s -Destination `$d -WhatIf).Count
"@
        $out | Should -Match ([regex]::Escape('"Create folder" on target "folder ''Projects/Web''')) -Because 'the folder it would create is named'
        $out | Should -Match ([regex]::Escape('"Append messages" on target "12 message(s)')) -Because 'Sent''s 12 messages would be appended'
        $out | Should -Match ([regex]::Escape("into 'Sent Items'"))
        $out | Should -Match 'objects: 0' -Because 'nothing was copied, so no result says so'
        Get-FolderNames -Bed $Exo -User $to | Sort-Object | Should -Be ($before | Sort-Object)
        (Invoke-MailCheck -Bed $Exo -User $to -Command imap-status -Arguments INBOX).messages | Should -Be 0
    }

    It 'maps the special-use folders onto Exchange''s names, -FolderMap wins, -Since leaves older mail out' {
        $since = [datetime]::Now.AddDays(-10)
        $r = @(Copy-ImapMailbox -Source $s -Destination $d -FolderMap @{ 'Projects/Web' = 'Clients/Web' } -Since $since)
        ($r | Where-Object Source -eq 'Sent').Destination | Should -Be 'Sent Items'
        ($r | Where-Object Source -eq 'Trash').Destination | Should -Be 'Deleted Items'
        ($r | Where-Object Source -eq 'Junk').Destination | Should -Be 'Junk Email'
        ($r | Where-Object Source -eq 'Projects/Web').Destination | Should -Be 'Clients/Web'
        Get-FolderNames -Bed $Exo -User $to | Should -Not -Contain 'Sent'
        # Seeded mail is 37 minutes apart, newest now: -Since ten days ago takes the newest 390 minutes' worth.
        $inbox = $r | Where-Object Source -eq 'INBOX'
        $inbox.OutOfRange | Should -BeGreaterThan 0
        $all = Invoke-MailCheck -Bed $Src -User $from -Command imap-messages -Arguments INBOX
        $expected = @(foreach ($m in $all) { if ([datetimeoffset]$m.internaldate -ge $since) { $m } }).Count
        $inbox.Copied | Should -Be $expected
        (Invoke-MailCheck -Bed $Exo -User $to -Command imap-status -Arguments INBOX).messages | Should -Be $expected
    }

    It 'then completes the copy without -Since, each message once' {
        $r = @(Copy-ImapMailbox -Source $s -Destination $d -FolderMap @{ 'Projects/Web' = 'Clients/Web' })
        ($r | Measure-Object Errors -Sum).Sum | Should -Be 0
        Assert-SameMail $Src $from 'INBOX' $Exo $to 'INBOX' 32
        Assert-SameMail $Src $from 'Sent' $Exo $to 'Sent Items' 12
        Assert-SameMail $Src $from 'Trash' $Exo $to 'Deleted Items' 3
        Assert-SameMail $Src $from 'Junk' $Exo $to 'Junk Email' 4
        Assert-SameMail $Src $from 'Projects/Web' $Exo $to 'Clients/Web' 5
    }

    It 'names a missing -Folder in a non-terminating error and copies the others' {
        $r = Copy-ImapMailbox -Source $s -Destination $d -Folder 'No/Such', Junk -ErrorAction SilentlyContinue -ErrorVariable failed
        $failed | Should -HaveCount 1
        $failed[0].FullyQualifiedErrorId | Should -Be 'CopyImapMailboxFolderNotFound,MailProtocols.Commands.CopyImapMailboxCommand'
        $failed[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $r.Source | Should -Be 'Junk'
    }

    It 'refuses one session as both source and destination' {
        { Copy-ImapMailbox -Source $s -Destination $s -ErrorAction Stop } | Should -Throw -ErrorId 'CopyImapMailboxSameSession,MailProtocols.Commands.CopyImapMailboxCommand'
    }

    It 'copies back into the "/" server by the same names (Sent Items to Sent)' {
        $back = New-TestUser -Bed $Src
        $b = Connect-Bed -Bed $Src -User $back
        try {
            $r = @(Copy-ImapMailbox -Source $d -Destination $b -ExcludeFolder 'Clients*')
            ($r | Where-Object Source -eq 'Sent Items').Destination | Should -Be 'Sent'
            ($r | Where-Object Source -eq 'Deleted Items').Destination | Should -Be 'Trash'
            $r.Source | Should -Not -Contain 'Clients/Web'
            Assert-SameMail $Exo $to 'Sent Items' $Src $back 'Sent' 12
        }
        finally { $b | Disconnect-Imap -ErrorAction SilentlyContinue }
    }
}

Describe 'Copy-ImapMailbox cut in the middle, then run again' {
    BeforeAll {
        $from = New-TestUser -Bed $Src
        Add-TestMessageBatch -Bed $Src -User $from -Count 600 -SizeBytes 4000 | Out-Null
        $s = Connect-Bed -Bed $Src -User $from
    }
    AfterAll { $s | Disconnect-Imap -ErrorAction SilentlyContinue }
    AfterEach { if ($proxy) { Stop-FaultProxy $proxy; $proxy = $null } }

    It 'cut during a FETCH literal of the source: every message ends up on the destination exactly once' {
        $to = New-TestUser -Bed $Dot
        $proxy = Start-FaultProxy -TargetPort $Src.ImapPort -CutAfterCommand 'UID FETCH .*BODY\.PEEK\[\]' -ThenBytes 300000
        $cut = Connect-Imap -Server 127.0.0.1 -Port $proxy.Port -Credential $from.Credential -Security None -TimeoutSec 15 -NotDefault -WarningAction SilentlyContinue
        $d = Connect-Bed -Bed $Dot -User $to
        try {
            $r = Copy-ImapMailbox -Source $cut -Destination $d -Folder INBOX -ErrorAction SilentlyContinue -ErrorVariable failed
            Wait-FaultProxyEvent -Proxy $proxy -Event cut | Should -Not -BeNullOrEmpty
            $again = Copy-ImapMailbox -Source $s -Destination $d -Folder INBOX
            $r.Copied + $again.Copied | Should -Be 600
            Assert-SameMail $Src $from 'INBOX' $Dot $to 'INBOX' 600
        }
        finally { $cut, $d | Disconnect-Imap -ErrorAction SilentlyContinue }
    }

    It 'cut during an APPEND literal (<Case>): every message ends up on the destination exactly once' -ForEach @(
        @{ Case = 'the server never gets the whole batch'; With = @{ ThenClientBytes = 200000 } }
        @{ Case = 'the server stored the batch, the client never heard'; With = @{ BeforeCompletion = $true } }
    ) {
        $to = New-TestUser -Bed $Dot
        $p = @{ TargetPort = $Dot.ImapPort; CutAfterCommand = '^\S+ APPEND' }
        foreach ($k in $With.Keys) { $p[$k] = $With[$k] }
        $proxy = Start-FaultProxy @p
        $cut = Connect-Imap -Server 127.0.0.1 -Port $proxy.Port -Credential $to.Credential -Security None -TimeoutSec 15 -NotDefault -WarningAction SilentlyContinue
        try {
            $r = Copy-ImapMailbox -Source $s -Destination $cut -Folder INBOX -ErrorAction SilentlyContinue
            Wait-FaultProxyEvent -Proxy $proxy -Event cut | Should -Not -BeNullOrEmpty
            $again = Copy-ImapMailbox -Source $s -Destination $cut -Folder INBOX
            $again.Errors | Should -Be 0
            Assert-SameMail $Src $from 'INBOX' $Dot $to 'INBOX' 600
        }
        finally { $cut | Disconnect-Imap -ErrorAction SilentlyContinue }
    }
}

Describe 'Copy-ImapMailbox of a message without a final line end' {
    It 'copies it once: the copy that gained a CRLF (MailKit ends every APPEND with one) counts as there on re-runs, with and without the cache' {
        $from = New-TestUser -Bed $Src
        $to = New-TestUser -Bed $Dot
        Add-TestMessage -Bed $Src -User $from -Raw "From: a@example.com`r`nTo: b@example.com`r`nSubject: no line end`r`nMessage-ID: <nocrlf@example.com>`r`nDate: Fri, 1 Mar 2024 10:00:00 +0000`r`n`r`nNo final line end." -InternalDate '2024-03-01T10:00:00Z' | Out-Null
        Add-TestMessage -Bed $Src -User $from -Subject 'ordinary' -MessageId '<ordinary@example.com>' | Out-Null
        $s = Connect-Bed -Bed $Src -User $from
        $d = Connect-Bed -Bed $Dot -User $to
        try {
            (Copy-ImapMailbox -Source $s -Destination $d -Folder INBOX).Copied | Should -Be 2
            $again = Copy-ImapMailbox -Source $s -Destination $d -Folder INBOX
            $again.Copied | Should -Be 0
            $again.Skipped | Should -Be 2
            (Copy-ImapMailbox -Source $s -Destination $d -Folder INBOX -NoIdentityCache).Copied | Should -Be 0
        }
        finally { $s, $d | Disconnect-Imap -ErrorAction SilentlyContinue }
        # imap-digest answers with one array: enumerated here.
        $copies = @(foreach ($m in (Invoke-MailCheck -Bed $Dot -User $to -Command imap-digest -Arguments INBOX)) { $m })
        $copies.Count | Should -Be 2
        $original = @(foreach ($m in (Invoke-MailCheck -Bed $Src -User $from -Command imap-digest -Arguments INBOX)) { $m }) | Where-Object message_id -eq '<nocrlf@example.com>'
        ($copies | Where-Object message_id -eq '<nocrlf@example.com>').size | Should -Be ($original.size + 2)
    }
}

Describe 'Copy-ImapMailbox of a 200 MB message' {
    It 'copies it byte for byte while the copying process''s memory stays far below the message size' {
        $from = New-TestUser -Bed $Src
        $to = New-TestUser -Bed $Dot
        Add-TestMessageBatch -Bed $Src -User $from -Count 1 -SizeBytes 200MB -AttachmentEvery 1000 | Out-Null
        Add-TestMessageBatch -Bed $Src -User $from -Count 3 | Out-Null
        $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$env:MAILPROTOCOLS_MODULE'
`$s = Connect-Imap -Server localhost -Port $($Src.ImapPort) -Credential ([pscredential]::new('$($from.Name)', (ConvertTo-SecureString '$($from.Password)' -AsPlainText -Force))) -NotDefault
`$d = Connect-Imap -Server localhost -Port $($Dot.ImapPort) -Credential ([pscredential]::new('$($to.Name)', (ConvertTo-SecureString '$($to.Password)' -AsPlainText -Force))) -NotDefault
[GC]::Collect()
`$me = [Diagnostics.Process]::GetCurrentProcess()
`$before = `$me.WorkingSet64
`$managedBefore = [GC]::GetTotalMemory(`$true)
`$r = Copy-ImapMailbox -Source `$s -Destination `$d -Folder INBOX
`$me.Refresh()
[pscustomobject]@{ Copied = `$r.Copied; Bytes = `$r.Bytes; Before = `$before; Peak = `$me.PeakWorkingSet64; ManagedPeak = [GC]::GetGCMemoryInfo().HeapSizeBytes; ManagedBefore = `$managedBefore; Seconds = `$r.Duration.TotalSeconds } | ConvertTo-Json
"@
        $m = Invoke-ChildPwsh -Script $script
        $m.Copied | Should -Be 4
        $m.Bytes | Should -BeGreaterThan 200MB
        Write-Host ("200 MB copy: {0:0.0} s, working set {1:0} MB before, peak {2:0} MB; managed heap {3:0} MB" -f $m.Seconds, ($m.Before / 1MB), ($m.Peak / 1MB), ($m.ManagedPeak / 1MB))
        ($m.Peak - $m.Before) | Should -BeLessThan 80MB -Because 'the body is fetched in pieces into a file and appended from there, never held whole'
        Assert-SameMail $Src $from 'INBOX' $Dot $to 'INBOX' 4
    }
}

Describe 'Copy-ImapMailbox over four mailboxes at once from a CSV file' {
    It 'Import-Csv | ForEach-Object -Parallel -ThrottleLimit 4 copies each mailbox with its own pair of sessions' {
        $rows = foreach ($i in 1..4) {
            $a = New-TestUser -Bed $Src
            $b = New-TestUser -Bed $Exo
            Add-TestMessageBatch -Bed $Src -User $a -Count (20 * $i) | Out-Null
            Add-TestMessageBatch -Bed $Src -User $a -Count 3 -Folder Sent | Out-Null
            [pscustomobject]@{ SourceUser = $a.Name; SourcePassword = $a.Password; DestinationUser = $b.Name; DestinationPassword = $b.Password; Source = $a; Destination = $b; Count = 20 * $i }
        }
        $csv = Join-Path ([IO.Path]::GetTempPath()) "mp-users-$([guid]::NewGuid().ToString('N')).csv"
        $rows | Select-Object SourceUser, SourcePassword, DestinationUser, DestinationPassword | Export-Csv $csv -NoTypeInformation
        $module = $env:MAILPROTOCOLS_MODULE; $srcPort = $Src.ImapPort; $dstPort = $Exo.ImapPort
        try {
            $report = Import-Csv $csv | ForEach-Object -Parallel {
                Import-Module $using:module
                $src = Connect-Imap -Server localhost -Port $using:srcPort -Credential ([pscredential]::new($_.SourceUser, (ConvertTo-SecureString $_.SourcePassword -AsPlainText -Force))) -NotDefault
                $dst = Connect-Imap -Server localhost -Port $using:dstPort -Credential ([pscredential]::new($_.DestinationUser, (ConvertTo-SecureString $_.DestinationPassword -AsPlainText -Force))) -NotDefault
                try { Copy-ImapMailbox -Source $src -Destination $dst -Folder INBOX, Sent }
                finally { $src, $dst | Disconnect-Imap }
            } -ThrottleLimit 4
        }
        finally { Remove-Item $csv -ErrorAction SilentlyContinue }

        $report | Should -HaveCount 8
        ($report | Measure-Object Errors -Sum).Sum | Should -Be 0
        foreach ($row in $rows) {
            $mine = $report | Where-Object SourceMailbox -like "$($row.SourceUser)@*"
            ($mine | Where-Object Source -eq 'INBOX').Copied | Should -Be $row.Count
            ($mine | Where-Object Source -eq 'Sent').Destination | Should -Be 'Sent Items'
            Assert-SameMail $Src $row.Source 'INBOX' $Exo $row.Destination 'INBOX' $row.Count
        }
    }
}
