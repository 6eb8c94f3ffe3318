using System.Management.Automation;
using MailProtocols.Core.Sessions;

namespace MailProtocols.Commands
{
    [Cmdlet(VerbsCommunications.Connect, "Pop3", DefaultParameterSetName = CredentialSet)]
    [OutputType(typeof(Pop3Session))]
    public sealed class ConnectPop3Command : ConnectCmdlet<Pop3Session>
    {
        internal override string SignInPermission => "POP";

        internal override Pop3Session CreateSession(ConnectionSettings settings) => Pop3Connection.NewSession(settings);
    }
}
