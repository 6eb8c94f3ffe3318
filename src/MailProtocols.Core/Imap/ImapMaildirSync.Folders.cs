using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using MailProtocols.Core.Maildir;
using MailProtocols.Core.Sessions;

namespace MailProtocols.Core.Imap
{
    internal sealed partial class ImapMaildirSync
    {
        /// <summary>
        /// Two-way with -Recurse: compares the Maildir++ folders below the synced folder with the server's. A local
        /// folder the server lacks is created there with <paramref name="create"/> (and synced), unless it was synced
        /// before: then the server deleted it, which is reported and not undone. Nothing is ever deleted on either side.
        /// Returns the targets with the folders created on the server added.
        /// </summary>
        public IReadOnlyList<ImapSyncTarget> ReconcileFolders(IReadOnlyList<ImapSyncTarget> targets, bool create, CancellationToken cancellationToken)
        {
            if (targets.Count == 0 || !Directory.Exists(_root))
            {
                return targets;
            }

            ImapSyncTarget top = targets[0];
            var known = new HashSet<string>(targets.Select(t => DirectoryFor(t).TrimEnd(Path.DirectorySeparatorChar)), StringComparer.Ordinal);
            var result = targets.ToList();
            char separator = top.Separator == '\0' ? '/' : top.Separator;
            foreach (string directory in Directory.EnumerateDirectories(_root, ".*").OrderBy(d => d, StringComparer.Ordinal))
            {
                string name = Path.GetFileName(directory);
                if (known.Contains(directory.TrimEnd(Path.DirectorySeparatorChar)) || !MaildirReader.IsMaildir(directory))
                {
                    continue;
                }

                IReadOnlyList<string> segments = MaildirFolderName.Segments(name);
                if (segments == null || segments.Any(s => s.IndexOf(separator) >= 0))
                {
                    _channel.Warning($"The local folder '{directory}' has a name that does not read back as an IMAP folder name; it is not synced.");
                    continue;
                }

                string localName = string.Join(separator.ToString(), segments);
                string fullName = ImapNamespaces.WithPersonalPrefix(_session.Client, localName);
                if (!fullName.StartsWith(top.FullName + separator, StringComparison.Ordinal))
                {
                    // Not below the folder being synced: another run's business.
                    continue;
                }

                if (File.Exists(MaildirSyncState.PathIn(directory)))
                {
                    _channel.Warning($"The folder '{fullName}' is gone from the server (deleted or renamed there) but its local copy '{directory}' is still here. " +
                        "A deleted folder is never deleted on the other side: remove the copy yourself, or delete its mailprotocols.sync file to have -CreateFolders create the folder again.");
                    continue;
                }

                if (!create)
                {
                    _channel.Warning($"The local folder '{directory}' is not on the server; -CreateFolders creates it there ('{fullName}').");
                    continue;
                }

                if (PlanOnly)
                {
                    _channel.Output(new ImapSyncPlanItem { Side = ImapSyncSide.Server, Action = "CreateFolder", Folder = fullName, Flags = string.Empty, Path = directory });
                    continue;
                }

                if (!_channel.ShouldChange($"folder '{fullName}' on {_session.Endpoint}", "Create the folder (it was created locally)"))
                {
                    continue;
                }

                ImapFolderInfo created = ImapFolderOperations.Create(_session, fullName, cancellationToken);
                _channel.Verbose($"Created '{created.FullName}' on the server for the local folder '{directory}'.");
                result.Add(new ImapSyncTarget { FullName = created.FullName, Separator = top.Separator, Selectable = true, LocalName = localName });
            }

            return result;
        }
    }
}
