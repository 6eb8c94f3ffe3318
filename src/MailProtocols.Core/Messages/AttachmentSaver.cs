using System;
using System.Collections.Generic;
using System.Linq;
using MailProtocols.Core.Errors;
using MailProtocols.Core.Files;
using MailProtocols.Core.Imap;
using MailProtocols.Core.Operations;

namespace MailProtocols.Core.Messages
{
    /// <summary>
    /// Save-MailAttachment: the attachments of each message whose name is wanted, each asked about and saved to
    /// a file of its own. A downloaded message holds its content; an IMAP summary has its attachments chosen
    /// from its BODYSTRUCTURE and only those parts downloaded, one FETCH each. IMAP summaries without their
    /// structure wait in a queue of up to <see cref="QueueLength"/>, so that their structures travel in one
    /// UID FETCH per folder rather than one per message (a default Search-ImapFolder does not fetch them).
    /// </summary>
    internal sealed class AttachmentSaver
    {
        internal const string ProgressActivity = "Save-MailAttachment";

        private readonly string _directory;
        private readonly AttachmentFiles _files;
        private readonly Func<string, bool> _nameWanted;
        private readonly bool _skipExisting;
        /// <summary>Messages held before their structures are fetched together.</summary>
        internal const int QueueLength = 200;

        private readonly List<MailMessageBase> _queue = new List<MailMessageBase>();
        private int _saved;
        private int _skipped;

        /// <param name="nameWanted">Whether an attachment of this name is to be saved (-Filter).</param>
        public AttachmentSaver(string directory, bool overwrite, bool skipExisting, Func<string, bool> nameWanted)
        {
            _directory = directory;
            _files = new AttachmentFiles(directory, overwrite, skipExisting);
            _skipExisting = skipExisting;
            _nameWanted = nameWanted;
        }

        /// <summary>
        /// Queues an IMAP summary that still lacks its structure (a full queue is saved at once); any other
        /// message is saved right away, after the queue, so the order holds and a downloaded message's
        /// content is never held longer than it takes to save it. Call <see cref="Flush"/> at the end.
        /// </summary>
        public void Add(MailMessageBase message, IOperationChannel channel)
        {
            _queue.Add(message);
            if (_queue.Count >= QueueLength || !(message is ImapMessage imap && imap.MimeData == null && imap.BodyStructure == null))
            {
                Flush(channel);
            }
        }

        /// <summary>
        /// Saves every queued message, in the order they came. A failure of one message is its own error and the
        /// rest go on; only <paramref name="stopReason"/> (a folder that cannot be created fails them all alike)
        /// ends the whole run.
        /// </summary>
        public void Flush(IOperationChannel channel, string stopReason = MailErrorReason.CreateFolderFailed)
        {
            MailMessageBase[] queued = _queue.ToArray();
            _queue.Clear();
            IReadOnlyDictionary<ImapMessage, object> structures = ImapAttachmentReader.FetchStructures(queued.OfType<ImapMessage>(), channel.Cancellation);
            foreach (MailMessageBase message in queued)
            {
                try
                {
                    Save(message, structures, channel);
                }
                catch (MailProtocolException ex) when (ex.Reason != stopReason)
                {
                    channel.Error(ex, message);
                }
            }
        }

        private void Save(MailMessageBase message, IReadOnlyDictionary<ImapMessage, object> structures, IOperationChannel channel)
        {
            if (message is ImapMessage imap && imap.MimeData == null)
            {
                structures.TryGetValue(imap, out object structure);
                IReadOnlyList<MessageAttachment> downloaded = ImapAttachmentReader.Download(imap, structure,
                    listed => _nameWanted(listed.Name ?? string.Empty) && Ask(message, listed, channel), channel.Cancellation);
                foreach (MessageAttachment attachment in downloaded)
                {
                    SaveOne(message, attachment, channel);
                }

                return;
            }

            foreach (MessageAttachment attachment in WithContent(message).Where(a => _nameWanted(a.Name ?? string.Empty)))
            {
                if (Ask(message, attachment, channel))
                {
                    SaveOne(message, attachment, channel);
                }
            }
        }

        private bool Ask(MailMessageBase message, MessageAttachment attachment, IOperationChannel channel) =>
            channel.ShouldChange($"attachment '{attachment.Name}' of {Describe(message)}", $"Save to '{_files.PlannedPath(attachment)}'");

        private void SaveOne(MailMessageBase message, MessageAttachment attachment, IOperationChannel channel)
        {
            OutputFolder.Create(_directory);
            string written;
            bool existed;
            try
            {
                written = _files.Save(attachment, channel.Cancellation, out existed);
            }
            catch (MailProtocolException ex)
            {
                channel.Error(ex, message);
                return;
            }

            if (existed)
            {
                _skipped++;
                channel.Verbose($"Skipped attachment '{attachment.Name}' of {Describe(message)}: '{written}' has the same content already.");
            }
            else
            {
                _saved++;
                channel.Output(new SavedMessageFile(written, message));
            }

            string skipped = _skipExisting ? $", {_skipped} skipped (already saved)" : string.Empty;
            channel.Progress(new OperationProgress(ProgressActivity, $"{_saved} attachments saved{skipped}; last: {attachment.Name}", _saved + _skipped));
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
                    throw new MailProtocolException(MailErrorKind.InvalidArgument, MailErrorReason.MessageNotDownloaded,
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
