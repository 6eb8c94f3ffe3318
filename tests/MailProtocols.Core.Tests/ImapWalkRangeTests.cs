using System.Collections.Generic;
using MailProtocols.Core.Imap;
using Xunit;

namespace MailProtocols.Tests
{
    /// <summary>One range of a walk: what goes out, when, and in which order, as FETCH responses arrive.</summary>
    public class ImapWalkRangeTests
    {
        private readonly List<uint> _out = new List<uint>();

        private ImapWalkRange<uint> Range(int low, int high, int anchor = -1, uint? edge = null, bool descending = false) =>
            new ImapWalkRange<uint>(low, high, anchor, edge, descending, _out.Add);

        [Fact]
        public void AscendingMessagesGoOutAsTheyArrive()
        {
            var range = Range(0, 2);
            range.Arrived(0, 10, true, 10);
            Assert.Equal(new uint[] { 10 }, _out);
            range.Arrived(1, 11, true, 11);
            Assert.Equal(new uint[] { 10, 11 }, _out);
            range.Arrived(2, 12, true, 12);
            Assert.True(range.Finish());
            Assert.Equal(new uint[] { 10, 11, 12 }, _out);
            Assert.Equal(3, range.Released);
        }

        [Fact]
        public void AMessageWaitsForEveryNumberBelowIt()
        {
            // Servers may answer in any order; the output stays in number (so UID) order.
            var range = Range(0, 2);
            range.Arrived(2, 12, true, 12);
            range.Arrived(1, 11, true, 11);
            Assert.Empty(_out);
            range.Arrived(0, 10, true, 10);
            Assert.Equal(new uint[] { 10, 11, 12 }, _out);
        }

        [Fact]
        public void NothingGoesOutBeforeTheAnchorHoldsTheMessageWrittenLast()
        {
            var range = Range(500, 501, anchor: 499, edge: 512);
            range.Arrived(500, 513, true, 513);
            Assert.Empty(_out);
            range.Arrived(499, 512, true, 512);
            Assert.Equal(new uint[] { 513 }, _out);
            range.Arrived(501, 515, true, 515);
            Assert.True(range.Finish());
            Assert.Equal(new uint[] { 513, 515 }, _out);
        }

        [Fact]
        public void AShiftedAnchorKeepsTheWholeRangeBack()
        {
            // 512 was written last at number 499; after an expunge below it, 513 sits there.
            var range = Range(500, 501, anchor: 499, edge: 512);
            range.Arrived(499, 513, true, 513);
            range.Arrived(500, 515, true, 515);
            range.Arrived(501, 516, true, 516);
            Assert.False(range.Finish());
            Assert.Empty(_out);
        }

        [Fact]
        public void AMissingAnchorKeepsTheWholeRangeBack()
        {
            // The anchor itself was expunged, so the server did not return it.
            var range = Range(500, 501, anchor: 499, edge: 512);
            range.Arrived(500, 515, true, 515);
            Assert.False(range.Finish());
            Assert.Empty(_out);
        }

        [Fact]
        public void AnEmptyRangeIsNotAligned()
        {
            Assert.False(Range(0, 9).Finish());
        }

        [Fact]
        public void AnIncompleteResponseWaitsForTheMessagesOwnAndIsNeverWrittenTwice()
        {
            var range = Range(0, 2);
            // An unsolicited flag update (no UID, not every item) before the message's own response.
            range.Arrived(0, 0, false, 999);
            Assert.Empty(_out);
            range.Arrived(0, 10, true, 10);
            Assert.Equal(new uint[] { 10 }, _out);
            // A flag update of a message already out.
            range.Arrived(0, 10, false, 998);
            // One of a message still waiting (for number 1): it does not replace the message's own response.
            range.Arrived(2, 12, true, 12);
            range.Arrived(2, 12, false, 997);
            range.Arrived(1, 11, true, 11);
            Assert.True(range.Finish());
            Assert.Equal(new uint[] { 10, 11, 12 }, _out);
        }

        [Fact]
        public void AGapIsWaitedForUntilTheEndAndMessagesWithoutAUidAreLeftOut()
        {
            var range = Range(0, 3);
            range.Arrived(0, 10, true, 10);
            range.Arrived(2, 12, true, 12);
            range.Arrived(3, 0, false, 999);
            Assert.Equal(new uint[] { 10 }, _out);
            Assert.True(range.Finish());
            Assert.Equal(new uint[] { 10, 12 }, _out);
        }

        [Fact]
        public void DescendingGoesOutAtTheEndTopFirst()
        {
            var range = Range(200, 202, anchor: 203, edge: 300, descending: true);
            range.Arrived(203, 300, true, 300);
            range.Arrived(200, 210, true, 210);
            range.Arrived(201, 211, true, 211);
            range.Arrived(202, 212, true, 212);
            Assert.Empty(_out);
            Assert.True(range.Finish());
            Assert.Equal(new uint[] { 212, 211, 210 }, _out);
        }

        [Fact]
        public void ResponsesOutsideTheRangeAreIgnored()
        {
            var range = Range(10, 11);
            range.Arrived(9, 9, true, 9);
            range.Arrived(12, 12, true, 12);
            range.Arrived(10, 20, true, 20);
            range.Arrived(11, 21, true, 21);
            Assert.True(range.Finish());
            Assert.Equal(new uint[] { 20, 21 }, _out);
        }
    }
}
