using MailKit;
using MailProtocols.Core.Sessions;

namespace MailProtocols.Core.Imap
{
    /// <summary>Builds <see cref="ImapFolderInfo"/> objects from MailKit's folders.</summary>
    internal static class ImapFolderInfoMapping
    {
        extension(ImapFolderInfo)
        {
            internal static ImapFolderInfo From(IMailFolder folder, ImapSession session, bool withStatus)
            {
                bool selectable = (folder.Attributes & (FolderAttributes.NoSelect | FolderAttributes.NonExistent)) == 0;
                bool status = withStatus && selectable;
                (ImapNamespaceKind kind, string owner) = ImapNamespaces.Classify(session.Client, folder.FullName);
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
                    Namespace = kind,
                    Owner = owner,
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
}
