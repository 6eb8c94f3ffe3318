using System;
using System.Collections.Generic;
using System.Linq;
using MailKit;
using MailKit.Search;

namespace MailProtocols.Core.Imap
{
    /// <summary>
    /// Search criteria, ANDed together, translated to one IMAP SEARCH. Several values of one text criterion
    /// mean any of them (IMAP OR). Text with non-ASCII characters makes MailKit send CHARSET UTF-8.
    /// </summary>
    internal sealed class ImapSearchCriteria
    {
        public IList<string> Subject { get; set; } = new List<string>();

        public IList<string> From { get; set; } = new List<string>();

        public IList<string> To { get; set; } = new List<string>();

        public IList<string> Cc { get; set; } = new List<string>();

        public IList<string> Body { get; set; } = new List<string>();

        /// <summary>Anywhere in the headers or the body (IMAP TEXT).</summary>
        public IList<string> Text { get; set; } = new List<string>();

        /// <summary>Leaves out messages whose From contains any of these (NOT FROM).</summary>
        public IList<string> NotFrom { get; set; } = new List<string>();

        public IList<string> NotTo { get; set; } = new List<string>();

        public IList<string> NotSubject { get; set; } = new List<string>();

        /// <summary>Raw RFC 3501 search keys (-Query), parsed and written again by MailKit, never sent as typed.</summary>
        public string Query { get; set; }

        /// <summary>Only messages with attachments (short query "has:attachment"); IMAP cannot search for it, so the summaries are filtered.</summary>
        public bool HasAttachment { get; set; }

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
            CheckTexts(nameof(Subject), Subject);
            CheckTexts(nameof(From), From);
            CheckTexts(nameof(To), To);
            CheckTexts(nameof(Cc), Cc);
            CheckTexts(nameof(Body), Body);
            CheckTexts(nameof(Text), Text);
            CheckTexts(nameof(NotFrom), NotFrom);
            CheckTexts(nameof(NotTo), NotTo);
            CheckTexts(nameof(NotSubject), NotSubject);
            if (Query != null)
            {
                ImapSearchKeyParser.Parse(Query);
            }

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
            AddNot(terms, NotFrom, SearchQuery.FromContains);
            AddNot(terms, NotTo, SearchQuery.ToContains);
            AddNot(terms, NotSubject, SearchQuery.SubjectContains);
            if (Query != null)
            {
                terms.Add(ImapSearchKeyParser.Parse(Query));
            }

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
            AddText(terms, Keywords, SearchQuery.HasKeyword);

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

        private static void CheckTexts(string parameter, IList<string> texts)
        {
            foreach (string text in texts ?? Enumerable.Empty<string>())
            {
                ImapInputRules.CheckSearchText(parameter, text);
            }
        }

        /// <summary>Several values of one criterion: any of them (OR).</summary>
        private static void AddText(List<SearchQuery> terms, IList<string> texts, Func<string, SearchQuery> make)
        {
            if (texts != null && texts.Count > 0)
            {
                terms.Add(texts.Select(make).Aggregate((left, right) => left.Or(right)));
            }
        }

        /// <summary>A -Not criterion: none of the values (NOT ... for each).</summary>
        private static void AddNot(List<SearchQuery> terms, IList<string> texts, Func<string, SearchQuery> make)
        {
            foreach (string text in texts ?? Enumerable.Empty<string>())
            {
                terms.Add(SearchQuery.Not(make(text)));
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
