using System.Management.Automation;
using MailProtocols.Core.Sessions;

namespace MailProtocols.Commands
{
    [Cmdlet(VerbsCommon.Reset, "Pop3Session", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(void))]
    public sealed class ResetPop3SessionCommand : Pop3SessionCmdlet
    {
        protected override void ProcessRecord()
        {
            Pop3Session session = ResolveSession();
            if (ShouldProcess($"POP3 session {session.Id} to {session.Server}", "Un-mark every message marked for deletion (RSET)"))
            {
                TryInvoke(session, () => session.Maildrop.Reset(CancellationToken));
            }
        }
    }
}
