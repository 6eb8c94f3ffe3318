using System.Management.Automation;

namespace MailProtocols.Commands
{
    [Cmdlet(VerbsCommon.Copy, "ImapMessage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = UidSet)]
    [OutputType(typeof(ImapMessage))]
    public sealed class CopyImapMessageCommand : ImapTransferCmdlet
    {
        private protected override bool IsMove => false;
    }
}
