using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using MailProtocols.Core.Errors;

namespace MailProtocols.Core.Imap
{
    /// <summary>
    /// The short query syntax of Search-ImapFolder, as mail clients have it: "from:priya subject:VPN is:unread".
    /// Pure text to criteria (no MailKit), so it can be tested without a server. A word without a key searches
    /// the whole message (TEXT); a value with spaces goes in double quotes; "-key:value" excludes (from, to,
    /// subject); the same key given twice means any of the values, as -From a, b does.
    /// </summary>
    internal static class ImapQueryParser
    {
        private static readonly string[] Keys = { "from", "to", "cc", "subject", "body", "text", "keyword", "since", "before", "larger", "smaller", "is", "has" };

        private static readonly string[] DateFormats = { "yyyy-MM-dd", "yyyy-M-d", "d-MMM-yyyy", "yyyy/MM/dd" };

        /// <summary>True when the text holds at least one "key:" of the short syntax (from:, subject:, is:, ...).</summary>
        public static bool LooksLikeQuery(string text)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                return false;
            }

            try
            {
                return Tokenize(text).Any(t => t.Key != null);
            }
            catch (MailProtocolException)
            {
                return false;
            }
        }

        /// <summary>Adds what the query asks for to the criteria; a query it cannot read is an InvalidQuery error.</summary>
        public static void Apply(string text, ImapSearchCriteria criteria)
        {
            foreach (Term term in Tokenize(text))
            {
                if (term.Key == null)
                {
                    Add(criteria.Text, term.Value);
                    continue;
                }

                if (term.Negated && term.Key != "from" && term.Key != "to" && term.Key != "subject" && term.Key != "is")
                {
                    throw Invalid(text, $"'-{term.Key}:' cannot be negated; only -from:, -to:, -subject: and -is: can (or use -Query 'NOT ...')");
                }

                switch (term.Key)
                {
                    case "from":
                        Add(term.Negated ? criteria.NotFrom : criteria.From, term.Value);
                        break;
                    case "to":
                        Add(term.Negated ? criteria.NotTo : criteria.To, term.Value);
                        break;
                    case "subject":
                        Add(term.Negated ? criteria.NotSubject : criteria.Subject, term.Value);
                        break;
                    case "cc":
                        Add(criteria.Cc, term.Value);
                        break;
                    case "body":
                        Add(criteria.Body, term.Value);
                        break;
                    case "text":
                        Add(criteria.Text, term.Value);
                        break;
                    case "keyword":
                        ImapInputRules.CheckKeyword(term.Value);
                        criteria.Keywords.Add(term.Value);
                        break;
                    case "since":
                        criteria.Since = Once(text, term, criteria.Since, Date(text, term));
                        break;
                    case "before":
                        criteria.Before = Once(text, term, criteria.Before, Date(text, term));
                        break;
                    case "larger":
                        criteria.LargerThan = Once(text, term, criteria.LargerThan, Size(text, term));
                        break;
                    case "smaller":
                        criteria.SmallerThan = Once(text, term, criteria.SmallerThan, Size(text, term));
                        break;
                    case "is":
                        ApplyState(text, term, criteria);
                        break;
                    case "has":
                        if (!string.Equals(term.Value, "attachment", StringComparison.OrdinalIgnoreCase) && !string.Equals(term.Value, "attachments", StringComparison.OrdinalIgnoreCase))
                        {
                            throw Invalid(text, $"'has:{term.Value}' is not known; use has:attachment");
                        }

                        criteria.HasAttachment = true;
                        break;
                }
            }
        }

        private static void ApplyState(string text, Term term, ImapSearchCriteria criteria)
        {
            string state = term.Value.ToLowerInvariant();
            if (term.Negated)
            {
                // -is:unread is is:read, and so on: one flag, the other way round.
                state = state == "unread" ? "read" : state == "read" || state == "seen" ? "unread" : state == "flagged" || state == "starred" ? "unflagged" : state == "unflagged" ? "flagged" : null;
                if (state == null)
                {
                    throw Invalid(text, $"'-is:{term.Value}' cannot be negated; use -Query 'NOT ...'");
                }
            }

            switch (state)
            {
                case "unread":
                    criteria.Unread = true;
                    break;
                case "read":
                case "seen":
                    criteria.Seen = true;
                    break;
                case "flagged":
                case "starred":
                    criteria.Flagged = true;
                    break;
                case "unflagged":
                    criteria.Unflagged = true;
                    break;
                case "answered":
                case "replied":
                    criteria.Answered = true;
                    break;
                case "draft":
                    criteria.Draft = true;
                    break;
                case "deleted":
                    criteria.Deleted = true;
                    break;
                default:
                    throw Invalid(text, $"'is:{term.Value}' is not known; use is:unread, is:read, is:flagged, is:unflagged, is:answered, is:draft or is:deleted");
            }
        }

        private static void Add(IList<string> values, string value)
        {
            ImapInputRules.CheckSearchText("Query", value);
            values.Add(value);
        }

        private static T? Once<T>(string text, Term term, T? current, T value)
            where T : struct
        {
            if (current.HasValue)
            {
                throw Invalid(text, $"'{term.Key}:' is given twice");
            }

            return value;
        }

        private static DateTime Date(string text, Term term)
        {
            if (DateTime.TryParseExact(term.Value, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTime date))
            {
                return date.Date;
            }

            throw Invalid(text, $"'{term.Key}:{term.Value}' needs a date such as 2024-02-01");
        }

        /// <summary>Bytes, or with a unit: 500K, 2M, 1G (also KB, MB, GB; 1K = 1024 bytes).</summary>
        private static int Size(string text, Term term)
        {
            string value = term.Value.Trim().ToUpperInvariant();
            long factor = 1;
            foreach ((string suffix, long bytes) in new[] { ("KB", 1024L), ("MB", 1024L * 1024), ("GB", 1024L * 1024 * 1024), ("K", 1024L), ("M", 1024L * 1024), ("G", 1024L * 1024 * 1024), ("B", 1L) })
            {
                if (value.EndsWith(suffix, StringComparison.Ordinal))
                {
                    factor = bytes;
                    value = value.Substring(0, value.Length - suffix.Length);
                    break;
                }
            }

            if (decimal.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal number) && number * factor <= int.MaxValue)
            {
                return (int)(number * factor);
            }

            throw Invalid(text, $"'{term.Key}:{term.Value}' needs a size such as 500K, 2M or 1048576");
        }

        /// <summary>Words separated by spaces; "key:value", "-key:value", or a bare word; values may be in double quotes.</summary>
        private static List<Term> Tokenize(string text)
        {
            if (text.IndexOfAny(new[] { '\r', '\n', '\0' }) >= 0)
            {
                throw Invalid(text, "it contains a line break or NUL");
            }

            var terms = new List<Term>();
            int i = 0;
            while (i < text.Length)
            {
                if (char.IsWhiteSpace(text[i]))
                {
                    i++;
                    continue;
                }

                bool negated = false;
                string key = null;
                int start = i;
                if (text[i] == '-' && i + 1 < text.Length)
                {
                    negated = true;
                    i++;
                }

                int colon = i;
                while (colon < text.Length && char.IsLetter(text[colon]))
                {
                    colon++;
                }

                if (colon < text.Length && text[colon] == ':' && Keys.Contains(text.Substring(i, colon - i).ToLowerInvariant()))
                {
                    key = text.Substring(i, colon - i).ToLowerInvariant();
                    i = colon + 1;
                }
                else
                {
                    // A bare word ("-" included): searched as text.
                    negated = false;
                    i = start;
                }

                string value = ReadValue(text, ref i);
                if (key != null && value.Length == 0)
                {
                    throw Invalid(text, $"'{key}:' has no value");
                }

                terms.Add(new Term(key, value, negated));
            }

            return terms;
        }

        private static string ReadValue(string text, ref int i)
        {
            if (i < text.Length && text[i] == '"')
            {
                int close = text.IndexOf('"', i + 1);
                if (close < 0)
                {
                    throw Invalid(text, "a double quote is never closed");
                }

                string quoted = text.Substring(i + 1, close - i - 1);
                i = close + 1;
                return quoted;
            }

            var value = new StringBuilder();
            while (i < text.Length && !char.IsWhiteSpace(text[i]))
            {
                value.Append(text[i++]);
            }

            return value.ToString();
        }

        private static MailProtocolException Invalid(string text, string why) =>
            new MailProtocolException(MailErrorKind.InvalidArgument, MailErrorReason.InvalidQuery,
                $"The query '{ImapInputRules.Printable(text)}' could not be read: {why}. The short syntax knows from:, to:, cc:, subject:, body:, text:, keyword:, " +
                "since:, before: (2024-02-01), larger:, smaller: (500K, 2M), is:unread|read|flagged|unflagged|answered|draft|deleted and has:attachment.");

        private sealed class Term
        {
            public Term(string key, string value, bool negated)
            {
                Key = key;
                Value = value;
                Negated = negated;
            }

            /// <summary>null for a bare word.</summary>
            public string Key { get; }

            public string Value { get; }

            public bool Negated { get; }
        }
    }
}
