using System.Management.Automation;
using MailProtocols.Core.Sessions;

namespace MailProtocols.Commands
{
    [Cmdlet(VerbsCommon.Get, "Pop3Mailbox")]
    [OutputType(typeof(Pop3Mailbox))]
    public sealed class GetPop3MailboxCommand : Pop3SessionCmdlet
    {
        protected override void ProcessRecord()
        {
            Pop3Session session = ResolveSession();
            Pop3Mailbox mailbox = null;
            if (TryInvoke(session, () => mailbox = session.Maildrop.Stat(CancellationToken)))
            {
                WriteObject(mailbox);
            }
        }
    }
}
