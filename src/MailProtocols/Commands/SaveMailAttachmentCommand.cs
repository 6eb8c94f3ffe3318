using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;

namespace MailProtocols.Commands
{
    [Cmdlet(VerbsData.Save, "MailAttachment", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(FileInfo))]
    public sealed class SaveMailAttachmentCommand : MailCmdlet
    {
        private string _directory;
        private AttachmentFiles _files;
        private WildcardPattern[] _filters;
        private ThrottledProgress _progress;
        private int _saved;
        private int _skipped;

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
            _directory = OutputDirectory.Resolve(this, Path);
            _files = new AttachmentFiles(_directory, Force, SkipExisting);
            _progress = new ThrottledProgress(this, 4204, "Save-MailAttachment");
            _filters = (Filter ?? new[] { "*" }).Select(f => new WildcardPattern(f, WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant)).ToArray();
        }

        protected override void ProcessRecord()
        {
            if (InputObject is ImapMessage imap && imap.MimeData == null)
            {
                SaveFromImap(imap);
                return;
            }

            IReadOnlyList<MessageAttachment> attachments = null;
            if (!TryInvoke(InputObject, () => attachments = WithContent(InputObject)))
            {
                return;
            }

            foreach (MessageAttachment attachment in attachments.Where(a => _filters.Any(f => f.IsMatch(a.Name ?? string.Empty))))
            {
                string planned = _files.PlannedPath(attachment);
                if (!ShouldProcess($"attachment '{attachment.Name}' of {Describe(InputObject)}", $"Save to '{planned}'"))
                {
                    continue;
                }

                SaveOne(InputObject, attachment);
            }
        }

        /// <summary>
        /// An IMAP summary: the attachments are chosen from its BODYSTRUCTURE (-Filter, then ShouldProcess) and
        /// only those parts are downloaded, one FETCH each; the text and the other parts stay on the server.
        /// </summary>
        private void SaveFromImap(ImapMessage message)
        {
            IReadOnlyList<MessageAttachment> downloaded = null;
            bool fetched = TryInvoke(message, () => downloaded = ImapAttachmentReader.Download(message,
                listed => _filters.Any(f => f.IsMatch(listed.Name ?? string.Empty)) &&
                    ShouldProcess($"attachment '{listed.Name}' of {Describe(message)}", $"Save to '{_files.PlannedPath(listed)}'"),
                CancellationToken));
            if (!fetched)
            {
                return;
            }

            foreach (MessageAttachment attachment in downloaded)
            {
                SaveOne(message, attachment);
            }
        }

        protected override void EndProcessing() => _progress.Complete();

        private void SaveOne(MailMessageBase message, MessageAttachment attachment)
        {
            OutputDirectory.Create(this, _directory);
            string written = null;
            bool existed = false;
            if (!TryInvoke(message, () => written = _files.Save(attachment, CancellationToken, out existed)))
            {
                return;
            }

            if (existed)
            {
                _skipped++;
                WriteVerbose($"Skipped attachment '{attachment.Name}' of {Describe(message)}: '{written}' has the same content already.");
            }
            else
            {
                _saved++;
                WriteObject(SavedFile.Create(written, message));
            }

            string skipped = SkipExisting ? $", {_skipped} skipped (already saved)" : string.Empty;
            _progress.Update(_saved + _skipped, -1, $"{_saved} attachments saved{skipped}; last: {attachment.Name}");
        }

        /// <summary>
        /// The one place that knows where each kind of message keeps its attachment content. Add a case
        /// here for a message type that can fetch its parts on demand (IMAP summaries).
        /// </summary>
        private static IReadOnlyList<MessageAttachment> WithContent(MailMessageBase message)
        {
            switch (message)
            {
                // Downloaded messages (Get-Pop3Message -Full, Import-MailMessage) hold their content already.
                case MailMessageBase downloaded when downloaded.MimeData != null:
                    return downloaded.Attachments ?? new MessageAttachment[0];
                default:
                    throw new MailProtocolException(MailErrorKind.InvalidArgument, "MessageNotDownloaded",
                        $"{Describe(message)} was listed without its body, so its attachments are not at hand. Get it with Get-Pop3Message -Full (or read a saved copy with Import-MailMessage).");
            }
        }

        private static string Describe(MailMessageBase message)
        {
            string subject = string.IsNullOrEmpty(message.Subject) ? "(no subject)" : $"'{message.Subject}'";
            switch (message)
            {
                case Pop3Message pop3:
                    return $"POP3 message {pop3.Index} {subject}";
                case MailFileMessage file:
                    return $"message {subject} in '{file.Path}'";
                case ImapMessage imap:
                    return $"IMAP message {imap.Uid} {subject} in {imap.Folder}";
                default:
                    return $"message {subject}";
            }
        }
    }
}
