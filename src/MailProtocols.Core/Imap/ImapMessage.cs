using System;
using System.Linq;
using MailKit;
using MimeKit;

namespace MailProtocols
{
    /// <summary>
    /// A message in an IMAP folder. Uid, Folder and UidValidity identify it on the server; the
    /// envelope, flags, size and attachment list come from one FETCH, and the parsed body
    /// (TextBody, HtmlBody, Headers) only after Get-ImapMessage -Full, -HeadersOnly or -BodyPart.
    /// </summary>
    public sealed class ImapMessage : MailMessageBase
    {
        public uint Uid { get; internal set; }

        /// <summary>The full name of the folder the message is in.</summary>
        public string Folder { get; internal set; }

        /// <summary>The folder's UIDVALIDITY when the message was read; UIDs are only valid while it stays the same.</summary>
        public uint UidValidity { get; internal set; }

        /// <summary>RFC822.SIZE: the size of the whole message in bytes.</summary>
        public long? Size { get; internal set; }

        /// <summary>
        /// The system flags. The Flags column of the table shows them as letters: S seen, A answered,
        /// F flagged, D deleted, d draft, - not set; a final @ means HasAttachments.
        /// </summary>
        public ImapMessageFlags Flags { get; internal set; }

        /// <summary>Custom flags (IMAP keywords), e.g. "$Forwarded" or "Urgent".</summary>
        public string[] Keywords { get; internal set; } = new string[0];

        /// <summary>When the server received the message (IMAP INTERNALDATE).</summary>
        public DateTimeOffset? InternalDate { get; internal set; }

        public ImapSession Session { get; internal set; }

        /// <summary>The server's BODYSTRUCTURE, used to fetch single parts and attachments.</summary>
        internal BodyPart BodyStructure { get; set; }

        /// <summary>The folder's hierarchy delimiter, for file names.</summary>
        internal char FolderSeparator { get; set; }

        internal UniqueId UniqueId => new UniqueId(UidValidity, Uid);

        public override string ToString() => $"message {Uid} in {Folder}";

        internal static ImapMessage FromSummary(IMessageSummary summary, IMailFolder folder, ImapSession session)
        {
            var message = new ImapMessage
            {
                Uid = summary.UniqueId.Id,
                Folder = folder.FullName,
                UidValidity = folder.UidValidity,
                FolderSeparator = folder.DirectorySeparator,
                Session = session,
            };
            message.ApplySummary(summary);
            return message;
        }

        /// <summary>Copies whatever the FETCH returned; items that were not asked for keep their values.</summary>
        internal void ApplySummary(IMessageSummary summary)
        {
            if (summary.Flags.HasValue)
            {
                Flags = ImapMessageFlagsExtensions.FromMailKit(summary.Flags.Value);
                Keywords = summary.Keywords.OrderBy(k => k, StringComparer.Ordinal).ToArray();
            }

            if (summary.Size.HasValue)
            {
                Size = summary.Size.Value;
            }

            if (summary.InternalDate.HasValue)
            {
                InternalDate = summary.InternalDate.Value;
            }

            if (summary.Envelope != null)
            {
                Envelope envelope = summary.Envelope;
                Subject = envelope.Subject;
                From = AddressText(envelope.From);
                To = AddressText(envelope.To);
                Cc = AddressText(envelope.Cc);
                Date = envelope.Date;
                MessageId = envelope.MessageId;
            }

            if (summary.Body != null)
            {
                BodyStructure = summary.Body;
                Attachments = summary.Attachments.Select(ImapAttachmentReader.Listed).ToArray();
                HasAttachments = Attachments.Length > 0;
            }

            if (summary.Headers != null)
            {
                ApplyHeaders(summary.Headers);
            }
        }

        /// <summary>A shallow copy, so filling in a body never changes the object the caller passed in.</summary>
        internal ImapMessage Clone() => (ImapMessage)MemberwiseClone();

        /// <summary>A copy that describes the same message at a new place (after COPY or MOVE).</summary>
        internal ImapMessage CopyTo(IMailFolder folder, UniqueId uid)
        {
            var copy = (ImapMessage)MemberwiseClone();
            copy.Folder = folder.FullName;
            copy.FolderSeparator = folder.DirectorySeparator;
            copy.Uid = uid.Id;
            copy.UidValidity = uid.Validity != 0 ? uid.Validity : folder.UidValidity;
            return copy;
        }

        private static string AddressText(InternetAddressList list) => list == null || list.Count == 0 ? null : list.ToString();
    }
}
