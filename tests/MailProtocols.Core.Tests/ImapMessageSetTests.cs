using System;
using System.Diagnostics;
using System.Linq;
using MailProtocols.Core.Imap;
using Xunit;

namespace MailProtocols.Tests
{
    /// <summary>How pipeline input is batched: one set per session, folder and UIDVALIDITY, in order, without duplicates.</summary>
    [Collection(TimingCollection.Name)]
    public class ImapMessageSetTests : IDisposable
    {
        private readonly ImapSession _one = TestSessions.Imap(new ConnectionSettings { Server = "127.0.0.1" });
        private readonly ImapSession _two = TestSessions.Imap(new ConnectionSettings { Server = "127.0.0.1" });

        public void Dispose()
        {
            _one.Dispose();
            _two.Dispose();
        }

        private ImapMessage Message(ImapSession session, string folder, uint validity, uint uid, string subject = null) =>
            new ImapMessage { Session = session, Folder = folder, UidValidity = validity, Uid = uid, Subject = subject };

        [Fact]
        public void UidsKeepArrivalOrderWithoutDuplicates()
        {
            var set = new ImapMessageSet(_one, "INBOX", null);
            foreach (uint uid in new uint[] { 5, 3, 5, 9, 3, 1, 9 })
            {
                set.Add(uid);
            }

            Assert.Equal(new uint[] { 5, 3, 9, 1 }, set.Uids);
            Assert.Equal(new uint[] { 5, 3, 9, 1 }, set.UniqueIds.Select(u => u.Id));
        }

        [Fact]
        public void UniqueIdsCarryNoValidityOfTheirOwn()
        {
            // The set checks UIDVALIDITY once when it opens the folder; the ids themselves are bare UIDs.
            var set = new ImapMessageSet(_one, "INBOX", 777);
            set.Add(Message(_one, "INBOX", 777, 4));
            Assert.Equal(0u, set.UniqueIds.Single().Validity);
        }

        [Fact]
        public void TheSameMessageTwiceIsOneUidAndTheLatestObject()
        {
            var set = new ImapMessageSet(_one, "INBOX", 1);
            set.Add(Message(_one, "INBOX", 1, 8, "first"));
            set.Add(Message(_one, "INBOX", 1, 8, "second"));

            Assert.Equal(new uint[] { 8 }, set.Uids);
            Assert.Equal("second", set.Messages[8].Subject);
        }

        [Fact]
        public void DescribeNamesOneMessageOrCountsThem()
        {
            var set = new ImapMessageSet(_one, "Projects/Web", null);
            set.Add(42);
            Assert.Equal("message 42 in Projects/Web", set.Describe());
            set.Add(43);
            Assert.Equal("2 messages in Projects/Web", set.Describe());
            Assert.Equal("0 messages in Projects/Web", new ImapMessageSet(_one, "Projects/Web", null).Describe());
        }

        [Fact]
        public void InputIsGroupedBySessionFolderAndUidValidityInOrderOfFirstAppearance()
        {
            var input = new ImapMessageSetCollection();
            input.Add(Message(_one, "INBOX", 1, 10));
            input.Add(Message(_one, "Archive", 1, 20));
            input.Add(Message(_two, "INBOX", 1, 30));          // same folder name, another session
            input.Add(Message(_one, "INBOX", 2, 40));          // the folder was recreated: UIDs of another generation
            input.Add(Message(_one, "INBOX", 1, 11));
            input.Add(Message(_one, "inbox", 1, 50));          // folder names are case-sensitive (only INBOX is special, and the server says which)
            input.Add(Message(_one, "Archive", 1, 20));        // a duplicate

            Assert.Equal(5, input.Sets.Count);
            Assert.Equal(new[] { "INBOX", "Archive", "INBOX", "INBOX", "inbox" }, input.Sets.Select(s => s.Folder));
            Assert.Same(_two, input.Sets[2].Session);
            Assert.Equal(new uint?[] { 1, 1, 1, 2, 1 }, input.Sets.Select(s => s.UidValidity));
            Assert.Equal(new uint[] { 10, 11 }, input.Sets[0].Uids);
            Assert.Equal(6, input.Count);
        }

        [Fact]
        public void BareUidsFormTheirOwnSetBesideObjectsOfTheSameFolder()
        {
            // -Folder/-Uid input has no UIDVALIDITY to check, so it is never merged into a set that has one.
            var input = new ImapMessageSetCollection();
            input.Add(Message(_one, "INBOX", 5, 1));
            input.Add(_one, "INBOX", new uint[] { 1, 2, 2 });
            input.Add(_one, "INBOX", new uint[] { 3 });

            Assert.Equal(2, input.Sets.Count);
            Assert.Equal(5u, input.Sets[0].UidValidity);
            Assert.Null(input.Sets[1].UidValidity);
            Assert.Equal(new uint[] { 1, 2, 3 }, input.Sets[1].Uids);
            Assert.Empty(input.Sets[1].Messages);
        }

        [Fact]
        public void AnEmptySetStandsForAWholeFolderAndIsShared()
        {
            var input = new ImapMessageSetCollection();
            ImapMessageSet all = input.AddEmpty(_one, "Trash");
            Assert.Empty(all.Uids);
            Assert.Same(all, input.AddEmpty(_one, "Trash"));
            Assert.Equal(0, input.Count);

            input.Clear();
            Assert.Empty(input.Sets);
            Assert.NotSame(all, input.AddEmpty(_one, "Trash"));
        }

        /// <summary>
        /// Two million UIDs (a large folder piped in whole). With a list search per Add that is ~2*10^12 comparisons:
        /// minutes, even vectorized (200,000 UIDs took under a second that way, too little to show it). With a hash
        /// set beside the list, a fraction of a second. The bound is generous for a loaded machine; the class runs
        /// alone (see <see cref="TimingCollection"/>).
        /// </summary>
        private const int ManyUids = 2_000_000;

        [Fact]
        public void AddingManyUidsIsNotQuadratic()
        {
            const int count = ManyUids;
            var set = new ImapMessageSet(_one, "INBOX", null);
            Stopwatch clock = Stopwatch.StartNew();
            for (uint uid = count; uid > 0; uid--)
            {
                set.Add(uid);
                if (uid % 1000 == 0)
                {
                    set.Add(count);
                }
            }

            clock.Stop();
            Assert.Equal(count, set.Uids.Count);
            Assert.Equal((uint)count, set.Uids[0]);
            Assert.Equal(1u, set.Uids[count - 1]);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"Adding {count} UIDs took {clock.Elapsed.TotalSeconds:0.0} s.");
        }

        [Fact]
        public void ManyBareUidsThroughTheCollectionAreNotQuadraticEither()
        {
            const int count = ManyUids / 2;
            var input = new ImapMessageSetCollection();
            Stopwatch clock = Stopwatch.StartNew();
            input.Add(_one, "INBOX", Enumerable.Range(1, count).Select(i => (uint)i));
            input.Add(_one, "INBOX", Enumerable.Range(1, count).Select(i => (uint)i));
            clock.Stop();

            Assert.Equal(count, input.Count);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"Adding {count} UIDs twice took {clock.Elapsed.TotalSeconds:0.0} s.");
        }
    }
}
