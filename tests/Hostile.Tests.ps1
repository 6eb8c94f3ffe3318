# Hostile input: folder names and search text that try to splice into IMAP commands, attachment names
# that try to leave the target folder, and folder names from a hostile server used for local paths.

BeforeAll {
    . $PSScriptRoot/Common.ps1
    . $PSScriptRoot/ImapCommon.ps1

    function Get-PostLoginCommands {
        # The commands the module sent after logging in (what Dovecot's rawlog holds), without tags.
        param([Parameter(Mandatory)] [string] $Path)
        $all = @(Get-ImapClientCommands -Path $Path)
        $login = [array]::FindIndex([string[]]$all, [Predicate[string]] { param($c) $c -match '^(AUTHENTICATE|LOGIN) ' })
        @($all | Select-Object -Skip ($login + 1))
    }

    function Get-UntaggedClientLines {
        # Client lines of a protocol log that are not a tagged command (literal payloads, or spliced text).
        param([Parameter(Mandatory)] [string] $Path)
        @([System.IO.File]::ReadAllLines($Path) | Where-Object { $_ -match '^(?:\S+\s+)?C: ' -and $_ -notmatch '^(?:\S+\s+)?C: [A-Z]\d{8} ' })
    }

    function Get-ServerCommandTexts {
        # The tagged commands Dovecot read, without tags, in order (literal payloads are not commands).
        param([Parameter(Mandatory)] $Session)
        @($Session.Commands | Where-Object Tag | ForEach-Object { $_.Text -replace '^\S+ ', '' })
    }

    function Get-ServerSession {
        # Dovecot's rawlog of the user's newest IMAP session, once Dovecot has logged its end.
        param([Parameter(Mandatory)] $User, [int] $Sessions = 1)
        $null = Get-DovecotLogoutStats -Bed $Bed -User $User -Protocol imap -MinimumCount $Sessions
        Get-TestRawLog -Bed $Bed -User $User -Protocol imap -Last
    }

    function Get-ServerUids {
        # The UIDs in a folder, as the independent Python client sees them.
        param([Parameter(Mandatory)] $User, [Parameter(Mandatory)] [string] $Folder)
        @(Invoke-MailCheck -Bed $Bed -User $User -Command imap-uids -Arguments $Folder | ForEach-Object { $_ })
    }

    function Get-ServerFolderNames {
        param([Parameter(Mandatory)] $User)
        @((Invoke-MailCheck -Bed $Bed -User $User -Command imap-folders).name)
    }
}

