using MailKit;
using MailProtocols.Core.Imap;
using MimeKit;
using Xunit;

namespace MailProtocols.Tests
{
    /// <summary>
    /// A summary's envelope on an ImapMessage: its address lists become text only when From, To or Cc is read.
    /// (ApplySummary itself cannot run here: this project loads MailKit's net10.0 build, whose Keywords type differs.)
    /// </summary>
    public class ImapMessageMappingTests
    {
        [Fact]
        public void AddressesReadAsMimeKitFormatsThem()
        {
            var envelope = new Envelope { Subject = "Quarterly report" };
            envelope.From.Add(new MailboxAddress("Bob Builder", "bob@builder.example"));
            envelope.To.Add(new MailboxAddress("", "ops@example.org"));
            envelope.To.Add(new MailboxAddress("Priya, Ops", "priya@example.org"));
            var message = new ImapMessage();

            message.ApplyEnvelope(envelope);

            Assert.Equal(envelope.From.ToString(), message.From);
            Assert.Equal("\"Bob Builder\" <bob@builder.example>", message.From);
            Assert.Equal(envelope.To.ToString(), message.To);
            Assert.Contains("\"Priya, Ops\" <priya@example.org>", message.To);
            Assert.Null(message.Cc);
            Assert.Equal("Quarterly report", message.Subject);
        }

        [Fact]
        public void TextIsKeptOnceReadAndASetValueReplacesTheList()
        {
            var envelope = new Envelope();
            envelope.From.Add(new MailboxAddress("Ana", "ana@example.org"));
            var message = new ImapMessage();
            message.ApplyEnvelope(envelope);

            string first = message.From;
            Assert.Same(first, message.From);

            message.From = "someone@example.org";
            Assert.Equal("someone@example.org", message.From);
            message.To = null;
            Assert.Null(message.To);
        }

        [Fact]
        public void ACopyMadeBeforeTheFirstReadFormatsTheSameText()
        {
            var envelope = new Envelope();
            envelope.Cc.Add(new MailboxAddress("Léa Dubois", "lea@example.fr"));
            var message = new ImapMessage();
            message.ApplyEnvelope(envelope);

            ImapMessage copy = message.Clone();

            Assert.Equal(envelope.Cc.ToString(), copy.Cc);
            Assert.Equal(copy.Cc, message.Cc);
        }
    }
}
