using System.IO;
using System.Linq;
using System.Management.Automation;
using MailProtocols.Core.Errors;
using MailProtocols.Core.Messages;

namespace MailProtocols.Commands
{
    [Cmdlet(VerbsData.Save, "MailAttachment", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(FileInfo))]
    public sealed class SaveMailAttachmentCommand : MailCmdlet
    {
        private AttachmentSaver _saver;

        [Parameter(Mandatory = true, ValueFromPipeline = true)]
        [ValidateNotNull]
        public MailMessageBase InputObject { get; set; }

        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        public string[] Filter { get; set; }

        /// <summary>Replaces files that existed before the command ran instead of adding a numeric suffix.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Leaves out an attachment whose content is already in a file of its name: re-runs and resumed runs add no copies.</summary>
        [Parameter]
        public SwitchParameter SkipExisting { get; set; }

        protected override void BeginProcessing()
        {
            WildcardPattern[] filters = (Filter ?? new[] { "*" }).Select(f => new WildcardPattern(f, WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant)).ToArray();
            _saver = new AttachmentSaver(OutputDirectory.Resolve(this, Path), Force, SkipExisting, name => filters.Any(f => f.IsMatch(name)));
        }

        protected override void ProcessRecord()
        {
            if (InputObject is ImapMessage imap)
            {
                ReportReconnects(imap.Session);
            }

            // A folder that cannot be created fails every message alike, so it stops the command.
            RunOperation(InputObject, channel => _saver.Add(InputObject, channel), MailErrorReason.CreateFolderFailed);
        }

        protected override void EndProcessing()
        {
            RunOperation(Path, channel => _saver.Flush(channel), MailErrorReason.CreateFolderFailed);
            CompleteProgress();
        }
    }
}
