using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using MailProtocols.Core.Maildir;
using Xunit;

namespace MailProtocols.Tests
{
    /// <summary>The state Sync-ImapFolder keeps per folder: what makes a re-run incremental, so a misread costs a full check or lost mail.</summary>
    public class MaildirSyncStateTests : IDisposable
    {
        private readonly TempDirectory _dir = new TempDirectory();

        public void Dispose() => _dir.Dispose();

        private void WriteRaw(string text) => File.WriteAllText(MaildirSyncState.PathIn(_dir.Path), text, new UTF8Encoding(false));

        [Fact]
        public void WriteThenReadGivesEveryValueBack()
        {
            var synced = new DateTimeOffset(2024, 2, 29, 23, 59, 58, 123, TimeSpan.Zero);
            var state = new MaildirSyncState
            {
                Folder = "Projects/Web = ünïcode",
                UidValidity = uint.MaxValue,
                HighestUid = 4000000000,
                UidNext = 4000000001,
                HighestModSeq = ulong.MaxValue,
                Count = 123456,
                Complete = true,
                Synced = synced,
            };
            state.Write(_dir.Path);

            MaildirSyncState back = MaildirSyncState.Read(_dir.Path);

            Assert.Equal(state.Folder, back.Folder);
            Assert.Equal(uint.MaxValue, back.UidValidity);
            Assert.Equal(4000000000u, back.HighestUid);
            Assert.Equal(4000000001u, back.UidNext);
            Assert.Equal(ulong.MaxValue, back.HighestModSeq);
            Assert.Equal(123456, back.Count);
            Assert.True(back.Complete);
            Assert.Equal(synced, back.Synced);
        }

        [Fact]
        public void AnInterruptedRunReadsAsIncomplete()
        {
            new MaildirSyncState { Folder = "INBOX", UidValidity = 5, HighestUid = 10, Count = -1, Complete = false }.Write(_dir.Path);

            MaildirSyncState back = MaildirSyncState.Read(_dir.Path);

            Assert.False(back.Complete);
            Assert.Equal(-1, back.Count);
            Assert.Equal(10u, back.HighestUid);
        }

        [Fact]
        public void TheRecordsModSeqIsKeptInTheHeaderAndAbsentMeansZero()
        {
            new MaildirSyncState { Folder = "INBOX", UidValidity = 5, HighestModSeq = 12, RecordsModSeq = 12, Complete = true, Messages = new List<SyncedMessage>() }.Write(_dir.Path);
            Assert.Equal(12ul, MaildirSyncState.Read(_dir.Path).RecordsModSeq);
            Assert.Equal(12ul, MaildirSyncState.Read(_dir.Path, headerOnly: true).RecordsModSeq);

            // A state that did not record it (a pull-only run, an interrupted run, an older version): read all flags.
            new MaildirSyncState { Folder = "INBOX", UidValidity = 5, HighestModSeq = 12, Complete = true }.Write(_dir.Path);
            Assert.Equal(0ul, MaildirSyncState.Read(_dir.Path).RecordsModSeq);
        }

        [Fact]
        public void NoFileMeansNoState()
        {
            Assert.Null(MaildirSyncState.Read(_dir.Path));
            Assert.Null(MaildirSyncState.Read(_dir.Combine("does-not-exist")));
        }

        [Theory]
        [InlineData("folder=INBOX\nhighestuid=5\n")]          // no UIDVALIDITY: the UIDs mean nothing
        [InlineData("uidvalidity=\n")]
        [InlineData("uidvalidity=-1\n")]
        [InlineData("uidvalidity=4294967296\n")]
        [InlineData("uidvalidity= 12x\n")]
        [InlineData("")]
        [InlineData("\0\0\0garbage")]
        public void UnreadableStateMeansAFullCheck(string text)
        {
            WriteRaw(text);
            Assert.Null(MaildirSyncState.Read(_dir.Path));
        }

        [Fact]
        public void MissingOrBadValuesFallBackToTheSafeSide()
        {
            // A bad HIGHESTUID reads as 0 (download and compare everything), a bad count as -1 (compare UIDs), not complete.
            WriteRaw("uidvalidity=7\nhighestuid=abc\nuidnext=-3\nhighestmodseq=1e5\ncount=many\ncomplete=yes\nsynced=yesterday\n");

            MaildirSyncState state = MaildirSyncState.Read(_dir.Path);

            Assert.Equal(7u, state.UidValidity);
            Assert.Equal(0u, state.HighestUid);
            Assert.Equal(0u, state.UidNext);
            Assert.Equal(0ul, state.HighestModSeq);
            Assert.Equal(-1, state.Count);
            Assert.False(state.Complete);
            Assert.Null(state.Synced);
            Assert.Null(state.Folder);
        }

