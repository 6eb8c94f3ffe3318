using System;
using System.Collections.Generic;
using System.Linq;
using MailKit.Search;
using MailProtocols.Core.Imap;
using Xunit;

namespace MailProtocols.Tests
{
    /// <summary>Search-ImapFolder's parameters to one MailKit SearchQuery: every criterion ANDed, nothing dropped, nothing added.</summary>
    public class ImapSearchCriteriaTests
    {
        /// <summary>The leaves of an AND tree, left to right; fails on any other operator.</summary>
        /// <summary>The criteria ANDed together; an OR of several values of one criterion counts as one.</summary>
        private static List<SearchQuery> Leaves(SearchQuery query)
        {
            if (query is BinarySearchQuery binary && binary.Term == SearchTerm.And)
            {
                return Leaves(binary.Left).Concat(Leaves(binary.Right)).ToList();
            }

            return new List<SearchQuery> { query };
        }

        /// <summary>The values of an OR of one criterion ("any of these keywords").</summary>
        private static List<SearchQuery> Alternatives(SearchQuery query)
        {
            if (query is BinarySearchQuery binary && binary.Term == SearchTerm.Or)
            {
                return Alternatives(binary.Left).Concat(Alternatives(binary.Right)).ToList();
            }

            return new List<SearchQuery> { query };
        }

        [Fact]
        public void NoCriteriaMeansAll()
        {
            Assert.Same(SearchQuery.All, new ImapSearchCriteria().ToQuery());
        }

        [Fact]
        public void OneCriterionIsNotWrappedInAnAnd()
        {
            var text = Assert.IsType<TextSearchQuery>(new ImapSearchCriteria { From = new[] { "alerts@" } }.ToQuery());
            Assert.Equal(SearchTerm.FromContains, text.Term);
            Assert.Equal("alerts@", text.Text);
        }

        [Fact]
        public void EveryTextCriterionMapsToItsTerm()
        {
            var criteria = new ImapSearchCriteria { Subject = new[] { "s" }, From = new[] { "f" }, To = new[] { "t" }, Cc = new[] { "c" }, Body = new[] { "b" }, Text = new[] { "x" } };
            var leaves = Leaves(criteria.ToQuery()).Cast<TextSearchQuery>().ToList();
            Assert.Equal(
                new[] { SearchTerm.SubjectContains, SearchTerm.FromContains, SearchTerm.ToContains, SearchTerm.CcContains, SearchTerm.BodyContains, SearchTerm.MessageContains },
                leaves.Select(l => l.Term));
            Assert.Equal(new[] { "s", "f", "t", "c", "b", "x" }, leaves.Select(l => l.Text));
        }

        [Fact]
        public void EmptyTextAndEmptyUidListsNeverWidenTheSearch()
        {
            // The cmdlet refuses them ([ValidateNotNullOrEmpty]); should one slip through, MailKit throws rather
            // than the query silently matching every message.
            Assert.ThrowsAny<ArgumentException>(() => new ImapSearchCriteria { Subject = new[] { "" } }.ToQuery());
            Assert.ThrowsAny<ArgumentException>(() => new ImapSearchCriteria { Uids = new List<uint>() }.ToQuery());
            Assert.IsType<TextSearchQuery>(new ImapSearchCriteria { Subject = new[] { "x" }, From = null }.ToQuery());
        }

        [Fact]
        public void DatesUseTheDayOnly()
        {
            // IMAP compares whole days; a time of day must not leak into the query (MailKit would format it away anyway, but tomorrow != today 23:59).
            var criteria = new ImapSearchCriteria
            {
                Since = new DateTime(2024, 3, 1, 23, 59, 59),
                Before = new DateTime(2024, 4, 1, 0, 0, 1),
                SentSince = new DateTime(2023, 1, 2, 12, 0, 0),
                SentBefore = new DateTime(2023, 1, 3),
            };
            var leaves = Leaves(criteria.ToQuery()).Cast<DateSearchQuery>().ToList();

            Assert.Equal(new[] { SearchTerm.DeliveredAfter, SearchTerm.DeliveredBefore, SearchTerm.SentSince, SearchTerm.SentBefore }, leaves.Select(l => l.Term));
            Assert.Equal(new[] { new DateTime(2024, 3, 1), new DateTime(2024, 4, 1), new DateTime(2023, 1, 2), new DateTime(2023, 1, 3) }, leaves.Select(l => l.Date));
        }

