using System;
using System.Globalization;
using System.Text;

namespace MailProtocols
{
    /// <summary>
    /// The text the format views show, in one place so every table agrees: sizes as "425 B", "1.0 KB",
    /// "273 KB", "3.5 MB"; flags as the letters of the Flags column; a body shortened for a list view.
    /// Plain BCL types only, so it can live with the public types.
    /// </summary>
    public static class DisplayText
    {
        private static readonly string[] Units = { "KB", "MB", "GB", "TB", "PB" };

        /// <summary>
        /// A size in 1024-byte units, at most 7 characters: one decimal below 10 ("1.0 KB", "3.5 MB"),
        /// whole numbers from 10 ("273 KB"), plain bytes below 1 KB ("425 B"); empty for null.
        /// </summary>
        public static string Size(long? bytes)
        {
            if (bytes == null || bytes < 0)
            {
                return string.Empty;
            }

            CultureInfo culture = CultureInfo.CurrentCulture;
            if (bytes < 1024)
            {
                return bytes.Value.ToString(culture) + " B";
            }

            double value = bytes.Value;
            int unit = -1;
            do
            {
                value /= 1024;
                unit++;
            }
            while (Math.Round(value) >= 1024 && unit < Units.Length - 1);

            double tenths = Math.Round(value, 1);
            string number = tenths < 10
                ? tenths.ToString("0.0", culture)
                : Math.Round(value).ToString("0", culture);
            return number + " " + Units[unit];
        }

        /// <summary>
        /// The Flags column: S seen, A answered, F flagged, D deleted, d draft, a dash for each flag not set,
        /// then @ when the message has attachments. Unknown flags (null: a file not from a Maildir) show as blanks.
        /// </summary>
        public static string Flags(ImapMessageFlags? flags, bool hasAttachments)
        {
            var text = new StringBuilder(6);
            if (flags == null)
            {
                return text.Append(' ', 5).Append(hasAttachments ? '@' : ' ').ToString().TrimEnd();
            }

            ImapMessageFlags f = flags.Value;
            text.Append((f & ImapMessageFlags.Seen) != 0 ? 'S' : '-');
            text.Append((f & ImapMessageFlags.Answered) != 0 ? 'A' : '-');
            text.Append((f & ImapMessageFlags.Flagged) != 0 ? 'F' : '-');
            text.Append((f & ImapMessageFlags.Deleted) != 0 ? 'D' : '-');
            text.Append((f & ImapMessageFlags.Draft) != 0 ? 'd' : '-');
            text.Append(hasAttachments ? '@' : ' ');
            return text.ToString().TrimEnd();
        }

        /// <summary>
        /// The first <paramref name="maxLines"/> lines (and at most <paramref name="maxChars"/> characters) of a
        /// text body, with a last line saying how much more there is. Line endings become "\n".
        /// </summary>
        public static string Shorten(string text, int maxLines, int maxChars)
        {
            if (string.IsNullOrEmpty(text))
            {
                return text;
            }

            string[] lines = text.Replace("\r\n", "\n").TrimEnd('\n', ' ', '\t').Split('\n');
            var shown = new StringBuilder();
            int count = 0;
            bool cut = false;
            foreach (string line in lines)
            {
                if (count == maxLines || shown.Length + line.Length > maxChars)
                {
                    break;
                }

                if (count > 0)
                {
                    shown.Append('\n');
                }

                shown.Append(line.TrimEnd());
                count++;
            }

            if (count == 0)
            {
                // One very long first line: cut it.
                shown.Append(lines[0], 0, Math.Min(lines[0].Length, maxChars));
                count = 1;
                cut = lines[0].Length > maxChars;
            }

            if (count < lines.Length || cut)
            {
                int more = lines.Length - count;
                shown.Append('\n').Append(more > 0
                    ? $"[... {more} more line{(more == 1 ? string.Empty : "s")}; the whole text is in the TextBody property]"
                    : "[...; the whole text is in the TextBody property]");
            }

            return shown.ToString();
        }
    }
}
