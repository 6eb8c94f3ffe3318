# Differential tests of Sync-ImapFolder -Direction Both against mbsync (isync 1.4, the reference of issue 16): the same
# starting server and Maildir, the same changes on each side, one run of each tool, then the final server state
# (Message-ID -> flags, read with the Python client) and the final Maildir flags must match. Where we deliberately
# differ (docs/Sync-ImapFolder.md lists it), the test asserts our rule and shows mbsync's.

BeforeDiscovery {
    $script:HasMbsync = [bool](Get-Command mbsync -ErrorAction SilentlyContinue)
}

BeforeAll {
    . $PSScriptRoot/Common.ps1
    . $PSScriptRoot/ImapCommon.ps1
    . $PSScriptRoot/ImapLiveCommon.ps1
    . $PSScriptRoot/ImapTwoWayCommon.ps1

    function New-Side {
        # A user whose INBOX holds m-1 (seen) .. m-5, and a fresh directory for its Maildir copy.
        param([Parameter(Mandatory)] [string] $Tool)
        $user = New-TestUser -Bed $Bed
        for ($i = 1; $i -le 5; $i++) {
            $null = Add-TestMessage -Bed $Bed -User $user -Subject "m $i" -MessageId "<m-$i@test>" -Flags $(if ($i -eq 1) { 'S' } else { '' })
        }
        [pscustomobject]@{ Tool = $Tool; User = $user; Dir = (New-TestDirectory "diff-$Tool") }
    }

    function Invoke-Mbsync {
        # One mbsync run of the side's INBOX: plaintext on loopback, Sync All, Create Both, Expunge as asked, FSync off.
        param([Parameter(Mandatory)] $Side, [switch] $Expunge)
        $rc = Join-Path (Split-Path $Side.Dir) "mbsyncrc-$([guid]::NewGuid().ToString('N'))"
        Set-Content -LiteralPath $rc -Value @"
FSync no

IMAPAccount far
Host 127.0.0.1
Port $($Bed.ImapPort)
User $($Side.User.Credential.UserName)
Pass $($Side.User.Credential.GetNetworkCredential().Password)
SSLType None
AuthMechs LOGIN

IMAPStore far
Account far

MaildirStore near
Inbox $($Side.Dir)
SubFolders Maildir++

Channel diff
Far :far:
Near :near:
Patterns INBOX
Sync All
Create Both
Expunge $(if ($Expunge) { 'Both' } else { 'None' })
SyncState *
"@
        try {
            $output = & mbsync -c $rc -a 2>&1
            $LASTEXITCODE | Should -Be 0 -Because ($output -join "`n")
        }
        finally { Remove-Item -LiteralPath $rc -ErrorAction SilentlyContinue }
    }

    function Invoke-Ours {
        param([Parameter(Mandatory)] $Side, [switch] $Expunge)
        $s = Connect-TestImap -User $Side.User -NotDefault
        try { Sync-ImapFolder -Session $s -Destination $Side.Dir -Direction Both -Expunge:$Expunge -WarningAction SilentlyContinue }
        finally { $s | Disconnect-Imap -ErrorAction SilentlyContinue }
    }

    function Invoke-Differential {
        # Both tools from the same start: first sync, -Changes on each side (called with the side), second sync.
        param([Parameter(Mandatory)] [scriptblock] $Changes, [switch] $Expunge)
        $mb = New-Side mbsync
        $our = New-Side ours
        Invoke-Mbsync $mb
        $null = Invoke-Ours $our
        foreach ($side in $mb, $our) { & $Changes $side }
        Invoke-Mbsync $mb -Expunge:$Expunge
        $result = Invoke-Ours $our -Expunge:$Expunge
        [pscustomobject]@{
            MbServer = Get-ServerFlagState -User $mb.User; MbLocal = Get-LocalFlagState $mb.Dir
            Server = Get-ServerFlagState -User $our.User; Local = Get-LocalFlagState $our.Dir; Result = $result
        }
    }

    function ConvertTo-StateText {
        # A state as sorted 'id=letters' lines, so two states compare with one Should.
        param([hashtable] $State)
        ($State.Keys | Sort-Object | ForEach-Object { "$_=$($State[$_])" }) -join "`n"
    }

    function Assert-SameAsMbsync {
        param([Parameter(Mandatory)] $Diff)
        ConvertTo-StateText $Diff.Server | Should -Be (ConvertTo-StateText $Diff.MbServer) -Because 'the server must end as mbsync leaves it'
        ConvertTo-StateText $Diff.Local | Should -Be (ConvertTo-StateText $Diff.MbLocal) -Because 'the Maildir must end as mbsync leaves it'
    }
}

