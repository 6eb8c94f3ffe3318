using System;
using System.Collections.Generic;
using System.Linq;
using MimeKit;
using MimeKit.Utils;

namespace MailProtocols
{
    /// <summary>
    /// The shape every message object shares, whether it came from POP3, IMAP or a saved .eml file.
    /// Header facts are always there; the parsed body (TextBody, HtmlBody, Attachments, Headers) only
    /// when the message was fully downloaded or read from disk.
    /// </summary>
    public abstract class MailMessageBase
    {
        public string Subject { get; protected internal set; }

        public string From { get; protected internal set; }

        public string To { get; protected internal set; }

        public string Cc { get; protected internal set; }

        public DateTimeOffset? Date { get; protected internal set; }

        public string MessageId { get; protected internal set; }

        public string TextBody { get; protected internal set; }

        public string HtmlBody { get; protected internal set; }

        public MessageAttachment[] Attachments { get; protected internal set; }

        /// <summary>
        /// True when the message has at least one attachment: from its MIME structure once it is known (IMAP
        /// BODYSTRUCTURE, a downloaded or imported message); for a POP3 listing (headers only), when the
        /// Content-Type is multipart/mixed.
        /// </summary>
        public bool HasAttachments { get; protected internal set; }

        /// <summary>Header name to value(s), in the order they appear. Null until the headers were downloaded.</summary>
        public MessageHeader[] Headers { get; protected internal set; }

        /// <summary>The parsed MIME message, when it was downloaded. Kept internal so objects stay cheap to format.</summary>
        internal MimeMessage Mime { get; private set; }

        /// <summary>Fills the envelope facts from headers (TOP n 0, BODY.PEEK[HEADER]).</summary>
        internal void ApplyHeaders(HeaderList headers)
        {
            Subject = headers[HeaderId.Subject];
            From = FormatAddresses(headers, HeaderId.From);
            To = FormatAddresses(headers, HeaderId.To);
            Cc = FormatAddresses(headers, HeaderId.Cc);
            string date = headers[HeaderId.Date];
            Date = date != null && DateUtils.TryParse(date, out DateTimeOffset parsed) ? parsed : (DateTimeOffset?)null;
            string id = headers[HeaderId.MessageId];
            MessageId = id == null ? null : MimeUtils.EnumerateReferences(id).FirstOrDefault() ?? id.Trim();
            Headers = headers.Select(h => new MessageHeader(h.Field, h.Value)).ToArray();
            if (Attachments == null)
            {
                HasAttachments = MessageHeaderFacts.SuggestsAttachments(headers);
            }
        }

        /// <summary>Fills everything from a whole parsed message.</summary>
        internal void ApplyMessage(MimeMessage message)
        {
            Mime = message;
            ApplyHeaders(message.Headers);
            TextBody = message.TextBody;
            HtmlBody = message.HtmlBody;
            Attachments = MessageAttachment.FromMessage(message);
            HasAttachments = Attachments.Length > 0;
        }

        private static string FormatAddresses(HeaderList headers, HeaderId id)
        {
            int index = headers.IndexOf(id);
            if (index < 0)
            {
                return null;
            }

            // InternetAddressList.TryParse decodes RFC 2047 names and tolerates 8-bit UTF-8.
            byte[] raw = headers[index].RawValue;
            return InternetAddressList.TryParse(ParserOptions.Default, raw, out InternetAddressList list)
                ? list.ToString()
                : headers[index].Value?.Trim();
        }
    }

    /// <summary>One header line, decoded.</summary>
    public sealed class MessageHeader
    {
        public MessageHeader(string name, string value)
        {
            Name = name;
            Value = value;
        }

        public string Name { get; }

        public string Value { get; }

        public override string ToString() => $"{Name}: {Value}";
    }
}
