using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using MailKit;
using MailKit.Net.Imap;
using MailProtocols.Core.Errors;
using MailProtocols.Core.Sessions;

namespace MailProtocols.Core.Imap
{
    /// <summary>Listing, resolving, opening, creating, renaming and deleting folders of one session.</summary>
    internal static class ImapFolderOperations
    {
        /// <summary>What Get-ImapFolder shows; one LIST-STATUS asks for all of it.</summary>
        internal const StatusItems FolderStatus = StatusItems.Count | StatusItems.Unread | StatusItems.Recent | StatusItems.UidValidity | StatusItems.UidNext;

        /// <summary>
        /// Lists every folder of the personal namespace (LIST "" "*"), with status from the same command when the server offers
        /// LIST-STATUS; otherwise one STATUS per matching folder. <paramref name="match"/> filters by full name.
        /// </summary>
        public static IReadOnlyList<ImapFolderInfo> List(ImapSession session, Func<string, bool> match, bool subscribedOnly, CancellationToken cancellationToken) =>
            List(session, match, subscribedOnly, new[] { ImapNamespaceKind.Personal }, cancellationToken);

        /// <summary>Lists the folders of the namespaces asked for (one LIST per namespace prefix).</summary>
        public static IReadOnlyList<ImapFolderInfo> List(ImapSession session, Func<string, bool> match, bool subscribedOnly,
            IReadOnlyCollection<ImapNamespaceKind> namespaces, CancellationToken cancellationToken) =>
            session.Run("listing folders", cancellationToken, token =>
            {
                ImapClient client = session.Client;
                bool listStatus = session.Features.ListStatus;
                StatusItems items = listStatus ? FolderStatus : StatusItems.None;
                var folders = new List<IMailFolder>();
                bool personal = namespaces.Contains(ImapNamespaceKind.Personal);
                foreach ((ImapNamespaceKind kind, FolderNamespace space) in ImapNamespaces.Of(client, namespaces))
                {
                    // LIST "" "*" of a personal namespace without prefix also returns "shared/..." and "Public/...".
                    folders.AddRange(client.GetFolders(space, items, subscribedOnly, token)
                        .Where(f => ImapNamespaces.Classify(client, f.FullName).Kind == kind));
                }

                // Below a personal prefix such as "INBOX." (Cyrus, Courier) LIST "" "INBOX.*" cannot match INBOX
                // itself, yet INBOX always exists and is always the user's.
                if (personal && !subscribedOnly && !folders.Any(IsInbox))
                {
                    IMailFolder inbox = client.Inbox;
                    if (listStatus)
                    {
                        inbox.Status(FolderStatus, token);
                    }

                    folders.Add(inbox);
                }

                if (!subscribedOnly && personal && namespaces.Count == 1)
                {
                    session.FolderCache.ReplaceAll(folders.Select(f => f.FullName));
                }
                else
                {
                    folders.ForEach(f => session.FolderCache.Add(f.FullName));
                }

                var result = new List<ImapFolderInfo>();
                foreach (IMailFolder folder in SortForDisplay(folders))
                {
                    if (match != null && !match(folder.FullName))
                    {
                        continue;
                    }

                    if (!listStatus && IsSelectable(folder))
                    {
                        folder.Status(FolderStatus, token);
                    }

                    result.Add(ImapFolderInfo.From(folder, session, withStatus: true));
                }

                return (IReadOnlyList<ImapFolderInfo>)result;
            }, idempotent: true);

        /// <summary>True when the folder exists and can hold messages (not a \NoSelect container); a missing one is a NotFound error.</summary>
        public static bool HoldsMessages(ImapSession session, string path, CancellationToken cancellationToken) =>
            IsSelectable(Get(session, path, cancellationToken));

        /// <summary>Finds a folder by its full name; a missing one is a NotFound error.</summary>
        public static IMailFolder Get(ImapSession session, string path, CancellationToken cancellationToken)
        {
            ValidatePath(path);
            return session.Run($"looking up folder '{path}'", cancellationToken, token =>
            {
                IMailFolder folder = TryGet(session, path, token);
                if (folder == null)
                {
                    throw ImapErrors.FolderNotFound(session, path);
                }

                return folder;
            }, idempotent: true);
        }

