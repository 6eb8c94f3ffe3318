using MailProtocols.Core.Operations;
using Xunit;

namespace MailProtocols.Core.Tests
{
    public class OperationProgressTests
    {
        [Theory]
        [InlineData(0, 10, 0)]
        [InlineData(5, 10, 50)]
        [InlineData(12, 10, 100)]
        [InlineData(3, -1, -1)]
        [InlineData(-1, 10, -1)]
        public void Percent_is_bounded_and_unknown_without_counts(long done, long total, int percent) =>
            Assert.Equal(percent, new OperationProgress("a", "s", done, total).Percent);

        [Fact]
        public void Finished_marks_the_activity_completed() =>
            Assert.True(OperationProgress.Finished("Sync-ImapFolder").Completed);
    }
}
