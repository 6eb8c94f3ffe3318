using System.Linq;
using MailProtocols.Core.Errors;

namespace MailProtocols.Core.Imap
{
    /// <summary>
    /// Checks user text that goes into IMAP commands where MailKit would send it unquoted (header field
    /// names, keywords) or where the protocol cannot carry it (NUL, control characters in new folder
    /// names). A bad value is an InvalidArgument error raised before anything is sent, so nothing can be
    /// spliced into a command.
    /// </summary>
    internal static class ImapInputRules
    {
        /// <summary>RFC 3501 atom-specials besides SP and CTL: what may not stand in a keyword.</summary>
        private const string AtomSpecials = "(){%*\"\\]";

        /// <summary>A keyword is an IMAP atom: printable ASCII without atom-specials (RFC 3501 flag-keyword).</summary>
        public static void CheckKeyword(string keyword)
        {
            if (string.IsNullOrEmpty(keyword) || keyword.Any(c => c <= 0x20 || c >= 0x7f || AtomSpecials.IndexOf(c) >= 0))
            {
                throw new MailProtocolException(MailErrorKind.InvalidArgument, MailErrorReason.InvalidKeyword,
                    $"'{Printable(keyword)}' is not an IMAP keyword: keywords are printable ASCII without spaces or any of ( ) {{ % * \" \\ ].");
            }
        }

        /// <summary>An RFC 5322 header field name: printable ASCII (33-126) without ':'.</summary>
        public static void CheckHeaderName(string name)
        {
            if (string.IsNullOrEmpty(name) || name.Any(c => c < 33 || c > 126 || c == ':'))
            {
                throw new MailProtocolException(MailErrorKind.InvalidArgument, MailErrorReason.InvalidHeaderName,
                    $"'{Printable(name)}' is not a header field name: names are printable ASCII without spaces or ':' (such as X-Mailer).");
            }
        }

        /// <summary>Search text may hold any character but NUL, which IMAP strings cannot carry (servers would cut the text there).</summary>
        public static void CheckSearchText(string parameter, string text)
        {
            if (text != null && text.IndexOf('\0') >= 0)
            {
                throw new MailProtocolException(MailErrorKind.InvalidArgument, MailErrorReason.InvalidSearchText,
                    $"-{parameter} contains a NUL character, which IMAP cannot search for.");
            }
        }

        /// <summary>
        /// A folder name to create: no control characters (MailKit refuses them too, and servers may
        /// not round-trip them), and no empty level (a leading, trailing or doubled separator).
        /// </summary>
        public static void CheckNewFolderName(string path, char separator)
        {
            if (path.Any(c => c < 0x20 || c == 0x7f))
            {
                throw new MailProtocolException(MailErrorKind.InvalidArgument, MailErrorReason.InvalidFolderName,
                    $"The folder name '{Printable(path)}' contains control characters (such as CR, LF, TAB or NUL); a folder name cannot hold them.");
            }

            if (separator != '\0' && path.Split(separator).Any(s => s.Length == 0))
            {
                throw new MailProtocolException(MailErrorKind.InvalidArgument, MailErrorReason.InvalidFolderName,
                    $"The folder name '{path}' has an empty level: '{separator}' separates folder levels, so it cannot start or end the name or appear twice in a row.");
            }
        }

        /// <summary>The text with control characters shown as \uXXXX, for error messages.</summary>
        internal static string Printable(string text) =>
            text == null ? string.Empty : string.Concat(text.Select(c => c < 0x20 || c == 0x7f ? $"\\u{(int)c:x4}" : c.ToString()));
    }
}
