using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using MailKit;
using MailKit.Search;
using MailProtocols.Core.Errors;

namespace MailProtocols.Core.Imap
{
    /// <summary>
    /// Search-ImapFolder -Query: RFC 3501 search keys ("OR FROM alice SUBJECT VPN", "NOT SEEN", "(...)") parsed into
    /// MailKit's query tree. The text is never sent as typed: MailKit writes the tree again with its own quoting, so
    /// nothing in it can end the SEARCH command and start another. What could only serve that purpose (CR, LF, NUL,
    /// literals "{n}") or does not parse (unbalanced parentheses or quotes, unknown keys) is refused up front.
    /// </summary>
    internal sealed class ImapSearchKeyParser
    {
        private static readonly string[] Months = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

        private readonly List<Token> _tokens;
        private int _next;

        private ImapSearchKeyParser(List<Token> tokens)
        {
            _tokens = tokens;
        }

        /// <summary>The search keys as one query (keys side by side are ANDed, as in IMAP).</summary>
        public static SearchQuery Parse(string text)
        {
            var parser = new ImapSearchKeyParser(Tokenize(text));
            if (parser._tokens.Count == 0)
            {
                throw Invalid(text, "it is empty");
            }

            var keys = new List<SearchQuery>();
            while (!parser.AtEnd)
            {
                if (parser.Peek.Kind == TokenKind.Close)
                {
                    throw Invalid(text, "a ')' closes a parenthesis that was never opened");
                }

                keys.Add(parser.ParseKey(text));
            }

            return keys.Aggregate((left, right) => left.And(right));
        }

        /// <summary>True when the text starts like IMAP search keys (a key name or a parenthesis), not like "from:alice".</summary>
        public static bool StartsWithSearchKey(string text)
        {
            string first = (text ?? string.Empty).TrimStart().Split(' ', '\t').FirstOrDefault() ?? string.Empty;
            return first.StartsWith("(", StringComparison.Ordinal) || KeyNames.Contains(first.ToUpperInvariant());
        }

        private static readonly HashSet<string> KeyNames = new HashSet<string>(StringComparer.Ordinal)
        {
            "ALL", "ANSWERED", "BCC", "BEFORE", "BODY", "CC", "DELETED", "DRAFT", "FLAGGED", "FROM", "HEADER", "KEYWORD", "LARGER",
            "NEW", "NOT", "OLD", "ON", "OR", "RECENT", "SEEN", "SENTBEFORE", "SENTON", "SENTSINCE", "SINCE", "SMALLER", "SUBJECT",
            "TEXT", "TO", "UID", "UNANSWERED", "UNDELETED", "UNDRAFT", "UNFLAGGED", "UNKEYWORD", "UNSEEN",
        };

        private bool AtEnd => _next >= _tokens.Count;

        private Token Peek => _tokens[_next];

