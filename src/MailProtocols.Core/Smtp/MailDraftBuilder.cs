using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System;
using MailProtocols.Core.Errors;
using MailProtocols.Core.Imap;
using MailProtocols.Core.Messages;
using MailProtocols.Core.Operations;
using MimeKit.Utils;
using MimeKit;

namespace MailProtocols.Core.Smtp
{
    /// <summary>
    /// Builds the message of New-MailMessage: checks every header and address, attaches files without reading
    /// them into memory, and for a reply sets In-Reply-To, References, "Re:" and the quoted text.
    /// </summary>
    internal static class MailDraftBuilder
    {
        /// <summary>Builds the draft; warnings and verbose text go to the channel.</summary>
        public static MailDraft Compose(MailDraftRequest request, IOperationChannel channel)
        {
            // A reply quotes, and a forward attaches, the whole original: an IMAP summary is downloaded first.
            request.InReplyTo = Downloaded(request.InReplyTo, channel);
            request.Forward = Downloaded(request.Forward, channel);
            return Build(request, channel.Warning);
        }

        private static MailMessageBase Downloaded(MailMessageBase message, IOperationChannel channel)
        {
            if (!(message is ImapMessage imap) || imap.Mime != null || imap.Session?.Engine == null || imap.Uid == 0)
            {
                return message;
            }

            channel.Verbose($"Downloading {imap} to quote or forward it.");
            uint? uidValidity = imap.UidValidity == 0 ? (uint?)null : imap.UidValidity;
            foreach (ImapFetchBatch batch in ImapMessageReader.FetchFull(imap.Session, imap.Folder, uidValidity, new[] { imap.Uid }, null, false, channel.Cancellation))
            {
                return batch.Messages.FirstOrDefault() ?? message;
            }

            return message;
        }

        public static MailDraft Build(MailDraftRequest request, Action<string> warn)
        {
            MailDraftChecks.NoLineBreaks("subject", request.Subject);
            var mime = new MimeMessage();
            if (request.From != null)
            {
                mime.From.Add(MailDraftChecks.Address("From", request.From));
            }

            mime.To.AddRange(MailDraftChecks.Addresses("To", request.To));
            mime.Cc.AddRange(MailDraftChecks.Addresses("Cc", request.Cc));
            mime.Bcc.AddRange(MailDraftChecks.Addresses("Bcc", request.Bcc));
            mime.ReplyTo.AddRange(MailDraftChecks.Addresses("ReplyTo", request.ReplyTo));
            foreach (KeyValuePair<string, string> header in request.Headers ?? new List<KeyValuePair<string, string>>())
            {
                MailDraftChecks.HeaderField(header.Key, header.Value);
                mime.Headers.Add(header.Key, header.Value ?? string.Empty);
            }

            string subject = request.Subject;
            string text = request.Body;
            string html = request.HtmlBody;
            if (request.InReplyTo != null)
            {
                MailMessageBase original = request.InReplyTo;
                ApplyThreading(mime, original);
                subject = subject ?? Prefixed("Re:", original.Subject);
                if (mime.To.Count == 0 && mime.Cc.Count == 0 && mime.Bcc.Count == 0)
                {
                    AddReplyRecipients(mime, original);
                }

                if (original.TextBody == null && original.HtmlBody == null)
                {
                    warn($"The original message ({original}) was not downloaded, so its text is not quoted. Pass a message from Get-ImapMessage -Full, Get-Pop3Message or Import-MailMessage to quote it.");
                }
                else
                {
                    text = Quote(text, original);
                }
            }

            if (request.Forward != null)
            {
                subject = subject ?? Prefixed("Fwd:", request.Forward.Subject);
            }

            mime.Subject = subject ?? string.Empty;
            mime.Date = DateTimeOffset.Now;
            mime.MessageId = MimeUtils.GenerateMessageId(mime.From.Mailboxes.FirstOrDefault()?.Domain ?? "mailprotocols.local");
            ApplyPriority(mime, request.Priority);
            mime.Body = Body(text, html, request, warn);

            var draft = new MailDraft();
            draft.ApplyMessage(mime);
            draft.TextBody = text;
            draft.HtmlBody = html;
            draft.Bcc = mime.Bcc.Count == 0 ? null : mime.Bcc.ToString();
            draft.ReplyTo = mime.ReplyTo.Count == 0 ? null : mime.ReplyTo.ToString();
            draft.Recipients = mime.To.Mailboxes.Concat(mime.Cc.Mailboxes).Concat(mime.Bcc.Mailboxes).Select(m => m.Address).ToArray();
            draft.Priority = request.Priority;
            draft.InReplyTo = mime.InReplyTo;
            draft.Size = MeasuredSize(mime);
            return draft;
        }