Describe 'Hostile folder names' {
    BeforeAll {
        $user = New-TestUser -Bed $Bed
        Add-TestMessage -Bed $Bed -User $user -Subject 'target' | Out-Null
        Add-TestMessage -Bed $Bed -User $user -Folder 'Victim' -Subject 'keep me' | Out-Null

        # Names that must round-trip exactly: IMAP quoting (" \), literal syntax, LIST wildcards, spaces,
        # parentheses, '&' (the modified UTF-7 shift character), non-ASCII text and a command in disguise.
        $names = @('q"uote', 'back\slash', 'lit{5}', 'star*', 'pct%', 'Grüße 日本 & Co', ')(', 'x" A1 DELETE Victim "y', 'A1 DELETE Victim')
        # Names no folder can have: control characters (a CR/LF would end the command) and empty levels.
        $refused = @("cr`r`nA1 DELETE Victim", "lf`nA1 DELETE Victim", "nul`0x", "tab`tx", "esc`e", '/lead', 'trail/', 'a//b')

        $log = New-ImapLogPath 'hostile-folders'
        $session = Connect-TestImap -User $user -ProtocolLogPath $log -NotDefault
        $done = @{}
        foreach ($name in $names) {
            $done[$name] = [pscustomobject]@{
                Created = New-ImapFolder -Session $session -Name $name
                Copied  = Get-ImapMessage -Session $session -Folder INBOX | Copy-ImapMessage -Destination $name -PassThru
                Found   = @(Search-ImapFolder -Session $session -Folder $name -Subject 'target')
                Listed  = @(Get-ImapFolder -Session $session -Name ([WildcardPattern]::Escape($name)))
                Renamed = Rename-ImapFolder -Session $session -Name $name -NewName "$name-r" -PassThru
                Target  = New-ImapFolder -Session $session -Name "$name-m"
                Moved   = Get-ImapMessage -Session $session -Folder "$name-r" | Move-ImapMessage -Destination "$name-m" -PassThru
            }
        }

        $refusals = foreach ($name in $refused) {
            $before = @(Get-ImapClientCommands -Path $log).Count
            New-ImapFolder -Session $session -Name $name -ErrorVariable newErr -ErrorAction SilentlyContinue | Out-Null
            Rename-ImapFolder -Session $session -Name 'Victim' -NewName $name -ErrorVariable renameErr -ErrorAction SilentlyContinue | Out-Null
            [pscustomobject]@{ Name = $name; Errors = @($newErr) + @($renameErr); Sent = @(Get-ImapClientCommands -Path $log).Count - $before }
        }

        # Lookups send the name once, modified UTF-7 encoded in a quoted string, and find nothing.
        $lookups = @(
            Search-ImapFolder -Session $session -Folder "x`r`nA1 DELETE Victim" -ErrorVariable e1 -ErrorAction SilentlyContinue
            Get-ImapMessage -Session $session -Folder INBOX | Copy-ImapMessage -Destination "x`"`r`nA1 DELETE Victim" -ErrorVariable e2 -ErrorAction SilentlyContinue
            Remove-ImapFolder -Session $session -Name 'Vic*' -Confirm:$false -ErrorVariable e3 -ErrorAction SilentlyContinue
            Search-ImapFolder -Session $session -Folder 'Vic%' -ErrorVariable e4 -ErrorAction SilentlyContinue
        )
        $lookupErrors = @($e1) + @($e2) + @($e3) + @($e4)
        $wildcard = @(Get-ImapFolder -Session $session -Name 'star*')

        $session | Disconnect-Imap
        $server = Get-ServerSession -User $user
    }
    AfterAll { $session | Disconnect-Imap -ErrorAction SilentlyContinue }

    It 'creates, finds, searches, copies into, renames and moves into <_> exactly' -ForEach @('q"uote', 'back\slash', 'lit{5}', 'star*', 'pct%', 'Grüße 日本 & Co', ')(', 'x" A1 DELETE Victim "y', 'A1 DELETE Victim') {
        $name = $_
        $r = $done[$name]
        $r.Created.FullName | Should -BeExactly $name
        $r.Copied | Should -HaveCount 1
        $r.Copied.Folder | Should -BeExactly $name
        $r.Found | Should -HaveCount 1
        $r.Found.Subject | Should -Be 'target'
        $r.Listed.FullName | Should -BeExactly $name
        $r.Renamed.FullName | Should -BeExactly "$name-r"
        $r.Target.FullName | Should -BeExactly "$name-m"
        $r.Moved.Folder | Should -BeExactly "$name-m"

        $server = Get-ServerFolderNames -User $user
        $server | Should -Contain "$name-r"
        $server | Should -Contain "$name-m"
        $server | Should -Not -Contain $name
        (Get-ServerUids -User $user -Folder "$name-m") | Should -HaveCount 1
        (Get-ServerUids -User $user -Folder "$name-r") | Should -HaveCount 0
    }

    It 'refuses control characters and empty levels in a new name with InvalidFolderName, before sending anything' {
        foreach ($r in $refusals) {
            $r.Errors | Should -HaveCount 2 -Because (ConvertTo-Json $r.Name)
            $r.Errors[0].FullyQualifiedErrorId | Should -Be 'NewImapFolderInvalidFolderName,MailProtocols.Commands.NewImapFolderCommand'
            $r.Errors[1].FullyQualifiedErrorId | Should -Be 'RenameImapFolderInvalidFolderName,MailProtocols.Commands.RenameImapFolderCommand'
            $r.Errors | ForEach-Object { $_.CategoryInfo.Category | Should -Be 'InvalidArgument' }
            $r.Sent | Should -Be 0 -Because "nothing goes to the server for $(ConvertTo-Json $r.Name)"
        }
        $r.Errors[0].Exception.Message | Should -Match 'empty level'
        ($refusals | Where-Object Name -EQ "nul`0x").Errors[0].Exception.Message | Should -Match 'control characters'
        (Get-ServerFolderNames -User $user) | Should -Contain 'Victim'
    }

    It 'looks up names with CR/LF as one encoded string and reports them as not found' {
        $lookups | Should -BeNullOrEmpty
        $lookupErrors | Should -HaveCount 4
        $lookupErrors[0].FullyQualifiedErrorId | Should -BeLike 'SearchImapFolderFolderNotFound,*'
        $lookupErrors[1].FullyQualifiedErrorId | Should -BeLike 'CopyImapMessageFolderNotFound,*'
        $lookupErrors | ForEach-Object { $_.CategoryInfo.Category | Should -Be 'ObjectNotFound' }
        @(Get-ImapClientCommands -Path $log | Where-Object { $_ -like 'LIST "" "x&AA0ACg-A1 DELETE Victim"*' }) | Should -Not -BeNullOrEmpty
    }

    It 'takes * and % in a folder name literally; only Get-ImapFolder -Name treats * ? [ ] as wildcards' {
        $lookupErrors[2].FullyQualifiedErrorId | Should -BeLike 'RemoveImapFolderFolderNotFound,*'
        $lookupErrors[3].FullyQualifiedErrorId | Should -BeLike 'SearchImapFolderFolderNotFound,*'
        $wildcard.FullName | Sort-Object | Should -Be @('star*-m', 'star*-r')
        $done['star*'].Listed.FullName | Should -BeExactly 'star*'
        $done['pct%'].Listed.FullName | Should -BeExactly 'pct%'
        (Get-ServerFolderNames -User $user) | Should -Contain 'Victim'
    }

    It 'sent each name as one quoted string: the server saw exactly the commands the module sent, and no DELETE' {
        Get-UntaggedClientLines -Path $log | Should -BeNullOrEmpty
        $sent = @(Get-PostLoginCommands -Path $log)
        $sent.Count | Should -BeGreaterThan 50
        Get-ServerCommandTexts $server | Should -Be $sent
        $server.Commands.Name | Should -Not -Contain 'DELETE'
        $sent | Where-Object { $_ -match '^DELETE ' } | Should -BeNullOrEmpty
        (Get-ServerUids -User $user -Folder 'Victim') | Should -HaveCount 1
        (Get-ServerFolderNames -User $user) | Should -Contain 'INBOX'
    }
}

