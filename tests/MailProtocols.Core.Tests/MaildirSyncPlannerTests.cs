using System.Collections.Generic;
using System.Linq;
using MailProtocols.Core.Maildir;
using Xunit;

namespace MailProtocols.Tests
{
    /// <summary>The two-way planner's rules, one by one: each decides whether a change reaches the other side or is lost.</summary>
    public class MaildirSyncPlannerTests
    {
        private static SyncedMessage Record(uint uid, string letters) => new SyncedMessage { Uid = uid, BaseName = Name(uid), Letters = letters };

        private static string Name(uint uid) => $"1700000000.{uid}_7.mailprotocols,S=100";

        private static LocalMessageFile File(uint uid, string letters) => new LocalMessageFile { Uid = uid, BaseName = Name(uid), Letters = letters, Path = "/m/cur/" + Name(uid) };

        private static ServerMessageFlags Server(uint uid, string letters) => new ServerMessageFlags { Uid = uid, Letters = letters };

        private static MaildirSyncPlan Both(IEnumerable<SyncedMessage> records, IEnumerable<ServerMessageFlags> server, IEnumerable<LocalMessageFile> local,
            bool expunge = false, bool keepDeleted = false) =>
            MaildirSyncPlanner.Plan(records, server, local, ImapSyncDirection.Both, expunge, keepDeleted);

        private static string Describe(MaildirSyncPlan plan) =>
            string.Join(" ", plan.Stores.Select(s => (s.Add ? "+" : "-") + s.Letter + ":" + string.Join(",", s.Uids)));

        [Fact]
        public void NothingChangedPlansNothing()
        {
            MaildirSyncPlan plan = Both(new[] { Record(1, "S"), Record(2, "") }, new[] { Server(1, "S"), Server(2, "") }, new[] { File(1, "S"), File(2, "") });

            Assert.True(plan.IsEmpty);
            Assert.Empty(plan.Conflicts);
            Assert.Equal("S", plan.Synced[1].Letters);
        }

        [Fact]
        public void ALocalChangeGoesToTheServer()
        {
            MaildirSyncPlan plan = Both(new[] { Record(1, "") }, new[] { Server(1, "") }, new[] { File(1, "FS") });

            Assert.Equal("+F:1 +S:1", Describe(plan));
            Assert.Empty(plan.Renames);
            Assert.Equal("FS", plan.Synced[1].Letters);
        }

        [Fact]
        public void AServerChangeRenamesTheFile()
        {
            MaildirSyncPlan plan = Both(new[] { Record(1, "S") }, new[] { Server(1, "RS") }, new[] { File(1, "S") });

            Assert.Empty(plan.Stores);
            LocalRename rename = Assert.Single(plan.Renames);
            Assert.Equal("RS", rename.Letters);
            Assert.Equal(1u, rename.Uid);
        }

        [Fact]
        public void ChangesToDifferentFlagsOnBothSidesBothSurvive()
        {
            // Locally read (S added), on the server flagged (F added) and answered flag dropped.
            MaildirSyncPlan plan = Both(new[] { Record(1, "R") }, new[] { Server(1, "F") }, new[] { File(1, "RS") });

            Assert.Equal("+S:1", Describe(plan));
            Assert.Equal("FS", Assert.Single(plan.Renames).Letters);
            Assert.Equal("FS", plan.Synced[1].Letters);
        }

        [Fact]
        public void TheSameChangeOnBothSidesNeedsNothing()
        {
            MaildirSyncPlan plan = Both(new[] { Record(1, "") }, new[] { Server(1, "S") }, new[] { File(1, "S") });

            Assert.True(plan.IsEmpty);
        }

        [Fact]
        public void WithoutARecordTheServerWins()
        {
            // A state written by the pull-only sync has no records: the local copy was a mirror.
            MaildirSyncPlan plan = Both(null, new[] { Server(1, "S") }, new[] { File(1, "F") });

            Assert.Empty(plan.Stores);
            Assert.Equal("S", Assert.Single(plan.Renames).Letters);
            Assert.Equal("S", plan.Synced[1].Letters);
        }

