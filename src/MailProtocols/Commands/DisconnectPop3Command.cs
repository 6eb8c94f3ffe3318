using System.Management.Automation;
using MailProtocols.Core.Sessions;

namespace MailProtocols.Commands
{
    [Cmdlet(VerbsCommunications.Disconnect, "Pop3", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(void))]
    public sealed class DisconnectPop3Command : Pop3SessionCmdlet
    {
        /// <summary>Sends RSET before QUIT, so every message marked for deletion stays on the server.</summary>
        [Parameter]
        public SwitchParameter Rollback { get; set; }

        protected override void ProcessRecord()
        {
            Pop3Session session = ResolveSession();
            string action = Rollback ? "Undo deletions (RSET) and quit" : "Quit, applying any deletions";
            if (!ShouldProcess($"POP3 session {session.Id} to {session.Server}", action))
            {
                return;
            }

            SessionRegistry.Current.Remove(session);
            if (session.IsConnected)
            {
                TryInvoke(session, () => session.Quit(Rollback, CancellationToken));
            }

            session.Dispose();
        }
    }
}