Describe 'Hostile search text' {
    BeforeAll {
        $user = New-TestUser -Bed $Bed
        $subjects = @('q"uote one', 'back\slash two', 'lit{5} three', 'star* four', 'pct% five', 'Grüße 日本 six', 'plain seven')
        foreach ($subject in $subjects) { Add-TestMessage -Bed $Bed -User $user -Subject $subject | Out-Null }
        Add-TestMessage -Bed $Bed -User $user -Subject 'tagged' -Headers @{ 'X-Tag' = 'a"b\c{5}*%' } | Out-Null
        Add-TestMessage -Bed $Bed -User $user -Folder 'Victim' -Subject 'keep me' | Out-Null

        # Each search text and the subject it must find (IMAP SEARCH is a case-insensitive substring match).
        $wanted = [ordered]@{ '"uote' = 'q"uote one'; 'k\sla' = 'back\slash two'; '{5}' = 'lit{5} three'; 'r*' = 'star* four'; 't%' = 'pct% five'; 'grüße 日本' = 'Grüße 日本 six' }

        $log = New-ImapLogPath 'hostile-search'
        $session = Connect-TestImap -User $user -ProtocolLogPath $log -NotDefault
        $found = @{}
        foreach ($text in $wanted.Keys) { $found[$text] = @(Search-ImapFolder -Session $session -Subject $text) }
        $byHeader = @(Search-ImapFolder -Session $session -Header @{ 'X-Tag' = 'a"b\c{5}*%' })
        $crlf = @(
            Search-ImapFolder -Session $session -Subject "x`r`nA1 DELETE Victim"
            Search-ImapFolder -Session $session -Text "`"`r`nA2 DELETE Victim`r`n"
            Search-ImapFolder -Session $session -Header @{ 'X-Tag' = "v`r`nA3 DELETE Victim" }
        )

        $first = Get-ImapMessage -Session $session -Folder INBOX -Uid 1
        $before = @(Get-ImapClientCommands -Path $log).Count
        $refusals = @(
            @{ Header = @{ "X-A`r`nA4 DELETE Victim" = 'v' } }
            @{ Header = @{ 'X-A B' = 'v' } }
            @{ Header = @{ 'Grüße' = 'v' } }
            @{ Header = @{ 'X-A:' = 'v' } }
            @{ Keyword = "k`r`nA5 DELETE Victim" }
            @{ Keyword = 'a b' }
            @{ Keyword = 'k"w' }
            @{ Keyword = 'kw) (\Deleted' }
            @{ Subject = "n`0ul" }
            @{ Text = "`0" }
            @{ Header = @{ 'X-Tag' = "v`0" } }
        ) | ForEach-Object {
            $p = $_
            $err = $null
            try { Search-ImapFolder -Session $session @p -ErrorAction Stop | Out-Null }
            catch { $err = $_ }
            [pscustomobject]@{ Parameters = $p; Error = $err }
        }
        $flagErrors = foreach ($keyword in "k`r`nA6 DELETE Victim", 'k"w', 'kw) (\Deleted', 'Grüße') {
            $err = $null
            try { $first | Set-ImapFlag -Keyword $keyword -ErrorAction Stop }
            catch { $err = $_ }
            $err
        }
        $sentForRefusals = @(Get-ImapClientCommands -Path $log).Count - $before
        $session | Disconnect-Imap
        $server = Get-ServerSession -User $user
    }
    AfterAll { $session | Disconnect-Imap -ErrorAction SilentlyContinue }

    It 'finds exactly the message whose subject holds the quote, backslash, literal syntax, wildcard or non-ASCII text' {
        $messages = @(Invoke-MailCheck -Bed $Bed -User $user -Command imap-messages -Arguments 'INBOX' | ForEach-Object { $_ })
        foreach ($text in $wanted.Keys) {
            $expected = @($messages | Where-Object { (ConvertFrom-EncodedWord $_.subject) -ceq $wanted[$text] })
            $expected | Should -HaveCount 1 -Because $wanted[$text]
            $found[$text].Uid | Should -Be $expected.uid -Because "searching for $text"
            $found[$text].Subject | Should -BeExactly $wanted[$text]
        }
        $byHeader.Subject | Should -Be 'tagged'
    }

    It 'sends CR/LF in search text as one literal: the server saw one SEARCH per search and no DELETE' {
        $crlf | Should -BeNullOrEmpty
        $sent = @(Get-PostLoginCommands -Path $log)
        Get-ServerCommandTexts $server | Should -Be $sent
        @($server.Commands | Where-Object Name -EQ 'UID SEARCH') | Should -HaveCount @($sent | Where-Object { $_ -like 'UID SEARCH *' }).Count
        @($sent | Where-Object { $_ -match '^UID SEARCH .*(SUBJECT|TEXT|HEADER)' }) | Should -HaveCount ($wanted.Count + 4)
        $server.Commands.Name | Should -Not -Contain 'DELETE'
        # The protocol log shows literal payload lines (the CR/LF text) but no tagged DELETE.
        Get-UntaggedClientLines -Path $log | Where-Object { $_ -match 'DELETE Victim' } | Should -Not -BeNullOrEmpty
        $sent | Where-Object { $_ -match '^DELETE ' } | Should -BeNullOrEmpty
        (Get-ServerUids -User $user -Folder 'Victim') | Should -HaveCount 1
    }

    It 'refuses header names, keywords and NUL that cannot be sent safely, with InvalidArgument and before sending anything' {
        $sentForRefusals | Should -Be 0
        foreach ($r in $refusals) {
            $r.Error | Should -Not -BeNullOrEmpty -Because ($r.Parameters | ConvertTo-Json -Compress)
            $r.Error.CategoryInfo.Category | Should -Be 'InvalidArgument'
            $reason = if ($r.Parameters.Keyword) { 'InvalidKeyword' } elseif ($r.Parameters.Header -and ($r.Parameters.Header.Keys -ne 'X-Tag')) { 'InvalidHeaderName' } else { 'InvalidSearchText' }
            $r.Error.FullyQualifiedErrorId | Should -Be "SearchImapFolder$reason,MailProtocols.Commands.SearchImapFolderCommand" -Because ($r.Parameters | ConvertTo-Json -Compress)
        }
        $flagErrors | Should -HaveCount 4
        $flagErrors | ForEach-Object {
            $_.FullyQualifiedErrorId | Should -Be 'SetImapFlagInvalidKeyword,MailProtocols.Commands.SetImapFlagCommand'
            $_.CategoryInfo.Category | Should -Be 'InvalidArgument'
        }
        @(Invoke-MailCheck -Bed $Bed -User $user -Command imap-flags -Arguments 'INBOX', '--uids', '1' | ForEach-Object { $_ }).flags | Where-Object { $_ -ne '\Recent' } | Should -BeNullOrEmpty
        (Get-ServerUids -User $user -Folder 'Victim') | Should -HaveCount 1
    }
}

