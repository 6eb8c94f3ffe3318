using System.Collections.Generic;
using System.Linq;
using System.Threading;
using MailKit;
using MailKit.Net.Imap;
using MailProtocols.Core.Sessions;

namespace MailProtocols.Core.Imap
{
    /// <summary>Fills a session's folder-name cache, so Tab completion of -Folder works before Get-ImapFolder has run.</summary>
    internal static class ImapFolderNames
    {
        /// <summary>One LIST "" "*" per personal namespace, names only (no STATUS): cheap even for many folders.</summary>
        public static void Load(ImapSession session, CancellationToken cancellationToken) =>
            session.Run("listing folder names", cancellationToken, token =>
            {
                ImapClient client = session.Client;
                IEnumerable<FolderNamespace> spaces = client.PersonalNamespaces.Count > 0
                    ? client.PersonalNamespaces
                    : new[] { new FolderNamespace(client.Inbox.DirectorySeparator, string.Empty) };
                var names = new List<string>();
                foreach (FolderNamespace space in spaces)
                {
                    names.AddRange(client.GetFolders(space, StatusItems.None, false, token).Select(f => f.FullName));
                }

                session.FolderCache.ReplaceAll(names);
            }, idempotent: true);
    }
}
