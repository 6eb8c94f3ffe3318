using System.Collections.Generic;
using System.Linq;
using System.Text;
using System;
using MailProtocols.Core.Imap.Migration;
using Xunit;

namespace MailProtocols.Tests
{
    /// <summary>Copy-ImapMailbox's plan: what decides that a re-run never duplicates a message and never misses one.</summary>
    public class MailboxCopyPlannerTests
    {
        private static readonly DateTimeOffset Day = new DateTimeOffset(2024, 3, 1, 12, 0, 0, TimeSpan.Zero);

        private static MailboxMessage M(uint uid, string id, long size = 100, int day = 0, ImapMessageFlags flags = ImapMessageFlags.None, params string[] keywords) =>
            new MailboxMessage
            {
                Uid = uid,
                Identity = MessageIdentity.Of(id, size, Day.AddDays(day), null),
                Size = size,
                InternalDate = Day.AddDays(day),
                Flags = flags,
                Keywords = keywords,
            };

        [Fact]
        public void EverythingIsCopiedIntoAnEmptyFolder()
        {
            MailboxCopyPlan plan = MailboxCopyPlanner.Plan(new[] { M(2, "<b>"), M(1, "<a>") }, new MailboxMessage[0], null, null, false, true);
            Assert.Equal(new uint[] { 1, 2 }, plan.ToCopy.Select(m => m.Uid));
            Assert.Equal(200, plan.BytesToCopy);
            Assert.Equal(0, plan.Skipped);
        }

        [Fact]
        public void OnlyWhatIsMissingIsCopied()
        {
            MailboxCopyPlan plan = MailboxCopyPlanner.Plan(new[] { M(1, "<a>"), M(2, "<b>"), M(3, "<c>") }, new[] { M(7, "<b>") }, null, null, false, true);
            Assert.Equal(new uint[] { 1, 3 }, plan.ToCopy.Select(m => m.Uid));
            Assert.Equal(1, plan.Skipped);
        }

        [Fact]
        public void ASecondRunCopiesNothing()
        {
            var source = new[] { M(1, "<a>"), M(2, "<b>") };
            var destination = new[] { M(10, "<a>"), M(11, "<b>") };
            MailboxCopyPlan plan = MailboxCopyPlanner.Plan(source, destination, null, null, true, true);
            Assert.Empty(plan.ToCopy);
            Assert.Empty(plan.FlagUpdates);
            Assert.Equal(2, plan.Skipped);
        }

        [Fact]
        public void DuplicatesOnTheSourceAreCountedNotCollapsed()
        {
            var source = new[] { M(1, "<a>"), M(2, "<a>"), M(3, "<a>") };
            MailboxCopyPlan plan = MailboxCopyPlanner.Plan(source, new[] { M(5, "<a>") }, null, null, false, true);
            Assert.Equal(new uint[] { 2, 3 }, plan.ToCopy.Select(m => m.Uid));
        }

        [Fact]
        public void SameMessageIdWithAnotherSizeOrDateIsAnotherMessage()
        {
            MailboxCopyPlan plan = MailboxCopyPlanner.Plan(new[] { M(1, "<a>", size: 100), M(2, "<a>", size: 100, day: 1) },
                new[] { M(9, "<a>", size: 101) }, null, null, false, true);
            Assert.Equal(2, plan.ToCopy.Count);
        }

        [Fact]
        public void SinceAndBeforeCompareTheInternalDate()
        {
            var source = new[] { M(1, "<a>", day: 0), M(2, "<b>", day: 1), M(3, "<c>", day: 2) };
            MailboxCopyPlan plan = MailboxCopyPlanner.Plan(source, new MailboxMessage[0], Day.AddDays(1), Day.AddDays(2), false, true);
            Assert.Equal(new uint[] { 2 }, plan.ToCopy.Select(m => m.Uid));
            Assert.Equal(2, plan.OutOfRange);
        }

        [Fact]
        public void FlagUpdatesOnlyWithUpdateFlagsAndOnlyWhereTheyDiffer()
        {
            var source = new[] { M(1, "<a>", flags: ImapMessageFlags.Seen), M(2, "<b>", flags: ImapMessageFlags.Flagged, keywords: "$Label1") };
            var destination = new[] { M(8, "<a>", flags: ImapMessageFlags.Seen), M(9, "<b>") };
            Assert.Empty(MailboxCopyPlanner.Plan(source, destination, null, null, false, true).FlagUpdates);

            FlagUpdate update = Assert.Single(MailboxCopyPlanner.Plan(source, destination, null, null, true, true).FlagUpdates);
            Assert.Equal(9u, update.DestinationUid);
            Assert.Equal(ImapMessageFlags.Flagged, update.Flags);
            Assert.Equal(new[] { "$Label1" }, update.Keywords);
        }

