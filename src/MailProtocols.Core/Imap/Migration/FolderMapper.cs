using System;
using System.Collections.Generic;
using System.Linq;

namespace MailProtocols.Core.Imap.Migration
{
    /// <summary>
    /// Which destination folder each source folder goes to (pure: names in, names out). In order of precedence:
    /// a -FolderMap entry (it carries the folders below it along), the folder playing the same role on the
    /// destination (SPECIAL-USE attribute, or a well-known name such as Sent Items or [Gmail]/Sent Mail),
    /// and otherwise the same path with the destination's delimiter and personal prefix.
    /// </summary>
    internal static class FolderMapper
    {
        /// <summary>The roles mapped onto each other; All, Flagged and Important are views on Gmail and stay plain folders.</summary>
        internal static readonly ImapSpecialUse[] MappedUses =
        {
            ImapSpecialUse.Sent, ImapSpecialUse.Drafts, ImapSpecialUse.Trash, ImapSpecialUse.Junk, ImapSpecialUse.Archive,
        };

        /// <summary>
        /// The folders to copy: every folder that holds messages (INBOX included), or the named ones and, with
        /// <paramref name="recurse"/>, those below them; minus the excluded ones and everything below them.
        /// A name may be written with the server's delimiter or with '/'. Names not found are returned in <paramref name="missing"/>.
        /// </summary>
        public static IReadOnlyList<MailboxFolder> Select(MailboxLayout source, IReadOnlyCollection<string> names, bool recurse,
            Func<string, bool> isExcluded, out IReadOnlyList<string> missing)
        {
            var notFound = new List<string>();
            IEnumerable<MailboxFolder> chosen;
            if (names == null || names.Count == 0)
            {
                chosen = source.Folders;
            }
            else
            {
                var picked = new List<MailboxFolder>();
                foreach (string name in names)
                {
                    string[] wanted = SplitUserPath(source, name);
                    MailboxFolder exact = source.Folders.FirstOrDefault(f => SamePath(source.PathOf(f.FullName), wanted) || f.FullName == name);
                    List<MailboxFolder> below = recurse
                        ? source.Folders.Where(f => StartsWith(source.PathOf(f.FullName), wanted, proper: true)).ToList()
                        : new List<MailboxFolder>();
                    if (exact == null && below.Count == 0)
                    {
                        notFound.Add(name);
                        continue;
                    }

                    if (exact != null)
                    {
                        picked.Add(exact);
                    }

                    picked.AddRange(below);
                }

                chosen = picked;
            }

            missing = notFound;
            return chosen
                .Where(f => f.Selectable)
                .GroupBy(f => f.FullName, StringComparer.Ordinal).Select(g => g.First())
                .Where(f => isExcluded == null || !Excluded(source, f, isExcluded))
                .ToList();
        }

        /// <summary>The destination of each source folder; <paramref name="folderMap"/> keys are source names, values destination names.</summary>
        public static IReadOnlyList<FolderPair> Map(MailboxLayout source, MailboxLayout destination, IReadOnlyList<MailboxFolder> folders,
            IReadOnlyDictionary<string, string> folderMap)
        {
            var overrides = (folderMap ?? new Dictionary<string, string>())
                .Select(e => (From: SplitUserPath(source, e.Key), To: SplitUserPath(destination, e.Value), Reason: $"-FolderMap '{e.Key}'"))
                .ToList();
            var roles = new List<(string[] From, string[] To, string Reason)>();
            foreach (ImapSpecialUse use in MappedUses)
            {
                MailboxFolder from = Pick(source, use);
                MailboxFolder to = Pick(destination, use);
                if (from != null && to != null)
                {
                    roles.Add((source.PathOf(from.FullName), destination.PathOf(to.FullName), $"special use {use}"));
                }
            }

            var existing = new HashSet<string>(destination.Folders.Where(f => f.Selectable).Select(f => Key(f.FullName)), StringComparer.Ordinal);
            var pairs = new List<FolderPair>();
            foreach (MailboxFolder folder in folders)
            {
                string[] path = source.PathOf(folder.FullName);
                (string[] From, string[] To, string Reason) anchor = Longest(overrides, path);
                if (anchor.From == null)
                {
                    anchor = Longest(roles, path);
                }

                string[] target = anchor.From == null ? path : anchor.To.Concat(path.Skip(anchor.From.Length)).ToArray();
                string name = destination.NameOf(target);
                pairs.Add(new FolderPair(folder, name, existing.Contains(Key(name)), anchor.Reason ?? "name"));
            }

            return pairs;
        }

