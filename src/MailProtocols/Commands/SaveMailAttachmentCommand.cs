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

        protected override void BeginProcessing()
        {
            _directory = OutputDirectory.Resolve(this, Path);
            _files = new AttachmentFiles(_directory, Force);
            _filters = (Filter ?? new[] { "*" }).Select(f => new WildcardPattern(f, WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant)).ToArray();
        }

        protected override void ProcessRecord()
        {
            if (InputObject is ImapMessage imap && imap.Mime == null)
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

                OutputDirectory.Create(this, _directory);
                string written = null;
                if (TryInvoke(InputObject, () => written = _files.Save(attachment, CancellationToken)))
                {
                    WriteObject(SavedFile.Create(written, InputObject));
                }
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
                OutputDirectory.Create(this, _directory);
                string written = null;
                if (TryInvoke(message, () => written = _files.Save(attachment, CancellationToken)))
                {
                    WriteObject(SavedFile.Create(written, message));
                }
            }
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
                case MailMessageBase downloaded when downloaded.Mime != null:
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
