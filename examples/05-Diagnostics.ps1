<#
.SYNOPSIS
    Runbook: troubleshoot a mail server step by step with Test-MailConnection, and check the mailbox quota.
.DESCRIPTION
    Test-MailConnection never throws for a failed step: it reports the step. So the runbook reads the
    report's properties (Succeeded, FailedStep, Certificate.DaysUntilExpiry, LoginSucceeded) to decide.
#>
param(
    [string] $Server = 'localhost',
    [int] $ImapPort = 143,
    [int] $Pop3Port = 110,
    [Parameter(Mandatory)] [pscredential] $Credential,
    # Warn when the certificate expires within this many days.
    [int] $ExpiryWarningDays = 30
)

# 1. The full IMAP report: DNS, TCP, greeting, STARTTLS, TLS, certificate, capabilities and the log-in.
$imap = Test-MailConnection -Server $Server -Protocol Imap -Port $ImapPort -Credential $Credential
$imap

# 2. Scripts decide on typed properties, not on text.
if (-not $imap.Succeeded) {
    Write-Warning "IMAP on ${Server}:$ImapPort failed at $($imap.FailedStep): $($imap.GetStep($imap.FailedStep).Message)"
}
if ($imap.Certificate -and $imap.Certificate.DaysUntilExpiry -lt $ExpiryWarningDays) {
    Write-Warning "The certificate of $Server expires on $($imap.Certificate.NotAfter) ($($imap.Certificate.DaysUntilExpiry) days left)."
}
'Certificate valid for {0}: {1}; SANs: {2}; {3} days left' -f $imap.Certificate.HostName, $imap.Certificate.IsValid,
    ($imap.Certificate.SubjectAlternativeNames -join ', '), $imap.Certificate.DaysUntilExpiry

# 3. POP3, shown as the step table only.
'POP3 steps:'
(Test-MailConnection -Server $Server -Protocol Pop3 -Port $Pop3Port -Credential $Credential).Steps | Format-Table

# 4. A wrong password is a failed Login step, not an exception.
$wrong = [pscredential]::new($Credential.UserName, (ConvertTo-SecureString 'certainly-not-the-password' -AsPlainText -Force))
$bad = Test-MailConnection -Server $Server -Protocol Imap -Port $ImapPort -Credential $wrong
'Wrong password: Succeeded={0}, FailedStep={1}, LoginSucceeded={2}' -f $bad.Succeeded, $bad.FailedStep, $bad.LoginSucceeded
$bad.GetStep('Login').Message

# 5. Several endpoints at once, e.g. from a CSV; only the ones with a problem are listed.
$endpoints = @(
    [pscustomobject]@{ Server = $Server; Protocol = 'Imap'; Port = $ImapPort }
    [pscustomobject]@{ Server = $Server; Protocol = 'Pop3'; Port = $Pop3Port }
    [pscustomobject]@{ Server = 'mail.example.invalid'; Protocol = 'Imap'; Port = 993 }
)
'Endpoints with a problem:'
$endpoints | Test-MailConnection -TimeoutSec 5 | Where-Object { -not $_.Succeeded } |
    Select-Object Server, Port, Protocol, FailedStep, @{ Name = 'Why'; Expression = { $_.GetStep($_.FailedStep).Message } } |
    Format-List

# 6. How full is the mailbox? (IMAP QUOTA)
$session = Connect-Imap -Server $Server -Port $ImapPort -Credential $Credential
$quota = Get-ImapQuota -Session $session
$quota | Format-Table
if ($quota.StoragePercentUsed -gt 90) { Write-Warning "$($quota.UserName) uses $($quota.StoragePercentUsed)% of the mailbox quota." }
'Mailbox {0} uses {1:N0} KB of {2:N0} MB ({3}%).' -f $quota.UserName, ($quota.StorageUsed / 1KB), ($quota.StorageLimit / 1MB), $quota.StoragePercentUsed
$session | Disconnect-Imap
