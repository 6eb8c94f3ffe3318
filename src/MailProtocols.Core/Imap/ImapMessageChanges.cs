using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using MailKit;
using MailKit.Net.Imap;
using MailProtocols.Core.Errors;
using MailProtocols.Core.Messages;
using MailProtocols.Core.Sessions;
using MimeKit;
using MimeKit.IO;

namespace MailProtocols.Core.Imap
{
    /// <summary>
    /// Changes to messages, one command per batch: STORE for flags, COPY/MOVE, STORE \Deleted with UID EXPUNGE
    /// of exactly the given UIDs, APPEND. Every change first checks the folder's UIDVALIDITY.
    /// </summary>
    internal static class ImapMessageChanges
    {
        /// <summary>UID STORE with +FLAGS, -FLAGS or FLAGS (system flags and keywords together), silently.</summary>
        public static void Store(ImapMessageSet set, FlagChange change, ImapMessageFlags flags, IEnumerable<string> keywords, CancellationToken cancellationToken)
        {
            List<string> words = (keywords ?? Enumerable.Empty<string>()).ToList();
            if (change != FlagChange.Set && flags == ImapMessageFlags.None && words.Count == 0)
            {
                return;
            }

            set.Session.Run($"changing flags of {set.Describe()}", cancellationToken, token =>
            {
                IMailFolder folder = ImapMessageReader.OpenChecked(set.Session, set.Folder, set.UidValidity, true, token);
                folder.Store(set.UniqueIds, new StoreFlagsRequest(ToStoreAction(change), flags.ToMailKit(), words) { Silent = true }, token);
            });
        }

        /// <summary>
        /// UID COPY, or a move: UID MOVE when offered, else UID COPY, +FLAGS \Deleted and UID EXPUNGE of
        /// exactly these UIDs. Without UIDPLUS there is no UID EXPUNGE, and a bare EXPUNGE would remove other
        /// clients' \Deleted mail, so the originals then stay, marked \Deleted.
        /// </summary>
        private static StoreAction ToStoreAction(FlagChange change) =>
            change == FlagChange.Set ? StoreAction.Set : change == FlagChange.Add ? StoreAction.Add : StoreAction.Remove;

        public static ImapTransferResult Transfer(ImapMessageSet set, string destinationPath, bool move, CancellationToken cancellationToken) =>
            set.Session.Run($"{(move ? "moving" : "copying")} {set.Describe()} to '{destinationPath}'", cancellationToken, token =>
            {
                ImapSession session = set.Session;
                IMailFolder destination = ImapFolderOperations.Get(session, destinationPath, token);
                if (destination.FullName == set.Folder)
                {
                    throw new MailProtocolException(MailErrorKind.InvalidArgument, MailErrorReason.SameFolder,
                        $"The messages are in '{set.Folder}' already. Choose another -Destination.");
                }

                IMailFolder source = ImapMessageReader.OpenChecked(session, set.Folder, set.UidValidity, move, token);
                return TransferFromOpen(session, source, set.UniqueIds, destination, move, token);
            });

        /// <summary>Moves the messages to the Trash: the folder with the \Trash special use, else one with a well-known name.</summary>
        public static ImapTransferResult MoveToTrash(ImapMessageSet set, CancellationToken cancellationToken) =>
            set.Session.Run($"moving {set.Describe()} to Trash", cancellationToken, token =>
            {
                IMailFolder trash = ImapTrashFolder.Find(set.Session, token);
                if (trash == null)
                {
                    string specialUse = set.Session.Features.SpecialUse ? "flags no folder as \\Trash" : "does not offer SPECIAL-USE, so no folder is flagged as \\Trash,";
                    throw new MailProtocolException(MailErrorKind.NotFound, MailErrorReason.NoTrashFolder,
                        $"{set.Session.Endpoint} {specialUse} and has none named {string.Join(", ", ImapTrashFolder.WellKnownNames.Select(n => $"'{n}'"))}. " +
                        "Move the messages with Move-ImapMessage -Destination, or delete them with -Permanent.");
                }

                if (trash.FullName == set.Folder)
                {
                    throw new MailProtocolException(MailErrorKind.InvalidOperation, MailErrorReason.AlreadyInTrash,
                        $"{set.Describe()} is in the Trash folder already. Use -Permanent to delete it for good.");
                }

                return Transfer(set, trash.FullName, true, token);
            });

