using System;
using System.Collections.Generic;
using System.Linq;
using MailKit;
using MailKit.Net.Imap;

namespace MailProtocols.Core.Imap
{
    /// <summary>The server's namespaces (RFC 2342 NAMESPACE) and which one a folder name belongs to.</summary>
    internal static class ImapNamespaces
    {
        /// <summary>The namespaces of the kinds asked for; a server without NAMESPACE has one personal namespace at the top.</summary>
        public static IEnumerable<(ImapNamespaceKind Kind, FolderNamespace Space)> Of(ImapClient client, IEnumerable<ImapNamespaceKind> kinds)
        {
            foreach (ImapNamespaceKind kind in kinds.Distinct())
            {
                foreach (FolderNamespace space in List(client, kind))
                {
                    yield return (kind, space);
                }
            }
        }

        public static IEnumerable<FolderNamespace> List(ImapClient client, ImapNamespaceKind kind)
        {
            switch (kind)
            {
                case ImapNamespaceKind.OtherUsers:
                    return client.OtherNamespaces;
                case ImapNamespaceKind.Shared:
                    return client.SharedNamespaces;
                default:
                    return client.PersonalNamespaces.Count > 0
                        ? (IEnumerable<FolderNamespace>)client.PersonalNamespaces
                        : new[] { new FolderNamespace(client.Inbox.DirectorySeparator, string.Empty) };
            }
        }

        /// <summary>
        /// The namespace whose prefix is the longest one the name starts with, and for another user's
        /// folder its owner (the first level below the prefix: "alice" in "shared/alice/Support").
        /// </summary>
        public static (ImapNamespaceKind Kind, string Owner) Classify(ImapClient client, string fullName)
        {
            var best = (Kind: ImapNamespaceKind.Personal, Space: (FolderNamespace)null, Length: -1);
            if (string.Equals(fullName, "INBOX", StringComparison.OrdinalIgnoreCase))
            {
                return (ImapNamespaceKind.Personal, null);
            }

            foreach (ImapNamespaceKind kind in new[] { ImapNamespaceKind.Personal, ImapNamespaceKind.OtherUsers, ImapNamespaceKind.Shared })
            {
                foreach (FolderNamespace space in List(client, kind))
                {
                    // MailKit keeps the prefix without its trailing delimiter ("shared" for "shared/").
                    string root = Root(space);
                    bool inside = root.Length == 0
                        || string.Equals(fullName, root, StringComparison.Ordinal)
                        || fullName.StartsWith(root + space.DirectorySeparator, StringComparison.Ordinal);
                    if (inside && root.Length > best.Length)
                    {
                        best = (kind, space, root.Length);
                    }
                }
            }

            if (best.Kind != ImapNamespaceKind.OtherUsers || best.Space == null)
            {
                return (best.Kind, null);
            }

            string prefix = Root(best.Space);
            if (fullName.Length <= prefix.Length + 1)
            {
                return (best.Kind, null);
            }

            string rest = fullName.Substring(prefix.Length + 1);
            int cut = rest.IndexOf(best.Space.DirectorySeparator);
            return (best.Kind, cut < 0 ? rest : rest.Substring(0, cut));
        }

        /// <summary>
        /// The name without the personal namespace's prefix: "Projects.Web" for "INBOX.Projects.Web" on a server
        /// whose personal folders live below "INBOX." (a Maildir++ copy names it the way Dovecot and Courier do).
        /// </summary>
        public static string WithoutPersonalPrefix(ImapClient client, string fullName)
        {
            foreach (FolderNamespace space in List(client, ImapNamespaceKind.Personal))
            {
                string root = Root(space);
                if (root.Length > 0 && space.DirectorySeparator != '\0' && fullName.StartsWith(root + space.DirectorySeparator, StringComparison.Ordinal))
                {
                    return fullName.Substring(root.Length + 1);
                }
            }

            return fullName;
        }

        /// <summary>The inverse of <see cref="WithoutPersonalPrefix"/>: "INBOX.Projects" for "Projects" where personal folders live below "INBOX.".</summary>
        public static string WithPersonalPrefix(ImapClient client, string localName)
        {
            FolderNamespace space = List(client, ImapNamespaceKind.Personal).FirstOrDefault();
            string root = space == null ? string.Empty : Root(space);
            return root.Length == 0 || space.DirectorySeparator == '\0' || string.Equals(localName, "INBOX", StringComparison.OrdinalIgnoreCase)
                ? localName
                : root + space.DirectorySeparator + localName;
        }

        private static string Root(FolderNamespace space)
        {
            string path = space.Path ?? string.Empty;
            return space.DirectorySeparator == '\0' ? path : path.TrimEnd(space.DirectorySeparator);
        }
    }
}
