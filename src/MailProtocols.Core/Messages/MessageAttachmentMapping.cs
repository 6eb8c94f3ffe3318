using System.IO;
using System.Linq;
using System.Threading;
using MimeKit;

namespace MailProtocols.Core.Messages
{
    /// <summary>Builds <see cref="MessageAttachment"/> objects from MimeKit entities and writes their content.</summary>
    internal static class MessageAttachmentMapping
    {
        extension(MessageAttachment attachment)
        {
            /// <summary>The MIME entity when the message was downloaded; used to save the content.</summary>
            internal MimeEntity Entity => attachment.EntityData as MimeEntity;

            /// <summary>Writes the decoded content (an attached message as .eml) to a stream.</summary>
            internal void WriteContent(Stream destination, CancellationToken cancellationToken)
            {
                switch (attachment.Entity)
                {
                    case MimePart part:
                        part.Content?.DecodeTo(destination, cancellationToken);
                        break;
                    case MessagePart rfc822:
                        rfc822.Message?.WriteTo(destination, cancellationToken);
                        break;
                }
            }
        }

        extension(MessageAttachment)
        {
            internal static MessageAttachment[] FromMessage(MimeMessage message) =>
                message.Attachments.Select(FromEntity).ToArray();

            internal static MessageAttachment FromEntity(MimeEntity entity)
            {
                string name = entity is MimePart part ? part.FileName : null;
                if (entity is MessagePart rfc822)
                {
                    name = entity.ContentDisposition?.FileName ?? (rfc822.Message?.Subject ?? "message") + ".eml";
                }

                return new MessageAttachment
                {
                    Name = name ?? entity.ContentType.Name ?? "attachment",
                    ContentType = entity.ContentType.MimeType,
                    Size = DecodedSize(entity),
                    EntityData = entity,
                };
            }
        }

        private static long DecodedSize(MimeEntity entity)
        {
            using (var counter = new MimeKit.IO.MeasuringStream())
            {
                try
                {
                    switch (entity)
                    {
                        case MimePart part when part.Content != null:
                            part.Content.DecodeTo(counter);
                            break;
                        case MessagePart rfc822 when rfc822.Message != null:
                            rfc822.Message.WriteTo(counter);
                            break;
                    }
                }
                catch (System.Exception)
                {
                    // Broken encodings must not stop the message from being listed; the size is what decoded.
                }

                return counter.Length;
            }
        }
    }
}
