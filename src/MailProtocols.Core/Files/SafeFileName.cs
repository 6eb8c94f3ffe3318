using System;
using System.IO;
using System.Linq;
using System.Text;

namespace MailProtocols.Core.Files
{
    /// <summary>
    /// Makes file names from untrusted text (attachment names, UIDLs): no directory parts, no
    /// traversal, no characters any of Windows/Linux/macOS reject, no reserved device names, bounded length.
    /// </summary>
    public static class SafeFileName
    {
        /// <summary>UTF-16 characters, leaving room for a collision suffix and a temp extension under common 255-byte limits.</summary>
        public const int MaxLength = 120;

        /// <summary>
        /// Bytes in UTF-8, as Linux and macOS count a name (255 at most): 120 characters of CJK text are
        /// 360 bytes, so the name is cut by bytes as well, leaving room for the suffix and temp extension.
        /// </summary>
        public const int MaxUtf8Bytes = 200;

        private static readonly string[] ReservedNames =
        {
            "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
            "COM0", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
            "LPT0", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
        };

        /// <summary>Returns a safe single file name for <paramref name="name"/>, or <paramref name="fallback"/> if nothing usable is left.</summary>
        public static string From(string name, string fallback = "attachment")
        {
            string candidate = name ?? string.Empty;

            // Keep only the last path segment, whichever separator the sender used.
            int cut = candidate.LastIndexOfAny(new[] { '/', '\\' });
            candidate = cut >= 0 ? candidate.Substring(cut + 1) : candidate;

            var builder = new StringBuilder(candidate.Length);
            foreach (char c in candidate)
            {
                bool bad = c < 32 || c == 127 || "<>:\"|?*/\\".IndexOf(c) >= 0;
                builder.Append(bad ? '_' : c);
            }

            // Windows drops trailing dots and spaces; leading dots would hide the file or mean "..".
            candidate = builder.ToString().Trim().TrimEnd('.', ' ').TrimStart('.', ' ');
            if (candidate.Length == 0)
            {
                candidate = fallback;
            }

            string stem = Path.GetFileNameWithoutExtension(candidate);
            string extension = Path.GetExtension(candidate);
            if (extension.Length > 16)
            {
                extension = string.Empty;
            }

            // After the extension is settled, so that dropping it cannot undo the escape ("CON.<long>" was "CON").
            string device = stem.Split('.')[0];
            if (ReservedNames.Contains(device, StringComparer.OrdinalIgnoreCase))
            {
                stem = "_" + stem;
            }

            if (stem.Length + extension.Length > MaxLength)
            {
                stem = TruncateSafely(stem, MaxLength - extension.Length);
            }

            stem = TruncateUtf8(stem, MaxUtf8Bytes - Encoding.UTF8.GetByteCount(extension));
            return stem + extension;
        }

        /// <summary>
        /// Returns a path inside <paramref name="directory"/> that does not exist yet:
        /// name.ext, then "name (1).ext", "name (2).ext", ...
        /// </summary>
        public static string UniquePath(string directory, string safeName)
        {
            string path = Path.Combine(directory, safeName);
            string stem = Path.GetFileNameWithoutExtension(safeName);
            string extension = Path.GetExtension(safeName);
            for (int n = 1; File.Exists(path) || Directory.Exists(path); n++)
            {
                path = Path.Combine(directory, $"{stem} ({n}){extension}");
            }

            return path;
        }

        /// <summary>True when <paramref name="path"/> resolves to a location inside <paramref name="directory"/>.</summary>
        public static bool IsInside(string directory, string path)
        {
            string root = Path.GetFullPath(directory).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
            return Path.GetFullPath(path).StartsWith(root, StringComparison.Ordinal);
        }

        /// <summary>The longest prefix of <paramref name="text"/> that is at most <paramref name="maxBytes"/> bytes in UTF-8, never cutting a surrogate pair.</summary>
        public static string TruncateUtf8(string text, int maxBytes)
        {
            if (Encoding.UTF8.GetByteCount(text) <= maxBytes)
            {
                return text;
            }

            int bytes = 0;
            int length = 0;
            while (length < text.Length)
            {
                int step = char.IsHighSurrogate(text[length]) && length + 1 < text.Length ? 2 : 1;
                int size = Encoding.UTF8.GetByteCount(text.Substring(length, step));
                if (bytes + size > maxBytes)
                {
                    break;
                }

                bytes += size;
                length += step;
            }

            return text.Substring(0, length);
        }

        private static string TruncateSafely(string text, int length)
        {
            if (length <= 0)
            {
                return string.Empty;
            }

            // Never cut a surrogate pair in half.
            if (text.Length > length && char.IsHighSurrogate(text[length - 1]))
            {
                length--;
            }

            return text.Substring(0, Math.Min(length, text.Length));
        }
    }
}
