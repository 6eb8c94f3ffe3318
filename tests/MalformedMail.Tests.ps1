# Malformed mail: a corpus of broken messages is parsed, imported (offline and into IMAP), searched,
# listed, saved and its attachments extracted. Each bad message gives at most one non-terminating
# error; nothing hangs or crashes.

BeforeAll {
    . $PSScriptRoot/Common.ps1
    $script:CorpusDir = Join-Path $TestDrive 'corpus'
    & python3 (Join-Path $PSScriptRoot 'Corpus/make_malformed.py') $CorpusDir
    $script:CorpusFiles = @(Get-ChildItem $CorpusDir -Filter *.eml | Sort-Object Name)

    function Invoke-Bounded([scriptblock] $Script, [object[]] $Arguments, [int] $Seconds = 240) {
        # Runs in its own runspace so that a hang fails this test instead of stalling the suite.
        $ps = [powershell]::Create()
        $null = $ps.AddScript("Import-Module '$env:MAILPROTOCOLS_MODULE'").AddStatement().AddScript($Script)
        foreach ($argument in $Arguments) { $null = $ps.AddArgument($argument) }
        $async = $ps.BeginInvoke()
        try {
            $async.AsyncWaitHandle.WaitOne([TimeSpan]::FromSeconds($Seconds)) | Should -BeTrue -Because "the work must finish within $Seconds s"
            [pscustomobject]@{ Output = @($ps.EndInvoke($async)); Errors = @($ps.Streams.Error) }
        }
        finally {
            if ($ps.InvocationStateInfo.State -eq 'Running') { $ps.Stop() }
            $ps.Dispose()
        }
    }

    function Get-Sha256Hex([byte[]] $Bytes) {
        [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($Bytes))
    }
}