Describe 'Hostile attachment names' {
    BeforeAll {
        function ConvertTo-Rfc2231 {
            # filename*0*=UTF-8''...; filename*1*=... (percent-encoded UTF-8 in continuation pieces).
            param([string] $Name)
            $encoded = -join ([Text.Encoding]::UTF8.GetBytes($Name) | ForEach-Object {
                    $c = [char]$_
                    if ($_ -lt 128 -and $c -match '[A-Za-z0-9._-]') { $c } else { '%{0:X2}' -f $_ } })
            $pieces = @(); $rest = $encoded
            while ($rest.Length -gt 0) {
                $cut = [Math]::Min(60, $rest.Length)
                while ($cut -lt $rest.Length -and ($rest[$cut - 1] -eq '%' -or ($cut -ge 2 -and $rest[$cut - 2] -eq '%'))) { $cut-- }
                $pieces += $rest.Substring(0, $cut); $rest = $rest.Substring($cut)
            }
            ($(for ($i = 0; $i -lt $pieces.Count; $i++) { if ($i -eq 0) { "filename*0*=UTF-8''$($pieces[0])" } else { "filename*$i*=$($pieces[$i])" } }) -join ";`r`n ")
        }

        # Name as the sender wrote it (Quoted: filename="..."; otherwise RFC 2231) and the file it must become.
        $script:Cases = @(
            @{ Name = '../up1.txt'; Expected = 'up1.txt' }
            @{ Name = '/etc/abs2.txt'; Expected = 'abs2.txt' }
            @{ Name = 'C:\win3.txt'; Expected = 'win3.txt' }
            @{ Name = '..\..\back4.txt'; Expected = 'back4.txt' }
            @{ Name = 'CON'; Expected = '_CON' }
            @{ Name = 'NUL.txt'; Expected = '_NUL.txt' }
            @{ Name = 'aux'; Expected = '_aux' }
            @{ Name = "nul`0name.txt"; Expected = 'nul_name.txt'; Rfc2231 = $true }
            @{ Name = "ctl`u{1}`e`r`nx.txt"; Expected = 'ctl____x.txt'; Rfc2231 = $true }
            @{ Name = ('a' * 296) + '.txt'; Expected = ('a' * 116) + '.txt'; Rfc2231 = $true }
            @{ Name = ('文' * 296) + '.txt'; Expected = ('文' * 65) + '.txt'; Rfc2231 = $true }
            @{ Name = '..'; Expected = 'attachment' }
            @{ Name = '...'; Expected = 'attachment (1)' }
            @{ Name = ''; Expected = 'attachment (2)' }
            @{ Name = '../../rfc2231.txt'; Expected = 'rfc2231.txt'; Rfc2231 = $true }
            @{ Name = 'dup.txt'; Expected = 'dup.txt' }
            @{ Name = 'dup.txt'; Expected = 'dup (1).txt' }
        )
        $parts = for ($i = 0; $i -lt $Cases.Count; $i++) {
            $c = $Cases[$i]
            $parameter = if ($c.Rfc2231) { ConvertTo-Rfc2231 $c.Name } else { 'filename="' + ($c.Name -replace '([\\"])', '\$1') + '"' }
            "--hostile`r`nContent-Type: application/octet-stream`r`nContent-Disposition: attachment; $parameter`r`n" +
            "Content-Transfer-Encoding: base64`r`n`r`n$([Convert]::ToBase64String([Text.Encoding]::ASCII.GetBytes("payload-$i")))`r`n"
        }
        $script:Raw = [Text.Encoding]::UTF8.GetBytes(
            "From: Mallory <mallory@example.com>`r`nTo: victim@example.com`r`nSubject: Hostile names`r`n" +
            "Date: Mon, 01 Jan 2024 00:00:00 +0000`r`nMessage-ID: <hostile-names@example.com>`r`nMIME-Version: 1.0`r`n" +
            "Content-Type: multipart/mixed; boundary=`"hostile`"`r`n`r`n--hostile`r`nContent-Type: text/plain; charset=us-ascii`r`n`r`n" +
            "Attachments follow.`r`n$(-join $parts)--hostile--`r`n")

        $script:User = New-TestUser -Bed $Bed
        Add-TestMessage -Bed $Bed -User $User -Raw $Raw | Out-Null
        $script:EmlPath = Join-Path $TestDrive 'hostile.eml'
        [IO.File]::WriteAllBytes($EmlPath, $Raw)
        $script:Imported = Import-MailMessage -LiteralPath $EmlPath

        function Assert-SavedInside {
            # Every case became its expected file, inside $Directory, with its own content; nothing else was written under $Fence.
            param([object[]] $Files, [string] $Directory, [string] $Fence)
            $root = (Get-Item -LiteralPath $Directory).FullName
            $Files | Should -HaveCount $Cases.Count
            $Files.Name | Should -Be @($Cases | ForEach-Object { $_.Expected })
            ($Files.Name | Sort-Object -Unique -CaseSensitive) | Should -HaveCount $Cases.Count
            for ($i = 0; $i -lt $Cases.Count; $i++) {
                $full = [IO.Path]::GetFullPath($Files[$i].FullName)
                [IO.Path]::GetDirectoryName($full) | Should -BeExactly $root
                $full.StartsWith($root + [IO.Path]::DirectorySeparatorChar, [StringComparison]::Ordinal) | Should -BeTrue
                [Text.Encoding]::UTF8.GetByteCount($Files[$i].Name) | Should -BeLessOrEqual 255
                [IO.File]::ReadAllText($full) | Should -BeExactly "payload-$i" -Because $Files[$i].Name
            }
            @(Get-ChildItem -LiteralPath $Fence -Recurse -File -Force | Where-Object { $_.DirectoryName -ne $root }) | Should -BeNullOrEmpty
            Test-Path -LiteralPath '/etc/abs2.txt' | Should -BeFalse
        }
    }

    It 'the message carries every hostile name as its sender wrote it' {
        $names = @($Imported.Attachments.Name)
        $names | Should -HaveCount $Cases.Count
        $names[0] | Should -BeExactly '../up1.txt'
        $names[7] | Should -BeExactly "nul`0name.txt"
        $names[14] | Should -BeExactly '../../rfc2231.txt'
        $names[10] | Should -BeExactly (('文' * 296) + '.txt')
    }

    It 'writes every attachment of a read message inside -Path under a distinct safe name' {
        $fence = Join-Path $TestDrive 'import'
        $dir = Join-Path $fence 'a/b/out'
        $files = @($Imported | Save-MailAttachment -Path $dir)
        Assert-SavedInside -Files $files -Directory $dir -Fence $fence
    }

    It 'writes every attachment of an IMAP summary (names from BODYSTRUCTURE) inside -Path under a distinct safe name' {
        $fence = Join-Path $TestDrive 'imap'
        $dir = Join-Path $fence 'a/b/out'
        $session = Connect-TestImap -User $User -NotDefault
        try {
            $message = Get-ImapMessage -Session $session -Folder INBOX -IncludeStructure
            @($message.Attachments).Count | Should -Be $Cases.Count
            $files = @($message | Save-MailAttachment -Path $dir)
        }
        finally { $session | Disconnect-Imap }
        Assert-SavedInside -Files $files -Directory $dir -Fence $fence
    }

    It 'never overwrites a file that was there without -Force, and replaces it with -Force' {
        $keep = Join-Path $TestDrive 'keep'
        $force = Join-Path $TestDrive 'force'
        foreach ($dir in $keep, $force) {
            $null = New-Item -ItemType Directory -Path $dir
            foreach ($name in 'up1.txt', '_CON', 'attachment', 'dup.txt') { [IO.File]::WriteAllText((Join-Path $dir $name), 'mine') }
        }

        $kept = @($Imported | Save-MailAttachment -Path $keep)
        $kept | Should -HaveCount $Cases.Count
        foreach ($name in 'up1.txt', '_CON', 'attachment', 'dup.txt') { [IO.File]::ReadAllText((Join-Path $keep $name)) | Should -Be 'mine' }
        $kept.Name | Should -Contain 'up1 (1).txt'
        $kept.Name | Should -Contain 'dup (2).txt'
        $kept.Name | Should -Not -Contain 'up1.txt'
        ($kept.Name | Sort-Object -Unique).Count | Should -Be $Cases.Count

        $replaced = @($Imported | Save-MailAttachment -Path $force -Force)
        $replaced.Name | Should -Be @($Cases | ForEach-Object { $_.Expected })
        [IO.File]::ReadAllText((Join-Path $force 'up1.txt')) | Should -BeExactly 'payload-0'
        [IO.File]::ReadAllText((Join-Path $force '_CON')) | Should -BeExactly 'payload-4'
        # The two attachments named dup.txt both survive: -Force never replaces a file the same run wrote.
        [IO.File]::ReadAllText((Join-Path $force 'dup.txt')) | Should -BeExactly 'payload-15'
        [IO.File]::ReadAllText((Join-Path $force 'dup (1).txt')) | Should -BeExactly 'payload-16'
        @(Get-ChildItem -LiteralPath $force -File) | Should -HaveCount $Cases.Count
    }
}

Describe 'Folder names from a hostile server' {
    BeforeAll {
        # tests/TestBed/fakeserver.py mode imap-hostile-folders: every folder holds one message (UID 1, UIDVALIDITY 7).
        $fake = Start-FakeServer -Mode imap-hostile-folders -Bed $Bed -LifetimeSeconds 300
        $user = New-TestUser -Bed $Bed
        $session = Connect-Imap -Server 127.0.0.1 -Port $fake.Port -Credential $user.Credential -Security None -NotDefault -TimeoutSec 15 -WarningAction SilentlyContinue
        $folders = @(Get-ImapFolder -Session $session)
        # Each name the fake lists and the Maildir++ directory it must become (modified UTF-7, '.' and '\' encoded).
        $layout = [ordered]@{
            'INBOX'         = ''
            '..'            = '.&AC4ALg-'
            '../../evil'    = '.&AC4ALg-.&AC4ALg-.evil'
            '/etc'          = '..etc'
            'a\..\..\b'     = '.a&AFwALgAuAFwALgAuAFw-b'
            'C:\Windows'    = '.C&ADoAXA-Windows'
            'CON'           = '.CON'
            "ctl`u{1}`e`r`nx" = '.ctl&AAEAGwANAAo-x'
            'x/../../y'     = '.x.&AC4ALg-.&AC4ALg-.y'
        }
    }
    AfterAll {
        $session | Disconnect-Imap -ErrorAction SilentlyContinue
        Stop-FakeServer -Server $fake -ErrorAction SilentlyContinue
    }

    It 'lists the hostile names as the server sent them' {
        $folders.FullName | Sort-Object | Should -Be @($layout.Keys | Sort-Object)
    }

    It 'Sync-ImapFolder mirrors each into its own directory inside -Destination' {
        $fence = Join-Path $TestDrive 'sync'
        $dest = Join-Path $fence 'a/b/mirror'
        $results = @($folders | Sync-ImapFolder -Session $session -Destination $dest)
        $root = (Get-Item -LiteralPath $dest).FullName
        $results | Should -HaveCount $layout.Count
        foreach ($r in $results) {
            $expected = if ($layout[$r.Folder]) { Join-Path $root $layout[$r.Folder] } else { $root }
            $r.Path | Should -BeExactly $expected -Because (ConvertTo-Json $r.Folder)
            @(Get-ChildItem -LiteralPath (Join-Path $r.Path 'cur') -File) | Should -HaveCount 1
        }
        ($results.Path | Sort-Object -Unique) | Should -HaveCount $layout.Count
        @(Get-ChildItem -LiteralPath $fence -Recurse -Force | Where-Object { -not $_.FullName.StartsWith($root, [StringComparison]::Ordinal) }).FullName |
            Should -Be @((Join-Path $fence 'a'), (Join-Path $fence 'a/b'))
        @(Get-ChildItem -LiteralPath $root -Directory -Force).Name | Should -Not -Contain '..'
        Test-Path '/etc/cur' | Should -BeFalse
    }

    It 'Save-ImapMessage names each file from the folder inside -Path' {
        $fence = Join-Path $TestDrive 'save'
        $dir = Join-Path $fence 'a/b/saved'
        $files = @($folders | ForEach-Object { Get-ImapMessage -Session $session -Folder $_.FullName } | Save-ImapMessage -Session $session -Path $dir)
        $root = (Get-Item -LiteralPath $dir).FullName
        $files | Should -HaveCount $layout.Count
        $files | ForEach-Object { [IO.Path]::GetDirectoryName([IO.Path]::GetFullPath($_.FullName)) | Should -BeExactly $root }
        ($files.Name | Sort-Object -Unique) | Should -HaveCount $layout.Count
        $files.Name | Should -Contain '_CON_7_1.eml'
        $files.Name | Should -Contain '_.._evil_7_1.eml'
        $files.Name | Should -Contain 'a_.._.._b_7_1.eml'
        $files.Name | Should -Contain 'C__Windows_7_1.eml'
        @(Get-ChildItem -LiteralPath $fence -Recurse -File -Force | Where-Object DirectoryName -NE $root) | Should -BeNullOrEmpty
    }

    It 'Export-ImapFolder writes only the -Destination file, whatever the folder is called' {
        $fence = Join-Path $TestDrive 'export'
        $null = New-Item -ItemType Directory -Path $fence
        $mbox = Join-Path $fence 'out.mbox'
        Export-ImapFolder -Session $session -Folder '../../evil' -Destination $mbox | Out-Null
        @(Get-ChildItem -LiteralPath $fence -Recurse -Force).FullName | Should -Be @($mbox)
        [IO.File]::ReadAllText($mbox) | Should -Match 'Subject: hostile folder'
    }
}
