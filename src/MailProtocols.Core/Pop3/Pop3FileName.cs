using System;
using System.Security.Cryptography;
using System.Text;
using MailProtocols.Core.Files;

namespace MailProtocols.Core.Pop3
{
    /// <summary>
    /// Turns a UIDL into the file name a saved message gets. Two different UIDLs never get the same
    /// name, not even on a case-insensitive file system, so -SkipExisting can trust a file's name and
    /// no message overwrites another:
    /// <list type="bullet">
    /// <item>A-Z, a-z, 0-9, '-' and '_' are kept; every other character becomes %xx (its UTF-8 bytes,
    /// lower-case hex), '%' included, so escaping can never be mistaken for a literal.</item>
    /// <item>If the UIDL has an upper-case letter, or the escaped text is longer than 80 characters,
    /// the escaped text (cut to 80) is followed by '~' and 16 hex digits of the UIDL's SHA-256.
    /// '~' is always escaped in the first part, so these names cannot meet the plain ones; the plain
    /// ones have no upper-case letters, so they differ even ignoring case; and two UIDLs that differ
    /// only in case get different hashes.</item>
    /// <item>A name that would be a reserved device name (CON, NUL, COM1, ...) has its first character escaped.</item>
    /// </list>
    /// The name ends in ".eml". Dovecot's UIDLs (lower-case hex) come out unchanged: 000000016b07a092.eml.
    /// </summary>
    public static class Pop3FileName
    {
        public const string Extension = ".eml";

        private const int MaxReadableLength = 80;

        public static string For(string uid)
        {
            if (string.IsNullOrEmpty(uid))
            {
                throw new ArgumentException("A UIDL is never empty.", nameof(uid));
            }

            string escaped = Escape(uid);
            bool needsHash = escaped.Length > MaxReadableLength || HasUpperCase(uid);
            string stem = needsHash
                ? CutAtEscape(escaped, MaxReadableLength) + "~" + ShortHash(uid)
                : escaped;

            string name = stem + Extension;
            if (SafeFileName.From(name) != name)
            {
                // Only a reserved device name can be changed by the sanitizer, given the characters above.
                name = "%" + ((int)stem[0]).ToString("x2") + stem.Substring(1) + Extension;
            }

            return name;
        }

        private static string Escape(string uid)
        {
            var builder = new StringBuilder(uid.Length);
            foreach (char c in uid)
            {
                if (IsKept(c))
                {
                    builder.Append(c);
                    continue;
                }

                foreach (byte b in Encoding.UTF8.GetBytes(c.ToString()))
                {
                    builder.Append('%').Append(b.ToString("x2"));
                }
            }

            return builder.ToString();
        }

        private static bool IsKept(char c) =>
            (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';

        private static bool HasUpperCase(string uid)
        {
            foreach (char c in uid)
            {
                if (c >= 'A' && c <= 'Z')
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Cuts to at most <paramref name="length"/> characters without splitting a %XX escape.</summary>
        private static string CutAtEscape(string escaped, int length)
        {
            if (escaped.Length <= length)
            {
                return escaped;
            }

            int cut = length;
            int percent = escaped.LastIndexOf('%', cut - 1, Math.Min(3, cut));
            if (percent >= 0 && percent + 3 > cut)
            {
                cut = percent;
            }

            return escaped.Substring(0, cut);
        }

        private static string ShortHash(string uid)
        {
            using (SHA256 sha = SHA256.Create())
            {
                byte[] hash = sha.ComputeHash(Encoding.UTF8.GetBytes(uid));
                var builder = new StringBuilder(16);
                for (int i = 0; i < 8; i++)
                {
                    builder.Append(hash[i].ToString("x2"));
                }

                return builder.ToString();
            }
        }
    }
}