        [Fact]
        public void PushWithoutARecordChangesNothingAndRecordsTheFile()
        {
            MaildirSyncPlan plan = MaildirSyncPlanner.Plan(null, new[] { Server(1, "S") }, new[] { File(1, "F") }, ImapSyncDirection.Push, false, false);

            Assert.True(plan.IsEmpty);
            Assert.Equal("F", plan.Synced[1].Letters);
        }

        [Fact]
        public void PushSendsLocalChangesButLeavesTheFileAndKeepsTheServerChangeForLater()
        {
            MaildirSyncPlan plan = MaildirSyncPlanner.Plan(new[] { Record(1, "") }, new[] { Server(1, "F") }, new[] { File(1, "S") }, ImapSyncDirection.Push, false, false);

            Assert.Equal("+S:1", Describe(plan));
            Assert.Empty(plan.Renames);

            // The record follows the file, so a later Both run still sees F as a server change.
            Assert.Equal("S", plan.Synced[1].Letters);
            MaildirSyncPlan later = Both(plan.Synced.Values, new[] { Server(1, "FS") }, new[] { File(1, "S") });
            Assert.Equal("FS", Assert.Single(later.Renames).Letters);
            Assert.Empty(later.Stores);
        }

        [Fact]
        public void KeywordLettersOfTheFileAreNotFlags()
        {
            MaildirSyncPlan plan = Both(new[] { Record(1, "S") }, new[] { Server(1, "S") }, new[] { File(1, "Sab") });

            Assert.True(plan.IsEmpty);
        }

        [Fact]
        public void TheForwardedLetterIsAFlagLikeTheOthers()
        {
            MaildirSyncPlan plan = Both(new[] { Record(1, "") }, new[] { Server(1, "") }, new[] { File(1, "P") });

            Assert.Equal("+P:1", Describe(plan));
        }

        [Fact]
        public void FlagChangesAreGroupedIntoOneStorePerDistinctChange()
        {
            var records = Enumerable.Range(1, 1000).Select(u => Record((uint)u, "")).ToList();
            var server = Enumerable.Range(1, 1000).Select(u => Server((uint)u, u % 2 == 0 ? "F" : "")).ToList();
            var local = Enumerable.Range(1, 1000).Select(u => File((uint)u, u <= 600 ? "S" : "")).ToList();

            MaildirSyncPlan plan = Both(records, server, local);

            FlagStore store = Assert.Single(plan.Stores);
            Assert.True(store.Add);
            Assert.Equal('S', store.Letter);
            Assert.Equal(600, store.Uids.Count);
            Assert.Equal(600, plan.FlagsPushed);
            Assert.Equal(300, plan.Renames.Count(r => r.Letters == "FS"));
        }

        [Fact]
        public void AnAdditionAndARemovalAreTwoStores()
        {
            MaildirSyncPlan plan = Both(new[] { Record(1, "F"), Record(2, "F") }, new[] { Server(1, "F"), Server(2, "F") }, new[] { File(1, "S"), File(2, "S") });

            Assert.Equal("+S:1,2 -F:1,2", Describe(plan));
            Assert.Equal(2, plan.FlagsPushed);
        }

        [Fact]
        public void AnUnknownFileIsAppended()
        {
            var foreign = new LocalMessageFile { BaseName = "1700000001.M1P2.host", Letters = "S", Path = "/m/cur/x" };

            MaildirSyncPlan plan = Both(new[] { Record(1, "") }, new[] { Server(1, "") }, new[] { File(1, ""), foreign });

            Assert.Same(foreign, Assert.Single(plan.Appends));
            Assert.Empty(plan.Stores);
        }

