using System.Management.Automation;

namespace MailProtocols.Commands
{
    [Cmdlet(VerbsCommon.Move, "ImapMessage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = UidSet)]
    [OutputType(typeof(ImapMessage))]
    public sealed class MoveImapMessageCommand : ImapTransferCmdlet
    {
        private protected override bool IsMove => true;
    }
}