        private SearchQuery ParseKey(string text)
        {
            if (AtEnd)
            {
                throw Invalid(text, "a search key is missing at the end");
            }

            Token token = _tokens[_next++];
            if (token.Kind == TokenKind.Open)
            {
                var keys = new List<SearchQuery>();
                while (true)
                {
                    if (AtEnd)
                    {
                        throw Invalid(text, "a '(' is never closed");
                    }

                    if (Peek.Kind == TokenKind.Close)
                    {
                        _next++;
                        break;
                    }

                    keys.Add(ParseKey(text));
                }

                if (keys.Count == 0)
                {
                    throw Invalid(text, "'()' holds no search key");
                }

                return keys.Aggregate((left, right) => left.And(right));
            }

            if (token.Kind != TokenKind.Atom)
            {
                throw Invalid(text, token.Kind == TokenKind.Close ? "a ')' closes a parenthesis that was never opened" : $"\"{token.Text}\" stands where a search key name should");
            }

            string key = token.Text.ToUpperInvariant();
            switch (key)
            {
                case "ALL": return SearchQuery.All;
                case "ANSWERED": return SearchQuery.Answered;
                case "DELETED": return SearchQuery.Deleted;
                case "DRAFT": return SearchQuery.Draft;
                case "FLAGGED": return SearchQuery.Flagged;
                case "NEW": return SearchQuery.New;
                case "OLD": return SearchQuery.Old;
                case "RECENT": return SearchQuery.Recent;
                case "SEEN": return SearchQuery.Seen;
                case "UNANSWERED": return SearchQuery.NotAnswered;
                case "UNDELETED": return SearchQuery.NotDeleted;
                case "UNDRAFT": return SearchQuery.NotDraft;
                case "UNFLAGGED": return SearchQuery.NotFlagged;
                case "UNSEEN": return SearchQuery.NotSeen;
                case "BCC": return SearchQuery.BccContains(ReadString(text, key));
                case "BODY": return SearchQuery.BodyContains(ReadString(text, key));
                case "CC": return SearchQuery.CcContains(ReadString(text, key));
                case "FROM": return SearchQuery.FromContains(ReadString(text, key));
                case "SUBJECT": return SearchQuery.SubjectContains(ReadString(text, key));
                case "TEXT": return SearchQuery.MessageContains(ReadString(text, key));
                case "TO": return SearchQuery.ToContains(ReadString(text, key));
                case "HEADER":
                    string field = ReadString(text, key);
                    ImapInputRules.CheckHeaderName(field);
                    return SearchQuery.HeaderContains(field, ReadString(text, key));
                case "KEYWORD": return SearchQuery.HasKeyword(Keyword(text, key));
                case "UNKEYWORD": return SearchQuery.NotKeyword(Keyword(text, key));
                case "BEFORE": return SearchQuery.DeliveredBefore(Date(text, key));
                case "ON": return SearchQuery.DeliveredOn(Date(text, key));
                case "SINCE": return SearchQuery.DeliveredAfter(Date(text, key));
                case "SENTBEFORE": return SearchQuery.SentBefore(Date(text, key));
                case "SENTON": return SearchQuery.SentOn(Date(text, key));
                case "SENTSINCE": return SearchQuery.SentSince(Date(text, key));
                case "LARGER": return SearchQuery.LargerThan(Number(text, key));
                case "SMALLER": return SearchQuery.SmallerThan(Number(text, key));
                case "UID": return SearchQuery.Uids(UidSet(text));
                case "NOT": return SearchQuery.Not(ParseKey(text));
                case "OR":
                    SearchQuery left = ParseKey(text);
                    return SearchQuery.Or(left, ParseKey(text));
                default:
                    if (key.Length > 0 && (char.IsDigit(key[0]) || key[0] == '*'))
                    {
                        throw Invalid(text, $"'{token.Text}' is a set of message sequence numbers, which change as mail comes and goes; use UID {token.Text} or -Uid");
                    }

                    throw Invalid(text, $"'{token.Text}' is not an IMAP search key (RFC 3501: FROM, SUBJECT, SINCE, OR, NOT, ...)");
            }
        }

        private string ReadString(string text, string key)
        {
            if (AtEnd || (_tokens[_next].Kind != TokenKind.Atom && _tokens[_next].Kind != TokenKind.Quoted))
            {
                throw Invalid(text, $"{key} needs a value");
            }

            return _tokens[_next++].Text;
        }

        private string Keyword(string text, string key)
        {
            string keyword = ReadString(text, key);
            ImapInputRules.CheckKeyword(keyword);
            return keyword;
        }

        private int Number(string text, string key)
        {
            string value = ReadString(text, key);
            if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int number))
            {
                throw Invalid(text, $"{key} needs a size in bytes, not '{value}'");
            }

