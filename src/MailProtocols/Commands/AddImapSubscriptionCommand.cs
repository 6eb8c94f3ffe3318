using System.Management.Automation;

namespace MailProtocols.Commands
{
    /// <summary>Add-ImapSubscription: Subscribes the user to folders (SUBSCRIBE); Get-ImapFolder -Subscribed shows the result.</summary>
    [Cmdlet(VerbsCommon.Add, "ImapSubscription", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(void))]
    public sealed class AddImapSubscriptionCommand : ImapSubscriptionCmdlet
    {
        private protected override bool Subscribe => true;
    }
}