        /// <summary>
        /// +FLAGS.SILENT \Deleted and UID EXPUNGE of exactly these UIDs. Refused without UIDPLUS before anything
        /// is changed: the only other way, a bare EXPUNGE, also removes other clients' \Deleted messages.
        /// </summary>
        public static void DeletePermanently(ImapMessageSet set, CancellationToken cancellationToken)
        {
            RequireUidPlus(set.Session, "removing messages permanently");
            set.Session.Run($"deleting {set.Describe()}", cancellationToken, token =>
            {
                IMailFolder folder = ImapMessageReader.OpenChecked(set.Session, set.Folder, set.UidValidity, true, token);
                IList<UniqueId> uids = set.UniqueIds;
                folder.Store(uids, new StoreFlagsRequest(StoreAction.Add, MessageFlags.Deleted) { Silent = true }, token);
                folder.Expunge(uids, token);
            });
        }

        public static void RequireUidPlus(ImapSession session, string what)
        {
            if (!session.Features.UidPlus)
            {
                throw ImapErrors.UidPlusRequired(session, what);
            }
        }

        /// <summary>APPEND (MULTIAPPEND when offered: one command for the whole list); the new UIDs come from APPENDUID.</summary>
        public static IList<ImapMessage> Append(ImapSession session, string folderPath, IList<ImapAppendItem> items, CancellationToken cancellationToken) =>
            session.Run($"appending {items.Count} message(s) to '{folderPath}'", cancellationToken, token =>
            {
                IMailFolder folder = ImapFolderOperations.Get(session, folderPath, token);
                IList<IAppendRequest> requests = items
                    .Select(i => (IAppendRequest)new AppendRequest(i.Message, i.Flags.ToMailKit(), i.Keywords ?? new List<string>()) { InternalDate = i.InternalDate })
                    .ToList();
                IList<UniqueId> uids = folder.Append(requests, token);
                var result = new List<ImapMessage>();
                for (int i = 0; i < items.Count; i++)
                {
                    UniqueId? uid = uids != null && i < uids.Count ? uids[i] : (UniqueId?)null;
                    result.Add(Appended(session, folder, items[i], uid));
                }

                return (IList<ImapMessage>)result;
            });

        /// <summary>The messages at their new place, built from what we had and the new UIDs.</summary>
        public static IList<ImapMessage> Relocated(ImapMessageSet set, ImapTransferResult transfer) =>
            set.Uids
                .Where(uid => transfer.NewUids.ContainsKey(uid) && set.Messages.ContainsKey(uid))
                .Select(uid => set.Messages[uid].CopyTo(transfer.Destination, transfer.NewUids[uid]))
                .ToList();

        private static ImapTransferResult TransferFromOpen(ImapSession session, IMailFolder source, IList<UniqueId> uids, IMailFolder destination, bool move, CancellationToken token)
        {
            ImapFeatures features = session.Features;
            UniqueIdMap map;
            bool leftDeleted = false;
            if (!move)
            {
                map = source.CopyTo(uids, destination, token);
            }
            else if (features.Move)
            {
                map = source.MoveTo(uids, destination, token);
            }
            else
            {
                map = source.CopyTo(uids, destination, token);
                source.Store(uids, new StoreFlagsRequest(StoreAction.Add, MessageFlags.Deleted) { Silent = true }, token);
                if (features.UidPlus)
                {
                    source.Expunge(uids, token);
                }
                else
                {
                    leftDeleted = true;
                }
            }

            var newUids = new Dictionary<uint, UniqueId>();
            for (int i = 0; i < map.Source.Count && i < map.Destination.Count; i++)
            {
                newUids[map.Source[i].Id] = map.Destination[i];
            }

            return new ImapTransferResult(destination, newUids, map.Source.Count > 0 || features.UidPlus, leftDeleted);
        }

        private static ImapMessage Appended(ImapSession session, IMailFolder folder, ImapAppendItem item, UniqueId? uid)
        {
            var message = new ImapMessage
            {
                Uid = uid?.Id ?? 0,
                UidValidity = uid?.Validity ?? 0,
                Folder = folder.FullName,
                FolderSeparator = folder.DirectorySeparator,
                Session = session,
                Flags = item.Flags,
                Keywords = (item.Keywords ?? new List<string>()).OrderBy(k => k, StringComparer.Ordinal).ToArray(),
                InternalDate = item.InternalDate,
                Size = MeasureAsAppended(item.Message),
            };
            message.ApplyHeaders(item.Message.Headers);
            message.Headers = null;
            message.Attachments = MessageAttachment.FromMessage(item.Message);
            message.HasAttachments = message.Attachments.Length > 0;
            return message;
        }

        /// <summary>The size the server stores: MailKit sends CRLF line endings and a final newline.</summary>
        private static long MeasureAsAppended(MimeMessage message)
        {
            FormatOptions options = FormatOptions.Default.Clone();
            options.NewLineFormat = NewLineFormat.Dos;
            options.EnsureNewLine = true;
            using (var measuring = new MeasuringStream())
            {
                message.WriteTo(options, measuring);
                return measuring.Length;
            }
        }
    }
}
