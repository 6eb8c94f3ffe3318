using System;
using System.IO;
using System.Linq;
using MailProtocols.Core.Imap.Migration;
using Xunit;

namespace MailProtocols.Tests
{
    /// <summary>Copy-ImapMailbox's identity cache: it may only ever save a fetch, never give a wrong identity.</summary>
    public class IdentityCacheTests
    {
        private static readonly DateTimeOffset Day = new DateTimeOffset(2024, 3, 1, 12, 0, 0, TimeSpan.Zero);

        [Fact]
        public void WhatIsSavedReadsBackForTheSameFolderAndUidValidityOnly()
        {
            using (var dir = new TempDirectory())
            {
                IdentityCache cache = IdentityCache.Load(dir.Path, "me@host:143", "INBOX", 7);
                cache.Set(1, 100, Day, "m:<a@x>");
                cache.Set(2, 200, null, "h:ABC");
                cache.Save();

                IdentityCache again = IdentityCache.Load(dir.Path, "me@host:143", "INBOX", 7);
                Assert.True(again.TryGet(1, 100, Day, out string who));
                Assert.Equal("m:<a@x>", who);
                Assert.True(again.TryGet(2, 200, null, out who));
                Assert.Equal("h:ABC", who);

                Assert.Equal(0, IdentityCache.Load(dir.Path, "me@host:143", "INBOX", 8).Count);
                Assert.Equal(0, IdentityCache.Load(dir.Path, "me@host:143", "Sent", 7).Count);
                Assert.Equal(0, IdentityCache.Load(dir.Path, "me@other:143", "INBOX", 7).Count);
            }
        }

        [Fact]
        public void AnEntryIsUsedOnlyWithTheSizeAndDateItWasStoredWith()
        {
            using (var dir = new TempDirectory())
            {
                IdentityCache cache = IdentityCache.Load(dir.Path, "me@host:143", "INBOX", 7);
                cache.Set(1, 100, Day, "m:<a@x>");
                Assert.False(cache.TryGet(1, 101, Day, out _));
                Assert.False(cache.TryGet(1, 100, Day.AddSeconds(1), out _));
                Assert.False(cache.TryGet(1, 100, null, out _));
                Assert.False(cache.TryGet(2, 100, Day, out _));
                Assert.True(cache.TryGet(1, 100, Day, out _));
            }
        }

        [Fact]
        public void ExpungedUidsAreDroppedAndLineBreaksAreNeverStored()
        {
            using (var dir = new TempDirectory())
            {
                IdentityCache cache = IdentityCache.Load(dir.Path, "me@host:143", "INBOX", 7);
                cache.Set(1, 100, Day, "m:<a@x>");
                cache.Set(2, 100, Day, "m:<b@x>");
                cache.Set(3, 100, Day, "m:<c\n@x>");
                cache.RetainOnly(new[] { 2u, 3u });
                cache.Save();

                IdentityCache again = IdentityCache.Load(dir.Path, "me@host:143", "INBOX", 7);
                Assert.Equal(1, again.Count);
                Assert.True(again.TryGet(2, 100, Day, out _));
                Assert.False(again.Changed);
            }
        }

        [Fact]
        public void AnUnreadableOrForeignFileReadsAsEmpty()
        {
            using (var dir = new TempDirectory())
            {
                IdentityCache cache = IdentityCache.Load(dir.Path, "me@host:143", "INBOX", 7);
                cache.Set(1, 100, Day, "m:<a@x>");
                cache.Save();
                string file = Directory.GetFiles(dir.Path).Single();
                Assert.DoesNotContain(".partial", file);

                File.WriteAllText(file, "something else\n1\t100\t0\tm:<a@x>\n");
                Assert.Equal(0, IdentityCache.Load(dir.Path, "me@host:143", "INBOX", 7).Count);

                // Garbage lines after a good head are skipped, good ones kept.
                File.WriteAllLines(file, new[] { "MailProtocols identity cache 2", "me@host:143\tINBOX\t7", "snapshot\t3\t1", "x\ty", "1\t100\t" + Day.ToUnixTimeSeconds() + "\tm:<a@x>" });
                IdentityCache read = IdentityCache.Load(dir.Path, "me@host:143", "INBOX", 7);
                Assert.Equal(1, read.Count);
                Assert.True(read.TryGet(1, 100, Day, out _));
                Assert.Null(read.Snapshot);
            }
        }

        [Fact]
        public void NoDirectoryMeansNoCache()
        {
            Assert.Null(IdentityCache.Load(null, "me@host:143", "INBOX", 7));
        }

        [Fact]
        public void AnIdentityIsItsWhoWithSizeAndDate()
        {
            Assert.Equal(MessageIdentity.Of("<a@x>", 5, Day, null), MessageIdentity.Of(MessageIdentity.Who("<a@x>", null), 5, Day));
            Assert.Equal(MessageIdentity.Of(null, 5, null, "H"), MessageIdentity.Of(MessageIdentity.Who("  ", "H"), 5, null));
        }
    
        [Fact]
        public void ASnapshotSaysTheFolderIsUnchangedOnlyForTheSameUidNextAndCount()
        {
            using (var dir = new TempDirectory())
            {
                IdentityCache cache = IdentityCache.Load(dir.Path, "me@host:143", "INBOX", 7);
                cache.Set(1, 100, Day, "m:<a@x>");
                cache.Set(2, 100, null, "m:<b@x>");
                cache.SetSnapshot(3, 2);
                cache.Save();

                IdentityCache again = IdentityCache.Load(dir.Path, "me@host:143", "INBOX", 7);
                Assert.True(again.Matches(3, 2));
                Assert.False(again.Matches(4, 2), "a message came in");
                Assert.False(again.Matches(3, 1), "a message was expunged");
                Assert.False(again.Matches(null, 2));
                Assert.Equal(new[] { (1u, 100L, (DateTimeOffset?)Day, "m:<a@x>"), (2u, 100L, (DateTimeOffset?)null, "m:<b@x>") }, again.Entries.OrderBy(e => e.Uid).ToArray());
            }
        }

        [Fact]
        public void NoSnapshotWhenTheEntriesAreNotTheWholeFolder()
        {
            using (var dir = new TempDirectory())
            {
                IdentityCache cache = IdentityCache.Load(dir.Path, "me@host:143", "INBOX", 7);
                cache.Set(1, 100, Day, "m:<a@x>");
                cache.SetSnapshot(5, 2);
                Assert.Null(cache.Snapshot);
                cache.Set(2, 100, Day, "m:<b\n@x>");
                cache.SetSnapshot(5, 1);
                Assert.Null(cache.Snapshot);
            }
        }

        [Fact]
        public void OurAppendsMoveTheSnapshotOnlyWhenTheyFollowIt()
        {
            using (var dir = new TempDirectory())
            {
                IdentityCache cache = IdentityCache.Load(dir.Path, "me@host:143", "INBOX", 7);
                cache.SetSnapshot(10, 0);
                cache.Set(10, 100, Day, "m:<a@x>");
                cache.Set(11, 100, Day, "m:<b@x>");
                cache.AdvanceSnapshot(new uint[] { 10, 11 });
                Assert.True(cache.Matches(12, 2));

                cache.Set(5, 100, Day, "m:<c@x>");
                cache.AdvanceSnapshot(new uint[] { 5 });
                Assert.Null(cache.Snapshot);
            }
        }
    }
}
