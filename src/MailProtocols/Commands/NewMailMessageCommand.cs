using System.Management.Automation;
using MailProtocols.Core.Smtp;

namespace MailProtocols.Commands
{
    [Cmdlet(VerbsCommon.New, "MailMessage", DefaultParameterSetName = ComposeSet)]
    [OutputType(typeof(MailDraft))]
    public sealed class NewMailMessageCommand : MailDraftCmdlet
    {
        /// <summary>Also writes the message to this .eml file.</summary>
        [Parameter(ParameterSetName = ComposeSet)]
        [ValidateNotNullOrEmpty]
        public string OutFile { get; set; }

        /// <summary>Replaces an existing -OutFile.</summary>
        [Parameter(ParameterSetName = ComposeSet)]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            MailDraftRequest request = NewDraftRequest();
            MailDraft draft = null;
            if (!TryInvoke(From, () => draft = MailDraftBuilder.Compose(request, Channel)))
            {
                return;
            }

            if (OutFile != null && !TryInvoke(OutFile, () => MailDraftFile.Save(draft, GetUnresolvedProviderPathFromPSPath(OutFile), Force)))
            {
                return;
            }

            WriteObject(draft);
        }
    }
}
