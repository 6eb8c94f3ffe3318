using System.Globalization;
using MailProtocols.Core.Files;

namespace MailProtocols.Core.Imap
{
    /// <summary>
    /// File names for saved IMAP messages: "&lt;folder&gt;_&lt;uidvalidity&gt;_&lt;uid&gt;.eml", e.g.
    /// "Projects_Alerts_1700000000_42.eml". UIDVALIDITY and UID together name one message for ever, so a
    /// name never stands for two different messages, and re-running a backup finds what it saved before.
    /// </summary>
    public static class ImapMessageFiles
    {
        /// <summary>Room left for the folder part, so the UIDs are never cut off.</summary>
        private const int MaxFolderLength = 80;

        private const int MaxFolderBytes = 120;

        public static string FileName(string folder, char separator, uint uidValidity, uint uid)
        {
            string flat = separator == '\0' ? folder : folder.Replace(separator, '_');

            // Path separators inside a level are characters of the name, not directories: keep what is
            // on both sides ("a\b" is "a_b"), where the sanitizer would keep only the last part.
            flat = flat.Replace('/', '_').Replace('\\', '_');
            string safe = SafeFileName.From(flat, "folder");
            if (safe.Length > MaxFolderLength)
            {
                safe = safe.Substring(0, char.IsHighSurrogate(safe[MaxFolderLength - 1]) ? MaxFolderLength - 1 : MaxFolderLength);
            }

            // Non-ASCII names are cut by bytes too, so the whole name stays well under 255 bytes.
            safe = SafeFileName.TruncateUtf8(safe, MaxFolderBytes);

            return string.Format(CultureInfo.InvariantCulture, "{0}_{1}_{2}.eml", safe, uidValidity, uid);
        }
    }
}
