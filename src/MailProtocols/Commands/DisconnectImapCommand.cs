using System.Management.Automation;
using MailProtocols.Core.Sessions;

namespace MailProtocols.Commands
{
    [Cmdlet(VerbsCommunications.Disconnect, "Imap", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(void))]
    public sealed class DisconnectImapCommand : ImapSessionCmdlet
    {
        protected override void ProcessRecord()
        {
            ImapSession session = ResolveSession();
            if (!ShouldProcess($"IMAP session {session.Id} to {session.Server}", "Log out and close"))
            {
                return;
            }

            // The session leaves the registry even when LOGOUT fails: it is of no use any more.
            SessionRegistry.Current.Remove(session);
            TryInvoke(session, () => session.Close(quit: true, CancellationToken));
            session.Dispose();
        }
    }
}
