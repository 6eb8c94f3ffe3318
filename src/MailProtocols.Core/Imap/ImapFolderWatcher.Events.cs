using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;

namespace MailProtocols.Core.Imap
{
    /// <summary>What the server reports while the folder is watched: MailKit's folder events, collected under the gate.</summary>
    internal sealed partial class ImapFolderWatcher
    {
        private void Detach()
        {
            if (_folder == null)
            {
                return;
            }

            _folder.CountChanged -= OnCountChanged;
            _folder.MessageExpunged -= OnMessageExpunged;
            _folder.MessagesVanished -= OnMessagesVanished;
            _folder.MessageFlagsChanged -= OnMessageFlagsChanged;
        }

        // The handlers run on the thread inside MailKit's IDLE, NOOP or FETCH: record, and end the IDLE.

        private void OnCountChanged(object sender, EventArgs e)
        {
            var folder = (IMailFolder)sender;
            lock (_gate)
            {
                if (folder.Count > _expectedCount)
                {
                    MarkArrived();
                    _round?.Cancel();
                }
            }
        }

        private void OnMessageExpunged(object sender, MessageEventArgs e)
        {
            lock (_gate)
            {
                _expectedCount--;
                if (!_includeChanges)
                {
                    return;
                }

                if (e.Index >= 0 && e.Index < _uids.Count)
                {
                    _changes.Add(NewChange(ImapChangeType.Expunged, _uids[e.Index]));
                    _uids.RemoveAt(e.Index);
                    _round?.Cancel();
                }
            }
        }

        private void OnMessagesVanished(object sender, MessagesVanishedEventArgs e)
        {
            if (!_includeChanges || e.Earlier)
            {
                return;
            }

            lock (_gate)
            {
                foreach (UniqueId uid in e.UniqueIds)
                {
                    if (_uids.Remove(uid.Id))
                    {
                        _changes.Add(NewChange(ImapChangeType.Expunged, uid.Id));
                    }
                }

                _round?.Cancel();
            }
        }

        private void OnMessageFlagsChanged(object sender, MessageFlagsChangedEventArgs e)
        {
            if (!_includeChanges)
            {
                return;
            }

            lock (_gate)
            {
                uint uid = e.UniqueId?.Id ?? (e.Index >= 0 && e.Index < _uids.Count ? _uids[e.Index] : 0);
                if (uid == 0 || uid > _highest)
                {
                    // Not reported yet: it comes out as a new message, flags included.
                    return;
                }

                ImapMessageChange change = NewChange(ImapChangeType.FlagsChanged, uid);
                change.Flags = ImapMessageFlagsExtensions.FromMailKit(e.Flags);
                change.Keywords = (e.Keywords ?? (ISet<string>)new HashSet<string>()).OrderBy(k => k, StringComparer.Ordinal).ToArray();
                change.ModSeq = e.ModSeq;
                _changes.Add(change);
                _round?.Cancel();
            }
        }

        private ImapMessageChange NewChange(ImapChangeType type, uint uid) => new ImapMessageChange
        {
            ChangeType = type,
            Folder = _folder?.FullName ?? _path,
            Uid = uid,
            UidValidity = _validity,
            Time = DateTimeOffset.Now,
            Session = _session,
        };
    }
}
