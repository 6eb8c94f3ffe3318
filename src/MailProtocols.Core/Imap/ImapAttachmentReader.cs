using System.Collections.Generic;
using System.Linq;
using System.Threading;
using MailKit;
using MailKit.Net.Imap;
using MimeKit;

namespace MailProtocols
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
        /// the message passed in is not changed. A message downloaded in full already has them.
        /// </summary>
        public static IReadOnlyList<MessageAttachment> Download(ImapMessage message, CancellationToken cancellationToken)
        {
            if (message.Mime != null || (message.Attachments != null && message.Attachments.All(a => a.Entity != null)))
            {
                return message.Attachments ?? new MessageAttachment[0];
            }

            ImapSession session = message.Session ?? throw new MailProtocolException(MailErrorKind.InvalidArgument, "NoSessionOnMessage",
                $"{message} has no session. Pipe messages from Search-ImapFolder or Get-ImapMessage.");

            return session.Run($"downloading the attachments of {message}", cancellationToken, token =>
            {
                var folder = (ImapFolder)ImapMessageReader.OpenChecked(session, message.Folder, message.UidValidity, false, token);
                var uid = new UniqueId(message.Uid);
                BodyPart structure = message.BodyStructure ?? FetchStructure(folder, uid, message, session, token);
                var result = new List<MessageAttachment>();
                foreach (BodyPartBasic part in AttachmentParts(structure))
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
                    if (entity.ContentDisposition?.FileName == null && entity.ContentType.Name == null && part.FileName != null)
                    {
                        attachment.Name = part.FileName;
                    }

                    result.Add(attachment);
                }

                return (IReadOnlyList<MessageAttachment>)result;
            }, idempotent: true);
        }

        /// <summary>The parts with Content-Disposition: attachment, as MailKit's IMessageSummary.Attachments lists them.</summary>
        internal static IEnumerable<BodyPartBasic> AttachmentParts(BodyPart part)
        {
            if (part is BodyPartMultipart multipart)
            {
                return multipart.BodyParts.SelectMany(AttachmentParts);
            }

            return part is BodyPartBasic basic && basic.IsAttachment ? new[] { basic } : Enumerable.Empty<BodyPartBasic>();
        }

        private static BodyPart FetchStructure(IMailFolder folder, UniqueId uid, ImapMessage message, ImapSession session, CancellationToken token)
        {
            IMessageSummary summary = folder.Fetch(new[] { uid }, new FetchRequest(MessageSummaryItems.UniqueId | MessageSummaryItems.BodyStructure), token).FirstOrDefault();
            return summary?.Body ?? throw MessageGone(session, message);
        }

        private static MailProtocolException MessageGone(ImapSession session, ImapMessage message) =>
            new MailProtocolException(MailErrorKind.NotFound, "MessageNotFound",
                $"There is no message with UID {message.Uid} in '{message.Folder}' on {session.Endpoint} (any more): it was expunged or moved. Search the folder again.");
    }
}