Describe 'Sync-ImapFolder -Direction Both matches mbsync' -Skip:(-not $HasMbsync) {
    It 'new messages on each side' {
        $diff = Invoke-Differential {
            param($side)
            $null = Add-TestMessage -Bed $Bed -User $side.User -Subject 'srv' -MessageId '<srv-1@test>'
            $null = New-LocalMessage -Directory $side.Dir -MessageId 'loc-1@test'
            $null = New-LocalMessage -Directory $side.Dir -MessageId 'loc-2@test' -Letters 'FS'
        }
        Assert-SameAsMbsync $diff
        $diff.Server['loc-2@test'] | Should -Be 'FS'
        $diff.Local.Keys.Count | Should -Be 8
    }

    It 'flags changed on each side, and on both (different flags, and the same)' {
        $diff = Invoke-Differential {
            param($side)
            Set-LocalLetters -Directory $side.Dir -MessageId 'm-1@test' -Letters 'FS'
            Set-LocalLetters -Directory $side.Dir -MessageId 'm-3@test' -Letters 'S'
            Set-LocalLetters -Directory $side.Dir -MessageId 'm-4@test' -Letters 'R'
            Set-ServerFlags -User $side.User -MessageId 'm-2@test', 'm-3@test' -Flags '\Flagged'
            Set-ServerFlags -User $side.User -MessageId 'm-4@test' -Flags '\Answered'
            Set-ServerFlags -User $side.User -MessageId 'm-5@test' -Flags '$Forwarded'
        }
        Assert-SameAsMbsync $diff
        $diff.Server['m-3@test'] | Should -Be 'FS'
        $diff.Local['m-5@test'] | Should -Be 'P'
    }

    It 'a local deletion without expunge: \Deleted on the server, the message stays there' {
        $diff = Invoke-Differential { param($side) Remove-LocalMessage -Directory $side.Dir -MessageId 'm-2@test' }
        Assert-SameAsMbsync $diff
        $diff.Server['m-2@test'] | Should -Be 'T'
    }

    It 'a local deletion with expunge: gone from the server' {
        $diff = Invoke-Differential -Expunge { param($side) Remove-LocalMessage -Directory $side.Dir -MessageId 'm-2@test' }
        Assert-SameAsMbsync $diff
        $diff.Server.ContainsKey('m-2@test') | Should -BeFalse
    }

    It 'a message marked deleted locally (T) with expunge: gone from both sides' {
        $diff = Invoke-Differential -Expunge { param($side) Set-LocalLetters -Directory $side.Dir -MessageId 'm-3@test' -Letters 'T' }
        Assert-SameAsMbsync $diff
        $diff.Local.ContainsKey('m-3@test') | Should -BeFalse
    }

    It 'a server expunge with expunge: the local file goes' {
        $diff = Invoke-Differential -Expunge {
            param($side)
            Set-ServerFlags -User $side.User -MessageId 'm-5@test' -Flags '\Deleted'
            $null = Invoke-MailCheck -Bed $Bed -User $side.User -Command imap-expunge -Arguments INBOX
        }
        Assert-SameAsMbsync $diff
        $diff.Local.ContainsKey('m-5@test') | Should -BeFalse
    }
}

Describe 'Sync-ImapFolder -Direction Both where it deliberately differs from mbsync' -Skip:(-not $HasMbsync) {
    It 'a server expunge without expunge: mbsync keeps the local file (T), we remove it (-KeepDeleted keeps it)' {
        $diff = Invoke-Differential {
            param($side)
            Set-ServerFlags -User $side.User -MessageId 'm-5@test' -Flags '\Deleted'
            $null = Invoke-MailCheck -Bed $Bed -User $side.User -Command imap-expunge -Arguments INBOX
        }
        $diff.MbLocal.ContainsKey('m-5@test') | Should -BeTrue -Because 'mbsync with Expunge None keeps it'
        $diff.Local.ContainsKey('m-5@test') | Should -BeFalse
        ConvertTo-StateText $diff.Server | Should -Be (ConvertTo-StateText $diff.MbServer)
    }

    It 'deleted locally, changed on the server: mbsync lets the deletion win, we keep the message on both sides with a conflict' {
        $diff = Invoke-Differential {
            param($side)
            Remove-LocalMessage -Directory $side.Dir -MessageId 'm-4@test'
            Set-ServerFlags -User $side.User -MessageId 'm-4@test' -Flags '\Flagged'
        }
        $diff.Result.Conflicts | Should -Be 1
        $diff.Server['m-4@test'] | Should -Be 'F'
        $diff.Local['m-4@test'] | Should -Be 'F'
        $diff.MbServer['m-4@test'] | Should -Match 'T' -Because 'mbsync propagated the deletion'
        $rest = { param($s) $c = $s.Clone(); $c.Remove('m-4@test'); ConvertTo-StateText $c }
        & $rest $diff.Server | Should -Be (& $rest $diff.MbServer)
        & $rest $diff.Local | Should -Be (& $rest $diff.MbLocal)
    }

    It 'another client''s \Deleted message: mbsync''s Expunge Both removes it, our -Expunge leaves it' {
        $diff = Invoke-Differential -Expunge {
            param($side)
            Remove-LocalMessage -Directory $side.Dir -MessageId 'm-2@test'
            Set-ServerFlags -User $side.User -MessageId 'm-3@test' -Flags '\Deleted'
        }
        $diff.MbServer.ContainsKey('m-3@test') | Should -BeFalse
        $diff.Server['m-3@test'] | Should -Be 'T'
        $diff.Server.ContainsKey('m-2@test') | Should -BeFalse
    }
}
