BeforeAll {
    . $PSScriptRoot/Common.ps1
    . $PSScriptRoot/ImapCommon.ps1
    . $PSScriptRoot/ImapLiveCommon.ps1

    function Get-MessageIdOf {
        param([byte[]] $Bytes)
        $m = [regex]::Match([System.Text.Encoding]::UTF8.GetString($Bytes), '(?im)^Message-ID:\s*(<[^>]+>)')
        $m.Groups[1].Value
    }
}

Describe 'Export-ImapFolder to mboxrd' {
    BeforeAll {
        $user = New-TestUser -Bed $Bed
        $seed = Add-TestMessageBatch -Bed $Bed -User $user -Count 300
        $crlf = "`r`n"
        $quoting = "From: Quoter <quoter@example.test>${crlf}To: you@example.test${crlf}Subject: Quoting${crlf}Message-ID: <quoting@example.test>${crlf}Date: Mon, 01 Jan 2024 10:00:00 +0000${crlf}${crlf}" +
            "From the start of a line${crlf}>From already quoted${crlf}>>From quoted twice${crlf}From${crlf}Fromage${crlf} From indented${crlf}>From${crlf}last line${crlf}"
        Add-TestMessage -Bed $Bed -User $user -Raw ([System.Text.Encoding]::ASCII.GetBytes($quoting)) | Out-Null
        $noFinalNewline = "From: a@example.test${crlf}Subject: No final line break${crlf}Message-ID: <no-final@example.test>${crlf}${crlf}no line break at the end"
        Add-TestMessage -Bed $Bed -User $user -Raw ([System.Text.Encoding]::ASCII.GetBytes($noFinalNewline)) | Out-Null
        $total = 302

        $log = New-ImapLogPath 'export'
        $session = Connect-TestImap -User $user -ProtocolLogPath $log -NotDefault
        $dir = New-TestDirectory 'export'
        $mbox = Join-Path $dir 'inbox.mbox'
        $result = Export-ImapFolder -Session $session -Destination $mbox
        $read = Invoke-MailboxCheck 'mbox', $mbox
    }
    AfterAll { $session | Disconnect-Imap -ErrorAction SilentlyContinue }

    It 'writes every message, and Python''s mailbox module reads each back byte for byte after un-quoting' {
        $result | Should -BeOfType MailProtocols.ImapExportResult
        $result.Messages | Should -Be $total
        $result.Path | Should -Be $mbox
        $result.Bytes | Should -Be (Get-Item $mbox).Length
        $result.Folders | Should -Be @('INBOX')
        $read.Count | Should -Be $total

        # The seeded files are CRLF, and Dovecot's BODY[] of such a file is the file byte for byte.
        $originals = @{}
        foreach ($file in Get-ChildItem (Join-Path $seed.Directory 'cur') -File) {
            $bytes = [System.IO.File]::ReadAllBytes($file.FullName)
            $originals[(Get-MessageIdOf $bytes)] = $bytes
        }
        $problems = foreach ($message in $read) {
            $id = $message.message_id
            if ($id -eq '<no-final@example.test>') { continue }
            $expected = $originals[$id]
            $actual = [Convert]::FromBase64String($message.data_b64)
            if ($null -eq $expected) { "no original for $id" }
            elseif (-not [System.Linq.Enumerable]::SequenceEqual($actual, $expected)) { "$id differs ($($actual.Length) bytes, expected $($expected.Length))" }
        }
        $problems | Should -BeNullOrEmpty
        @($read.message_id | Sort-Object -Unique).Count | Should -Be $total
    }

    It 'quotes lines that match ^>*From  with one more ''>'' and leaves other lines alone' {
        $text = [System.Text.Encoding]::ASCII.GetString([System.IO.File]::ReadAllBytes($mbox))
        $start = $text.IndexOf('Subject: Quoting')
        $body = $text.Substring($start, $text.IndexOf('last line', $start) - $start)
        $body | Should -Match "`r`n>From the start of a line`r`n>>From already quoted`r`n>>>From quoted twice`r`nFrom`r`nFromage`r`n From indented`r`n>From`r`n"
        # Only the separators start with "From ": one per message.
        [regex]::Matches($text, '(?m)^From ').Count | Should -Be $total
    }

    It 'gives the quoting message back unchanged after un-quoting' {
        $message = $read | Where-Object message_id -eq '<quoting@example.test>'
        [System.Text.Encoding]::ASCII.GetString([Convert]::FromBase64String($message.data_b64)) | Should -BeExactly $quoting
    }

    It 'ends a message without a final line break with one, as the format requires' {
        $message = $read | Where-Object message_id -eq '<no-final@example.test>'
        [System.Text.Encoding]::ASCII.GetString([Convert]::FromBase64String($message.data_b64)) | Should -BeExactly ($noFinalNewline + "`n")
    }

    It 'writes From_ lines with the sender address and the delivery date (asctime, UTC)' {
        $server = Invoke-MailCheck -Bed $Bed -User $user -Command imap-messages -Arguments INBOX, '--uids', '1'
        $fromLine = ($read | Where-Object message_id -eq $server[0].message_id).from_line
        $date = ([datetimeoffset]$server[0].internaldate).UtcDateTime
        $asctime = $date.ToString('ddd MMM ', [cultureinfo]::InvariantCulture) + $date.Day.ToString().PadLeft(2) + $date.ToString(' HH:mm:ss yyyy', [cultureinfo]::InvariantCulture)
        $address = [regex]::Match($server[0].from, '<([^>]+)>').Groups[1].Value
        $fromLine | Should -BeExactly "$address $asctime"
        foreach ($line in $read.from_line) { $line | Should -Match '^\S+ (Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}$' }
    }

    It 'downloads each body once, in batches (Dovecot body_count)' {
        $commands = Get-ImapClientCommands -Path $log
        @($commands | Where-Object { $_ -match '^UID FETCH \S+ \(BODY\.PEEK\[\]\)' }).Count | Should -Be 2
        $fresh = Connect-TestImap -User $user -NotDefault
        $null = Export-ImapFolder -Session $fresh -Destination (Join-Path $dir 'again.mbox')
        $fresh | Disconnect-Imap
        $raw = Get-TestRawLog -Bed $Bed -User $user -Last
        $deadline = [DateTime]::UtcNow.AddSeconds(10)
        while (-not ($stats = Get-DovecotLogoutStats -Bed $Bed -User $user -MinimumCount 0 | Where-Object Pid -eq $raw.Pid) -and [DateTime]::UtcNow -lt $deadline) {
            Start-Sleep -Milliseconds 50
        }
        $stats.body_count | Should -Be $total
    }

    It 'exports piped messages from Search-ImapFolder' {
        $found = Search-ImapFolder -Session $session -Uid (1..20)
        $target = Join-Path $dir 'twenty.mbox'
        $export = $found | Export-ImapFolder -Destination $target
        $export.Messages | Should -Be 20
        (Invoke-MailboxCheck 'mbox', $target).message_id | Should -Be ($found.MessageId | ForEach-Object { "<$_>" })
    }

    It 'exports folders piped from Get-ImapFolder' {
        # Created through Dovecot, so a session that is already logged in lists them at once.
        New-TestFolder -Bed $Bed -User $user -Folder 'Archive/2023' | Out-Null
        New-TestFolder -Bed $Bed -User $user -Folder 'Archive/2024' | Out-Null
        Add-TestMessage -Bed $Bed -User $user -Folder 'Archive/2023' -Subject 'Archived one' | Out-Null
        Add-TestMessage -Bed $Bed -User $user -Folder 'Archive/2024' -Subject 'Archived two' | Out-Null
        $target = Join-Path $dir 'archive.mbox'
        $export = Get-ImapFolder -Session $session -Name 'Archive/*' | Export-ImapFolder -Destination $target -ErrorVariable errors
        $errors | Should -BeNullOrEmpty
        $export.Folders | Should -Be @('Archive/2023', 'Archive/2024')
        (Invoke-MailboxCheck 'mbox', $target).subject | Should -Be @('Archived one', 'Archived two')
    }

    It 'replaces an existing file only with -Force' {
        $target = Join-Path $dir 'existing.mbox'
        Set-Content -Path $target -Value 'keep me'
        $err = { Export-ImapFolder -Session $session -Folder 'Archive/2023' -Destination $target -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'ExportImapFolderFileExists,MailProtocols.Commands.ExportImapFolderCommand'
        $err.CategoryInfo.Category | Should -Be 'InvalidOperation'
        Get-Content $target | Should -Be 'keep me'
        (Export-ImapFolder -Session $session -Folder 'Archive/2023' -Destination $target -Force).Messages | Should -Be 1
        (Invoke-MailboxCheck 'mbox', $target).subject | Should -Be 'Archived one'
        Get-ChildItem $dir -Filter '*.partial' | Should -BeNullOrEmpty
    }

    It 'reports a piped message that is gone and exports the others' {
        $three = Search-ImapFolder -Session $session -Uid 30, 31, 32
        Invoke-MailCheck -Bed $Bed -User $user -Command imap-store -Arguments INBOX, 31, '+FLAGS', '\Deleted' | Out-Null
        Invoke-MailCheck -Bed $Bed -User $user -Command imap-expunge -Arguments INBOX | Out-Null
        $target = Join-Path $dir 'gone.mbox'
        $export = $three | Export-ImapFolder -Destination $target -ErrorVariable errors -ErrorAction SilentlyContinue
        $export.Messages | Should -Be 2
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -Be 'ExportImapFolderMessageNotFound,MailProtocols.Commands.ExportImapFolderCommand'
        $errors[0].TargetObject | Should -Be 'message 31 in INBOX'
    }

    It 'writes nothing with -WhatIf' {
        $target = Join-Path $dir 'whatif.mbox'
        Export-ImapFolder -Session $session -Destination $target -WhatIf | Should -BeNullOrEmpty
        $target | Should -Not -Exist
    }

    It 'shows the result as a table' {
        $text = $result | Out-String -Width 250
        $text | Should -Match 'Messages\s+Bytes\s+Duration\s+Path\s+Folders'
        $text | Should -Match '302\s+\d+(\.\d)? (KB|MB)\s+\d+\.\d\ds\s+/\S+\s+INBOX'
    }
}

Describe 'Export-ImapFolder when stopped' {
    BeforeAll {
        $user = New-TestUser -Bed $Bed
        Add-TestMessageBatch -Bed $Bed -User $user -Count 4000 -SizeBytes 4000 | Out-Null
    }

    It 'leaves neither the file nor a temporary file behind' {
        $dir = New-TestDirectory 'export-stop'
        $target = Join-Path $dir 'big.mbox'
        $job = Start-Background -ArgumentList $env:MAILPROTOCOLS_MODULE, (Get-TestImapParameters -User $user), $target -ScriptBlock {
            param($module, $connect, $target)
            Import-Module $module
            $null = Connect-Imap @connect
            Export-ImapFolder -Destination $target
        }
        $deadline = [DateTime]::UtcNow.AddSeconds(30)
        while (-not (Get-ChildItem $dir -Filter '*.partial') -or (Get-ChildItem $dir -Filter '*.partial').Length -eq 0) {
            if ([DateTime]::UtcNow -gt $deadline) { throw 'the export did not start writing' }
            Start-Sleep -Milliseconds 10
        }
        $job.PowerShell.Stop()
        $job.PowerShell.Dispose()
        Get-ChildItem $dir | Should -BeNullOrEmpty
    }
}
