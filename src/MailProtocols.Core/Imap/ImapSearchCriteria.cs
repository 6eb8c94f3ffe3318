using System;
using System.Collections.Generic;
using System.Linq;
using MailKit;
using MailKit.Search;

namespace MailProtocols
{
    /// <summary>
    /// Search criteria, ANDed together, translated to one IMAP SEARCH. Text with non-ASCII characters
    /// makes MailKit send CHARSET UTF-8.
    /// </summary>
    internal sealed class ImapSearchCriteria
    {
        public string Subject { get; set; }

        public string From { get; set; }

        public string To { get; set; }

        public string Cc { get; set; }

        public string Body { get; set; }

        /// <summary>Anywhere in the headers or the body (IMAP TEXT).</summary>
        public string Text { get; set; }

        /// <summary>Header name and the text its value must contain ("" = the header exists).</summary>
        public IList<KeyValuePair<string, string>> Headers { get; } = new List<KeyValuePair<string, string>>();

        /// <summary>Delivered on or after this day (SINCE).</summary>
        public DateTime? Since { get; set; }

        /// <summary>Delivered before this day (BEFORE).</summary>
        public DateTime? Before { get; set; }

        public DateTime? SentSince { get; set; }

        public DateTime? SentBefore { get; set; }

        public bool Unread { get; set; }

        public bool Seen { get; set; }

        public bool Flagged { get; set; }

        public bool Unflagged { get; set; }

        public bool Answered { get; set; }

        public bool Deleted { get; set; }

        public bool Draft { get; set; }

        public IList<string> Keywords { get; set; } = new List<string>();

        public int? LargerThan { get; set; }

        public int? SmallerThan { get; set; }

        public IList<uint> Uids { get; set; }

        /// <summary>
        /// Refuses what cannot be sent safely, before anything is sent: header names and keywords MailKit
        /// writes as bare atoms (a CR/LF there would start a new command), and NUL in any text.
        /// </summary>
        public void Validate()
        {
            ImapInputRules.CheckSearchText(nameof(Subject), Subject);
            ImapInputRules.CheckSearchText(nameof(From), From);
            ImapInputRules.CheckSearchText(nameof(To), To);
            ImapInputRules.CheckSearchText(nameof(Cc), Cc);
            ImapInputRules.CheckSearchText(nameof(Body), Body);
            ImapInputRules.CheckSearchText(nameof(Text), Text);
            foreach (KeyValuePair<string, string> header in Headers)
            {
                ImapInputRules.CheckHeaderName(header.Key);
                ImapInputRules.CheckSearchText("Header", header.Value);
            }

            foreach (string keyword in Keywords ?? Enumerable.Empty<string>())
            {
                ImapInputRules.CheckKeyword(keyword);
            }
        }

        public SearchQuery ToQuery()
        {
            var terms = new List<SearchQuery>();
            AddText(terms, Subject, SearchQuery.SubjectContains);
            AddText(terms, From, SearchQuery.FromContains);
            AddText(terms, To, SearchQuery.ToContains);
            AddText(terms, Cc, SearchQuery.CcContains);
            AddText(terms, Body, SearchQuery.BodyContains);
            AddText(terms, Text, SearchQuery.MessageContains);
            foreach (KeyValuePair<string, string> header in Headers)
            {
                terms.Add(SearchQuery.HeaderContains(header.Key, header.Value ?? string.Empty));
            }

            AddDate(terms, Since, SearchQuery.DeliveredAfter);
            AddDate(terms, Before, SearchQuery.DeliveredBefore);
            AddDate(terms, SentSince, SearchQuery.SentSince);
            AddDate(terms, SentBefore, SearchQuery.SentBefore);
            AddFlag(terms, Unread, SearchQuery.NotSeen);
            AddFlag(terms, Seen, SearchQuery.Seen);
            AddFlag(terms, Flagged, SearchQuery.Flagged);
            AddFlag(terms, Unflagged, SearchQuery.NotFlagged);
            AddFlag(terms, Answered, SearchQuery.Answered);
            AddFlag(terms, Deleted, SearchQuery.Deleted);
            AddFlag(terms, Draft, SearchQuery.Draft);
            foreach (string keyword in Keywords ?? Enumerable.Empty<string>())
            {
                terms.Add(SearchQuery.HasKeyword(keyword));
            }

            if (LargerThan.HasValue)
            {
                terms.Add(SearchQuery.LargerThan(LargerThan.Value));
            }

            if (SmallerThan.HasValue)
            {
                terms.Add(SearchQuery.SmallerThan(SmallerThan.Value));
            }

            if (Uids != null)
            {
                terms.Add(SearchQuery.Uids(Uids.Select(u => new UniqueId(u)).ToList()));
            }

            return terms.Count == 0 ? SearchQuery.All : terms.Aggregate((left, right) => left.And(right));
        }

        private static void AddText(List<SearchQuery> terms, string text, Func<string, SearchQuery> make)
        {
            if (text != null)
            {
                terms.Add(make(text));
            }
        }

        private static void AddDate(List<SearchQuery> terms, DateTime? date, Func<DateTime, SearchQuery> make)
        {
            if (date.HasValue)
            {
                terms.Add(make(date.Value.Date));
            }
        }

        private static void AddFlag(List<SearchQuery> terms, bool wanted, SearchQuery term)
        {
            if (wanted)
            {
                terms.Add(term);
            }
        }
    }
}