        /// <summary>
        /// Selects the folder unless it already is, read-only (EXAMINE) for reading so nothing changes by
        /// accident, read-write (SELECT) for changes. A folder open read-write also serves reads.
        /// </summary>
        public static IMailFolder Open(ImapSession session, string path, bool write, CancellationToken cancellationToken) =>
            session.Run($"opening folder '{path}'", cancellationToken, token =>
            {
                IMailFolder folder = Get(session, path, token);
                return Open(session, folder, write, token);
            }, idempotent: true);

        public static IMailFolder Open(ImapSession session, IMailFolder folder, bool write, CancellationToken cancellationToken) =>
            session.Run($"opening folder '{folder.FullName}'", cancellationToken, token =>
            {
                if (folder.IsOpen && (!write || folder.Access == FolderAccess.ReadWrite))
                {
                    return folder;
                }

                if (!IsSelectable(folder))
                {
                    throw new MailProtocolException(MailErrorKind.InvalidOperation, MailErrorReason.FolderNotSelectable,
                        $"The folder '{folder.FullName}' on {session.Endpoint} cannot hold messages (it is \\NoSelect); it only groups other folders.");
                }

                FolderAccess granted = folder.Open(write ? FolderAccess.ReadWrite : FolderAccess.ReadOnly, token);
                session.OpenFolder = folder;
                if (write && granted != FolderAccess.ReadWrite)
                {
                    throw new MailProtocolException(MailErrorKind.InvalidOperation, MailErrorReason.FolderReadOnly,
                        $"{session.Endpoint} opened '{folder.FullName}' read-only, so its messages cannot be changed. Check your rights on the folder.");
                }

                return folder;
            }, idempotent: true);

        /// <summary>Creates a folder and any missing parents; an existing folder is an error.</summary>
        public static ImapFolderInfo Create(ImapSession session, string path, CancellationToken cancellationToken)
        {
            ValidatePath(path);
            ImapInputRules.CheckNewFolderName(path, Separator(session));
            return session.Run($"creating folder '{path}'", cancellationToken, token =>
            {
                if (TryGet(session, path, token) != null)
                {
                    throw new MailProtocolException(MailErrorKind.InvalidOperation, MailErrorReason.FolderExists,
                        $"The folder '{path}' already exists on {session.Endpoint}.");
                }

                IMailFolder folder = EnsureExists(session, path, token);
                return Describe(session, folder, token);
            });
        }

        /// <summary>
        /// Creates a folder marked with a special use (CREATE-SPECIAL-USE, RFC 6154). Without the capability
        /// nothing is created: a folder without the mark would not be found as the Sent or Trash folder.
        /// </summary>
        public static ImapFolderInfo Create(ImapSession session, string path, ImapSpecialUse use, CancellationToken cancellationToken)
        {
            if (use == ImapSpecialUse.None)
            {
                return Create(session, path, cancellationToken);
            }

            ValidatePath(path);
            ImapInputRules.CheckNewFolderName(path, Separator(session));
            return session.Run($"creating folder '{path}'", cancellationToken, token =>
            {
                if (!session.Features.CreateSpecialUse)
                {
                    throw new MailProtocolException(MailErrorKind.InvalidOperation, MailErrorReason.CreateSpecialUseNotSupported,
                        $"{session.Endpoint} does not offer CREATE-SPECIAL-USE (RFC 6154), so it cannot mark a new folder as the {use} folder. Nothing was created. " +
                        $"Find the folder the server already uses with Get-ImapFolder -SpecialUse {use}, or create a plain folder without -SpecialUse.");
                }

                if (TryGet(session, path, token) != null)
                {
                    throw new MailProtocolException(MailErrorKind.InvalidOperation, MailErrorReason.FolderExists,
                        $"The folder '{path}' already exists on {session.Endpoint}.");
                }

                (string parentPath, string leaf) = SplitPath(path, Separator(session));
                IMailFolder parent = parentPath == null ? Root(session) : EnsureExists(session, parentPath, token);
                IMailFolder folder = parent.Create(leaf, new[] { ToSpecialFolder(use) }, token);
                return Describe(session, folder, token);
            });
        }

