# Format views: every default view rendered at 80 and at 200 columns from real objects (the Dovecot bed,
# Import-MailMessage), checking that the columns that matter are whole; one size format everywhere; the
# Test-MailConnection report, full messages and saved files; one property set for messages from every source.

BeforeAll {
    . $PSScriptRoot/Common.ps1
    . $PSScriptRoot/ImapCommon.ps1
    . $PSScriptRoot/Pop3Common.ps1
    $PSStyle.OutputRendering = 'PlainText'

    function Get-ViewText {
        # The default view of -InputObject as Out-Default would show it in a console -Width columns wide.
        param([Parameter(Mandatory)] [object[]] $InputObject, [Parameter(Mandatory)] [int] $Width)
        $InputObject | Out-String -Width $Width
    }

    function Get-ViewLine {
        # The line of -Text that contains -Like (a wildcard pattern, * added on both sides).
        param([Parameter(Mandatory)] [string] $Text, [Parameter(Mandatory)] [string] $Like)
        $line = @($Text -split "`r?`n" | Where-Object { $_ -like "*$Like*" })
        $line | Should -Not -BeNullOrEmpty -Because "a line with '$Like' in:`n$Text"
        $line[0]
    }

    $script:LongFrom = '"Jürgen Bäumler-Schmidt" <juergen.baeumler-schmidt@it.example.org>'
    $script:LongSubject = 'Quarterly VPN certificate rotation for every branch office, by Friday'
    $script:CjkSubject = '会議の議事録と次回の予定について確認してください'
    $script:LongFolder = 'Teams/bob/Teamprojekte 2024/Quarterly Reports'   # not under shared/: that is the other users' namespace

    $script:User = New-Pop3TestUser
    Add-TestMessage -Bed $Bed -User $User -Subject $LongSubject -From $LongFrom -Body "Hello,`r`nplease rotate.`r`n" -Flags 'SF' | Out-Null
    $body = (1..60 | ForEach-Object { "Line $_ of the minutes, with enough words to make a real line of text." }) -join "`r`n"
    Add-TestMessage -Bed $Bed -User $User -Subject $CjkSubject -From 'Tanaka <tanaka@example.jp>' -Body ($body + "`r`n" + ('x' * 280000)) `
        -AttachmentName 'scan_0001.pdf' -AttachmentBytes ([byte[]]::new(2048)) -AttachmentContentType 'application/pdf' | Out-Null
    Add-TestMessage -Bed $Bed -User $User -Subject 'short' -From 'a@example.com' -Body 'hi' | Out-Null
    New-TestFolder -Bed $Bed -User $User -Folder $LongFolder | Out-Null
    Add-TestMessage -Bed $Bed -User $User -Folder $LongFolder -Subject 'in a deep folder' -Body 'x' | Out-Null

    $script:Imap = Connect-TestImap -User $User -NotDefault
    $script:Pop3 = Connect-TestPop3 $User -With @{ NotDefault = $true }
    $script:Work = Join-Path $Bed.Root "tmp/views-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
    $script:Summaries = @(Search-ImapFolder -Session $Imap -Folder INBOX -IncludeStructure)
    $script:Pop3Messages = @(Get-Pop3Message -Session $Pop3)
    $script:Pop3Saved = @(Save-Pop3Message -Session $Pop3 -Path (Join-Path $Work 'pop3'))
    $script:Imported = @(Import-MailMessage -Path (Join-Path $Work 'pop3/*.eml'))
}

AfterAll {
    $Imap | Disconnect-Imap -ErrorAction SilentlyContinue
    $Pop3 | Disconnect-Pop3 -ErrorAction SilentlyContinue
}

Describe 'One size format' {
    It 'writes <Bytes> bytes as "<Text>"' -ForEach @(
        @{ Bytes = 0; Text = '0 B' }
        @{ Bytes = 1007; Text = '1007 B' }
        @{ Bytes = 1024; Text = '1.0 KB' }
        @{ Bytes = 279552; Text = '273 KB' }
        @{ Bytes = 1048063; Text = '1023 KB' }
        @{ Bytes = 1048575; Text = '1.0 MB' }
        @{ Bytes = 3670016; Text = '3.5 MB' }
        @{ Bytes = 5GB; Text = '5.0 GB' }
    ) {
        $format = $Summaries[0].GetType().Assembly.GetType('MailProtocols.DisplayText')
        $saved = [cultureinfo]::CurrentCulture
        [cultureinfo]::CurrentCulture = 'en-US'
        try { $format::Size($Bytes) | Should -BeExactly $Text }
        finally { [cultureinfo]::CurrentCulture = $saved }
    }

    It 'is what the IMAP, POP3, file, mailbox and saved-file views show' {
        $sizes = '\d+(\.\d)? (B|KB|MB)'
        (Get-ViewLine (Get-ViewText $Summaries 200) $CjkSubject) | Should -Match " 2\d\d KB "
        (Get-ViewLine (Get-ViewText $Pop3Messages 200) $CjkSubject) | Should -Match " 2\d\d KB "
        (Get-ViewLine (Get-ViewText $Imported 200) $CjkSubject) | Should -Match " 2\d\d KB "
        (Get-ViewLine (Get-ViewText $Summaries 200) 'short') | Should -Match ' \d{3} B '
        (Get-ViewLine (Get-ViewText (Get-Pop3Mailbox -Session $Pop3) 200) 'localhost') | Should -Match "\s$sizes\s"
        foreach ($text in (Get-ViewText $Summaries 200), (Get-ViewText $Pop3Messages 200)) {
            $text | Should -Not -Match '\d\.\dK\b' -Because 'the old "273.0K" format is gone'
            $text | Should -Not -Match '\s2\d{5}\s' -Because 'raw byte counts are not shown'
        }
    }
}

Describe 'Message tables' {
    It 'IMAP summaries at 200 columns show From and Subject whole' {
        $text = Get-ViewText $Summaries 200
        $text | Should -Match 'Uid\s+Flags\s+Date\s+Size\s+From\s+Subject'
        $line = Get-ViewLine $text $LongSubject
        $line | Should -Match ([regex]::Escape($LongFrom))
        $line | Should -Match 'S-F--'
        Get-ViewLine $text $CjkSubject | Should -Match '-----@'
    }

    It 'IMAP summaries at 80 columns keep Uid, Flags, Date and Size whole and share the rest between From and Subject' {
        $text = Get-ViewText $Summaries 80
        $line = Get-ViewLine $text 'Jürgen'
        $line | Should -Match '^\s+1 S-F--\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+\d+ B "Jürgen Bäumler-Sc'
        $line | Should -Match 'Quarterly VPN cer'
        ($text -split "`r?`n" | Where-Object { $_.Length -gt 80 }) | Should -BeNullOrEmpty
    }

    It 'keeps Size in line beside a subject of wide (CJK) characters: the subject comes last' -ForEach @(80, 200) {
        foreach ($text in (Get-ViewText $Summaries $_), (Get-ViewText $Pop3Messages $_)) {
            $header = Get-ViewLine $text 'Subject'
            $cjk = Get-ViewLine $text 'tanaka@'
            $short = Get-ViewLine $text 'a@example.com'
            $from = $header.IndexOf('From')
            $cjk.IndexOf('"Tanaka') | Should -Be $from -Because "From starts under its header:`n$text"
            $short.IndexOf('a@example.com') | Should -Be $from
            $header.TrimEnd() | Should -Match 'Subject$'
        }
    }

    It 'POP3 messages at <_> columns: Index, Date and Size whole, Subject last' -ForEach @(80, 200) {
        $text = Get-ViewText $Pop3Messages $_
        $text | Should -Match 'Index\s+Date\s+Size\s+From\s+Subject'
        Get-ViewLine $text 'Jürgen' | Should -Match '^\s+1 \d{4}-\d\d-\d\d \d\d:\d\d\s+\d+ B '
        if ($_ -eq 200) { Get-ViewLine $text 'Jürgen' | Should -Match ([regex]::Escape($LongSubject)) }
    }

    It 'Import-MailMessage at <_> columns: no collapsed column, grouped by directory' -ForEach @(80, 200) {
        $text = Get-ViewText $Imported $_
        $text | Should -Match 'Directory: .*pop3'
        $text | Should -Match 'Flags\s+Date\s+Size\s+From\s+Subject\s*(\r?\n)'
        $line = Get-ViewLine $text 'Jürgen'
        $line | Should -Match '\d{4}-\d\d-\d\d \d\d:\d\d\s+\d+ B "Jürgen'
        $line | Should -Match 'Quarterly VPN'
        Get-ViewLine $text 'tanaka@' | Should -Match '^\s{5}@ \d{4}-\d\d-\d\d' -Because 'flags of a file outside a Maildir are unknown: blank, with @ for the attachment'
        @($text -split "`r?`n" | Where-Object { $_ -match '^\s*\S{1,2}\s*$' }) | Should -BeNullOrEmpty -Because "no column is squeezed to two characters:`n$text"
    }
}

