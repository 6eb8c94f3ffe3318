using System.Collections.Generic;
using System.Linq;
using System;
using MailProtocols.Core.Errors;
using MailProtocols.Core.Messages;
using MailProtocols.Core.Operations;
using MailProtocols.Core.Sessions;
using MimeKit;

namespace MailProtocols.Core.Smtp
{
    /// <summary>
    /// Send-SmtpMessage's work: each message goes over the session's one connection (MailKit pipelines MAIL, RCPT
    /// and DATA where PIPELINING is offered). A refused recipient is an error for that address and the others still
    /// get the message; a message whose data may have reached the server is never sent again.
    /// </summary>
    internal static class SmtpSender
    {
        internal const string Activity = "Sending mail";

        public static void Send(SmtpSession session, IEnumerable<MailMessageBase> messages, SmtpSendOptions options, IOperationChannel channel)
        {
            foreach (MailMessageBase message in messages)
            {
                channel.Cancellation.ThrowIfCancellationRequested();
                try
                {
                    SmtpSendResult result = SendOne(session, message, options, channel);
                    if (result != null)
                    {
                        channel.Output(result);
                    }
                }
                catch (MailProtocolException ex) when (ex.Kind != MailErrorKind.Authentication && ex.Kind != MailErrorKind.Security)
                {
                    // This message failed; the next one may still go (it reconnects if the connection dropped).
                    channel.Error(ex, message);
                }
            }
        }

