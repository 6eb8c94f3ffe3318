using System;
using System.Globalization;
using System.IO;

namespace MailProtocols.Core.Maildir
{
    /// <summary>
    /// The modification times of a Maildir folder's cur/ and new/, as Dovecot uses them: every file added, removed or
    /// renamed (a flag change) changes its directory's time, so equal times mean the same files. A time less than
    /// <see cref="Settled"/> old is not trusted, because a second change within the file system's timestamp
    /// granularity would not move it. Lets a no-change two-way run skip reading every record and every file name.
    /// </summary>
    internal static class MaildirStamp
    {
        public static readonly TimeSpan Settled = TimeSpan.FromSeconds(2);

        /// <summary>"cur-ticks new-ticks records-deleted-locally", or null when a directory is missing or changed too recently to trust.</summary>
        public static string Take(MaildirFolder maildir, int deletedLocally, DateTime nowUtc)
        {
            if (!Directory.Exists(maildir.Cur) || !Directory.Exists(maildir.New))
            {
                return null;
            }

            DateTime cur = Directory.GetLastWriteTimeUtc(maildir.Cur);
            DateTime fresh = Directory.GetLastWriteTimeUtc(maildir.New);
            if (nowUtc - cur < Settled || nowUtc - fresh < Settled)
            {
                return null;
            }

            return string.Format(CultureInfo.InvariantCulture, "{0} {1} {2}", cur.Ticks, fresh.Ticks, deletedLocally);
        }

        /// <summary>True when cur/ and new/ are as the stamp recorded them (and, with expunge, no local deletion is waiting for it).</summary>
        public static bool Matches(string stamp, MaildirFolder maildir, bool expunge)
        {
            string[] parts = (stamp ?? string.Empty).Split(' ');
            if (parts.Length != 3 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out long cur) ||
                !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long fresh) ||
                !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out int deleted) || (expunge && deleted > 0) ||
                !Directory.Exists(maildir.Cur) || !Directory.Exists(maildir.New))
            {
                return false;
            }

            return Directory.GetLastWriteTimeUtc(maildir.Cur).Ticks == cur && Directory.GetLastWriteTimeUtc(maildir.New).Ticks == fresh;
        }
    }
}
