using System.Management.Automation;

namespace MailProtocols.Commands
{
    /// <summary>Remove-ImapSubscription: Ends the subscription to folders (UNSUBSCRIBE); Get-ImapFolder -Subscribed shows the result.</summary>
    [Cmdlet(VerbsCommon.Remove, "ImapSubscription", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(void))]
    public sealed class RemoveImapSubscriptionCommand : ImapSubscriptionCmdlet
    {
        private protected override bool Subscribe => false;
    }
}
