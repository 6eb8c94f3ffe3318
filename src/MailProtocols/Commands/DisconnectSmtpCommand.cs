using System.Management.Automation;
using MailProtocols.Core.Sessions;

namespace MailProtocols.Commands
{
    [Cmdlet(VerbsCommunications.Disconnect, "Smtp", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(void))]
    public sealed class DisconnectSmtpCommand : SmtpSessionCmdlet
    {
        protected override void ProcessRecord()
        {
            SmtpSession session = ResolveSession();
            if (!ShouldProcess($"SMTP session {session.Id} to {session.Server}", "Quit and close"))
            {
                return;
            }

            // The session leaves the registry even when QUIT fails: it is of no use any more.
            SessionRegistry.Current.Remove(session);
            TryInvoke(session, () => session.Close(quit: true, CancellationToken));
            session.Dispose();
        }
    }
}