Describe 'Session, mailbox, folder and sync tables' {
    It 'sessions take the width their data needs, also at 200 columns' {
        $text = Get-ViewText @($Imap, $Pop3) 200
        $header = Get-ViewLine $text 'UserName'
        $header | Should -Match 'Id\s+Protocol\s+Server\s+Port\s+UserName\s+State\s+Security'
        $header.TrimEnd().Length | Should -BeLessThan 90 -Because "Server and UserName are not stretched:`n$text"
        Get-ViewLine $text 'Pop3' | Should -Match ([regex]::Escape($User.Name))
    }

    It 'the POP3 mailbox takes the width its data needs, with the size formatted' -ForEach @(80, 200) {
        $text = Get-ViewText (Get-Pop3Mailbox -Session $Pop3) $_
        (Get-ViewLine $text 'UserName').TrimEnd().Length | Should -BeLessThan 80
        Get-ViewLine $text 'localhost' | Should -Match "localhost\s+$($User.Name)\s+3\s+2\d\d KB\s+0"
    }

    It 'folders at <_> columns show the whole name beside the counts' -ForEach @(80, 200) {
        $text = Get-ViewText @(Get-ImapFolder -Session $Imap) $_
        $text | Should -Match 'Count\s+Unread\s+Recent\s+SpecialUse\s+FullName'
        Get-ViewLine $text 'Quarterly Reports' | Should -Match "^\s+1\s+1\s+\d+\s+$([regex]::Escape($LongFolder))\s*$"
        Get-ViewLine $text 'INBOX' | Should -Match '^\s+3\s+2\s+\d+\s+Inbox\s+INBOX'
    }

    It 'the sync table shows whole folder names at 200 columns and whole numbers at 80' {
        $results = @(Get-ImapFolder -Session $Imap | Where-Object Count -GT 0 | Sync-ImapFolder -Session $Imap -Destination (Join-Path $Work 'sync'))
        $wide = Get-ViewText $results 200
        $wide | Should -Match 'New\s+FlagsUpdated\s+Removed\s+Bytes\s+Duration\s+Note\s+Folder'
        Get-ViewLine $wide 'Quarterly' | Should -Match "^\s+1\s+0\s+0\s+\d+ B\s+\d+\.\d\ds\s+$([regex]::Escape($LongFolder))\s*$"
        Get-ViewLine (Get-ViewText $results 80) 'INBOX' | Should -Match '^\s+3\s+0\s+0\s+2\d\d KB\s+\d+\.\d\ds\s+INBOX'
    }

    It 'the export table shows the size formatted and the whole path at 200 columns' {
        $path = Join-Path $Work 'inbox.mbox'
        $text = Get-ViewText (Export-ImapFolder -Session $Imap -Folder INBOX -Destination $path) 200
        $text | Should -Match 'Messages\s+Bytes\s+Duration\s+Path\s+Folders'
        Get-ViewLine $text 'inbox.mbox' | Should -Match "^\s+3\s+2\d\d KB\s+\d+\.\d\ds\s+$([regex]::Escape($path))\s+INBOX"
    }
}

