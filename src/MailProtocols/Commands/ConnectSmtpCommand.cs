using System.Management.Automation;
using MailProtocols.Core.Sessions;

namespace MailProtocols.Commands
{
    [Cmdlet(VerbsCommunications.Connect, "Smtp", DefaultParameterSetName = CredentialSet)]
    [OutputType(typeof(SmtpSession))]
    public sealed class ConnectSmtpCommand : ConnectCmdlet<SmtpSession>
    {
        internal override SmtpSession CreateSession(ConnectionSettings settings) => SmtpConnection.NewSession(settings);

        /// <summary>Microsoft 365: the delegated scope https://outlook.office.com/SMTP.Send (app-only: the .default scope).</summary>
        internal override string SignInPermission => "SMTP.Send";
    }
}
