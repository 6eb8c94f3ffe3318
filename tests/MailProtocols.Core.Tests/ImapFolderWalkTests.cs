using System.Linq;
using MailProtocols.Core.Imap;
using Xunit;

namespace MailProtocols.Tests
{
    /// <summary>Walking a folder by message number: the ranges and their anchors (the output order of a range: ImapWalkRangeTests).</summary>
    public class ImapFolderWalkTests
    {
        [Fact]
        public void AscendingRangesCoverTheFolderInBatches()
        {
            Assert.Equal(new[] { (0, 499), (500, 999), (1000, 1199) }, ImapFolderWalk.Ranges(1200, null, false, 500).ToArray());
        }

        [Fact]
        public void DescendingRangesStartAtTheTop()
        {
            Assert.Equal(new[] { (700, 1199), (200, 699), (0, 199) }, ImapFolderWalk.Ranges(1200, null, true, 500).ToArray());
        }

        [Theory]
        [InlineData(10, false, 0, 9)]
        [InlineData(10, true, 1190, 1199)]
        [InlineData(5000, false, 0, 1199)]
        public void FirstTakesFromTheStartOrWithDescendingFromTheEnd(int first, bool descending, int low, int high)
        {
            var ranges = ImapFolderWalk.Ranges(1200, first, descending, 5000).ToArray();
            Assert.Equal(new[] { (low, high) }, ranges);
        }

        [Fact]
        public void DescendingFirstSpanningBatchesStopsAtItsBottom()
        {
            Assert.Equal(new[] { (700, 1199), (450, 699) }, ImapFolderWalk.Ranges(1200, 750, true, 500).ToArray());
        }

        [Theory]
        [InlineData(0, null)]
        [InlineData(0, 3)]
        [InlineData(1200, 0)]
        public void NothingToWalkGivesNoRange(int count, int? first)
        {
            Assert.Empty(ImapFolderWalk.Ranges(count, first, false, 500));
            Assert.Empty(ImapFolderWalk.Ranges(count, first, true, 500));
        }

        [Fact]
        public void TheAnchorIsTheNumberThePreviousRangeEndedAt()
        {
            Assert.Equal(-1, ImapFolderWalk.Anchor(0, 499, false, null));
            Assert.Equal(499, ImapFolderWalk.Anchor(500, 999, false, 512u));
            Assert.Equal(700, ImapFolderWalk.Anchor(200, 699, true, 731u));
        }
    }
}
