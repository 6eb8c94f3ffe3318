using System.Management.Automation;
using MailProtocols.Core.Imap;

namespace MailProtocols.Commands
{
    [Cmdlet(VerbsCommon.Set, "ImapFlag", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = UidSet)]
    [OutputType(typeof(ImapMessage))]
    public sealed class SetImapFlagCommand : ImapMessageCmdlet
    {
        private ImapFlagEdit _edit;

        [Parameter]
        public ImapMessageFlags Add { get; set; }

        [Parameter]
        public ImapMessageFlags Remove { get; set; }

        [Parameter]
        public ImapMessageFlags Replace { get; set; }

        [Parameter]
        [ValidateNotNull]
        [AllowEmptyCollection]
        public string[] Keyword { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void BeginProcessing()
        {
            try
            {
                _edit = ImapFlagEdit.Create(Bound(nameof(Add), Add), Bound(nameof(Remove), Remove), Bound(nameof(Replace), Replace), Keyword);
            }
            catch (MailProtocolException ex)
            {
                ThrowMailError(ex, null);
            }
        }

        protected override void EndProcessing()
        {
            foreach (ImapMessageSet set in Input.Sets)
            {
                RunOperation(set.Folder, channel => _edit.Run(set, PassThru, channel));
            }
        }

        private ImapMessageFlags? Bound(string name, ImapMessageFlags value) =>
            MyInvocation.BoundParameters.ContainsKey(name) ? value : (ImapMessageFlags?)null;
    }
}