        [Fact]
        public void FlagSwitchesMapToTheirKeys()
        {
            var criteria = new ImapSearchCriteria { Unread = true, Seen = true, Flagged = true, Unflagged = true, Answered = true, Deleted = true, Draft = true };
            Assert.Equal(
                new[] { SearchTerm.NotSeen, SearchTerm.Seen, SearchTerm.Flagged, SearchTerm.NotFlagged, SearchTerm.Answered, SearchTerm.Deleted, SearchTerm.Draft },
                Leaves(criteria.ToQuery()).Select(l => l.Term));
        }

        [Fact]
        public void FalseSwitchesAddNothing()
        {
            Assert.Same(SearchQuery.All, new ImapSearchCriteria { Unread = false, Flagged = false, Keywords = new List<string>() }.ToQuery());
        }

        [Fact]
        public void KeywordsHeadersSizesAndUidsAreAllKeptAndSeveralKeywordsMeanAnyOfThem()
        {
            var criteria = new ImapSearchCriteria
            {
                Keywords = new List<string> { "$Forwarded", "Urgent" },
                LargerThan = 1024,
                SmallerThan = 0,
                Uids = new List<uint> { 7, 3, 9 },
            };
            criteria.Headers.Add(new KeyValuePair<string, string>("X-Mailer", "Outlook"));
            criteria.Headers.Add(new KeyValuePair<string, string>("List-Id", null));       // the header exists

            var leaves = Leaves(criteria.ToQuery());

            Assert.Equal(6, leaves.Count);
            var headers = leaves.OfType<HeaderSearchQuery>().ToList();
            Assert.Equal(new[] { "X-Mailer", "List-Id" }, headers.Select(h => h.Field));
            Assert.Equal(new[] { "Outlook", "" }, headers.Select(h => h.Value));
            var either = Assert.Single(leaves.OfType<BinarySearchQuery>());
            Assert.Equal(SearchTerm.Or, either.Term);
            var keywords = Alternatives(either).OfType<TextSearchQuery>().Where(t => t.Term == SearchTerm.Keyword).ToList();
            Assert.Equal(new[] { "$Forwarded", "Urgent" }, keywords.Select(k => k.Text));
            var sizes = leaves.OfType<NumericSearchQuery>().ToList();
            Assert.Equal(new[] { SearchTerm.LargerThan, SearchTerm.SmallerThan }, sizes.Select(s => s.Term));
            Assert.Equal(new ulong[] { 1024, 0 }, sizes.Select(s => s.Value));
            var uids = Assert.Single(leaves.OfType<UidSearchQuery>());
            Assert.Equal(new uint[] { 7, 3, 9 }, uids.Uids.Select(u => u.Id));
        }

        [Fact]
        public void ValidateRefusesWhatCannotBeSentSafely()
        {
            Assert.Equal("InvalidSearchText", Assert.Throws<MailProtocolException>(() => new ImapSearchCriteria { Body = new[] { "a\0" } }.Validate()).Reason);
            Assert.Equal("InvalidKeyword", Assert.Throws<MailProtocolException>(() => new ImapSearchCriteria { Keywords = new List<string> { "a b" } }.Validate()).Reason);

            var header = new ImapSearchCriteria();
            header.Headers.Add(new KeyValuePair<string, string>("X-A\r\nA1 LOGOUT", "x"));
            Assert.Equal("InvalidHeaderName", Assert.Throws<MailProtocolException>(() => header.Validate()).Reason);

            var headerValue = new ImapSearchCriteria();
            headerValue.Headers.Add(new KeyValuePair<string, string>("X-A", "x\0"));
            Assert.Equal("InvalidSearchText", Assert.Throws<MailProtocolException>(() => headerValue.Validate()).Reason);
        }

        [Fact]
        public void ValidateAcceptsOrdinaryCriteriaAndNullKeywords()
        {
            new ImapSearchCriteria { Subject = new[] { "Re: \"VPN\" (urgent)\r\n" }, From = new[] { "請求" }, Keywords = null }.Validate();
            Assert.Same(SearchQuery.All, new ImapSearchCriteria { Keywords = null }.ToQuery());
        }
    }
}
