using System.Collections.Generic;
using System.Linq;
using System.Threading;
using MailKit;
using MailKit.Net.Imap;
using MailProtocols.Core.Errors;
using MailProtocols.Core.Sessions;

namespace MailProtocols.Core.Imap
{
    /// <summary>Reads and changes folder access rights (RFC 4314: GETACL, MYRIGHTS, LISTRIGHTS, SETACL).</summary>
    internal static class ImapFolderAccessOperations
    {
        public const string NotSupportedReason = MailErrorReason.AclNotSupported;

        /// <summary>
        /// The folder's access control list (GETACL), optionally one identity's entry; when the server refuses
        /// GETACL (the user lacks the Administer right) the user's own rights (MYRIGHTS).
        /// </summary>
        public static IReadOnlyList<ImapFolderAccess> Read(ImapSession session, string path, string identity, CancellationToken cancellationToken) =>
            session.Run($"GETACL {path}", cancellationToken, token =>
            {
                RequireAcl(session);
                IMailFolder folder = ImapFolderOperations.Get(session, path, token);
                AccessControlList list;
                try
                {
                    list = folder.GetAccessControlList(token);
                }
                catch (ImapCommandException ex) when (ex.Response == ImapCommandResponse.No)
                {
                    // Without the Administer right only MYRIGHTS answers, and only for the user.
                    if (identity != null && !string.Equals(identity, session.UserName, System.StringComparison.Ordinal))
                    {
                        throw ImapPermission.Denied(session, $"GETACL {path}", ex);
                    }

                    AccessRights mine = folder.GetMyAccessRights(token);
                    return (IReadOnlyList<ImapFolderAccess>)new[] { Entry(session, folder, session.UserName, mine.ToString(), "MyRights") };
                }

                return list
                    .Where(entry => identity == null || string.Equals(entry.Name, identity, System.StringComparison.Ordinal))
                    .Select(entry => Entry(session, folder, entry.Name, entry.Rights.ToString(), "Acl"))
                    .ToList();
            }, idempotent: true);

        /// <summary>What may be granted to an identity on the folder (LISTRIGHTS).</summary>
        public static ImapFolderAccess ListRights(ImapSession session, string path, string identity, CancellationToken cancellationToken) =>
            session.Run($"LISTRIGHTS {path} {identity}", cancellationToken, token =>
            {
                RequireAcl(session);
                IMailFolder folder = ImapFolderOperations.Get(session, path, token);
                AccessRights rights = folder.GetAccessRights(identity, token);
                return Entry(session, folder, identity, rights.ToString(), "ListRights");
            }, idempotent: true);

        /// <summary>Adds rights for an identity (SETACL folder identity +letters); rights it already has stay.</summary>
        public static void Grant(ImapSession session, string path, string identity, ImapFolderRights rights, CancellationToken cancellationToken) =>
            session.Run($"SETACL {path} {identity}", cancellationToken, token =>
            {
                RequireAcl(session);
                IMailFolder folder = ImapFolderOperations.Get(session, path, token);
                folder.AddAccessRights(identity, new AccessRights(ImapFolderRightsText.ToLetters(rights)), token);
            });

        /// <summary>
        /// Takes rights away (SETACL folder identity -letters); with <paramref name="rights"/> null, every right,
        /// which leaves the identity with no entry of its own.
        /// </summary>
        public static void Revoke(ImapSession session, string path, string identity, ImapFolderRights? rights, CancellationToken cancellationToken) =>
            session.Run($"SETACL {path} {identity}", cancellationToken, token =>
            {
                RequireAcl(session);
                IMailFolder folder = ImapFolderOperations.Get(session, path, token);
                folder.RemoveAccessRights(identity, new AccessRights(ImapFolderRightsText.ToLetters(rights ?? ImapFolderRights.All)), token);
            });

        private static void RequireAcl(ImapSession session)
        {
            if (!session.Features.Acl)
            {
                // Checked first so the server is not sent a command it does not know.
                throw new MailProtocolException(MailErrorKind.InvalidOperation, NotSupportedReason,
                    $"{session.Endpoint} does not offer the IMAP ACL extension (RFC 4314, capability ACL), so folder access rights cannot be read or changed over IMAP. " +
                    "Ask the mail administrator, or use the server's own tools (on Dovecot: doveadm acl).");
            }
        }

        private static ImapFolderAccess Entry(ImapSession session, IMailFolder folder, string identity, string letters, string source) =>
            new ImapFolderAccess
            {
                Folder = folder.FullName,
                Identity = identity,
                Rights = ImapFolderRightsText.FromLetters(letters, out _),
                Letters = letters,
                Source = source,
                Session = session,
            };
    }
}
