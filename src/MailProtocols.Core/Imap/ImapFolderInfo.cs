using System;
using MailKit;

namespace MailProtocols
{
    /// <summary>The role a folder plays, from the server's SPECIAL-USE attributes (RFC 6154).</summary>
    public enum ImapSpecialUse
    {
        None,
        Inbox,
        Sent,
        Drafts,
        Trash,
        Junk,
        Archive,
        All,
        Flagged,
        Important,
    }

    /// <summary>The LIST attributes of a folder that say what it can do and where it sits.</summary>
    [Flags]
    public enum ImapFolderAttributes
    {
        None = 0,
        NoInferiors = 1,
        NoSelect = 2,
        Marked = 4,
        Unmarked = 8,
        NonExistent = 16,
        Subscribed = 32,
        Remote = 64,
        HasChildren = 128,
        HasNoChildren = 256,
    }

    /// <summary>One folder (mailbox) as Get-ImapFolder shows it. Names are Unicode, written with the server's delimiter.</summary>
    public sealed class ImapFolderInfo
    {
        /// <summary>The path as the server writes it, e.g. "Projects/Alerts".</summary>
        public string FullName { get; internal set; }

        /// <summary>The last segment of the path.</summary>
        public string Name { get; internal set; }

        /// <summary>The server's hierarchy delimiter, or null for a flat namespace.</summary>
        public string Separator { get; internal set; }

        public ImapSpecialUse SpecialUse { get; internal set; }

        public ImapFolderAttributes Attributes { get; internal set; }

        /// <summary>Messages in the folder; null when the folder cannot be selected or STATUS was not asked.</summary>
        public int? Count { get; internal set; }

        public int? Unread { get; internal set; }

        public int? Recent { get; internal set; }

        public uint? UidValidity { get; internal set; }

        public uint? UidNext { get; internal set; }

        public ImapSession Session { get; internal set; }

        public override string ToString() => FullName;

        internal static ImapFolderInfo From(IMailFolder folder, ImapSession session, bool withStatus)
        {
            bool selectable = (folder.Attributes & (FolderAttributes.NoSelect | FolderAttributes.NonExistent)) == 0;
            bool status = withStatus && selectable;
            return new ImapFolderInfo
            {
                FullName = folder.FullName,
                Name = folder.Name,
                Separator = folder.DirectorySeparator == '\0' ? null : folder.DirectorySeparator.ToString(),
                SpecialUse = SpecialUseOf(folder.Attributes),
                // The low nine bits of MailKit's FolderAttributes are these same LIST attributes.
                Attributes = (ImapFolderAttributes)((int)folder.Attributes & 0x1FF),
                Count = status ? folder.Count : (int?)null,
                Unread = status ? folder.Unread : (int?)null,
                Recent = status ? folder.Recent : (int?)null,
                UidValidity = status ? folder.UidValidity : (uint?)null,
                UidNext = status ? folder.UidNext?.Id : null,
                Session = session,
            };
        }

        internal static ImapSpecialUse SpecialUseOf(FolderAttributes attributes)
        {
            if ((attributes & FolderAttributes.Inbox) != 0)
            {
                return ImapSpecialUse.Inbox;
            }

            if ((attributes & FolderAttributes.Sent) != 0)
            {
                return ImapSpecialUse.Sent;
            }

            if ((attributes & FolderAttributes.Drafts) != 0)
            {
                return ImapSpecialUse.Drafts;
            }

            if ((attributes & FolderAttributes.Trash) != 0)
            {
                return ImapSpecialUse.Trash;
            }

            if ((attributes & FolderAttributes.Junk) != 0)
            {
                return ImapSpecialUse.Junk;
            }

            if ((attributes & FolderAttributes.Archive) != 0)
            {
                return ImapSpecialUse.Archive;
            }

            if ((attributes & FolderAttributes.All) != 0)
            {
                return ImapSpecialUse.All;
            }

            if ((attributes & FolderAttributes.Flagged) != 0)
            {
                return ImapSpecialUse.Flagged;
            }

            return (attributes & FolderAttributes.Important) != 0 ? ImapSpecialUse.Important : ImapSpecialUse.None;
        }
    }
}