Describe 'Test-MailConnection report' {
    BeforeAll {
        $script:Report = Test-MailConnection localhost Imap -Port $Bed.ImapPort -Credential $User.Credential
    }

    It 'shows only labels that are properties of the report, with their values' -ForEach @(80, 200) {
        $text = Get-ViewText $Report $_
        $labels = @($text -split "`r?`n" | ForEach-Object { if ($_ -match '^(\w+)\s+: ') { $Matches[1] } })
        $labels | Should -Contain 'Result'
        $labels | Should -Contain 'Login'
        $labels | Should -Contain 'Tls'
        foreach ($label in $labels) {
            $Report.PSObject.Properties.Name | Should -Contain $label -Because "the view shows '$label'"
        }
        $Report.Result | Should -Be 'Succeeded'
        $Report.Tls | Should -Match '^Tls1[23], TLS_'
        $Report.Login | Should -Match "^succeeded as $($User.Name) in \d+ ms$"
    }

    It 'says why in Result when a step failed' {
        $bad = Test-MailConnection localhost Imap -Port $Bed.ImapPort -Credential ([pscredential]::new($User.Name, (ConvertTo-SecureString 'wrong-password' -AsPlainText -Force)))
        $bad.Result | Should -Be 'Failed at Login'
        $bad.Login | Should -Match "^FAILED for $($User.Name) after "
    }

    It 'the step table at <_> columns keeps step, status and time whole' -ForEach @(80, 200) {
        $text = Get-ViewText $Report.Steps $_
        $text | Should -Match 'Step\s+Status\s+Ms\s+Message'
        Get-ViewLine $text 'TlsHandshake' | Should -Match '^TlsHandshake\s+Success\s+\d+[.,]\d\s+Tls1[23] with'
    }

    It 'the quota table at <_> columns takes the width its data needs, with sizes formatted' -ForEach @(80, 200) {
        $text = Get-ViewText @(Get-ImapQuota -Session $Imap) $_
        $text | Should -Match 'Folder\s+QuotaRoot\s+Used\s+Limit\s+Storage%'
        Get-ViewLine $text 'User quota' | Should -Match '^INBOX\s+User quota\s+\d+(\.\d)? (B|KB|MB)\s+100 MB\s'
        (Get-ViewLine $text 'QuotaRoot').TrimEnd().Length | Should -BeLessThan 80
    }

    It 'turns into JSON with names, not numbers, without extra switches' {
        $json = $Report | ConvertTo-Json -Depth 5 -WarningAction SilentlyContinue
        $json | Should -Match '"Protocol": "Imap"'
        $json | Should -Match '"Security": "StartTls"'
        $json | Should -Match '"Result": "Succeeded"'
        $json | Should -Match '"Name": "TlsHandshake"'
        $json | Should -Match '"Status": "Success"'
        $back = $json | ConvertFrom-Json
        $back.Steps.Name | Should -Contain 'Login'
        $back.Tls | Should -Be $Report.Tls
    }
}

