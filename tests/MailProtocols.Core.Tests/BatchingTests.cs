using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using MailKit;
using MailKit.Search;
using MailProtocols.Core.Imap;
using MailProtocols.Core.Operations;
using Xunit;

namespace MailProtocols.Tests
{
    /// <summary>How work is cut into commands (by count and by bytes) and fetched one batch ahead of the pipeline.</summary>
    public class BatchingTests
    {
        [Theory]
        [InlineData(10, 3, new[] { 3, 3, 3, 1 })]
        [InlineData(9, 3, new[] { 3, 3, 3 })]
        [InlineData(2, 250, new[] { 2 })]
        [InlineData(0, 5, new int[0])]
        public void ImapBatchesAreRunsOfAtMostTheSizeInOrder(int items, int size, int[] expected)
        {
            var list = Enumerable.Range(1, items).ToList();
            var batches = ImapMessageReader.Batches(list, size).ToList();
            Assert.Equal(expected, batches.Select(b => b.Count));
            Assert.Equal(list, batches.SelectMany(b => b));
        }

        [Fact]
        public void Pop3BatchesRespectCountAndBytes()
        {
            long[] sizes = { 10, 10, 10, 10, 10 };
            // By count: at most 2 per batch.
            Assert.Equal(new[] { 2, 2, 1 }, Batching.BySize(sizes, s => s, 2, 1000).Select(b => b.Length));
            // By bytes: 25 bytes hold two messages of 10.
            Assert.Equal(new[] { 2, 2, 1 }, Batching.BySize(sizes, s => s, 100, 25).Select(b => b.Length));
            // Exactly the byte limit still fits.
            Assert.Equal(new[] { 2, 2, 1 }, Batching.BySize(sizes, s => s, 100, 20).Select(b => b.Length));
        }

        [Fact]
        public void AMessageLargerThanTheByteLimitGoesAloneAndIsNeverDropped()
        {
            long[] sizes = { 5, 500, 5, 5, 700 };
            var batches = Batching.BySize(sizes, s => s, 100, 100).ToList();
            Assert.Equal(new[] { new long[] { 5 }, new long[] { 500 }, new long[] { 5, 5 }, new long[] { 700 } }, batches);
        }

        [Fact]
        public void Pop3BatchesOfNothingAreNone()
        {
            Assert.Empty(Batching.BySize(new long[0], s => s, 10, 10));
        }

        [Theory]
        [InlineData(ImapSortField.Arrival, OrderByType.Arrival)]
        [InlineData(ImapSortField.Date, OrderByType.Date)]
        [InlineData(ImapSortField.From, OrderByType.From)]
        [InlineData(ImapSortField.Subject, OrderByType.Subject)]
        [InlineData(ImapSortField.Size, OrderByType.Size)]
        public void SortFieldsMapToSortKeysInBothDirections(ImapSortField field, OrderByType type)
        {
            OrderBy up = ImapSorting.OrderFor(field, false);
            OrderBy down = ImapSorting.OrderFor(field, true);
            Assert.Equal(type, up.Type);
            Assert.Equal(SortOrder.Ascending, up.Order);
            Assert.Equal(SortOrder.Descending, down.Order);
        }

        /// <summary>A source whose items record when they were produced, on which thread, and whether it was disposed mid-flight.</summary>
        private sealed class Source
        {
            public readonly ManualResetEventSlim SecondRequested = new ManualResetEventSlim(false);
            public readonly ManualResetEventSlim ReleaseSecond = new ManualResetEventSlim(true);
            public volatile bool SecondFinished;
            public volatile bool DisposedBeforeSecondFinished;
            public int FirstThread;

            public IEnumerable<int> Items(int count, int failAt = -1)
            {
                try
                {
                    for (int i = 1; i <= count; i++)
                    {
                        if (i == 1)
                        {
                            FirstThread = Environment.CurrentManagedThreadId;
                        }

                        if (i == 2)
                        {
                            SecondRequested.Set();
                            ReleaseSecond.Wait(TimeSpan.FromSeconds(30));
                        }

                        if (i == failAt)
                        {
                            throw new InvalidOperationException($"item {i} failed");
                        }

                        yield return i;
                        if (i == 2)
                        {
                            SecondFinished = true;
                        }
                    }
                }
                finally
                {
                    DisposedBeforeSecondFinished = SecondRequested.IsSet && !SecondFinished && !ReleaseSecond.IsSet;
                }
            }
        }

        [Fact]
        public void ReadAheadKeepsTheOrderAndTheFirstItemOnTheCallersThread()
        {
            var source = new Source();
            Assert.Equal(Enumerable.Range(1, 50), ReadAhead.Of(source.Items(50)).ToList());
            Assert.Equal(Environment.CurrentManagedThreadId, source.FirstThread);
            Assert.Empty(ReadAhead.Of(Enumerable.Empty<int>()));
        }

        [Fact]
        public void ReadAheadFetchesTheNextItemWhileTheCallerHandlesTheCurrentOne()
        {
            var source = new Source();
            foreach (int item in ReadAhead.Of(source.Items(3)))
            {
                if (item == 1)
                {
                    // Still handling item 1: item 2 must be on its way already.
                    Assert.True(source.SecondRequested.Wait(TimeSpan.FromSeconds(30)), "the second item was not requested while the first was handled");
                }
            }
        }

        [Fact]
        public void AFailureComesOutAfterTheItemsBeforeIt()
        {
            var seen = new List<int>();
            var error = Assert.Throws<InvalidOperationException>(() =>
            {
                foreach (int item in ReadAhead.Of(new Source().Items(5, failAt: 3)))
                {
                    seen.Add(item);
                }
            });
            Assert.Equal("item 3 failed", error.Message);
            Assert.Equal(new[] { 1, 2 }, seen);
        }

        [Fact]
        public void StoppingEarlyWaitsForTheItemInFlightBeforeDisposingTheSource()
        {
            // Disposing the source (closing the IMAP command) while a fetch is running would cost the connection.
            var source = new Source();
            source.ReleaseSecond.Reset();
            var received = new List<int>();
            var stopped = new Thread(() =>
            {
                foreach (int item in ReadAhead.Of(source.Items(5)))
                {
                    received.Add(item);
                    source.SecondRequested.Wait(TimeSpan.FromSeconds(30));
                    break;   // like Select-Object -First 1, while item 2 is being fetched
                }
            });
            stopped.Start();
            Assert.True(source.SecondRequested.Wait(TimeSpan.FromSeconds(30)));
            Assert.False(stopped.Join(TimeSpan.FromMilliseconds(200)), "the stop did not wait for the fetch in flight");
            source.ReleaseSecond.Set();
            Assert.True(stopped.Join(TimeSpan.FromSeconds(30)));
            Assert.Equal(new[] { 1 }, received);
            Assert.False(source.DisposedBeforeSecondFinished);
        }
    }
}
