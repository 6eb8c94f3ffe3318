using System;
using System.Collections.Generic;
using System.Text;

namespace MailProtocols
{
    /// <summary>Converts between <see cref="ImapFolderRights"/> and the RFC 4314 letters ("lrswipkxtea").</summary>
    public static class ImapFolderRightsText
    {
        private static readonly (char Letter, ImapFolderRights Right)[] Letters =
        {
            ('l', ImapFolderRights.Lookup), ('r', ImapFolderRights.Read), ('s', ImapFolderRights.Seen),
            ('w', ImapFolderRights.Write), ('i', ImapFolderRights.Insert), ('p', ImapFolderRights.Post),
            ('k', ImapFolderRights.CreateFolder), ('x', ImapFolderRights.DeleteFolder),
            ('t', ImapFolderRights.DeleteMessages), ('e', ImapFolderRights.Expunge), ('a', ImapFolderRights.Administer),
        };

        /// <summary>"lrs" for Lookup, Read and Seen, in the RFC's order.</summary>
        public static string ToLetters(ImapFolderRights rights)
        {
            var text = new StringBuilder();
            foreach ((char letter, ImapFolderRights right) in Letters)
            {
                if ((rights & right) != 0)
                {
                    text.Append(letter);
                }
            }

            return text.ToString();
        }

        /// <summary>
        /// Rights from letters ("lrs"; RFC 2086's "c" and "d" too; unknown letters such as a server's own
        /// are ignored) as a server sends them.
        /// </summary>
        public static ImapFolderRights FromLetters(string letters, out string unknown)
        {
            var rights = ImapFolderRights.None;
            var rest = new StringBuilder();
            letters = letters ?? string.Empty;
            foreach (char c in letters)
            {
                // A server that knows RFC 4314 also sends "c" or "d" when any of their parts is granted
                // ("lrwtsd" grants t but not e), so they count only where the new letters are absent.
                if ((c == 'c' && letters.IndexOfAny(new[] { 'k', 'x' }) >= 0) || (c == 'd' && letters.IndexOfAny(new[] { 't', 'e' }) >= 0))
                {
                    continue;
                }

                ImapFolderRights right = FromLetter(c);
                if (right == ImapFolderRights.None)
                {
                    rest.Append(c);
                }

                rights |= right;
            }

            unknown = rest.ToString();
            return rights;
        }

        /// <summary>
        /// What a user typed: names ("Lookup, Read", "Lookup Read"), letters ("lrs"), or a number.
        /// Throws <see cref="ArgumentException"/> naming what is not understood.
        /// </summary>
        public static ImapFolderRights Parse(string text)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                throw new ArgumentException("Rights cannot be empty. Give names such as 'Lookup, Read' or RFC 4314 letters such as 'lr'.");
            }

            if (Enum.TryParse(text.Trim(), ignoreCase: true, out ImapFolderRights named))
            {
                return named;
            }

            var rights = ImapFolderRights.None;
            var bad = new List<string>();
            foreach (string word in text.Split(new[] { ',', ' ', ';', '+' }, StringSplitOptions.RemoveEmptyEntries))
            {
                if (Enum.TryParse(word, ignoreCase: true, out ImapFolderRights right) && !IsNumber(word))
                {
                    rights |= right;
                    continue;
                }

                ImapFolderRights fromLetters = FromLetters(word, out string unknown);
                if (unknown.Length == 0 && word.Length > 0)
                {
                    rights |= fromLetters;
                }
                else
                {
                    bad.Add(word);
                }
            }

            if (bad.Count > 0)
            {
                throw new ArgumentException(
                    $"'{string.Join("', '", bad)}' is not a right. Use names ({string.Join(", ", Enum.GetNames(typeof(ImapFolderRights)))}) or RFC 4314 letters (lrswipkxtea; RFC 2086's c and d).");
            }

            return rights;
        }

        private static bool IsNumber(string word) => word.Length > 0 && (char.IsDigit(word[0]) || word[0] == '-');

        private static ImapFolderRights FromLetter(char c)
        {
            switch (c)
            {
                // RFC 2086 rights that RFC 4314 split up.
                case 'c': return ImapFolderRights.CreateFolder | ImapFolderRights.DeleteFolder;
                case 'd': return ImapFolderRights.DeleteMessages | ImapFolderRights.Expunge;
            }

            foreach ((char letter, ImapFolderRights right) in Letters)
            {
                if (letter == c)
                {
                    return right;
                }
            }

            return ImapFolderRights.None;
        }
    }
}
