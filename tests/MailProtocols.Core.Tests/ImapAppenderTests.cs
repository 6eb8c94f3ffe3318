using System.Linq;
using MailProtocols.Core.Imap;
using MailProtocols.Tests;
using Xunit;

namespace MailProtocols.Core.Tests
{
    /// <summary>Add-ImapMessage's batching and questions, without a server.</summary>
    public class ImapAppenderTests
    {
        private static ImapAppendInput Piped(long size) => ImapAppendInput.FromMessage(new ImapMessage { Uid = 1, Folder = "Big", Size = size });

        [Fact]
        public void Piped_messages_count_toward_the_size_limit_as_files_do()
        {
            // Four 9 MB messages: the first batch closes once it reaches 25 MB.
            var inputs = Enumerable.Range(0, 4).Select(_ => Piped(9L * 1024 * 1024));
            Assert.Equal(new[] { 3, 1 }, ImapAppender.Batches(inputs).Select(b => b.Count));
        }

        [Fact]
        public void Small_messages_go_in_batches_of_a_hundred() =>
            Assert.Equal(new[] { 100, 100, 50 }, ImapAppender.Batches(Enumerable.Range(0, 250).Select(_ => Piped(1000))).Select(b => b.Count));

        [Fact]
        public void Declined_messages_are_neither_downloaded_nor_appended()
        {
            ImapSession session = TestSessions.Imap(new ConnectionSettings { Server = "mail.example.com", UserName = "u" });
            var channel = new RecordingChannel(allowChanges: false);

            new ImapAppender(session, "Archive", null, null, null).Run(new[] { Piped(10), Piped(20) }, channel);

            Assert.Equal(2, channel.Questions.Count);
            Assert.All(channel.Questions, q => Assert.StartsWith("Append ", q));
            Assert.Empty(channel.Outputs);
            Assert.Empty(channel.Errors);
        }

        [Fact]
        public void A_missing_file_is_refused_when_it_is_given() =>
            Assert.Equal("FileNotFound", Assert.Throws<MailProtocolException>(() => ImapAppendInput.FromFile("/nonexistent/mail.eml")).Reason);
    }
}
