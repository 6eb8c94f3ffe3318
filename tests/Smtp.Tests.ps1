# Sending: Connect-Smtp, New-MailMessage, Send-SmtpMessage, Disconnect-Smtp against a real Postfix on loopback
# (Start-TestDovecot -WithSmtp: STARTTLS and implicit TLS with the test CA, SASL through the bed's Dovecot, LMTP
# delivery into the bed's mailboxes). Arrival is checked in the recipient's INBOX with the Python client; what Postfix
# will not do (refuse STARTTLS, stall in DATA, hang up after DATA, lack SMTPUTF8) comes from fakeserver.py.

BeforeAll {
    . $PSScriptRoot/Common.ps1
    $script:SmtpBed = Start-TestDovecot -Name 'smtp' -WithSmtp
    $script:Sender = New-TestUser -Bed $SmtpBed
    $script:SenderAddress = Get-TestSmtpAddress $Sender
    $script:Work = Join-Path $SmtpBed.Root 'tmp'
    # Splat for Connect-Smtp / Send-SmtpMessage -Server against the bed's Postfix (submission port, STARTTLS).
    $script:SmtpParams = @{ Server = 'localhost'; Port = $SmtpBed.SmtpPort; Credential = $Sender.Credential; TimeoutSec = 15 }

    function Wait-Arrival {
        # The recipient's messages in a folder (Python client), once there are at least -Count (bounded poll).
        param([Parameter(Mandatory)] $User, [int] $Count = 1, [string] $Folder = 'INBOX', [double] $TimeoutSec = 30)
        $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
        while ($true) {
            if ($Count -gt 1) {
                # Many: count first (cheap), list once they are all there.
                $status = Invoke-MailCheck -Bed $script:SmtpBed -User $User -Command imap-status -Arguments @($Folder)
                if ($status.messages -lt $Count) {
                    if ([DateTime]::UtcNow -gt $deadline) {
                        $log = (Get-TestSmtpLog -Bed $script:SmtpBed -Pattern 'qmgr|lmtp|cleanup' | Select-Object -Last 8) -join "`n"
                        throw "Only $($status.messages) of $Count message(s) arrived in $Folder of $($User.Name) within $TimeoutSec s. Postfix:`n$log"
                    }
                    Start-Sleep -Milliseconds 500
                    continue
                }
            }
            # Invoke-MailCheck writes the list as one object: enumerate it.
            $messages = @(Invoke-MailCheck -Bed $script:SmtpBed -User $User -Command imap-messages -Arguments @($Folder) | ForEach-Object { $_ })
            if ($messages.Count -ge $Count) { return $messages }
            if ([DateTime]::UtcNow -gt $deadline) { throw "Only $($messages.Count) of $Count message(s) arrived in $Folder of $($User.Name) within $TimeoutSec s." }
            Start-Sleep -Milliseconds 200
        }
    }

    function Get-ArrivedText {
        # The whole arrived message (UID) as text.
        param([Parameter(Mandatory)] $User, [Parameter(Mandatory)] [int] $Uid, [string] $Folder = 'INBOX')
        $r = Invoke-MailCheck -Bed $script:SmtpBed -User $User -Command imap-fetch -Arguments @($Folder, $Uid)
        [Text.Encoding]::UTF8.GetString($r.Bytes)
    }

    function Wait-SmtpLogLine {
        # The first Postfix log line matching -Pattern, once it is there (postlogd writes asynchronously).
        param([Parameter(Mandatory)][string] $Pattern, [double] $TimeoutSec = 15)
        $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
        while ($true) {
            $line = Get-TestSmtpLog -Bed $script:SmtpBed -Pattern $Pattern | Select-Object -First 1
            if ($line) { return $line }
            if ([DateTime]::UtcNow -gt $deadline) { throw "No Postfix log line matched '$Pattern' within $TimeoutSec s." }
            Start-Sleep -Milliseconds 100
        }
    }
}

AfterAll {
    Get-MailSession | Where-Object Protocol -eq 'Smtp' | Disconnect-Smtp -ErrorAction SilentlyContinue
    if ($script:SmtpBed) { Stop-TestDovecot -Bed $script:SmtpBed }
}

