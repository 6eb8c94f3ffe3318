using System.Linq;
using MailProtocols.Core.Operations;
using Xunit;

namespace MailProtocols.Core.Tests
{
    /// <summary>The progress of a batched transfer, as the channel receives it.</summary>
    public class TransferProgressTests
    {
        [Fact]
        public void With_bytes_the_bar_follows_the_bytes_and_names_both_counts()
        {
            var channel = new RecordingChannel();
            var progress = new TransferProgress(channel, "Save-Pop3Message", "From mail.example.com: ", "messages", 3, 4096);

            progress.AddBytes(2048);
            progress.AddItems(1);
            progress.Complete();

            OperationProgress last = channel.Progress[channel.Progress.Count - 2];
            Assert.Equal($"From mail.example.com: 1 of 3 messages, {DisplayText.Size(2048)} of {DisplayText.Size(4096)}", last.Status);
            Assert.Equal(50, last.Percent);
            Assert.All(channel.Progress, p => Assert.Equal("Save-Pop3Message", p.Activity));
            Assert.True(channel.Progress.Last().Completed);
        }

        [Fact]
        public void Without_bytes_it_counts_items_and_an_unknown_total_has_no_percent()
        {
            var channel = new RecordingChannel();
            var progress = new TransferProgress(channel, "a", null, "headers", -1, 0);

            progress.AddItems(5);

            Assert.Equal("5 headers", channel.Progress.Single().Status);
            Assert.Equal(-1, channel.Progress.Single().Percent);
        }
    }
}