            return number;
        }

        /// <summary>An IMAP date, "1-Feb-2024" (also accepted: "2024-02-01").</summary>
        private DateTime Date(string text, string key)
        {
            string value = ReadString(text, key);
            string[] parts = value.Split('-');
            if (parts.Length == 3 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int day) &&
                int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out int year))
            {
                int month = Array.FindIndex(Months, m => string.Equals(m, parts[1], StringComparison.OrdinalIgnoreCase)) + 1;
                if (month > 0 && year >= 1 && year <= 9999 && day >= 1 && day <= DateTime.DaysInMonth(year, month))
                {
                    return new DateTime(year, month, day);
                }
            }

            if (DateTime.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTime iso))
            {
                return iso;
            }

            throw Invalid(text, $"{key} needs a date such as 1-Feb-2024, not '{value}'");
        }

        /// <summary>UID 4, UID 2,4,9, UID 10:20, UID 100:* (a range ending in * only on its own).</summary>
        private IList<UniqueId> UidSet(string text)
        {
            string value = ReadString(text, "UID");
            string[] ranges = value.Split(',');
            if (ranges.Length == 1 && ranges[0].EndsWith(":*", StringComparison.Ordinal) && TryUid(ranges[0].Substring(0, ranges[0].Length - 2), out uint from))
            {
                return new UniqueIdRange(new UniqueId(from), UniqueId.MaxValue);
            }

            var set = new UniqueIdSet(SortOrder.Ascending);
            foreach (string range in ranges)
            {
                string[] ends = range.Split(':');
                if (ends.Length > 2 || !TryUid(ends[0], out uint first) || (ends.Length == 2 && !TryUid(ends[1], out _)))
                {
                    throw Invalid(text, $"UID needs UIDs such as 4, 2,4,9 or 10:20 (a range up to * only on its own), not '{value}'");
                }

                uint last = ends.Length == 2 ? uint.Parse(ends[1], CultureInfo.InvariantCulture) : first;
                if (Math.Max(first, last) - Math.Min(first, last) > 1_000_000)
                {
                    throw Invalid(text, $"the UID range '{range}' is too large; use 'UID {Math.Min(first, last)}:*' or -Uid");
                }

                for (uint uid = Math.Min(first, last); ; uid++)
                {
                    set.Add(new UniqueId(uid));
                    if (uid == Math.Max(first, last))
                    {
                        break;
                    }
                }
            }

            return set;
        }

        private static bool TryUid(string text, out uint uid) =>
            uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out uid) && uid > 0;

        /// <summary>Atoms, quoted strings (with \" and \\), and parentheses; everything that could smuggle a command is refused.</summary>
        private static List<Token> Tokenize(string text)
        {
            if (text == null)
            {
                throw Invalid(text, "it is empty");
            }

            int bad = text.IndexOfAny(new[] { '\r', '\n', '\0' });
            if (bad >= 0)
            {
                throw Invalid(text, $"it contains a {(text[bad] == '\0' ? "NUL" : text[bad] == '\r' ? "CR" : "LF")} character, which would end the IMAP command");
            }

            var tokens = new List<Token>();
            int i = 0;
            while (i < text.Length)
            {
                char c = text[i];
                if (c == ' ' || c == '\t')
                {
                    i++;
                }
                else if (c == '(' || c == ')')
                {
                    tokens.Add(new Token(c == '(' ? TokenKind.Open : TokenKind.Close, c.ToString()));
                    i++;
                }
                else if (c == '{')
                {
                    throw Invalid(text, "it contains a literal ('{n}'); write the text in double quotes instead");
                }
                else if (c == '"')
                {
                    var value = new StringBuilder();
                    i++;
                    bool closed = false;
                    while (i < text.Length)
                    {
                        char q = text[i++];
                        if (q == '\\' && i < text.Length && (text[i] == '"' || text[i] == '\\'))
                        {
                            value.Append(text[i++]);
                        }
                        else if (q == '"')
                        {
                            closed = true;
                            break;
                        }
                        else
                        {
                            value.Append(q);
                        }
                    }

                    if (!closed)
                    {
                        throw Invalid(text, "a double quote is never closed");
                    }

                    tokens.Add(new Token(TokenKind.Quoted, value.ToString()));
                }
                else
                {
                    int start = i;
                    while (i < text.Length && " \t()\"{".IndexOf(text[i]) < 0)
                    {
                        i++;
                    }

                    tokens.Add(new Token(TokenKind.Atom, text.Substring(start, i - start)));
                }
            }

            return tokens;
        }

        private static MailProtocolException Invalid(string text, string why) =>
            new MailProtocolException(MailErrorKind.InvalidArgument, MailErrorReason.InvalidQuery,
                $"-Query '{ImapInputRules.Printable(text)}' is not a valid IMAP search: {why}. Write RFC 3501 search keys, such as 'OR FROM alice FROM bob', 'NOT SEEN' or 'SUBJECT \"disk full\" SINCE 1-Feb-2024'.");

        private enum TokenKind
        {
            Atom,
            Quoted,
            Open,
            Close,
        }

        private readonly struct Token
        {
            public Token(TokenKind kind, string text)
            {
                Kind = kind;
                Text = text;
            }

            public TokenKind Kind { get; }

            public string Text { get; }
        }
    }
}