        [Fact]
        public void ACopyOfAKnownFileIsAppendedAsANewMessage()
        {
            var copy = new LocalMessageFile { Uid = 1, BaseName = Name(1) + "-copy", Letters = "", Path = "/m/cur/y" };

            MaildirSyncPlan plan = Both(new[] { Record(1, "") }, new[] { Server(1, "") }, new[] { File(1, ""), copy });

            Assert.Same(copy, Assert.Single(plan.Appends));
        }

        [Fact]
        public void ALocalDeletionMarksTheMessageDeletedOnTheServerAndIsRemembered()
        {
            MaildirSyncPlan plan = Both(new[] { Record(1, "S"), Record(2, "") }, new[] { Server(1, "S"), Server(2, "") }, new[] { File(2, "") });

            Assert.Equal(new uint[] { 1 }, plan.MarkDeleted);
            Assert.Empty(plan.Expunge);
            Assert.Empty(plan.Download);
            Assert.Contains(1u, plan.DoNotDownload);
            Assert.True(plan.Synced[1].DeletedLocally);

            // The next run knows it was deleted here: no download, no second STORE.
            MaildirSyncPlan next = Both(plan.Synced.Values, new[] { Server(1, "ST"), Server(2, "") }, new[] { File(2, "") });
            Assert.True(next.IsEmpty);
            Assert.Contains(1u, next.DoNotDownload);
        }

        [Fact]
        public void WithExpungeALocalDeletionIsExpungedByUid()
        {
            MaildirSyncPlan plan = Both(new[] { Record(1, ""), Record(2, "") }, new[] { Server(1, ""), Server(2, ""), Server(3, "T") }, new[] { File(2, "") }, expunge: true);

            Assert.Equal(new uint[] { 1 }, plan.MarkDeleted);

            // Only ours: message 3 is another client's \Deleted message.
            Assert.Equal(new uint[] { 1 }, plan.Expunge);
        }

        [Fact]
        public void ALocallyTrashedMessageIsMarkedDeletedAndWithExpungeExpunged()
        {
            MaildirSyncPlan keep = Both(new[] { Record(1, "S") }, new[] { Server(1, "S") }, new[] { File(1, "ST") });
            MaildirSyncPlan gone = Both(new[] { Record(1, "S") }, new[] { Server(1, "S") }, new[] { File(1, "ST") }, expunge: true);

            Assert.Equal("+T:1", Describe(keep));
            Assert.Empty(keep.Expunge);
            Assert.Equal(new uint[] { 1 }, gone.Expunge);
        }

        [Fact]
        public void AnEarlierDeletionIsExpungedWhenExpungeComesLater()
        {
            var tomb = new SyncedMessage { Uid = 1, BaseName = null, Letters = "T" };

            MaildirSyncPlan plan = Both(new[] { tomb }, new[] { Server(1, "T") }, new LocalMessageFile[0], expunge: true);

            Assert.Equal(new uint[] { 1 }, plan.Expunge);
            Assert.Empty(plan.MarkDeleted);
        }

        [Fact]
        public void AnExpungedDeletionIsForgotten()
        {
            var tomb = new SyncedMessage { Uid = 1, BaseName = null, Letters = "T" };

            MaildirSyncPlan plan = Both(new[] { tomb }, new ServerMessageFlags[0], new LocalMessageFile[0]);

            Assert.True(plan.IsEmpty);
            Assert.Empty(plan.Synced);
        }

        [Fact]
        public void AServerExpungeRemovesTheFileOrKeepsItWithKeepDeleted()
        {
            MaildirSyncPlan plan = Both(new[] { Record(1, "S") }, new ServerMessageFlags[0], new[] { File(1, "S") });
            MaildirSyncPlan kept = Both(new[] { Record(1, "S") }, new ServerMessageFlags[0], new[] { File(1, "S") }, keepDeleted: true);

            Assert.Equal(1u, Assert.Single(plan.RemoveFiles).Uid);
            Assert.Empty(plan.Synced);
            Assert.Empty(kept.RemoveFiles);
            Assert.Single(kept.KeptFiles);
        }