Describe 'One property set for messages from IMAP, POP3 and files' {
    It 'the same Where-Object finds the same message among IMAP summaries, POP3 headers and imported files' {
        $filter = { $_.HasAttachments -and $_.Size -gt 200KB -and $_.From -like '*tanaka@example.jp*' -and $_.Date -and $_.MessageId }
        foreach ($set in @{ Source = 'Search-ImapFolder'; Items = $Summaries }, @{ Source = 'Get-Pop3Message'; Items = $Pop3Messages }, @{ Source = 'Import-MailMessage'; Items = $Imported }) {
            @($set.Items | Where-Object $filter).Subject | Should -Be @($CjkSubject) -Because $set.Source
            @($set.Items | Where-Object { -not $_.HasAttachments }).Count | Should -Be 2 -Because $set.Source
        }
    }

    It 'gives every message the shared properties, from MailMessageBase' {
        foreach ($m in $Summaries[0], $Pop3Messages[0], $Imported[0]) {
            $m | Should -BeOfType MailProtocols.MailMessageBase
            foreach ($p in 'Subject', 'From', 'To', 'Cc', 'Date', 'MessageId', 'Size', 'HasAttachments', 'Attachments', 'Headers', 'TextBody') {
                $m.PSObject.Properties.Name | Should -Contain $p -Because "$($m.GetType().Name) has $p"
            }
        }
        ($Imported | Where-Object Subject -EQ $CjkSubject).Attachments.Name | Should -Be 'scan_0001.pdf'
    }

    It 'reads the flags of a single Maildir file from its name, as for a whole Maildir folder' {
        $null = Sync-ImapFolder -Session $Imap -Folder INBOX -Destination (Join-Path $Work 'maildir')
        $files = @(Import-MailMessage -Path (Join-Path $Work 'maildir/cur/*'))
        $files | Should -HaveCount 3
        ($files | Where-Object Subject -EQ $LongSubject).Flags | Should -Be 'Seen, Flagged'
        ($files | Where-Object Subject -EQ 'short').Flags | Should -Be 'None'
        ($files | Where-Object Subject -EQ 'short').InternalDate | Should -Not -BeNullOrEmpty
        @($files | Where-Object { $_.Flags -band [int]4 }).Subject | Should -Be @($LongSubject)
        (Import-MailMessage -Path (Join-Path $Work 'pop3/*.eml'))[0].Flags | Should -BeNullOrEmpty -Because 'a file outside a Maildir has no flags'
    }
}

