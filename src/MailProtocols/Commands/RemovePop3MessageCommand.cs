using System.Collections.Generic;
using System.Management.Automation;
using MailProtocols.Core.Operations;
using MailProtocols.Core.Pop3;
using MailProtocols.Core.Sessions;

namespace MailProtocols.Commands
{
    [Cmdlet(VerbsCommon.Remove, "Pop3Message", DefaultParameterSetName = MessageSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(void))]
    public sealed class RemovePop3MessageCommand : Pop3MessageCmdlet
    {
        private protected override void Act(Pop3Session session, IReadOnlyList<Pop3Target> targets, IOperationChannel channel) =>
            session.Maildrop.MarkForDeletion(targets, channel);
    }
}
