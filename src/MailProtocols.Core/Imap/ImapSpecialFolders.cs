using System;
using System.Collections.Generic;
using System.Linq;

namespace MailProtocols.Core.Imap
{
    /// <summary>Finds the folder that plays a role (Sent, Trash, ...) whatever it is called.</summary>
    internal static class ImapSpecialFolders
    {
        // Names used by servers and clients that do not send SPECIAL-USE attributes (Exchange, Gmail, Outlook, Thunderbird, localized servers left out).
        private static readonly Dictionary<ImapSpecialUse, string[]> WellKnownNames = new Dictionary<ImapSpecialUse, string[]>
        {
            [ImapSpecialUse.Inbox] = new[] { "INBOX" },
            [ImapSpecialUse.Sent] = new[] { "Sent", "Sent Items", "Sent Messages", "Sent Mail", "[Gmail]/Sent Mail", "[Google Mail]/Sent Mail" },
            [ImapSpecialUse.Drafts] = new[] { "Drafts", "Draft", "[Gmail]/Drafts", "[Google Mail]/Drafts" },
            [ImapSpecialUse.Trash] = new[] { "Trash", "Deleted Items", "Deleted Messages", "Deleted", "Bin", "[Gmail]/Trash", "[Gmail]/Bin", "[Google Mail]/Trash", "[Google Mail]/Bin" },
            [ImapSpecialUse.Junk] = new[] { "Junk", "Junk Email", "Junk E-mail", "Spam", "Bulk Mail", "[Gmail]/Spam", "[Google Mail]/Spam" },
            [ImapSpecialUse.Archive] = new[] { "Archive", "Archives", "[Gmail]/All Mail", "[Google Mail]/All Mail" },
            [ImapSpecialUse.All] = new[] { "All Mail", "[Gmail]/All Mail", "[Google Mail]/All Mail" },
            [ImapSpecialUse.Flagged] = new[] { "Flagged", "Starred", "[Gmail]/Starred", "[Google Mail]/Starred" },
            [ImapSpecialUse.Important] = new[] { "Important", "[Gmail]/Important", "[Google Mail]/Important" },
        };

        /// <summary>
        /// The folders marked with the use by the server (SPECIAL-USE, RFC 6154); when none is, the first
        /// folder with a well-known name, compared without case, with or without a personal prefix such as "INBOX.".
        /// </summary>
        public static IReadOnlyList<ImapFolderInfo> Pick(IReadOnlyList<ImapFolderInfo> folders, ImapSpecialUse use)
        {
            var marked = folders.Where(f => f.SpecialUse == use).ToList();
            if (marked.Count > 0 || !WellKnownNames.TryGetValue(use, out string[] names))
            {
                return marked;
            }

            foreach (string name in names)
            {
                ImapFolderInfo found = folders.FirstOrDefault(f => f.Namespace == ImapNamespaceKind.Personal && Matches(f, name));
                if (found != null)
                {
                    return new[] { found };
                }
            }

            return Array.Empty<ImapFolderInfo>();
        }

        private static bool Matches(ImapFolderInfo folder, string name)
        {
            // "INBOX.Sent Items" is "Sent Items" on a server whose personal folders live below INBOX.
            string separator = folder.Separator ?? string.Empty;
            string full = folder.FullName;
            string inboxPrefix = "INBOX" + separator;
            if (separator.Length > 0 && full.StartsWith(inboxPrefix, StringComparison.OrdinalIgnoreCase))
            {
                full = full.Substring(inboxPrefix.Length);
            }

            string written = separator.Length == 0 ? name : name.Replace("/", separator);
            return string.Equals(folder.FullName, name, StringComparison.OrdinalIgnoreCase)
                || string.Equals(full, written, StringComparison.OrdinalIgnoreCase);
        }
    }
}