        [Fact]
        public void ADeletionHereAgainstAChangeThereKeepsBothAndIsAConflict()
        {
            MaildirSyncPlan plan = Both(new[] { Record(1, "") }, new[] { Server(1, "F") }, new LocalMessageFile[0]);

            SyncConflict conflict = Assert.Single(plan.Conflicts);
            Assert.Equal(1u, conflict.Uid);
            Assert.Contains("deleted locally", conflict.Description);
            Assert.Empty(plan.MarkDeleted);
            Assert.Equal(new uint[] { 1 }, plan.Download);
        }

        [Fact]
        public void AChangeHereAgainstAnExpungeThereKeepsBothAndIsAConflict()
        {
            LocalMessageFile file = File(1, "F");

            MaildirSyncPlan plan = Both(new[] { Record(1, "") }, new ServerMessageFlags[0], new[] { file });

            SyncConflict conflict = Assert.Single(plan.Conflicts);
            Assert.Contains("expunged on the server", conflict.Description);
            Assert.Same(file, Assert.Single(plan.Appends));
            Assert.Empty(plan.RemoveFiles);
        }

        [Fact]
        public void NewServerMessagesAreDownloadedInBothButNotInPush()
        {
            MaildirSyncPlan both = Both(new[] { Record(1, "") }, new[] { Server(1, ""), Server(5, "S") }, new[] { File(1, "") });
            MaildirSyncPlan push = MaildirSyncPlanner.Plan(new[] { Record(1, "") }, new[] { Server(1, ""), Server(5, "S") }, new[] { File(1, "") }, ImapSyncDirection.Push, false, false);

            Assert.Equal(new uint[] { 5 }, both.Download);
            Assert.Empty(push.Download);
        }

        [Fact]
        public void PushNeverTouchesLocalFiles()
        {
            MaildirSyncPlan plan = MaildirSyncPlanner.Plan(new[] { Record(1, ""), Record(2, "") }, new[] { Server(2, "F") }, new[] { File(1, ""), File(2, "") },
                ImapSyncDirection.Push, false, false);

            Assert.Empty(plan.RemoveFiles);
            Assert.Empty(plan.Renames);
            Assert.Empty(plan.Stores);
        }

        [Fact]
        public void AFileFoundByUidAfterARenameOfItsUniquePartIsStillTheSameMessage()
        {
            var renamed = new LocalMessageFile { Uid = 1, BaseName = "1700000000.1_7.mailprotocols,S=101", Letters = "S", Path = "/m/cur/z" };

            MaildirSyncPlan plan = Both(new[] { Record(1, "") }, new[] { Server(1, "") }, new[] { renamed });

            Assert.Empty(plan.Appends);
            Assert.Equal("+S:1", Describe(plan));
            Assert.Equal(renamed.BaseName, plan.Synced[1].BaseName);
        }

        [Fact]
        public void DeletedOnTheServerTooIsNoConflict()
        {
            // Another client set \Deleted, or a run was cut after storing its own \Deleted: both sides agree.
            MaildirSyncPlan plan = Both(new[] { Record(1, "S") }, new[] { Server(1, "ST") }, new LocalMessageFile[0], expunge: true);

            Assert.Empty(plan.Conflicts);
            Assert.Empty(plan.MarkDeleted);
            Assert.Equal(new uint[] { 1 }, plan.Expunge);
            Assert.Empty(plan.Download);
        }

        [Theory]
        [InlineData(null, "F", "S", "S")]
        [InlineData("", "F", "S", "FS")]
        [InlineData("FS", "F", "S", "")]
        [InlineData("RS", "RS", "", "")]
        [InlineData("D", "DT", "DP", "DPT")]
        public void MergeFlagsTakesEachFlagFromTheSideThatChangedIt(string recorded, string local, string server, string expected)
        {
            Assert.Equal(expected, MaildirSyncPlanner.MergeFlags(recorded, local, server));
        }
    }
}
