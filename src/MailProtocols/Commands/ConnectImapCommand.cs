using System.Management.Automation;

namespace MailProtocols.Commands
{
    [Cmdlet(VerbsCommunications.Connect, "Imap", DefaultParameterSetName = CredentialSet)]
    [OutputType(typeof(ImapSession))]
    public sealed class ConnectImapCommand : ConnectCmdlet<ImapSession>
    {
        internal override ImapSession CreateSession(ConnectionSettings settings) => ImapConnection.NewSession(settings);
    }
}
