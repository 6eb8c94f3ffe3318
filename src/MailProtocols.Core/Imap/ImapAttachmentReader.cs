using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using MailKit;
using MailKit.Net.Imap;
using MailProtocols.Core.Errors;
using MailProtocols.Core.Messages;
using MailProtocols.Core.Operations;
using MailProtocols.Core.Sessions;
using MimeKit;

namespace MailProtocols.Core.Imap
{
    /// <summary>
    /// The attachments of an IMAP message with their content, for Save-MailAttachment: the parts named by
    /// BODYSTRUCTURE are fetched one by one (UID FETCH BODY.PEEK[part.MIME] BODY.PEEK[part]), so the text
    /// and the other parts never travel. Nothing is marked \Seen.
    /// </summary>
    internal static class ImapAttachmentReader
    {
        /// <summary>
        /// Returns new <see cref="MessageAttachment"/> objects whose content is at hand (WriteContent works);
        /// the message passed in is not changed. <paramref name="wanted"/> sees each attachment as BODYSTRUCTURE
        /// lists it (name, type, encoded size, part specifier) before anything is downloaded, so filters and
        /// ShouldProcess decide what travels. A message downloaded in full already has its attachments.
        /// </summary>
        public static IReadOnlyList<MessageAttachment> Download(ImapMessage message, Func<MessageAttachment, bool> wanted, CancellationToken cancellationToken) =>
            Download(message, null, wanted, cancellationToken);

        /// <summary>As above, with the structure already fetched (<see cref="FetchStructures"/>), or null to fetch it.</summary>
        public static IReadOnlyList<MessageAttachment> Download(ImapMessage message, object knownStructure, Func<MessageAttachment, bool> wanted, CancellationToken cancellationToken)
        {
            wanted = wanted ?? (_ => true);
            if (message.Mime != null || (message.Attachments != null && message.Attachments.All(a => a.Entity != null)))
            {
                return (message.Attachments ?? new MessageAttachment[0]).Where(wanted).ToList();
            }

            ImapSession session = message.Session ?? throw new MailProtocolException(MailErrorKind.InvalidArgument, MailErrorReason.NoSessionOnMessage,
                $"{message} has no session. Pipe messages from Search-ImapFolder or Get-ImapMessage.");
            BodyPart structure = message.BodyStructure ?? knownStructure as BodyPart ?? session.Run($"reading the structure of {message}", cancellationToken,
                token => FetchStructure(session, message, token), idempotent: true);

            // Decided before the download, and only once, even if a dropped connection makes the fetch run again.
            List<BodyPartBasic> parts = AttachmentParts(structure).Where(part => wanted(Listed(part))).ToList();
            if (parts.Count == 0)
            {
                return new MessageAttachment[0];
            }

            return session.Run($"downloading the attachments of {message}", cancellationToken, token =>
            {
                var folder = (ImapFolder)ImapMessageReader.OpenChecked(session, message.Folder, message.UidValidity, false, token);
                var uid = new UniqueId(message.Uid);
                var result = new List<MessageAttachment>();
                foreach (BodyPartBasic part in parts)
                {
                    MimeEntity entity;
                    try
                    {
                        entity = folder.GetBodyPart(uid, part, token);
                    }
                    catch (MessageNotFoundException)
                    {
                        throw MessageGone(session, message);
                    }

                    MessageAttachment attachment = MessageAttachment.FromEntity(entity);
                    attachment.PartSpecifier = part.PartSpecifier;
                    attachment.Name = Listed(part).Name;
                    result.Add(attachment);
                }

                return (IReadOnlyList<MessageAttachment>)result;
            }, idempotent: true);
        }

        /// <summary>An attachment as BODYSTRUCTURE describes it, without content (the shape of a summary's Attachments).</summary>
        internal static MessageAttachment Listed(BodyPartBasic part) => new MessageAttachment
        {
            Name = part.FileName ?? part.ContentType.Name ?? "attachment",
            ContentType = part.ContentType.MimeType,
            Size = part.Octets,
            PartSpecifier = part.PartSpecifier,
        };

        /// <summary>The parts with Content-Disposition: attachment, as MailKit's IMessageSummary.Attachments lists them.</summary>
        internal static IEnumerable<BodyPartBasic> AttachmentParts(BodyPart part)
        {
            if (part is BodyPartMultipart multipart)
            {
                return multipart.BodyParts.SelectMany(AttachmentParts);
            }

            return part is BodyPartBasic basic && basic.IsAttachment ? new[] { basic } : Enumerable.Empty<BodyPartBasic>();
        }

        /// <summary>
        /// The BODYSTRUCTURE of each summary that lacks it, in one UID FETCH per folder (and per 2,000 messages)
        /// instead of one per message; the messages themselves are not changed. Best effort: a group that fails
        /// is left out, and <see cref="Download"/> fetches those one by one and reports their errors itself.
        /// </summary>
        public static IReadOnlyDictionary<ImapMessage, object> FetchStructures(IEnumerable<ImapMessage> messages, CancellationToken cancellationToken)
        {
            // ImapMessage keeps reference equality, so two equal-looking inputs stay two entries.
            var structures = new Dictionary<ImapMessage, object>();
            var groups = messages
                .Where(m => m.Session != null && m.MimeData == null && m.BodyStructure == null)
                .GroupBy(m => (m.Session, m.Folder, m.UidValidity));
            foreach (var group in groups)
            {
                foreach (ImapMessage[] chunk in Batching.BySize(group, _ => 0, ImapMessageReader.SummaryBatchSize, long.MaxValue))
                {
                    try
                    {
                        IList<IMessageSummary> summaries = group.Key.Session.Run($"reading the structure of {chunk.Length} messages in '{group.Key.Folder}'", cancellationToken, token =>
                        {
                            IMailFolder folder = ImapMessageReader.OpenChecked(group.Key.Session, group.Key.Folder, group.Key.UidValidity, false, token);
                            return folder.Fetch(chunk.Select(m => new UniqueId(m.Uid)).Distinct().ToList(), new FetchRequest(MessageSummaryItems.UniqueId | MessageSummaryItems.BodyStructure), token);
                        }, idempotent: true);
                        var byUid = summaries.Where(s => s.Body != null).ToDictionary(s => s.UniqueId.Id, s => s.Body);
                        foreach (ImapMessage message in chunk)
                        {
                            if (byUid.TryGetValue(message.Uid, out BodyPart body))
                            {
                                structures[message] = body;
                            }
                        }
                    }
                    catch (MailProtocolException)
                    {
                        // Left to the per-message path, which names the message in its error.
                    }
                }
            }

            return structures;
        }

        private static BodyPart FetchStructure(ImapSession session, ImapMessage message, CancellationToken token)
        {
            IMailFolder folder = ImapMessageReader.OpenChecked(session, message.Folder, message.UidValidity, false, token);
            IMessageSummary summary = folder.Fetch(new[] { new UniqueId(message.Uid) }, new FetchRequest(MessageSummaryItems.UniqueId | MessageSummaryItems.BodyStructure), token).FirstOrDefault();
            return summary?.Body ?? throw MessageGone(session, message);
        }

        private static MailProtocolException MessageGone(ImapSession session, ImapMessage message) =>
            new MailProtocolException(MailErrorKind.NotFound, MailErrorReason.MessageNotFound,
                $"There is no message with UID {message.Uid} in '{message.Folder}' on {session.Endpoint} (any more): it was expunged or moved. Search the folder again.");
    }
}
