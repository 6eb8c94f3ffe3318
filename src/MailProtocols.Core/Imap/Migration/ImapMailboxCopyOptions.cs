using System;
using System.Collections.Generic;

namespace MailProtocols.Core.Imap.Migration
{
    /// <summary>What Copy-ImapMailbox was asked to do (plain values; the cmdlet turns wildcards into <see cref="IsExcluded"/>).</summary>
    internal sealed class ImapMailboxCopyOptions
    {
        /// <summary>Source folders to copy; null or empty for every folder.</summary>
        public IReadOnlyCollection<string> Folders { get; set; }

        public bool Recurse { get; set; }

        /// <summary>True for a folder name (the server's or the '/' form) that must not be copied.</summary>
        public Func<string, bool> IsExcluded { get; set; }

        public DateTimeOffset? Since { get; set; }

        public DateTimeOffset? Before { get; set; }

        /// <summary>Source name to destination name.</summary>
        public IReadOnlyDictionary<string, string> FolderMap { get; set; }

        public bool UpdateFlags { get; set; }

        /// <summary>Where the identity caches are kept (<see cref="IdentityCache"/>); null for none (-NoIdentityCache).</summary>
        public string IdentityCacheDirectory { get; set; }

        /// <summary>Only say what would be done (-WhatIf): no result objects, which would read as if the copy had run.</summary>
        public bool PlanOnly { get; set; }
    }
}
