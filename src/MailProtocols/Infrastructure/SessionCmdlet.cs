using System.Management.Automation;
using MailProtocols.Core.Errors;

namespace MailProtocols.Commands
{
    /// <summary>
    /// Adds -Session (from the pipeline, by value or by property name) and falls back to the
    /// runspace's default session of the protocol.
    /// </summary>
    public abstract class SessionCmdlet<TSession> : MailCmdlet
        where TSession : MailSession
    {
        [Parameter(ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        public TSession Session { get; set; }

        private protected abstract MailProtocol Protocol { get; }

        /// <summary>-Session if given, otherwise the default; with neither the command cannot go on.</summary>
        internal TSession ResolveSession()
        {
            TSession session = Session ?? SessionRegistry.Current.GetDefault<TSession>(Protocol);
            if (session == null)
            {
                ThrowMailError(MailErrorKind.InvalidOperation, MailErrorReason.NoSession,
                    $"No {Protocol.ToString().ToUpperInvariant()} session is open. Run Connect-{Protocol} first, or pass -Session.", null);
            }

            ReportReconnects(session);
            return session;
        }
    }

    public abstract class ImapSessionCmdlet : SessionCmdlet<ImapSession>
    {
        private protected override MailProtocol Protocol => MailProtocol.Imap;
    }

    public abstract class Pop3SessionCmdlet : SessionCmdlet<Pop3Session>
    {
        private protected override MailProtocol Protocol => MailProtocol.Pop3;
    }
}
