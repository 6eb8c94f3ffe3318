using System;
using System.Globalization;
using System.IO;

namespace MailProtocols.Core.Maildir
{
    /// <summary>
    /// Names of the message files Sync-ImapFolder writes. A Maildir name is "unique" plus an info
    /// part ":2,FLAGS"; ours carry the message's identity on the server in the unique part:
    /// <c>&lt;INTERNALDATE as Unix time&gt;.&lt;uid&gt;_&lt;uidvalidity&gt;.mailprotocols,S=&lt;bytes&gt;:2,&lt;flags&gt;</c>.
    /// So no separate UID-to-file table is needed, and a file keeps its identity when a mail reader
    /// renames it for its own flags. S= is the exact file size, which Dovecot uses without reading the file.
    /// </summary>
    internal static class MaildirFileName
    {
        /// <summary>The "host" part of the unique name; it marks the files as ours.</summary>
        public const string Host = "mailprotocols";

        /// <summary>
        /// ":" as the Maildir specification says; ";" on Windows, where ":" in a file name would open an
        /// NTFS alternate data stream (mbsync and Dovecot use the same substitute there).
        /// </summary>
        public static char InfoSeparator => Path.DirectorySeparatorChar == '\\' ? ';' : ':';

        public static string BaseName(uint uid, uint uidValidity, DateTimeOffset? internalDate, long size)
        {
            long time = (internalDate ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds();
            return string.Format(CultureInfo.InvariantCulture, "{0}.{1}_{2}.{3},S={4}", Math.Max(0, time), uid, uidValidity, Host, size);
        }

        /// <summary>The name of a file in cur/: the unique part and the flag letters.</summary>
        public static string WithFlags(string baseName, string letters) => baseName + InfoSeparator + "2," + letters;

        /// <summary>Splits a file name into the unique part and the flag letters (empty when there is no ":2," part).</summary>
        public static void Split(string fileName, out string baseName, out string letters)
        {
            int info = Math.Max(fileName.LastIndexOf(":2,", StringComparison.Ordinal), fileName.LastIndexOf(";2,", StringComparison.Ordinal));
            if (info < 0)
            {
                baseName = fileName;
                letters = string.Empty;
                return;
            }

            baseName = fileName.Substring(0, info);
            letters = fileName.Substring(info + 3);
        }

        /// <summary>True for a file Sync-ImapFolder wrote; gives the message's UID and the folder's UIDVALIDITY.</summary>
        public static bool TryParseOurs(string fileName, out uint uid, out uint uidValidity)
        {
            // By hand rather than by a Regex: a two-way run parses every file name of the folder, twice.
            // Same rule as "^\d+\.(?<uid>\d+)_(?<validity>\d+)\.mailprotocols(?:,|$)" with both numbers in a uint
            // (\d is any Unicode digit; only ASCII digits make a number).
            uid = 0;
            uidValidity = 0;
            int at = 0;
            int end = -1;
            if (!(Digits(fileName, ref at, out _) && Next(fileName, ref at, '.') &&
                Digits(fileName, ref at, out uint? uidValue) && Next(fileName, ref at, '_') &&
                Digits(fileName, ref at, out uint? validityValue) && Next(fileName, ref at, '.') &&
                (end = at + Host.Length) <= fileName.Length && string.CompareOrdinal(fileName, at, Host, 0, Host.Length) == 0 &&
                (end == fileName.Length || fileName[end] == ',') && uidValue.HasValue && validityValue.HasValue))
            {
                return false;
            }

            uid = uidValue.Value;
            uidValidity = validityValue.Value;
            return true;
        }

        /// <summary>A run of digits at <paramref name="at"/>; its value when all are ASCII and it fits in a uint.</summary>
        private static bool Digits(string text, ref int at, out uint? value)
        {
            int start = at;
            while (at < text.Length && char.IsDigit(text[at]))
            {
                at++;
            }

            value = TryParseUInt(text, start, at, out uint number) ? number : (uint?)null;
            return at > start;
        }

        /// <summary>
        /// The characters from <paramref name="start"/> up to <paramref name="end"/> as a uint, as uint.TryParse with
        /// NumberStyles.None would read them (ASCII digits only, at least one), without cutting a substring first.
        /// </summary>
        internal static bool TryParseUInt(string text, int start, int end, out uint value)
        {
            value = 0;
            ulong number = 0;
            for (int i = start; i < end; i++)
            {
                char c = text[i];
                if (c < '0' || c > '9' || (number = number * 10 + (ulong)(c - '0')) > uint.MaxValue)
                {
                    return false;
                }
            }

            value = (uint)number;
            return end > start;
        }

        private static bool Next(string text, ref int at, char expected)
        {
            if (at < text.Length && text[at] == expected)
            {
                at++;
                return true;
            }

            return false;
        }
    }
}