        /// <summary>Subscribes to a folder (SUBSCRIBE) or ends the subscription (UNSUBSCRIBE).</summary>
        public static void SetSubscribed(ImapSession session, string path, bool subscribed, CancellationToken cancellationToken)
        {
            ValidatePath(path);
            session.Run($"{(subscribed ? "subscribing to" : "unsubscribing from")} folder '{path}'", cancellationToken, token =>
            {
                IMailFolder folder = Get(session, path, token);
                if (subscribed)
                {
                    folder.Subscribe(token);
                }
                else
                {
                    folder.Unsubscribe(token);
                }
            }, idempotent: true);
        }

        private static SpecialFolder ToSpecialFolder(ImapSpecialUse use)
        {
            switch (use)
            {
                case ImapSpecialUse.Sent: return SpecialFolder.Sent;
                case ImapSpecialUse.Drafts: return SpecialFolder.Drafts;
                case ImapSpecialUse.Trash: return SpecialFolder.Trash;
                case ImapSpecialUse.Junk: return SpecialFolder.Junk;
                case ImapSpecialUse.Archive: return SpecialFolder.Archive;
                case ImapSpecialUse.All: return SpecialFolder.All;
                case ImapSpecialUse.Flagged: return SpecialFolder.Flagged;
                case ImapSpecialUse.Important: return SpecialFolder.Important;
                default:
                    throw new MailProtocolException(MailErrorKind.InvalidArgument, MailErrorReason.InvalidSpecialUse,
                        $"A new folder cannot be marked as {use}. Use Sent, Drafts, Trash, Junk, Archive, All, Flagged or Important.");
            }
        }

        /// <summary>Renames (or moves) a folder to a new full name, creating the new parents if needed.</summary>
        public static ImapFolderInfo Rename(ImapSession session, string path, string newPath, CancellationToken cancellationToken)
        {
            ValidatePath(path);
            ValidatePath(newPath);
            ImapInputRules.CheckNewFolderName(newPath, Separator(session));
            return session.Run($"renaming folder '{path}'", cancellationToken, token =>
            {
                IMailFolder folder = Get(session, path, token);
                if (TryGet(session, newPath, token) != null)
                {
                    throw new MailProtocolException(MailErrorKind.InvalidOperation, MailErrorReason.FolderExists,
                        $"The folder '{newPath}' already exists on {session.Endpoint}. Choose another new name.");
                }

                char separator = Separator(session);
                (string parentPath, string leaf) = SplitPath(newPath, separator);
                IMailFolder parent = parentPath == null ? Root(session) : EnsureExists(session, parentPath, token);
                string oldName = folder.FullName;
                folder.Rename(parent, leaf, token);
                session.FolderCache.Rename(oldName, folder.FullName, separator);
                return Describe(session, folder, token);
            });
        }

        /// <summary>Deletes one folder (the server decides what happens to its subfolders).</summary>
        public static void Delete(ImapSession session, string path, CancellationToken cancellationToken)
        {
            ValidatePath(path);
            session.Run($"removing folder '{path}'", cancellationToken, token =>
            {
                IMailFolder folder = Get(session, path, token);
                if (folder == session.Client.Inbox)
                {
                    throw new MailProtocolException(MailErrorKind.InvalidOperation, MailErrorReason.CannotRemoveInbox,
                        "INBOX cannot be removed. Remove its messages with Remove-ImapMessage instead.");
                }

                string name = folder.FullName;
                folder.Delete(token);
                if (session.OpenFolder == folder)
                {
                    session.OpenFolder = null;
                }

                session.FolderCache.Remove(name, Separator(session));
            });
        }

