using System.Collections.Generic;
using System.IO;
using System.Linq;
using MimeKit;

namespace MailProtocols
{
    /// <summary>An attachment of a message: its name as the sender gave it, type and decoded size.</summary>
    public sealed class MessageAttachment
    {
        public string Name { get; internal set; }

        public string ContentType { get; internal set; }

        /// <summary>Decoded size in bytes when the content is at hand; for IMAP summaries, the encoded size from BODYSTRUCTURE.</summary>
        public long Size { get; internal set; }

        /// <summary>The IMAP body part specifier (e.g. "2" or "1.3"), or null for messages not from IMAP.</summary>
        public string PartSpecifier { get; internal set; }

        /// <summary>The MIME entity when the message was downloaded; used to save the content.</summary>
        internal MimeEntity Entity { get; set; }

        public override string ToString() => Name;

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
                Entity = entity,
            };
        }

        /// <summary>Writes the decoded content (an attached message as .eml) to a stream.</summary>
        internal void WriteContent(Stream destination, System.Threading.CancellationToken cancellationToken)
        {
            switch (Entity)
            {
                case MimePart part:
                    part.Content?.DecodeTo(destination, cancellationToken);
                    break;
                case MessagePart rfc822:
                    rfc822.Message?.WriteTo(destination, cancellationToken);
                    break;
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
