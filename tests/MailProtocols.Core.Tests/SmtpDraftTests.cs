using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using MailProtocols.Core.Messages;
using MailProtocols.Core.Smtp;
using MimeKit;
using Xunit;

namespace MailProtocols.Tests
{
    /// <summary>New-MailMessage's rules: header injection, addresses, reply threading and quoting, streamed attachments.</summary>
    public class SmtpDraftTests : IDisposable
    {
        private readonly TempDirectory _dir = new TempDirectory();

        public void Dispose() => _dir.Dispose();

        private static MailDraft Build(MailDraftRequest request) => MailDraftBuilder.Build(request, _ => { });

        [Theory]
        [InlineData("Hi\r\nBcc: victim@example.com")]
        [InlineData("Hi\nBcc: victim@example.com")]
        [InlineData("Hi\rX")]
        public void RefusesALineBreakInTheSubject(string subject)
        {
            var ex = Assert.Throws<MailProtocolException>(() => Build(new MailDraftRequest { From = "a@example.com", Subject = subject }));
            Assert.Equal("HeaderInjection", ex.Reason);
        }

        [Theory]
        [InlineData("X-Id", "1\r\nBcc: v@example.com", "HeaderInjection")]
        [InlineData("X-A\r\nBcc", "x", "HeaderInjection")]
        [InlineData("X Bad", "x", "InvalidHeaderName")]
        [InlineData("X:Bad", "x", "InvalidHeaderName")]
        [InlineData("bcc", "v@example.com", "HeaderReserved")]
        [InlineData("Content-Type", "text/html", "HeaderReserved")]
        public void RefusesBadHeaders(string name, string value, string reason)
        {
            var request = new MailDraftRequest { From = "a@example.com", Headers = new List<KeyValuePair<string, string>> { new KeyValuePair<string, string>(name, value) } };
            Assert.Equal(reason, Assert.Throws<MailProtocolException>(() => Build(request)).Reason);
        }

        [Theory]
        [InlineData("b@example.com\r\nBcc: v@example.com", "HeaderInjection")]
        [InlineData("not an address", "InvalidAddress")]
        [InlineData("nodomain@", "InvalidAddress")]
        [InlineData("", "InvalidAddress")]
        public void RefusesBadAddresses(string address, string reason)
        {
            var request = new MailDraftRequest { From = "a@example.com", To = new[] { address } };
            Assert.Equal(reason, Assert.Throws<MailProtocolException>(() => Build(request)).Reason);
        }

        [Fact]
        public void AcceptsNamedAndInternationalAddresses()
        {
            MailDraft draft = Build(new MailDraftRequest { From = "Ann Smith <ann@example.com>", To = new[] { "jörg@example.de" }, Bcc = new[] { "hidden@example.com" } });
            Assert.Equal(new[] { "jörg@example.de", "hidden@example.com" }, draft.Recipients);
            Assert.Equal("\"Ann Smith\" <ann@example.com>", draft.From);
        }

        [Fact]
        public void AReplyThreadsQuotesAndAnswersTheSender()
        {
            var original = new MailFileMessage();
            var mime = new MimeMessage();
            mime.From.Add(MailboxAddress.Parse("Asker <asker@example.com>"));
            mime.Subject = "Printer broken";
            mime.MessageId = "ticket-2@example.com";
            mime.References.Add("ticket-1@example.com");
            mime.Body = new TextPart("plain") { Text = "Line one\r\n> earlier\r\n" };
            original.ApplyMessage(mime);

            MailDraft reply = Build(new MailDraftRequest { From = "helpdesk@example.com", Body = "Fixed.", InReplyTo = original });

            Assert.Equal("Re: Printer broken", reply.Subject);
            Assert.Equal("ticket-2@example.com", reply.InReplyTo);
            Assert.Equal(new[] { "ticket-1@example.com", "ticket-2@example.com" }, reply.Mime.References.ToArray());
            Assert.Equal(new[] { "asker@example.com" }, reply.Recipients);
            Assert.StartsWith("Fixed.\r\n\r\nOn ", reply.TextBody);
            Assert.Contains("\r\n> Line one\r\n>> earlier\r\n", reply.TextBody);

            MailDraft again = Build(new MailDraftRequest { From = "asker@example.com", InReplyTo = reply });
            Assert.Equal("Re: Printer broken", again.Subject);
        }

        [Fact]
        public void AnAttachmentIsStreamedFromDiskNotHeld()
        {
            string path = _dir.Combine("big.bin");
            File.WriteAllBytes(path, new byte[3 * 1024 * 1024]);
            MailDraft draft = Build(new MailDraftRequest { From = "a@example.com", To = new[] { "b@example.com" }, Attachments = new[] { path } });
            var part = draft.Mime.Attachments.OfType<MimePart>().Single();
            Assert.IsType<FileContentStream>(part.Content.Stream);
            Assert.True(draft.Size > 4 * 1024 * 1024, "base64 of 3 MiB");

            // The file is not held open between writes: it can be replaced, and a second write reads it again.
            File.WriteAllBytes(path, Enumerable.Repeat((byte)'x', 3 * 1024 * 1024).ToArray());
            Assert.Equal(draft.Size, MailDraftBuilder.MeasuredSize(draft.Mime));
        }

        [Fact]
        public void AMissingAttachmentIsNamed()
        {
            var ex = Assert.Throws<MailProtocolException>(() => Build(new MailDraftRequest { From = "a@example.com", Attachments = new[] { _dir.Combine("nope.pdf") } }));
            Assert.Equal("AttachmentNotFound", ex.Reason);
            Assert.Contains("nope.pdf", ex.Message);
        }

        [Theory]
        [InlineData("2.0.0 Ok: queued as 4FxYz12AbC", "4FxYz12AbC")]
        [InlineData("OK id=1rTx5M-0004Kd-2a", "1rTx5M-0004Kd-2a")]
        [InlineData("2.6.0 <abc@host> [InternalId=123456789, Hostname=X] Queued mail for delivery", "123456789")]
        [InlineData("2.0.0 Ok", null)]
        [InlineData(null, null)]
        public void ReadsTheQueueIdFromTheFinalReply(string response, string expected) =>
            Assert.Equal(expected, SmtpReplies.QueueId(response));
    }
}