Describe 'A whole message' {
    It 'Get-ImapMessage -Full shows headers and the start of the text as a list, at <_> columns' -ForEach @(80, 200) {
        $full = Search-ImapFolder -Session $Imap -Folder INBOX | Get-ImapMessage -Full
        $text = Get-ViewText ($full | Where-Object Subject -EQ $CjkSubject) $_
        $text | Should -Match 'Folder\s+: INBOX'
        $text | Should -Match 'From\s+: "?Tanaka"? <tanaka@example.jp>'
        $text | Should -Match "Subject\s+: $CjkSubject"
        $text | Should -Match 'Size\s+: 2\d\d KB'
        $text | Should -Match 'Attachments\s+: scan_0001.pdf \(application/pdf, 2.0 KB\)'
        $text | Should -Match 'TextBody\s+: Line 1 of the minutes'
        $text | Should -Match 'Line 20 of the minutes'
        $text | Should -Not -Match 'Line 21 of the minutes'
        $text | Should -Match '\[\.\.\. \d+ more lines; the whole text is in the TextBody property\]'
        $text | Should -Not -Match 'Uid\s+Flags\s+Date' -Because 'not the summary table'
        $short = Get-ViewText ($full | Where-Object Subject -EQ 'short') $_
        $short | Should -Match 'TextBody\s+: hi'
        $short | Should -Not -Match 'more line'
        ($full | Where-Object Subject -EQ 'short').TextBody | Should -Match '^hi'
    }

    It 'Get-Pop3Message -Full has the same list view' {
        $text = Get-ViewText (Get-Pop3Message -Session $Pop3 -Full -First 1) 120
        $text | Should -Match 'Index\s+: 1'
        $text | Should -Match "Subject\s+: $([regex]::Escape($LongSubject))"
        $text | Should -Match 'TextBody\s+: Hello,'
    }

    It 'without -Full the summary table stays' {
        Get-ViewText (Search-ImapFolder -Session $Imap -Folder INBOX -Subject short | Get-ImapMessage) 120 | Should -Match 'Uid\s+Flags\s+Date\s+Size\s+From\s+Subject'
    }
}

Describe 'Saved files' {
    It 'Save-<Name> output shows the name, the size and the message it came from, at <Width> columns' -ForEach @(
        @{ Name = 'Pop3Message'; Width = 80 }, @{ Name = 'Pop3Message'; Width = 200 }
        @{ Name = 'ImapMessage'; Width = 80 }, @{ Name = 'ImapMessage'; Width = 200 }
        @{ Name = 'MailAttachment'; Width = 200 }
    ) {
        $files = switch ($Name) {
            'Pop3Message' { $Pop3Saved }
            'ImapMessage' { @($Summaries | Save-ImapMessage -Session $Imap -Path (Join-Path $Work 'imap')) }
            'MailAttachment' { @($Summaries | Save-MailAttachment -Path (Join-Path $Work 'attachments')) }
        }
        $files[0] | Should -BeOfType System.IO.FileInfo
        $files[0].Message | Should -BeOfType MailProtocols.MailMessageBase
        $text = Get-ViewText $files $Width
        $text | Should -Not -Match 'UnixMode|User\s+Group'
        $text | Should -Match 'Size\s+Name\s+Message'
        $first = $files | Where-Object { $_.Message.Subject -eq $CjkSubject -or ($Name -eq 'Pop3Message' -and $_.Message.Index -eq 2) } | Select-Object -First 1
        $line = Get-ViewLine $text $first.Name
        $line | Should -Match "^\s*\d+(\.\d)? (B|KB)\s+$([regex]::Escape($first.Name))\s+"
        switch ($Name) {
            'Pop3Message' { $line | Should -Match 'POP3 message 2 \(UIDL ' }
            'ImapMessage' { $line | Should -Match 'message 2 in INBOX' }
            'MailAttachment' { $line | Should -Match "message 2 in INBOX: $CjkSubject" }
        }
    }
}