        private static SmtpSendResult SendOne(SmtpSession session, MailMessageBase message, SmtpSendOptions options, IOperationChannel channel)
        {
            MimeMessage mime = message.Mime ?? throw new MailProtocolException(MailErrorKind.InvalidArgument, MailErrorReason.NoContent,
                $"{message} has no content to send. Build it with New-MailMessage, or pass a message from Get-ImapMessage -Full, Get-Pop3Message or Import-MailMessage.");
            MailboxAddress sender = mime.Sender ?? mime.From.Mailboxes.FirstOrDefault() ?? throw new MailProtocolException(MailErrorKind.InvalidArgument, MailErrorReason.NoSender,
                $"{Describe(mime)} has no From address. Give New-MailMessage -From.");
            List<MailboxAddress> recipients = mime.To.Mailboxes.Concat(mime.Cc.Mailboxes).Concat(mime.Bcc.Mailboxes)
                .GroupBy(m => m.Address, StringComparer.OrdinalIgnoreCase).Select(g => g.First()).ToList();
            if (recipients.Count == 0)
            {
                throw new MailProtocolException(MailErrorKind.InvalidArgument, MailErrorReason.NoRecipients, $"{Describe(mime)} has no To, Cc or Bcc address, so it cannot be sent.");
            }

            CheckInternational(session, sender, recipients);
            if (options.Notification != SmtpDeliveryNotification.None && !session.Features.Dsn)
            {
                channel.Warning($"{session.Endpoint} does not offer DSN, so {Describe(mime)} goes without the delivery notifications asked for.");
            }

            FormatOptions format = FormatOptions.Default.Clone();
            format.NewLineFormat = NewLineFormat.Dos;
            format.HiddenHeaders.Add(HeaderId.Bcc);
            format.HiddenHeaders.Add(HeaderId.ResentBcc);
            // SMTPUTF8 only when an address needs it (CheckInternational made sure the server offers it).
            format.International = new[] { sender }.Concat(recipients).Any(IsInternational);
            long size = MailDraftBuilder.MeasuredSize(mime);
            if (session.MaxMessageSize > 0 && size > session.MaxMessageSize)
            {
                throw new MailProtocolException(MailErrorKind.InvalidArgument, MailErrorReason.MessageTooLarge,
                    $"{Describe(mime)} is {size:N0} bytes, more than the {session.MaxMessageSize:N0} bytes {session.Endpoint} accepts (SIZE). Send large files as links instead.");
            }

            string target = $"{Describe(mime)} from {sender.Address} to {string.Join(", ", recipients.Select(r => r.Address))}";
            if (!channel.ShouldChange(target, $"Send through {session.Server}"))
            {
                return null;
            }

            var envelope = new SmtpEnvelope { Notification = session.Features.Dsn ? options.Notification : SmtpDeliveryNotification.None };
            var progress = new ChannelTransferProgress(channel, Activity, Describe(mime));
            string response;
            try
            {
                response = session.Run($"sending {Describe(mime)}", channel.Cancellation, token =>
                {
                    EnvelopeSmtpClient client = session.Client;
                    client.Current = envelope;
                    try
                    {
                        return client.Send(format, mime, sender, recipients, token, progress);
                    }
                    catch (MailKit.Net.Smtp.SmtpCommandException) when (envelope.Recipients.Count == recipients.Count && !envelope.AnyAccepted)
                    {
                        return null; // every recipient refused: reported below, one error each
                    }
                    finally
                    {
                        client.Current = null;
                    }
                }, idempotent: false);
            }
            catch (MailProtocolException ex) when (envelope.AnyAccepted || progress.DataStarted)
            {
                throw new MailProtocolException(MailErrorKind.Connection, MailErrorReason.OutcomeUnknown,
                    $"The connection to {session.Endpoint} failed while {Describe(mime)} was being sent, after the server had accepted its recipients: {ex.Message} " +
                    "Whether it was delivered is unknown, and it was not sent again. Ask a recipient or check the server's log before sending it once more.", ex);
            }
            finally
            {
                channel.Progress(OperationProgress.Finished(Activity));
            }

            foreach (SmtpRecipientResult refused in envelope.Recipients.Where(r => !r.Accepted))
            {
                channel.Error(new MailProtocolException(MailErrorKind.InvalidArgument, MailErrorReason.RecipientRejected,
                    $"{session.Endpoint} refused the recipient {refused.Address} of {Describe(mime)}: {refused.StatusCode} {refused.Response.TrimEnd('.')}." +
                    (envelope.AnyAccepted ? " The other recipients got the message." : " No recipient was accepted, so the message was not sent.")), refused.Address);
            }

            if (response == null)
            {
                return null;
            }

            var result = new SmtpSendResult
            {
                MessageId = mime.MessageId,
                Subject = mime.Subject,
                Sender = sender.Address,
                Recipients = envelope.Recipients.ToArray(),
                Accepted = envelope.Recipients.Where(r => r.Accepted).Select(r => r.Address).ToArray(),
                Rejected = envelope.Recipients.Where(r => !r.Accepted).ToArray(),
                QueueId = SmtpReplies.QueueId(response),
                Response = response,
                Size = size,
                Server = session.Server,
                SentAt = DateTimeOffset.Now,
                Session = session,
            };
            channel.Verbose($"{Describe(mime)}: {result.Accepted.Length} recipient(s) accepted, {response}");
            if (options.SaveSession != null)
            {
                SmtpSentCopy.File(result, message, options, channel);
            }

            return result;
        }

        /// <summary>A non-ASCII address needs SMTPUTF8; without it the message is refused here, not garbled.</summary>
        private static void CheckInternational(SmtpSession session, MailboxAddress sender, IEnumerable<MailboxAddress> recipients)
        {
            if (session.Features.SmtpUtf8)
            {
                return;
            }

            MailboxAddress international = new[] { sender }.Concat(recipients).FirstOrDefault(IsInternational);
            if (international != null)
            {
                throw new MailProtocolException(MailErrorKind.InvalidArgument, MailErrorReason.SmtpUtf8NotOffered,
                    $"The address {international.Address} has non-ASCII characters before the @, and {session.Endpoint} does not offer SMTPUTF8, so it cannot carry it. Use an ASCII address for that recipient, or a server that offers SMTPUTF8.");
            }
        }

        private static bool IsInternational(MailboxAddress mailbox) => mailbox.LocalPart.Any(c => c > 127);

        internal static string Describe(MimeMessage mime) => $"the message '{mime.Subject}'";
    }
}
