using System;
using System.Collections.Generic;
using System.IO;
using MailProtocols.Core.Maildir;
using Xunit;

namespace MailProtocols.Tests
{
    /// <summary>The times of cur/ and new/ that let a no-change two-way run skip the records and the file names: a stamp that matched after a change would lose that change.</summary>
    public class MaildirStampTests : IDisposable
    {
        private readonly TempDirectory _dir = new TempDirectory();
        private readonly MaildirFolder _maildir;

        public MaildirStampTests()
        {
            _maildir = new MaildirFolder(_dir.Path);
            _maildir.Create(isSubfolder: false);
            File.WriteAllText(Path.Combine(_maildir.Cur, "1.1_7.mailprotocols,S=1:2,S"), "x");
            Settle();
        }

        public void Dispose() => _dir.Dispose();

        private void Settle()
        {
            DateTime past = DateTime.UtcNow.AddMinutes(-1);
            Directory.SetLastWriteTimeUtc(_maildir.Cur, past);
            Directory.SetLastWriteTimeUtc(_maildir.New, past.AddSeconds(1));
        }

        [Fact]
        public void MatchesUntilAFileIsRenamedAddedOrRemoved()
        {
            string stamp = MaildirStamp.Take(_maildir, 0, DateTime.UtcNow);
            Assert.NotNull(stamp);
            Assert.True(MaildirStamp.Matches(stamp, _maildir, expunge: false));

            File.Move(Path.Combine(_maildir.Cur, "1.1_7.mailprotocols,S=1:2,S"), Path.Combine(_maildir.Cur, "1.1_7.mailprotocols,S=1:2,FS"));
            Assert.False(MaildirStamp.Matches(stamp, _maildir, expunge: false));

            Settle();
            stamp = MaildirStamp.Take(_maildir, 0, DateTime.UtcNow);
            File.WriteAllText(Path.Combine(_maildir.New, "dropped-by-an-mua"), "x");
            Assert.False(MaildirStamp.Matches(stamp, _maildir, expunge: false));

            Settle();
            stamp = MaildirStamp.Take(_maildir, 0, DateTime.UtcNow);
            File.Delete(Path.Combine(_maildir.Cur, "1.1_7.mailprotocols,S=1:2,FS"));
            Assert.False(MaildirStamp.Matches(stamp, _maildir, expunge: false));
        }

        [Fact]
        public void ARecentChangeIsNotTrusted()
        {
            Directory.SetLastWriteTimeUtc(_maildir.Cur, DateTime.UtcNow.AddSeconds(-1));
            Assert.Null(MaildirStamp.Take(_maildir, 0, DateTime.UtcNow));
        }

        [Fact]
        public void ALocalDeletionWaitingForExpungeIsWorkToDo()
        {
            string stamp = MaildirStamp.Take(_maildir, 2, DateTime.UtcNow);
            Assert.True(MaildirStamp.Matches(stamp, _maildir, expunge: false));
            Assert.False(MaildirStamp.Matches(stamp, _maildir, expunge: true));
        }

        [Theory]
        [InlineData(null)]
        [InlineData("")]
        [InlineData("1 2")]
        [InlineData("a b c")]
        public void AMalformedStampNeverMatches(string stamp) => Assert.False(MaildirStamp.Matches(stamp, _maildir, expunge: false));

        [Fact]
        public void TheStateKeepsTheStampInItsHeaderAndAHeaderOnlyReadStopsAtTheRecords()
        {
            var state = new MaildirSyncState
            {
                Folder = "INBOX", UidValidity = 7, UidNext = 3, Count = 2, HighestModSeq = 9, Complete = true, LocalStamp = "1 2 0",
                Messages = new List<SyncedMessage> { new SyncedMessage { Uid = 1, Letters = "S", BaseName = "a" }, new SyncedMessage { Uid = 2, Letters = "", BaseName = "b" } },
            };
            state.Write(_dir.Path);

            MaildirSyncState full = MaildirSyncState.Read(_dir.Path);
            MaildirSyncState header = MaildirSyncState.Read(_dir.Path, headerOnly: true);

            Assert.Equal("1 2 0", full.LocalStamp);
            Assert.Equal(2, full.Messages.Count);
            Assert.Equal("1 2 0", header.LocalStamp);
            Assert.Empty(header.Messages);
            Assert.Equal(9ul, header.HighestModSeq);
            Assert.True(header.Complete);
        }
    }
}
