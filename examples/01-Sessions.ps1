<#
.SYNOPSIS
    Runbook: open an IMAP and a POP3 session with the default (TLS-required) policy and list them.
#>
param(
    [string] $Server = 'localhost',
    [int] $ImapPort = 143,
    [int] $Pop3Port = 110,
    [Parameter(Mandatory)] [pscredential] $Credential
)

# Port 143/110 with -Security Auto means STARTTLS is required and the certificate is validated.
$imap = Connect-Imap -Server $Server -Port $ImapPort -Credential $Credential
$pop3 = Connect-Pop3 -Server $Server -Port $Pop3Port -Credential $Credential

'Open sessions:'
Get-MailSession | Format-Table

'IMAP session details:'
$imap | Format-List Id, Server, Port, UserName, State, IsSecure, SslProtocol, Capabilities

'POP3 capabilities: ' + ($pop3.Capabilities -join ', ')
