using System;
using System.Linq;
using MimeKit;
using MimeKit.Utils;

namespace MailProtocols.Core.Messages
{
    /// <summary>Fills any message object from MimeKit's headers or parsed message, and keeps the parsed message.</summary>
    internal static class MessageMapping
    {
        extension(MailMessageBase message)
        {
            /// <summary>The parsed MIME message, when it was downloaded.</summary>
            internal MimeMessage Mime => message.MimeData as MimeMessage;

            /// <summary>Fills the envelope facts from headers (TOP n 0, BODY.PEEK[HEADER]).</summary>
            internal void ApplyHeaders(HeaderList headers)
            {
                message.Subject = headers[HeaderId.Subject];
                message.From = FormatAddresses(headers, HeaderId.From);
                message.To = FormatAddresses(headers, HeaderId.To);
                message.Cc = FormatAddresses(headers, HeaderId.Cc);
                string date = headers[HeaderId.Date];
                message.Date = date != null && DateUtils.TryParse(date, out DateTimeOffset parsed) ? parsed : (DateTimeOffset?)null;
                string id = headers[HeaderId.MessageId];
                message.MessageId = id == null ? null : MimeUtils.EnumerateReferences(id).FirstOrDefault() ?? id.Trim();
                message.Headers = headers.Select(h => new MessageHeader(h.Field, h.Value)).ToArray();
                if (message.Attachments == null)
                {
                    message.HasAttachments = MessageHeaderFacts.SuggestsAttachments(headers);
                }
            }

            /// <summary>Fills everything from a whole parsed message.</summary>
            internal void ApplyMessage(MimeMessage mime)
            {
                message.MimeData = mime;
                message.ApplyHeaders(mime.Headers);
                message.TextBody = mime.TextBody;
                message.HtmlBody = mime.HtmlBody;
                message.Attachments = MessageAttachment.FromMessage(mime);
                message.HasAttachments = message.Attachments.Length > 0;
            }
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
                ? AddressText.Of(list) ?? string.Empty
                : headers[index].Value?.Trim();
        }
    }
}