        [Fact]
        public void KeywordsAreIgnoredWhereTheDestinationCannotKeepThem()
        {
            var source = new[] { M(1, "<a>", flags: ImapMessageFlags.Seen, keywords: "$Label1") };
            var destination = new[] { M(8, "<a>", flags: ImapMessageFlags.Seen) };
            Assert.Empty(MailboxCopyPlanner.Plan(source, destination, null, null, true, false).FlagUpdates);
            Assert.Single(MailboxCopyPlanner.Plan(source, destination, null, null, true, true).FlagUpdates);
        }

        [Fact]
        public void IdentityUsesTheMessageIdOrElseTheHeaderHash()
        {
            byte[][] fields = { Encoding.ASCII.GetBytes("Subject: hi\r\n"), Encoding.ASCII.GetBytes("Date: Fri, 1 Mar 2024 12:00:00 +0000\r\n") };
            string hash = MessageIdentity.HashHeaders(fields);
            Assert.Equal(64, hash.Length);
            Assert.NotEqual(hash, MessageIdentity.HashHeaders(fields.Reverse()));
            Assert.Equal(MessageIdentity.Of(" <a@b> ", 5, Day, "ignored"), MessageIdentity.Of("<a@b>", 5, Day.ToOffset(TimeSpan.FromHours(2)), null));
            Assert.NotEqual(MessageIdentity.Of(null, 5, Day, hash), MessageIdentity.Of(null, 5, Day, MessageIdentity.HashHeaders(fields.Take(1))));
            Assert.StartsWith("h:", MessageIdentity.Of("", 5, Day, hash));
        }
    
        private static MailboxMessage W(uint uid, string who, long size, ImapMessageFlags flags = ImapMessageFlags.None) =>
            new MailboxMessage { Uid = uid, Who = who, Identity = MessageIdentity.Of(who, size, Day), Size = size, InternalDate = Day, Flags = flags };

        [Fact]
        public void ACopyThatGainedAFinalLineEndIsAlreadyThere()
        {
            // The source message has no final CRLF; its copy got one: two bytes more, same Message-ID and date.
            MailboxCopyPlan plan = MailboxCopyPlanner.Plan(new[] { W(1, "m:<a>", 140, ImapMessageFlags.Seen), W(2, "m:<b>", 90) }, new[] { W(9, "m:<a>", 142) }, null, null, true, true);
            Assert.Equal(new uint[] { 2 }, plan.ToCopy.Select(m => m.Uid));
            Assert.Equal(90, plan.BytesToCopy);
            Assert.Equal(1, plan.Skipped);
            Assert.Equal(9u, Assert.Single(plan.FlagUpdates).DestinationUid);
        }

        [Fact]
        public void OnlyExactlyTwoBytesMoreWithTheSameIdAndDateCountAsAGainedLineEnd()
        {
            MailboxCopyPlan plan = MailboxCopyPlanner.Plan(
                new[] { W(1, "m:<a>", 140), W(2, "m:<b>", 140), W(3, "m:<c>", 140) },
                new[] { W(7, "m:<a>", 141), W(8, "m:<x>", 142), W(9, "m:<c>", 142), W(10, "m:<c>", 142) }, null, null, false, true);
            Assert.Equal(new uint[] { 1, 2 }, plan.ToCopy.Select(m => m.Uid));
            Assert.Equal(1, plan.Skipped);
        }

        [Fact]
        public void AnExactCopyWinsOverOneTwoBytesLonger()
        {
            // Two source messages with the same Message-ID: one exact copy and one longer copy each account for one.
            MailboxCopyPlan plan = MailboxCopyPlanner.Plan(new[] { W(1, "m:<a>", 140), W(2, "m:<a>", 140) }, new[] { W(8, "m:<a>", 142), W(9, "m:<a>", 140) }, null, null, false, true);
            Assert.Empty(plan.ToCopy);
            Assert.Equal(2, plan.Skipped);
        }
    }
}