        /// <summary>The folder playing <paramref name="use"/>: marked so by the server, else the first with a well-known name.</summary>
        internal static MailboxFolder Pick(MailboxLayout layout, ImapSpecialUse use)
        {
            var infos = layout.Folders.Where(f => f.Selectable).Select(f => new ImapFolderInfo
            {
                FullName = f.FullName,
                Separator = f.Separator == '\0' ? null : f.Separator.ToString(),
                SpecialUse = f.SpecialUse,
                Namespace = ImapNamespaceKind.Personal,
            }).ToList();
            ImapFolderInfo found = ImapSpecialFolders.Pick(infos, use).FirstOrDefault();
            return found == null ? null : layout.Folders.First(f => f.FullName == found.FullName);
        }

        private static (string[] From, string[] To, string Reason) Longest(List<(string[] From, string[] To, string Reason)> anchors, string[] path) =>
            anchors.Where(a => StartsWith(path, a.From, proper: false)).OrderByDescending(a => a.From.Length).FirstOrDefault();

        private static bool Excluded(MailboxLayout layout, MailboxFolder folder, Func<string, bool> isExcluded)
        {
            // A folder is excluded with everything below it; patterns see the server's name and the '/' form.
            string[] path = layout.PathOf(folder.FullName);
            for (int depth = 1; depth <= path.Length; depth++)
            {
                string[] ancestor = path.Take(depth).ToArray();
                if (isExcluded(layout.NameOf(ancestor)) || isExcluded(string.Join("/", ancestor)))
                {
                    return true;
                }
            }

            return isExcluded(folder.FullName);
        }

        /// <summary>A name the user wrote: with or without the personal prefix, levels split at '/' or at the server's delimiter.</summary>
        private static string[] SplitUserPath(MailboxLayout layout, string name)
        {
            if (layout.Folders.Any(f => f.FullName == name))
            {
                return layout.PathOf(name);
            }

            string[] path = layout.PathOf(name);
            var separators = layout.Separator == '\0' ? new[] { '/' } : new[] { '/', layout.Separator };
            return path.SelectMany(p => p.Split(separators)).ToArray();
        }

        private static bool StartsWith(string[] path, string[] prefix, bool proper)
        {
            if (path.Length < prefix.Length || (proper && path.Length == prefix.Length))
            {
                return false;
            }

            for (int i = 0; i < prefix.Length; i++)
            {
                if (!SameLevel(path[i], prefix[i], i))
                {
                    return false;
                }
            }

            return true;
        }

        private static bool SamePath(string[] a, string[] b) => a.Length == b.Length && StartsWith(a, b, proper: false);

        // INBOX is the one name IMAP compares without case (RFC 3501 5.1).
        private static bool SameLevel(string a, string b, int depth) =>
            depth == 0 && string.Equals(a, "INBOX", StringComparison.OrdinalIgnoreCase)
                ? string.Equals(b, "INBOX", StringComparison.OrdinalIgnoreCase)
                : string.Equals(a, b, StringComparison.Ordinal);

        private static string Key(string fullName) => string.Equals(fullName, "INBOX", StringComparison.OrdinalIgnoreCase) ? "INBOX" : fullName;
    }
}
