using System;
using System.Collections.Generic;
using System.Linq;
using MailKit;
using MailKit.Net.Imap;

namespace MailProtocols
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
                    string prefix = space.Path ?? string.Empty;
                    string bare = space.DirectorySeparator != '\0' ? prefix.TrimEnd(space.DirectorySeparator) : prefix;
                    bool inside = prefix.Length == 0
                        || fullName.StartsWith(prefix, StringComparison.Ordinal)
                        || (bare.Length > 0 && string.Equals(fullName, bare, StringComparison.Ordinal));
                    if (inside && prefix.Length > best.Length)
                    {
                        best = (kind, space, prefix.Length);
                    }
                }
            }

            if (best.Kind != ImapNamespaceKind.OtherUsers || best.Space == null)
            {
                return (best.Kind, null);
            }

            string prefixText = best.Space.Path ?? string.Empty;
            if (fullName.Length <= prefixText.Length)
            {
                return (best.Kind, null);
            }

            string rest = fullName.Substring(prefixText.Length);
            int cut = best.Space.DirectorySeparator == '\0' ? -1 : rest.IndexOf(best.Space.DirectorySeparator);
            return (best.Kind, cut < 0 ? rest : rest.Substring(0, cut));
        }
    }
}
