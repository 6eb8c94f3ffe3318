using System;
using System.Globalization;
using System.IO;
using System.Text.RegularExpressions;

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

        private static readonly Regex Ours = new Regex(@"^(?<time>\d+)\.(?<uid>\d+)_(?<validity>\d+)\." + Host + @"(?:,|$)",
            RegexOptions.CultureInvariant);

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
            uid = 0;
            uidValidity = 0;
            Match match = Ours.Match(fileName);
            return match.Success &&
                uint.TryParse(match.Groups["uid"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out uid) &&
                uint.TryParse(match.Groups["validity"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out uidValidity);
        }
    }
}
