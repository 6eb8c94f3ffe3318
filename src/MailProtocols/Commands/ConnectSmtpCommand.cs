using System.Management.Automation;

namespace MailProtocols.Commands
{
    [Cmdlet(VerbsCommunications.Connect, "Smtp", DefaultParameterSetName = CredentialSet)]
    [OutputType(typeof(SmtpSession))]
    public sealed class ConnectSmtpCommand : ConnectCmdlet<SmtpSession>
    {
        internal override SmtpSession CreateSession(ConnectionSettings settings) => SmtpConnection.NewSession(settings);
    }
}