Describe 'Connect-Smtp' {
    It 'uses STARTTLS on the submission port, shows the features in Get-MailSession, and the message arrives' {
        $to = New-TestUser -Bed $SmtpBed
        $s = Connect-Smtp @SmtpParams -NotDefault
        try {
            $s.IsSecure | Should -BeTrue
            $s.State | Should -Be 'Authenticated'
            $s.Features.Pipelining | Should -BeTrue
            $s.Features.Size | Should -BeTrue
            $s.Features.Dsn | Should -BeTrue
            $s.Features.SmtpUtf8 | Should -BeTrue
            $s.Features.EightBitMime | Should -BeTrue
            $s.Features.Chunking | Should -BeTrue
            $s.MaxMessageSize | Should -Be 62914560
            (Get-MailSession -Protocol Smtp).Id | Should -Contain $s.Id
            $r = New-MailMessage -From $SenderAddress -To (Get-TestSmtpAddress $to) -Subject 'starttls' -Body 'x' | Send-SmtpMessage -Session $s
            $r.Accepted | Should -Be (Get-TestSmtpAddress $to)
            $r.QueueId | Should -Match '^[0-9A-F]{6,}$'
            (Wait-Arrival -User $to)[0].subject | Should -Be 'starttls'
        }
        finally { $s | Disconnect-Smtp }
        Get-MailSession | Where-Object Id -eq $s.Id | Should -BeNullOrEmpty
    }

    It 'uses implicit TLS with -Security SslOnConnect' {
        $to = New-TestUser -Bed $SmtpBed
        $s = Connect-Smtp -Server localhost -Port $SmtpBed.SmtpsPort -Security SslOnConnect -Credential $Sender.Credential -NotDefault
        try {
            $s.IsSecure | Should -BeTrue
            New-MailMessage -From $SenderAddress -To (Get-TestSmtpAddress $to) -Subject 'implicit' -Body 'x' | Send-SmtpMessage -Session $s | Out-Null
            (Wait-Arrival -User $to)[0].subject | Should -Be 'implicit'
        }
        finally { $s | Disconnect-Smtp }
    }

    It 'sends in plaintext only with -Security None, and warns' {
        $to = New-TestUser -Bed $SmtpBed
        $s = Connect-Smtp @SmtpParams -Security None -NotDefault -WarningVariable warnings 3>$null
        try {
            $s.IsSecure | Should -BeFalse
            $warnings -join ' ' | Should -Match 'unencrypted'
            New-MailMessage -From $SenderAddress -To (Get-TestSmtpAddress $to) -Subject 'plain' -Body 'x' | Send-SmtpMessage -Session $s | Out-Null
            (Wait-Arrival -User $to)[0].subject | Should -Be 'plain'
        }
        finally { $s | Disconnect-Smtp }
    }

    It 'logs in with an OAuth token (XOAUTH2/OAUTHBEARER)' {
        $u = New-TestUser -Bed $SmtpBed -WithOAuthToken
        $token = ConvertTo-SecureString $u.AccessToken -AsPlainText -Force
        $s = Connect-Smtp -Server localhost -Port $SmtpBed.SmtpPort -UserName $u.Name -AccessToken $token -NotDefault
        try { $s.State | Should -Be 'Authenticated' } finally { $s | Disconnect-Smtp }
    }

    It 'refuses a server that refuses STARTTLS, before any credential is sent' {
        $f = Start-FakeServer -Mode smtp-starttls-refused -Bed $SmtpBed
        { Connect-Smtp -Server localhost -Port $f.Port -Credential $Sender.Credential -TimeoutSec 10 -ErrorAction Stop } |
            Should -Throw -ErrorId 'ConnectSmtpStartTlsRefused,MailProtocols.Commands.ConnectSmtpCommand'
        $events = Get-FakeServerEvent -Server $f -WaitForExit
        $events.event | Should -Contain 'starttls'
        $events.event | Should -Not -Contain 'login-command'
        Get-FakeTranscript -Server $f | Should -Not -Match 'AUTH'
    }

    It 'refuses a server that does not offer STARTTLS, before any credential is sent' {
        $f = Start-FakeServer -Mode smtp-no-starttls -Bed $SmtpBed
        { Connect-Smtp -Server localhost -Port $f.Port -Credential $Sender.Credential -TimeoutSec 10 -ErrorAction Stop } |
            Should -Throw -ErrorId 'ConnectSmtpStartTlsNotOffered,MailProtocols.Commands.ConnectSmtpCommand'
        (Get-FakeServerEvent -Server $f -WaitForExit).event | Should -Not -Contain 'login-command'
    }

    It 'is not confused with POP3 by Test-MailConnection' {
        Test-MailConnection -Server localhost -Protocol Smtp -Port $SmtpBed.SmtpPort -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errs[0].FullyQualifiedErrorId | Should -Be 'TestMailConnectionProtocolNotSupported,MailProtocols.Commands.TestMailConnectionCommand'
    }

    It 'tries a wrong password exactly once' {
        $wrong = [pscredential]::new($Sender.Name, (ConvertTo-SecureString 'wrong-password' -AsPlainText -Force))
        $err = $null
        try { Connect-Smtp -Server localhost -Port $SmtpBed.SmtpPort -Credential $wrong -NotDefault -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'ConnectSmtpAuthenticationFailed,MailProtocols.Commands.ConnectSmtpCommand'
        # Postfix sums up each connection in its disconnect line: one AUTH, none accepted.
        $failed = Wait-SmtpLogLine -Pattern 'authentication failed'
        $pid_ = [regex]::Match($failed, 'smtpd\[(\d+)\]').Groups[1].Value
        Wait-SmtpLogLine -Pattern "smtpd\[$pid_\]: disconnect from" | Should -Match ' auth=0/1 '
        @(Get-TestSmtpLog -Bed $SmtpBed -Pattern "smtpd\[$pid_\].*authentication failed").Count | Should -Be 1
    }
}

# Postfix reads its list of mailboxes when a connection starts, so these tests connect after making their users:
# most send with -Server (a connection for the one command).
Describe 'Send-SmtpMessage' {

    It 'delivers to the good recipients and writes one error for the refused one' {
        $a = New-TestUser -Bed $SmtpBed; $b = New-TestUser -Bed $SmtpBed
        $to = (Get-TestSmtpAddress $a), 'nobody-here@testbed.example', (Get-TestSmtpAddress $b)
        $r = New-MailMessage -From $SenderAddress -To $to -Subject 'mixed' -Body 'x' | Send-SmtpMessage @SmtpParams -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'SendSmtpMessageRecipientRejected,MailProtocols.Commands.SendSmtpMessageCommand'
        $errs[0].TargetObject | Should -Be 'nobody-here@testbed.example'
        $errs[0].Exception.Message | Should -Match 'nobody-here@testbed\.example.*550 5\.1\.1.*User unknown'
        $r.Accepted | Should -Be @((Get-TestSmtpAddress $a), (Get-TestSmtpAddress $b))
        $r.Rejected.ForEach('Address') | Should -Be 'nobody-here@testbed.example'
        $r.Rejected.StatusCode | Should -Be 550
        # The default table names who got it and who did not.
        $r | Out-String -Width 250 | Should -Match "$($r.QueueId).*mixed.*$([regex]::Escape((Get-TestSmtpAddress $a))).*nobody-here@testbed\.example \(550\)"
        (Wait-Arrival -User $a)[0].subject | Should -Be 'mixed'
        (Wait-Arrival -User $b)[0].subject | Should -Be 'mixed'
    }

    It 'delivers to Bcc recipients without writing them into the message' {
        $a = New-TestUser -Bed $SmtpBed; $hidden = New-TestUser -Bed $SmtpBed
        New-MailMessage -From $SenderAddress -To (Get-TestSmtpAddress $a) -Bcc (Get-TestSmtpAddress $hidden) -Subject 'bcc' -Body 'x' | Send-SmtpMessage @SmtpParams | Out-Null
        $m = Wait-Arrival -User $hidden
        Get-ArrivedText -User $hidden -Uid $m[0].uid | Should -Not -Match '(?m)^Bcc:'
        Get-ArrivedText -User $a -Uid (Wait-Arrival -User $a)[0].uid | Should -Not -Match $hidden.Name
    }

    It 'sends a one-liner without a session, and leaves no session behind' {
        $a = New-TestUser -Bed $SmtpBed
        $before = @(Get-MailSession -Protocol Smtp).Count
        $r = Send-SmtpMessage @SmtpParams -From $SenderAddress -To (Get-TestSmtpAddress $a) -Subject 'one-liner' -Body 'x'
        $r.Accepted | Should -Be (Get-TestSmtpAddress $a)
        @(Get-MailSession -Protocol Smtp).Count | Should -Be $before
        (Wait-Arrival -User $a)[0].subject | Should -Be 'one-liner'
    }

    It 'sends 500 messages over one connection' {
        $a = New-TestUser -Bed $SmtpBed
        $bulk = Connect-Smtp -Server localhost -Port $SmtpBed.SmtpPort -Credential $a.Credential -NotDefault
        $address = Get-TestSmtpAddress $a
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $results = 1..500 | ForEach-Object { New-MailMessage -From $address -To $address -Subject "bulk $_" -Body "message $_" } | Send-SmtpMessage -Session $bulk
        $sw.Stop()
        Write-Host "500 messages sent in $([int]$sw.Elapsed.TotalMilliseconds) ms"
        $bulk | Disconnect-Smtp
        $results.Count | Should -Be 500
        # Each smtpd process serves one connection (max_use=1): one process, one connection, 500 MAIL commands.
        $lines = @(Get-TestSmtpLog -Bed $SmtpBed -Pattern "sasl_username=$($a.Name)$")
        $lines.Count | Should -Be 500
        $pids = $lines | ForEach-Object { [regex]::Match($_, 'smtpd\[(\d+)\]').Groups[1].Value } | Sort-Object -Unique
        @($pids).Count | Should -Be 1
        Wait-SmtpLogLine -Pattern "smtpd\[$pids\]: disconnect from" | Should -Match ' mail=500 rcpt=500 data=500 '
        $sw.Restart()
        (Wait-Arrival -User $a -Count 500 -TimeoutSec 120).Count | Should -Be 500
        Write-Host "500 messages delivered to the mailbox $([int]$sw.Elapsed.TotalMilliseconds) ms after the last was sent" 
    }

    It 'streams a 20 MB attachment without holding it in memory' {
        $a = New-TestUser -Bed $SmtpBed
        $file = Join-Path $Work 'big.bin'
        $bytes = [byte[]]::new(20MB); [Random]::new(7).NextBytes($bytes)
        [IO.File]::WriteAllBytes($file, $bytes); $bytes = $null
        [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
        $heapBefore = [GC]::GetTotalMemory($true)
        $draft = New-MailMessage -From $SenderAddress -To (Get-TestSmtpAddress $a) -Subject 'big' -Body 'see attachment' -Attachment $file
        $heldByDraft = [GC]::GetTotalMemory($true) - $heapBefore
        $draft.Size | Should -BeGreaterThan 27MB
        $heldByDraft | Should -BeLessThan 2MB
        $r = $draft | Send-SmtpMessage @SmtpParams
        $heldAfterSend = [GC]::GetTotalMemory($true) - $heapBefore
        Write-Host "managed heap held: by the draft $([int]($heldByDraft / 1KB)) KiB, after sending $([int]($heldAfterSend / 1KB)) KiB"
        $heldAfterSend | Should -BeLessThan 4MB
        $r.Size | Should -Be $draft.Size
        $m = Wait-Arrival -User $a -TimeoutSec 60
        $m[0].size | Should -BeGreaterThan $draft.Size
    }

    It 'threads a reply to an IMAP message: In-Reply-To, References, Re:, quoted text, to the sender' {
        $asker = New-TestUser -Bed $SmtpBed
        $helpdesk = New-TestUser -Bed $SmtpBed
        Add-TestMessage -Bed $SmtpBed -User $helpdesk -Subject 'Printer broken' -From "Asker <$(Get-TestSmtpAddress $asker)>" -To (Get-TestSmtpAddress $helpdesk) `
            -MessageId '<ticket-2@example.com>' -Headers @{ References = '<ticket-1@example.com>' } -Body "The printer on floor 2`r`nis broken.`r`n" | Out-Null
        $imap = Connect-Imap -Server localhost -Port $SmtpBed.ImapPort -Credential $helpdesk.Credential -NotDefault
        try {
            $ticket = Get-ImapMessage -Session $imap -Folder INBOX | Select-Object -First 1
            $reply = New-MailMessage -From (Get-TestSmtpAddress $helpdesk) -InReplyTo $ticket -Body 'Fixed.'
            $reply.Subject | Should -Be 'Re: Printer broken'
            $reply.To | Should -Match ([regex]::Escape((Get-TestSmtpAddress $asker)))
            $reply | Send-SmtpMessage @SmtpParams -SaveTo $imap | Select-Object -ExpandProperty SavedTo | Should -Be 'Sent'
        }
        finally { $imap | Disconnect-Imap }
        $text = Get-ArrivedText -User $asker -Uid (Wait-Arrival -User $asker)[0].uid
        $text | Should -Match '(?m)^In-Reply-To: <ticket-2@example\.com>'
        $text | Should -Match '(?m)^References: <ticket-1@example\.com> <ticket-2@example\.com>'
        $text | Should -Match '(?m)^Subject: Re: Printer broken'
        $text | Should -Match '(?m)^Fixed\.'
        $text | Should -Match '(?m)^> The printer on floor 2'
        $text | Should -Match '(?m)^> is broken\.'
        # -SaveTo filed the same message, read, in the special-use Sent folder.
        $sent = Wait-Arrival -User $helpdesk -Folder Sent
        $sent[0].subject | Should -Be 'Re: Printer broken'
        $sent[0].flags | Should -Contain '\Seen'
        $sent[0].message_id | Should -Be "<$($reply.MessageId)>"
    }

    It 'arrives while Watch-ImapFolder waits on the recipient''s INBOX' {
        $a = New-TestUser -Bed $SmtpBed
        $log = Join-Path $Work 'watch.log'
        $imap = Connect-Imap -Server localhost -Port $SmtpBed.ImapPort -Credential $a.Credential -NotDefault -ProtocolLogPath $log
        # Another runspace sends once the watch is idling (its protocol log says so), so nothing arrives before it waits.
        $sender = [powershell]::Create()
        $null = $sender.AddScript({
                param($module, $log, $smtp, $from, $to)
                Import-Module $module
                $deadline = [DateTime]::UtcNow.AddSeconds(30)
                while ($true) {
                    $stream = [IO.File]::Open($log, 'Open', 'Read', 'ReadWrite')
                    try { $text = [IO.StreamReader]::new($stream).ReadToEnd() } finally { $stream.Dispose() }
                    if ($text -match 'S: \+ idling') { break }
                    if ([DateTime]::UtcNow -gt $deadline) { throw 'The watch did not start idling.' }
                    Start-Sleep -Milliseconds 50
                }
                Send-SmtpMessage @smtp -From $from -To $to -Subject 'watched' -Body 'x' | Out-Null
            }).AddArgument($env:MAILPROTOCOLS_MODULE).AddArgument($log).AddArgument($SmtpParams).AddArgument($SenderAddress).AddArgument((Get-TestSmtpAddress $a))
        $handle = $sender.BeginInvoke()
        try {
            $arrived = Watch-ImapFolder -Session $imap -TimeoutSec 60 | Select-Object -First 1
            $handle.AsyncWaitHandle.WaitOne(30000) | Should -BeTrue
            $sender.EndInvoke($handle)
            $sender.Streams.Error | Should -BeNullOrEmpty
            $arrived.Subject | Should -Be 'watched'
        }
        finally { $sender.Dispose(); $imap | Disconnect-Imap }
    }

    It 'refuses header injection through the subject, headers and addresses' -ForEach @(
        @{ Case = 'subject'; Splat = @{ Subject = "Hi`r`nBcc: victim@example.com" }; Id = 'HeaderInjection' }
        @{ Case = 'header value'; Splat = @{ Header = @{ 'X-Ticket' = "1`nBcc: victim@example.com" } }; Id = 'HeaderInjection' }
        @{ Case = 'address'; Splat = @{ Cc = "a@example.com`r`nBcc: victim@example.com" }; Id = 'HeaderInjection' }
        @{ Case = 'header name'; Splat = @{ Header = @{ "X-A`r`nBcc" = 'x' } }; Id = 'HeaderInjection' }
        @{ Case = 'header name with a space'; Splat = @{ Header = @{ 'X Bad' = 'x' } }; Id = 'InvalidHeaderName' }
        @{ Case = 'reserved header'; Splat = @{ Header = @{ Bcc = 'victim@example.com' } }; Id = 'HeaderReserved' }
        @{ Case = 'not an address'; Splat = @{ Cc = 'not an address' }; Id = 'InvalidAddress' }
    ) {
        $base = @{ From = $SenderAddress; To = 'someone@testbed.example'; Subject = 's'; Body = 'b' }
        foreach ($k in $Splat.Keys) { $base[$k] = $Splat[$k] }
        { New-MailMessage @base -ErrorAction Stop } | Should -Throw -ErrorId "NewMailMessage$Id,MailProtocols.Commands.NewMailMessageCommand"
        $f = Start-FakeServer -Mode smtp-plain -Bed $SmtpBed
        $err = $null
        $out = Send-SmtpMessage -Server localhost -Port $f.Port -Security None -Credential $Sender.Credential @base -ErrorVariable err -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be "SendSmtpMessage$Id,MailProtocols.Commands.SendSmtpMessageCommand"
        (Get-FakeServerEvent -Server $f -WaitForExit).event | Should -Not -Contain 'mail-from'
    }

    It 'sends an internationalized address with SMTPUTF8 where offered, and refuses it clearly where not' {
        $r = New-MailMessage -From $SenderAddress -To 'jörg@testbed.example' -Subject 'utf8' -Body 'x' | Send-SmtpMessage @SmtpParams -ErrorVariable errs -ErrorAction SilentlyContinue
        # Postfix got the address intact (and refuses it only because there is no such mailbox).
        $errs[0].Exception.Message | Should -Match 'jörg@testbed\.example.*User unknown'
        $f = Start-FakeServer -Mode smtp-plain -Bed $SmtpBed
        $plain = Connect-Smtp -Server localhost -Port $f.Port -Security None -Credential $Sender.Credential -NotDefault -WarningAction SilentlyContinue
        $plain.Features.SmtpUtf8 | Should -BeFalse
        New-MailMessage -From $SenderAddress -To 'jörg@testbed.example' -Subject 'utf8' -Body 'x' | Send-SmtpMessage -Session $plain -ErrorVariable errs2 -ErrorAction SilentlyContinue
        $errs2[0].FullyQualifiedErrorId | Should -Be 'SendSmtpMessageSmtpUtf8NotOffered,MailProtocols.Commands.SendSmtpMessageCommand'
        $plain | Disconnect-Smtp
        (Get-FakeServerEvent -Server $f -WaitForExit).event | Should -Not -Contain 'mail-from'
    }

    It 'asks for delivery notifications where DSN is offered' {
        $a = New-TestUser -Bed $SmtpBed
        $log = Join-Path $Work 'dsn.log'
        $s = Connect-Smtp @SmtpParams -NotDefault -ProtocolLogPath $log
        New-MailMessage -From $SenderAddress -To (Get-TestSmtpAddress $a) -Subject 'dsn' -Body 'x' |
            Send-SmtpMessage -Session $s -DeliveryNotification OnSuccess, OnFailure | Out-Null
        $s | Disconnect-Smtp
        Get-Content $log -Raw | Should -Match 'RCPT TO:<[^>]+> NOTIFY=SUCCESS,FAILURE'
        Get-Content $log -Raw | Should -Not -Match ([regex]::Escape($Sender.Password))
        (Wait-Arrival -User $a)[0].subject | Should -Be 'dsn'
    }

    It 'sends nothing with -WhatIf' {
        $f = Start-FakeServer -Mode smtp-plain -Bed $SmtpBed
        $s = Connect-Smtp -Server localhost -Port $f.Port -Security None -Credential $Sender.Credential -NotDefault -WarningAction SilentlyContinue
        New-MailMessage -From $SenderAddress -To 'a@testbed.example' -Subject 'whatif' -Body 'x' | Send-SmtpMessage -Session $s -WhatIf | Should -BeNullOrEmpty
        $s | Disconnect-Smtp
        (Get-FakeServerEvent -Server $f -WaitForExit).event | Should -Not -Contain 'mail-from'
    }

    It 'says the outcome is unknown and does not send again when the server <Case>' -ForEach @(
        @{ Case = 'stalls in the middle of DATA'; Mode = 'smtp-stall-data' }
        @{ Case = 'hangs up after DATA'; Mode = 'smtp-drop-after-data' }
    ) {
        $f = Start-FakeServer -Mode $Mode -Bed $SmtpBed -Connections 2 -LifetimeSeconds 30
        $s = Connect-Smtp -Server localhost -Port $f.Port -Security None -Credential $Sender.Credential -NotDefault -TimeoutSec 3 -WarningAction SilentlyContinue
        $r = New-MailMessage -From $SenderAddress -To 'a@testbed.example' -Subject 'fragile' -Body 'x' | Send-SmtpMessage -Session $s -ErrorVariable errs -ErrorAction SilentlyContinue
        $r | Should -BeNullOrEmpty
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'SendSmtpMessageOutcomeUnknown,MailProtocols.Commands.SendSmtpMessageCommand'
        $errs[0].Exception.Message | Should -Match 'unknown'
        $errs[0].Exception.Message | Should -Match 'not sent again'
        $s | Disconnect-Smtp -ErrorAction SilentlyContinue
        Stop-FakeServer -Server $f
        $events = Get-FakeServerEvent -Server $f
        @($events | Where-Object event -eq 'connected').Count | Should -Be 1
        @($events | Where-Object event -eq 'mail-from').Count | Should -Be 1
        @($events | Where-Object event -eq 'data').Count | Should -Be 1
    }
}

Describe 'New-MailMessage' {
    It 'pipes into Add-ImapMessage and writes an .eml file' {
        $u = New-TestUser -Bed $SmtpBed
        $file = Join-Path $Work 'draft.eml'
        $draft = New-MailMessage -From $SenderAddress -To 'x@testbed.example' -Subject 'draft' -Body 'first draft' -OutFile $file -Priority High -Header @{ 'X-Ticket-Id' = '4711' }
        (Import-MailMessage -Path $file).Subject | Should -Be 'draft'
        Get-Content $file -Raw | Should -Match '(?m)^X-Ticket-Id: 4711'
        Get-Content $file -Raw | Should -Match '(?m)^X-Priority: 1'
        $imap = Connect-Imap -Server localhost -Port $SmtpBed.ImapPort -Credential $u.Credential -NotDefault
        try { $draft | Add-ImapMessage -Session $imap -Folder Drafts -Flag Draft | Out-Null } finally { $imap | Disconnect-Imap }
        (Invoke-MailCheck -Bed $SmtpBed -User $u -Command imap-messages -Arguments @('Drafts'))[0].subject | Should -Be 'draft'
    }

    It 'builds HTML with an inline image and forwards a message as an attachment' {
        $png = Join-Path $Work 'chart.png'
        [IO.File]::WriteAllBytes($png, [byte[]](0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A))
        $html = New-MailMessage -From $SenderAddress -To 'x@testbed.example' -Subject 'alert' -Body 'text' -HtmlBody '<img src="cid:chart.png">' -InlineAttachment $png -OutFile (Join-Path $Work 'alert.eml')
        $raw = Get-Content (Join-Path $Work 'alert.eml') -Raw
        $raw | Should -Match 'multipart/related'
        $raw | Should -Match '(?m)^Content-Id: <chart\.png>'
        $forward = New-MailMessage -From $SenderAddress -To 'y@testbed.example' -Forward $html -OutFile (Join-Path $Work 'fwd.eml')
        $forward.Subject | Should -Be 'Fwd: alert'
        Get-Content (Join-Path $Work 'fwd.eml') -Raw | Should -Match 'message/rfc822'
    }
}

# Microsoft 365 sign-in for sending (issue 14 on SMTP): the local identity provider (idp.py) registers its tokens with
# this bed's Dovecot, whose auth Postfix asks, so a signed-in Connect-Smtp authenticates with XOAUTH2 as with Exchange Online.
Describe 'Connect-Smtp with the built-in sign-in' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestBed/IdentityProvider.psm1') -Force
        $script:SmtpSecretText = 'Client-Secret-' + [guid]::NewGuid().ToString('N')
        $script:SmtpApp = New-TestUser -Bed $SmtpBed
        $script:SmtpDelegate = New-TestUser -Bed $SmtpBed
        $script:SmtpRecipient = New-TestUser -Bed $SmtpBed
        $script:SmtpIdp = Start-TestIdentityProvider -Bed $SmtpBed -Apps @{
            'cli-app' = @{ public = $true }; 'job-secret' = @{ secret = $SmtpSecretText; mailboxes = @($SmtpApp.Name) } }
    }
    AfterAll { Stop-TestIdentityProvider -Provider $SmtpIdp }

    It 'app-only with a client secret: asks for the .default scope, logs in with XOAUTH2, and the message arrives' {
        $secret = ConvertTo-SecureString $SmtpSecretText -AsPlainText -Force
        $s = Connect-Smtp -Server localhost -Port $SmtpBed.SmtpPort -ClientId 'job-secret' -Authority $SmtpIdp.Authority -ClientSecret $secret -UserName $SmtpApp.Name -NoTokenCache -NotDefault
        try {
            $s.State | Should -Be 'Authenticated'
            $r = New-MailMessage -From (Get-TestSmtpAddress $SmtpApp) -To (Get-TestSmtpAddress $SmtpRecipient) -Subject 'app-only sign-in' -Body 'x' | Send-SmtpMessage -Session $s
            $r.Accepted | Should -Be (Get-TestSmtpAddress $SmtpRecipient)
        }
        finally { $s | Disconnect-Smtp }
        $grant = (Get-TestIdentityProviderEvent -Provider $SmtpIdp -Event grant | Where-Object client_id -EQ 'job-secret')[-1]
        $grant.grant | Should -Be 'client_credentials'
        $grant.scope | Should -Be 'https://outlook.office365.com/.default'
        Wait-SmtpLogLine -Pattern "sasl_method=XOAUTH2, sasl_username=$([regex]::Escape($SmtpApp.Name))(,|$)" | Should -Not -BeNullOrEmpty
        (Wait-Arrival -User $SmtpRecipient | Where-Object subject -EQ 'app-only sign-in') | Should -Not -BeNullOrEmpty
    }

    It 'delegated with a device code: asks for SMTP.Send, logs in with XOAUTH2 as the signed-in account, and the message arrives' {
        $ps = [powershell]::Create()
        $null = $ps.AddScript("Import-Module '$env:MAILPROTOCOLS_MODULE'").AddStatement().AddScript('param($p) Connect-Smtp @p').AddParameter('p', @{
            Server = 'localhost'; Port = $SmtpBed.SmtpPort; ClientId = 'cli-app'; Authority = $SmtpIdp.Authority; NoTokenCache = $true; NotDefault = $true; TimeoutSec = 30 })
        $async = $ps.BeginInvoke()
        try {
            $code = Wait-TestDeviceCode -Provider $SmtpIdp
            (Get-TestIdentityProviderEvent -Provider $SmtpIdp -Event devicecode | Where-Object user_code -EQ $code.user_code).scope | Should -Match '^https://outlook\.office\.com/SMTP\.Send\b'
            Approve-TestDeviceCode -Provider $SmtpIdp -UserCode $code.user_code -UserName $SmtpDelegate.Name
            $s = $ps.EndInvoke($async) | Select-Object -Last 1
            $ps.Streams.Error | Should -BeNullOrEmpty
        }
        finally { $ps.Dispose() }
        try {
            $s.State | Should -Be 'Authenticated'
            $s.SignedInAs | Should -Be $SmtpDelegate.Name
            New-MailMessage -From (Get-TestSmtpAddress $SmtpDelegate) -To (Get-TestSmtpAddress $SmtpRecipient) -Subject 'delegated sign-in' -Body 'x' | Send-SmtpMessage -Session $s | Out-Null
        }
        finally { $s | Disconnect-Smtp }
        $grant = (Get-TestIdentityProviderEvent -Provider $SmtpIdp -Event grant | Where-Object { $_.client_id -eq 'cli-app' -and $_.account -eq $SmtpDelegate.Name })[-1]
        $grant.scope | Should -Match 'https://outlook\.office\.com/SMTP\.Send'
        Wait-SmtpLogLine -Pattern "sasl_method=XOAUTH2, sasl_username=$([regex]::Escape($SmtpDelegate.Name))(,|$)" | Should -Not -BeNullOrEmpty
        (Wait-Arrival -User $SmtpRecipient -Count 2 | Where-Object subject -EQ 'delegated sign-in') | Should -Not -BeNullOrEmpty
    }
}