Describe 'A corpus of broken messages' {
    It 'has the cases it claims to have' {
        $CorpusFiles.BaseName | Should -Contain 'nested-10000'
        $CorpusFiles.BaseName | Should -Contain 'broken-base64'
        $CorpusFiles.Count | Should -BeGreaterOrEqual 10
    }

    It 'is imported offline with at most one error per message, and the rest are read' {
        $r = Invoke-Bounded { param($dir) Import-MailMessage -Path (Join-Path $dir '*.eml') } @($CorpusDir)
        ($r.Output.Count + $r.Errors.Count) | Should -Be $CorpusFiles.Count
        $r.Output.Count | Should -BeGreaterOrEqual ($CorpusFiles.Count - 2)
        $r.Errors | ForEach-Object { $_.CategoryInfo.Category | Should -Be 'InvalidData' }
        ($r.Output | Where-Object { $_.Path -like '*siblings-10000.eml' }).Attachments.Count | Should -Be 10000
        ($r.Output | Where-Object { $_.Path -like '*unknown-charset.eml' }).TextBody | Should -Not -BeNullOrEmpty
    }

    It 'gives up its attachments, bad encodings included, inside the target folder' {
        $out = Join-Path $TestDrive 'attachments'
        $r = Invoke-Bounded {
            param($dir, $out)
            Import-MailMessage -Path (Join-Path $dir '*.eml') -ErrorAction SilentlyContinue | Save-MailAttachment -Path $out -Filter 'bad.bin', 'p999*.txt', 'cut.pdf'
        } @($CorpusDir, $out)
        $r.Errors.Count | Should -BeLessOrEqual $CorpusFiles.Count
        $r.Output.Name | Should -Contain 'bad.bin'
        $r.Output.Name | Should -Contain 'p9999.txt'
        $r.Output | ForEach-Object { $_.DirectoryName | Should -Be (Get-Item $out).FullName }
        @(Get-ChildItem $out -Filter '*.partial').Count | Should -Be 0
    }

    It 'is listed, parsed and saved byte-identically through POP3 from a real server' {
        $user = New-TestUser -Bed $Bed
        foreach ($file in $CorpusFiles) { $null = Add-TestMessage -Bed $Bed -User $user -Raw ([IO.File]::ReadAllBytes($file.FullName)) }
        $out = Join-Path $TestDrive 'pop3'
        $r = Invoke-Bounded {
            param($port, $cred, $out)
            $s = Connect-Pop3 -Server localhost -Port $port -Credential $cred
            $full = @(Get-Pop3Message -Session $s -Full)
            $saved = @(Save-Pop3Message -Session $s -Path $out)
            $s | Disconnect-Pop3
            [pscustomobject]@{ Full = $full.Count; Saved = $saved }
        } @($Bed.Pop3Port, $user.Credential, $out)
        $r.Errors.Count | Should -BeLessOrEqual $CorpusFiles.Count
        ($r.Output[0].Full + $r.Errors.Count) | Should -BeGreaterOrEqual $CorpusFiles.Count
        $r.Output[0].Saved.Count | Should -Be $CorpusFiles.Count
        # The independent client's RETR of every message against the files on disk, as sets of hashes.
        $serverHashes = foreach ($entry in (Invoke-MailCheck -Bed $Bed -User $user -Command pop3-uidl)) {
            Get-Sha256Hex (Invoke-MailCheck -Bed $Bed -User $user -Command pop3-retr -Arguments @("$($entry.n)")).Bytes
        }
        $fileHashes = $r.Output[0].Saved | ForEach-Object { Get-Sha256Hex ([IO.File]::ReadAllBytes($_.FullName)) }
        ($fileHashes | Sort-Object) | Should -Be ($serverHashes | Sort-Object)
    }

    It 'is imported into IMAP, searched on the server, parsed and saved byte-identically' {
        $user = New-TestUser -Bed $Bed
        $out = Join-Path $TestDrive 'imap'
        $r = Invoke-Bounded {
            param($port, $cred, $dir, $out)
            $s = Connect-Imap -Server localhost -Port $port -Credential $cred
            $added = @(Add-ImapMessage -Session $s -Folder INBOX -Path (Join-Path $dir '*.eml') -ErrorVariable addErrors -ErrorAction SilentlyContinue)
            $all = @(Search-ImapFolder -Session $s -Folder INBOX)
            $found = @(Search-ImapFolder -Session $s -Folder INBOX -Subject 'boundary')
            $full = @($all | Get-ImapMessage -Full -ErrorVariable parseErrors -ErrorAction SilentlyContinue)
            $saved = @($all | Save-ImapMessage -Path $out)
            $s | Disconnect-Imap
            [pscustomobject]@{
                Added = $added.Count; Refused = @($addErrors | ForEach-Object { "$($_.TargetObject)|$($_.FullyQualifiedErrorId)" })
                All = $all.Count; Found = @($found.Subject); Full = $full.Count; ParseErrors = @($parseErrors).Count; Saved = $saved
            }
        } @($Bed.ImapPort, $user.Credential, $CorpusDir, $out)
        $result = $r.Output[0]
        # Only a file with no header block at all is not a message; it is refused on its own, and the rest go in.
        $result.Refused | Should -HaveCount 1
        $result.Refused[0] | Should -BeLike '*no-headers.eml|AddImapMessageInvalidMessageFile,*'
        $result.Added | Should -Be ($CorpusFiles.Count - 1)
        $result.All | Should -Be $result.Added
        ($result.Found | Sort-Object) | Should -Be @('bad boundary', 'no closing boundary')
        # At most one error per broken message when parsing, and the rest are parsed.
        ($result.Full + $result.ParseErrors) | Should -Be $result.All
        $result.Full | Should -BeGreaterOrEqual ($result.All - 2)
        $result.Saved.Count | Should -Be $result.All
        @(Get-ChildItem $out -Recurse -File | Where-Object Extension -NE '.eml').Count | Should -Be 0

        # The server holds the imported files, checked with an independent client: byte for byte with CRLF
        # line ends (as IMAP requires), except that MimeKit ends an unterminated last line (truncated parts).
        $uids = Invoke-MailCheck -Bed $Bed -User $user -Command imap-uids -Arguments @('INBOX')
        $serverHashes = foreach ($uid in $uids) {
            Get-Sha256Hex (Invoke-MailCheck -Bed $Bed -User $user -Command imap-fetch -Arguments @('INBOX', "$uid")).Bytes
        }
        $fileOf = @{}
        foreach ($file in $CorpusFiles | Where-Object BaseName -NE 'no-headers') {
            $crlf = [regex]::Replace([Text.Encoding]::Latin1.GetString([IO.File]::ReadAllBytes($file.FullName)), '\r?\n', "`r`n")
            $fileOf[(Get-Sha256Hex ([Text.Encoding]::Latin1.GetBytes($crlf)))] = $file.BaseName
            $fileOf[(Get-Sha256Hex ([Text.Encoding]::Latin1.GetBytes("$crlf`r`n")))] = $file.BaseName
        }
        $matched = @($serverHashes | ForEach-Object { $fileOf[$_] } | Where-Object { $_ } | Sort-Object -Unique)
        $matched.Count | Should -Be $result.Added -Because 'every imported file is on the server exactly once, unchanged'
        $fileHashes = $result.Saved | ForEach-Object { Get-Sha256Hex ([IO.File]::ReadAllBytes($_.FullName)) }
        ($fileHashes | Sort-Object) | Should -Be ($serverHashes | Sort-Object)
    }
}
