using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace MailProtocols.Core.Maildir
{
    /// <summary>
    /// The flag letters of a Maildir file name ("...:2,FS"): D draft, F flagged, P passed (forwarded),
    /// R replied, S seen, T trashed. Writers must keep them in ASCII order; lower-case letters are
    /// other programs' keywords and are left alone.
    /// </summary>
    internal static class MaildirFlags
    {
        /// <summary>The IMAP keyword that Maildir's P (passed) stands for.</summary>
        public const string ForwardedKeyword = "$Forwarded";

        /// <summary>The letters for IMAP flags, sorted: D F P R S T.</summary>
        public static string ToLetters(ImapMessageFlags flags, IEnumerable<string> keywords)
        {
            bool forwarded = keywords != null && keywords.Any(k => string.Equals(k, ForwardedKeyword, StringComparison.OrdinalIgnoreCase));
            var letters = new StringBuilder(6);
            Append(letters, (flags & ImapMessageFlags.Draft) != 0, 'D');
            Append(letters, (flags & ImapMessageFlags.Flagged) != 0, 'F');
            Append(letters, forwarded, 'P');
            Append(letters, (flags & ImapMessageFlags.Answered) != 0, 'R');
            Append(letters, (flags & ImapMessageFlags.Seen) != 0, 'S');
            Append(letters, (flags & ImapMessageFlags.Deleted) != 0, 'T');
            return letters.ToString();
        }

        /// <summary>The IMAP flags the letters stand for; <paramref name="forwarded"/> is P.</summary>
        public static ImapMessageFlags FromLetters(string letters, out bool forwarded)
        {
            ImapMessageFlags flags = ImapMessageFlags.None;
            forwarded = false;
            foreach (char letter in letters ?? string.Empty)
            {
                switch (letter)
                {
                    case 'D': flags |= ImapMessageFlags.Draft; break;
                    case 'F': flags |= ImapMessageFlags.Flagged; break;
                    case 'P': forwarded = true; break;
                    case 'R': flags |= ImapMessageFlags.Answered; break;
                    case 'S': flags |= ImapMessageFlags.Seen; break;
                    case 'T': flags |= ImapMessageFlags.Deleted; break;
                }
            }

            return flags;
        }

        /// <summary>
        /// The upper-case letters replaced by <paramref name="letters"/>, keeping any lower-case (keyword)
        /// letters another program added, all in ASCII order as the Maildir specification asks.
        /// </summary>
        internal static string Merge(string existing, string letters)
        {
            IEnumerable<char> kept = (existing ?? string.Empty).Where(c => c >= 'a' && c <= 'z');
            return new string(letters.Concat(kept).Distinct().OrderBy(c => c).ToArray());
        }

        private static void Append(StringBuilder letters, bool set, char letter)
        {
            if (set)
            {
                letters.Append(letter);
            }
        }
    }
}