        /// <summary>The hierarchy delimiter of the personal namespace.</summary>
        public static char Separator(ImapSession session)
        {
            FolderNamespace space = PersonalNamespaces(session.Client).FirstOrDefault();
            return space != null ? space.DirectorySeparator : session.Client.Inbox.DirectorySeparator;
        }

        internal static bool IsSelectable(IMailFolder folder) =>
            (folder.Attributes & (FolderAttributes.NoSelect | FolderAttributes.NonExistent)) == 0;

        private static ImapFolderInfo Describe(ImapSession session, IMailFolder folder, CancellationToken token)
        {
            session.FolderCache.Add(folder.FullName);
            if (IsSelectable(folder))
            {
                folder.Status(FolderStatus, token);
            }

            return ImapFolderInfo.From(folder, session, withStatus: true);
        }

        /// <summary>The folder, or null when the server does not know it (a deleted one counts as unknown).</summary>
        private static IMailFolder TryGet(ImapSession session, string path, CancellationToken token)
        {
            IMailFolder folder;
            try
            {
                folder = string.Equals(path, "INBOX", StringComparison.OrdinalIgnoreCase)
                    ? session.Client.Inbox
                    : session.Client.GetFolder(path, token);
            }
            catch (FolderNotFoundException)
            {
                return null;
            }

            // \NonExistent alone means deleted; with children it is a container that only groups other folders.
            if ((folder.Attributes & FolderAttributes.NonExistent) != 0 && (folder.Attributes & FolderAttributes.HasChildren) == 0)
            {
                return null;
            }

            session.FolderCache.Add(folder.FullName);
            return folder;
        }

        private static IMailFolder EnsureExists(ImapSession session, string path, CancellationToken token)
        {
            char separator = Separator(session);
            string[] segments = separator == '\0' ? new[] { path } : path.Split(separator);
            IMailFolder current = Root(session);
            string prefix = null;
            foreach (string segment in segments)
            {
                prefix = prefix == null ? segment : prefix + separator + segment;
                IMailFolder next = TryGet(session, prefix, token);
                if (next == null)
                {
                    next = current.Create(segment, true, token);
                    session.FolderCache.Add(next.FullName);
                }

                current = next;
            }

            return current;
        }

        private static IMailFolder Root(ImapSession session)
        {
            FolderNamespace space = PersonalNamespaces(session.Client).FirstOrDefault()
                ?? new FolderNamespace(session.Client.Inbox.DirectorySeparator, string.Empty);
            return session.Client.GetFolder(space);
        }

        private static (string Parent, string Leaf) SplitPath(string path, char separator)
        {
            int cut = separator == '\0' ? -1 : path.LastIndexOf(separator);
            return cut < 0 ? (null, path) : (path.Substring(0, cut), path.Substring(cut + 1));
        }

        internal static IEnumerable<FolderNamespace> PersonalNamespaces(ImapClient client) =>
            client.PersonalNamespaces.Count > 0
                ? client.PersonalNamespaces
                : new[] { new FolderNamespace(client.Inbox.DirectorySeparator, string.Empty) };

        private static bool IsInbox(IMailFolder folder) =>
            (folder.Attributes & FolderAttributes.Inbox) != 0 || string.Equals(folder.FullName, "INBOX", StringComparison.OrdinalIgnoreCase);

        private static IEnumerable<IMailFolder> SortForDisplay(IEnumerable<IMailFolder> folders) =>
            folders
                .Where(f => !string.IsNullOrEmpty(f.FullName))
                .GroupBy(f => f.FullName, StringComparer.Ordinal)
                .Select(g => g.First())
                .OrderBy(f => IsInbox(f) ? 0 : 1)
                .ThenBy(f => f.FullName, StringComparer.OrdinalIgnoreCase);

        private static void ValidatePath(string path)
        {
            if (string.IsNullOrWhiteSpace(path))
            {
                throw new MailProtocolException(MailErrorKind.InvalidArgument, MailErrorReason.InvalidFolderName, "A folder name cannot be empty.");
            }
        }
    }
}
