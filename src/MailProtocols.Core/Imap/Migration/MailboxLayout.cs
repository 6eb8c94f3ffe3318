using System;
using System.Collections.Generic;

namespace MailProtocols.Core.Imap.Migration
{
    /// <summary>A mailbox's folders with its personal namespace: prefix ("INBOX." on Cyrus or Courier, "" elsewhere) and delimiter.</summary>
    internal sealed class MailboxLayout
    {
        public MailboxLayout(IReadOnlyList<MailboxFolder> folders, string personalPrefix, char separator)
        {
            Folders = folders;
            Separator = separator;

            // Kept with its delimiter ("INBOX."), so stripping it leaves the folder's own path.
            string prefix = personalPrefix ?? string.Empty;
            if (prefix.Length > 0 && separator != '\0' && prefix[prefix.Length - 1] != separator)
            {
                prefix += separator;
            }

            PersonalPrefix = prefix;
        }

        public IReadOnlyList<MailboxFolder> Folders { get; }

        public string PersonalPrefix { get; }

        public char Separator { get; }

        /// <summary>
        /// The folder's path below the personal prefix, one element per level: "INBOX.Projects.Web" is
        /// Projects, Web where the prefix is "INBOX."; INBOX itself is INBOX.
        /// </summary>
        public string[] PathOf(string fullName)
        {
            if (string.Equals(fullName, "INBOX", StringComparison.OrdinalIgnoreCase))
            {
                return new[] { "INBOX" };
            }

            string rest = PersonalPrefix.Length > 0 && fullName.StartsWith(PersonalPrefix, StringComparison.OrdinalIgnoreCase)
                ? fullName.Substring(PersonalPrefix.Length)
                : fullName;
            return Separator == '\0' ? new[] { rest } : rest.Split(Separator);
        }

        /// <summary>The full name of a path on this server; a delimiter inside one level's name becomes '_'.</summary>
        public string NameOf(IReadOnlyList<string> path)
        {
            if (path.Count == 1 && string.Equals(path[0], "INBOX", StringComparison.OrdinalIgnoreCase))
            {
                return "INBOX";
            }

            var levels = new List<string>(path);

            // Below an "INBOX." prefix every folder is under INBOX already: INBOX/Sub is INBOX.Sub, not INBOX.INBOX.Sub.
            if (levels.Count > 1 && string.Equals(levels[0], "INBOX", StringComparison.OrdinalIgnoreCase) &&
                PersonalPrefix.StartsWith("INBOX", StringComparison.OrdinalIgnoreCase))
            {
                levels.RemoveAt(0);
            }

            if (Separator == '\0')
            {
                return PersonalPrefix + string.Join("_", levels);
            }

            for (int i = 0; i < levels.Count; i++)
            {
                levels[i] = levels[i].Replace(Separator, '_');
            }

            return PersonalPrefix + string.Join(Separator.ToString(), levels);
        }
    }
}