        private static MimeEntity Body(string text, string html, MailDraftRequest request, Action<string> warn)
        {
            var builder = new BodyBuilder { TextBody = text, HtmlBody = html };
            foreach (string path in request.InlineAttachments ?? Array.Empty<string>())
            {
                MimePart image = FilePart(path, ContentDisposition.Inline);
                image.ContentId = Path.GetFileName(path);
                if (html == null)
                {
                    warn($"-InlineAttachment {Path.GetFileName(path)} is meant for an -HtmlBody that shows it as <img src=\"cid:{Path.GetFileName(path)}\">; without one it is just attached.");
                }

                builder.LinkedResources.Add(image);
            }

            foreach (string path in request.Attachments ?? Array.Empty<string>())
            {
                builder.Attachments.Add(FilePart(path, ContentDisposition.Attachment));
            }

            if (request.Forward != null)
            {
                MimeMessage forwarded = request.Forward.Mime ?? throw new MailProtocolException(MailErrorKind.InvalidArgument, MailErrorReason.ForwardNotDownloaded,
                    $"The message to forward ({request.Forward}) was not downloaded. Pass one from Get-ImapMessage -Full, Get-Pop3Message or Import-MailMessage.");
                builder.Attachments.Add(new MessagePart { Message = forwarded, ContentDisposition = new ContentDisposition(ContentDisposition.Attachment) });
            }

            if (text == null && html == null && builder.Attachments.Count == 0)
            {
                builder.TextBody = string.Empty;
            }

            return builder.ToMessageBody();
        }

        /// <summary>A file as a MIME part whose content is read from disk only while the message is written.</summary>
        private static MimePart FilePart(string path, string disposition)
        {
            if (!File.Exists(path))
            {
                throw new MailProtocolException(MailErrorKind.NotFound, MailErrorReason.AttachmentNotFound,
                    $"The file '{path}' to attach does not exist. Check the path.");
            }

            return new MimePart(MimeTypes.GetMimeType(path))
            {
                Content = new MimeContent(new FileContentStream(path)),
                ContentDisposition = new ContentDisposition(disposition),
                ContentTransferEncoding = ContentEncoding.Base64,
                FileName = Path.GetFileName(path),
            };
        }

        private static void ApplyThreading(MimeMessage mime, MailMessageBase original)
        {
            if (string.IsNullOrEmpty(original.MessageId))
            {
                return;
            }

            mime.InReplyTo = original.MessageId;
            string references = original.Mime?.Headers[HeaderId.References]
                ?? original.Headers?.FirstOrDefault(h => string.Equals(h.Name, "References", StringComparison.OrdinalIgnoreCase))?.Value;
            foreach (string id in MimeUtils.EnumerateReferences(references ?? string.Empty))
            {
                mime.References.Add(id);
            }

            mime.References.Add(original.MessageId);
        }

        private static void AddReplyRecipients(MimeMessage mime, MailMessageBase original)
        {
            InternetAddressList replyTo = original.Mime?.ReplyTo;
            string to = replyTo != null && replyTo.Count > 0 ? replyTo.ToString() : original.From;
            if (!string.IsNullOrEmpty(to) && InternetAddressList.TryParse(to, out InternetAddressList list))
            {
                mime.To.AddRange(list.Mailboxes);
            }
        }

        private static string Prefixed(string prefix, string subject)
        {
            subject = subject ?? string.Empty;
            return subject.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? subject : $"{prefix} {subject}";
        }

        /// <summary>The reply's text, then "On …, … wrote:" and the original's text with "> " before each line.</summary>
        private static string Quote(string text, MailMessageBase original)
        {
            string originalText = original.TextBody ?? HtmlText(original.HtmlBody);
            var quoted = new StringBuilder();
            if (!string.IsNullOrEmpty(text))
            {
                quoted.Append(text.TrimEnd()).Append("\r\n\r\n");
            }

            string when = original.Date.HasValue ? original.Date.Value.ToString("ddd, d MMM yyyy HH:mm", System.Globalization.CultureInfo.InvariantCulture) : "an earlier date";
            quoted.Append($"On {when}, {original.From} wrote:\r\n");
            foreach (string line in originalText.Replace("\r\n", "\n").TrimEnd('\n').Split('\n'))
            {
                quoted.Append(line.StartsWith(">", StringComparison.Ordinal) ? ">" : "> ").Append(line).Append("\r\n");
            }

            return quoted.ToString();
        }

        private static string HtmlText(string html) =>
            System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Replace(html ?? string.Empty, "<[^>]*>", string.Empty));

        private static void ApplyPriority(MimeMessage mime, MailMessagePriority priority)
        {
            switch (priority)
            {
                case MailMessagePriority.High:
                    mime.Priority = MessagePriority.Urgent;
                    mime.XPriority = XMessagePriority.Highest;
                    mime.Importance = MessageImportance.High;
                    break;
                case MailMessagePriority.Low:
                    mime.Priority = MessagePriority.NonUrgent;
                    mime.XPriority = XMessagePriority.Lowest;
                    mime.Importance = MessageImportance.Low;
                    break;
            }
        }

        /// <summary>The size as sent (CRLF line endings), attachments streamed from disk, not held.</summary>
        internal static long MeasuredSize(MimeMessage mime)
        {
            FormatOptions options = FormatOptions.Default.Clone();
            options.NewLineFormat = NewLineFormat.Dos;
            using (var measuring = new MimeKit.IO.MeasuringStream())
            {
                mime.WriteTo(options, measuring);
                return measuring.Length;
            }
        }
    }
}
