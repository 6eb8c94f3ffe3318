using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using MailProtocols.Core.Imap;
using Xunit;

namespace MailProtocols.Tests
{
    /// <summary>Handing items from a worker to the enumerating thread in chunks.</summary>
    public class HandoffTests
    {
        [Fact]
        public void ItemsArriveInOrderInChunksOfTheGivenSize()
        {
            List<List<int>> chunks = Handoff<int>.Run(h =>
            {
                for (int i = 0; i < 10; i++)
                {
                    h.Add(i);
                }
            }, 4).ToList();
            Assert.Equal(new[] { 4, 4, 2 }, chunks.Select(c => c.Count));
            Assert.Equal(Enumerable.Range(0, 10), chunks.SelectMany(c => c));
        }

        [Fact]
        public void PublishHandsOverAPartChunkWhileTheWorkerGoesOn()
        {
            using (var handedOver = new ManualResetEventSlim())
            {
                IEnumerator<List<int>> chunks = Handoff<int>.Run(h =>
                {
                    h.Add(1);
                    h.Publish();
                    // Goes on only once the caller has the first item: it did not wait for a full chunk or the end.
                    Assert.True(handedOver.Wait(TimeSpan.FromSeconds(30)));
                    h.Add(2);
                }, 64).GetEnumerator();
                Assert.True(chunks.MoveNext());
                Assert.Equal(new[] { 1 }, chunks.Current);
                handedOver.Set();
                Assert.True(chunks.MoveNext());
                Assert.Equal(new[] { 2 }, chunks.Current);
                Assert.False(chunks.MoveNext());
            }
        }

        [Fact]
        public void AFailureComesOutAfterWhatWasHandedOverBeforeIt()
        {
            var seen = new List<int>();
            var error = Assert.Throws<InvalidOperationException>(() =>
            {
                foreach (List<int> chunk in Handoff<int>.Run(h =>
                {
                    h.Add(1);
                    h.Add(2);
                    h.Add(3);
                    throw new InvalidOperationException("lost");
                }, 2))
                {
                    seen.AddRange(chunk);
                }
            });
            Assert.Equal("lost", error.Message);
            // 3 was in a chunk not yet full when the worker failed.
            Assert.Equal(new[] { 1, 2, 3 }, seen);
        }

        [Fact]
        public void TheWorkerWaitsUntilTheCallerHasTakenWhatItWasToldToWaitFor()
        {
            long takenWhenWaitEnded = -1;
            int taken = 0;
            foreach (List<int> chunk in Handoff<int>.Run(h =>
            {
                h.Add(1);
                h.Publish();
                h.WaitUntilTaken(1);
                takenWhenWaitEnded = Volatile.Read(ref taken);
                h.Add(2);
            }, 64))
            {
                Interlocked.Add(ref taken, chunk.Count);
            }

            // The wait ended only after the caller had finished with the first chunk (and asked for the next).
            Assert.Equal(1, takenWhenWaitEnded);
        }

        [Fact]
        public void StoppingEarlyTellsTheWorkerAndWaitsForIt()
        {
            bool sawStop = false;
            bool finished = false;
            foreach (List<int> chunk in Handoff<int>.Run(h =>
            {
                h.Add(1);
                h.Publish();
                // Blocks until the caller stops: it never takes more than the first chunk.
                h.WaitUntilTaken(2);
                sawStop = h.Stopped;
                finished = true;
            }, 64))
            {
                break;
            }

            // The enumeration's end waited for the worker, so what it did is visible here.
            Assert.True(finished);
            Assert.True(sawStop);
        }
    }
}
