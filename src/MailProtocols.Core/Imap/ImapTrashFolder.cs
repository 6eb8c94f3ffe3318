using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using MailKit;
using MailKit.Net.Imap;
using MailProtocols.Core.Sessions;

namespace MailProtocols.Core.Imap
{
    /// <summary>
    /// Finds the Trash folder: by its \Trash special use where the server offers SPECIAL-USE, else by the
    /// names the big servers use (Exchange Online advertises no SPECIAL-USE and calls it "Deleted Items").
    /// </summary>
    internal static class ImapTrashFolder
    {
        /// <summary>Well-known names, in order of preference, matched case-insensitively; '/' stands for the server's delimiter.</summary>
        internal static readonly IReadOnlyList<string> WellKnownNames = new[] { "Trash", "Deleted Items", "Deleted Messages", "[Gmail]/Trash" };

        /// <summary>The Trash folder, or null when the server neither flags one nor has one of the well-known names.</summary>
        public static IMailFolder Find(ImapSession session, CancellationToken token)
        {
            ImapClient client = session.Client;
            if (session.Features.SpecialUse)
            {
                IMailFolder flagged = client.GetFolder(SpecialFolder.Trash);
                if (flagged != null)
                {
                    return flagged;
                }
            }

            var folders = new List<IMailFolder>();
            foreach (FolderNamespace space in ImapFolderOperations.PersonalNamespaces(client))
            {
                folders.AddRange(client.GetFolders(space, StatusItems.None, false, token));
            }

            char separator = ImapFolderOperations.Separator(session);
            return Pick(folders.Where(ImapFolderOperations.IsSelectable).Select(f => f.FullName), separator) is string name
                ? folders.First(f => f.FullName == name)
                : null;
        }

        /// <summary>The first well-known name (in preference order) among <paramref name="names"/>, as the server spells it.</summary>
        internal static string Pick(IEnumerable<string> names, char separator)
        {
            string[] all = names.ToArray();
            foreach (string wanted in WellKnownNames)
            {
                string candidate = wanted.Replace('/', separator);
                string match = all.FirstOrDefault(n => string.Equals(n, candidate, StringComparison.OrdinalIgnoreCase));
                if (match != null)
                {
                    return match;
                }
            }

            return null;
        }
    }
}