        [Fact]
        public void CommentsBlankLinesUnknownKeysAndCaseAreTolerated()
        {
            WriteRaw("# a comment=with equals\r\n\r\nUIDVALIDITY = 9 \r\nfuture-key=1\r\n=orphan\r\nHighestUid=3\r\nComplete=true\r\n");

            MaildirSyncState state = MaildirSyncState.Read(_dir.Path);

            Assert.Equal(9u, state.UidValidity);
            Assert.Equal(3u, state.HighestUid);
            Assert.True(state.Complete);
        }

        [Fact]
        public void AValueMayHoldEqualsSigns()
        {
            WriteRaw("uidvalidity=1\nfolder=a=b=c\n");
            Assert.Equal("a=b=c", MaildirSyncState.Read(_dir.Path).Folder);
        }

        [Fact]
        public void AHostileFolderNameCannotForgeTheState()
        {
            // The folder name comes from the server and is written first: lines it smuggles in are overridden by the real ones.
            new MaildirSyncState { Folder = "x\nuidvalidity=1\ncomplete=true\nhighestuid=999\ncount=5", UidValidity = 77, HighestUid = 3, Count = -1, Complete = false }
                .Write(_dir.Path);

            MaildirSyncState back = MaildirSyncState.Read(_dir.Path);

            Assert.Equal(77u, back.UidValidity);
            Assert.Equal(3u, back.HighestUid);
            Assert.Equal(-1, back.Count);
            Assert.False(back.Complete);
        }

        [Fact]
        public void WriteReplacesTheFileAndLeavesNoTemporaryFile()
        {
            new MaildirSyncState { UidValidity = 1, HighestUid = 1 }.Write(_dir.Path);
            new MaildirSyncState { UidValidity = 2, HighestUid = 2 }.Write(_dir.Path);

            Assert.Equal(2u, MaildirSyncState.Read(_dir.Path).HighestUid);
            Assert.Equal(new[] { MaildirSyncState.FileName }, Directory.GetFiles(_dir.Path).Select(Path.GetFileName));
        }

        [Fact]
        public void WritingWhereItCannotIsAWriteError()
        {
            var error = Assert.Throws<MailProtocolException>(() => new MaildirSyncState { UidValidity = 1 }.Write(_dir.Combine("missing", "deeper")));
            Assert.Equal(MailErrorKind.WriteError, error.Kind);
            Assert.Equal("FileWriteFailed", error.Reason);
        }
    
        [Fact]
        public void MessageRecordsAndPendingAppendsRoundTrip()
        {
            var state = new MaildirSyncState
            {
                UidValidity = 7,
                Messages = new System.Collections.Generic.List<SyncedMessage>
                {
                    new SyncedMessage { Uid = 1, BaseName = "1700000000.1_7.mailprotocols,S=10", Letters = "FS" },
                    new SyncedMessage { Uid = 2, BaseName = null, Letters = "T" },
                    new SyncedMessage { Uid = 3, BaseName = "a name with spaces", Letters = "" },
                },
                PendingAppends = { new PendingAppend { BaseName = "1700000001.M1P2.host x", MessageId = "abc@example.org", UidNext = 40 }, new PendingAppend { BaseName = "n", UidNext = 41 } },
            };
            state.Write(_dir.Path);

            MaildirSyncState back = MaildirSyncState.Read(_dir.Path);

            Assert.Equal(3, back.Messages.Count);
            Assert.Equal("FS", back.Messages[0].Letters);
            Assert.Equal("1700000000.1_7.mailprotocols,S=10", back.Messages[0].BaseName);
            Assert.True(back.Messages[1].DeletedLocally);
            Assert.Equal("a name with spaces", back.Messages[2].BaseName);
            Assert.Equal(string.Empty, back.Messages[2].Letters);
            Assert.Equal(2, back.PendingAppends.Count);
            Assert.Equal("abc@example.org", back.PendingAppends[0].MessageId);
            Assert.Equal("1700000001.M1P2.host x", back.PendingAppends[0].BaseName);
            Assert.Equal(40u, back.PendingAppends[0].UidNext);
            Assert.Null(back.PendingAppends[1].MessageId);
        }

        [Fact]
        public void APullOnlyStateHasNoRecordsAndAnEmptyTwoWayStateHasSome()
        {
            new MaildirSyncState { UidValidity = 7 }.Write(_dir.Path);
            Assert.Null(MaildirSyncState.Read(_dir.Path).Messages);

            new MaildirSyncState { UidValidity = 7, Messages = new System.Collections.Generic.List<SyncedMessage>() }.Write(_dir.Path);
            Assert.NotNull(MaildirSyncState.Read(_dir.Path).Messages);
        }

        [Fact]
        public void AHostileFolderNameCannotForgeMessageRecords()
        {
            new MaildirSyncState { Folder = "x\ntwoway=true\nm 5 S forged\na 1 - forged", UidValidity = 77 }.Write(_dir.Path);

            MaildirSyncState back = MaildirSyncState.Read(_dir.Path);

            Assert.Null(back.Messages);
            Assert.Empty(back.PendingAppends);
        }
}
}
