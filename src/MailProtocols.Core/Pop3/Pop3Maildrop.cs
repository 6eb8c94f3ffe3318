using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using MailKit;
using MailKit.Net.Pop3;
using MailProtocols.Core.Errors;
using MailProtocols.Core.Operations;
using MailProtocols.Core.Sessions;

namespace MailProtocols.Core.Pop3
{
    /// <summary>
    /// What one POP3 session knows about the maildrop, and the commands that act on it.
    /// <para>
    /// RFC 1939 fixes the message numbers for the life of a connection, so UIDL and LIST are read once per
    /// connection, before anything is marked (after a DELE both commands leave gaps, and MailKit's UIDL
    /// parser rejects gaps). When the session reconnects after a drop, the server has forgotten the DELEs
    /// and may number the messages differently, so the listing and the marks start over, and anything
    /// resolved on the old connection is refused rather than acted on by a number that may now mean
    /// another message. The UIDL is a message's identity; its number is only an address on one connection.
    /// </para>
    /// </summary>
    internal sealed partial class Pop3Maildrop
    {
        private readonly Pop3Session _session;
        private readonly HashSet<int> _marked = new HashSet<int>();
        private int _generation;
        private Pop3Item[] _items;
        private Dictionary<string, Pop3Item> _byUid;
        private HashSet<string> _duplicateUids;

        public Pop3Maildrop(Pop3Session session)
        {
            _session = session;
        }

        private Pop3Client Client => _session.Client;

        /// <summary>Reads UIDL and LIST once per connection (reconnecting first if the connection dropped).</summary>
        public void EnsureListed(CancellationToken cancellationToken)
        {
            CheckOpen();
            Run("UIDL and LIST", cancellationToken, ListIfNeeded, idempotent: true);
        }

        /// <summary>STAT: what the server would keep if the session quit now.</summary>
        public Pop3Mailbox Stat(CancellationToken cancellationToken)
        {
            CheckOpen();
            return Run("STAT", cancellationToken, token =>
            {
                SyncWithConnection();
                if (_marked.Count == 0)
                {
                    int count = Client.GetMessageCount(token);
                    return new Pop3Mailbox(_session, count, Client.Size, 0);
                }

                // After DELE, STAT counts only unmarked messages (RFC 1939), which is exactly this; sending it
                // would also shrink MailKit's message count and make it refuse the higher message numbers.
                ListIfNeeded(token);
                Pop3Item[] kept = _items.Where(i => !_marked.Contains(i.Index)).ToArray();
                return new Pop3Mailbox(_session, kept.Length, kept.Sum(i => i.Size), _marked.Count);
            }, idempotent: true);
        }

        /// <summary>Every message not marked for deletion, in message-number order.</summary>
        public IReadOnlyList<Pop3Item> All(CancellationToken cancellationToken)
        {
            EnsureListed(cancellationToken);
            return _items.Where(i => !_marked.Contains(i.Index)).ToArray();
        }

        public Pop3Item ByIndex(int index, CancellationToken cancellationToken)
        {
            EnsureListed(cancellationToken);
            if (index < 1 || index > _items.Length)
            {
                throw new MailProtocolException(MailErrorKind.NotFound, MailErrorReason.MessageNotFound,
                    _items.Length == 0
                        ? $"There is no message {index}: the mailbox of session {_session.Id} is empty."
                        : $"There is no message {index}: the mailbox of session {_session.Id} has messages 1 to {_items.Length}. List them with Get-Pop3Message.");
            }

            return CheckUsable(_items[index - 1]);
        }

        public Pop3Item ByUid(string uid, CancellationToken cancellationToken)
        {
            EnsureListed(cancellationToken);
            if (uid == null || !_byUid.TryGetValue(uid, out Pop3Item item))
            {
                throw new MailProtocolException(MailErrorKind.NotFound, MailErrorReason.MessageNotFound,
                    $"No message has the UIDL '{uid}' in the mailbox of session {_session.Id} (it may have been deleted). List the messages with Get-Pop3Message.");
            }

            return CheckUsable(item);
        }

        /// <summary>
        /// The item a message object stands for. A message listed by this session must still have its UIDL
        /// at its number, which fails if the session reconnected and the numbers moved; one from another
        /// session is found by its UIDL, because its number means nothing here.
        /// </summary>
        public Pop3Item ForMessage(Pop3Message message, CancellationToken cancellationToken)
        {
            if (message.Session != null && message.Session != _session)
            {
                return ByUid(message.Uid, cancellationToken);
            }

            EnsureListed(cancellationToken);
            Pop3Item item = message.Index >= 1 && message.Index <= _items.Length ? _items[message.Index - 1] : null;
            if (item == null || !string.Equals(item.Uid, message.Uid, StringComparison.Ordinal))
            {
                string why = message.Generation != _generation
                    ? $"was listed before session {_session.Id} reconnected, and the server now numbers its messages differently"
                    : $"does not have that UIDL in session {_session.Id}";
                throw new MailProtocolException(MailErrorKind.InvalidOperation, MailErrorReason.UidMismatch,
                    $"Message {message.Index} (UIDL {message.Uid}) {why}, so nothing was done with it. Select it again with Get-Pop3Message -Uid '{message.Uid}'.");
            }

            return CheckUsable(item);
        }

        /// <summary>
        /// Marks messages with DELE (pipelined). The server deletes them only when the session quits.
        /// If the server refuses one, each is checked with LIST n (which fails for a marked message),
        /// so the session's record of what is marked stays true.
        /// </summary>
        public void MarkForDeletion(IReadOnlyList<Pop3Item> items, CancellationToken cancellationToken)
        {
            RunOn(items, "DELE", cancellationToken, token =>
            {
                Pop3Item[] todo = items.Where(i => !_marked.Contains(i.Index)).ToArray();
                if (todo.Length == 0)
                {
                    return 0;
                }

                try
                {
                    Client.DeleteMessages(todo.Select(i => i.Index - 1).ToArray(), token);
                    _marked.UnionWith(todo.Select(i => i.Index));
                    return todo.Length;
                }
                catch (Pop3CommandException refused)
                {
                    var notMarked = new List<Pop3Item>();
                    foreach (Pop3Item item in todo)
                    {
                        try
                        {
                            Client.GetMessageSize(item.Index - 1, token);
                            notMarked.Add(item);
                        }
                        catch (Pop3CommandException)
                        {
                            _marked.Add(item.Index);
                        }
                    }

                    if (notMarked.Count > 0)
                    {
                        throw new MailProtocolException(MailErrorKind.Protocol, MailErrorReason.ServerRejected,
                            $"{_session.Endpoint} refused DELE for {string.Join(", ", notMarked)}: {refused.StatusText} They stay on the server.", refused);
                    }

                    return todo.Length;
                }
            });
        }

        /// <summary>Remove-Pop3Message: asks before each message, then marks the approved ones in one pipelined DELE.</summary>
        public void MarkForDeletion(IReadOnlyList<Pop3Target> targets, IOperationChannel channel)
        {
            Pop3Item[] approved = targets.Where(t => channel.ShouldChange(t.ToString(), Pop3MessageSaver.DeleteAction)).Select(t => t.Item).ToArray();
            if (approved.Length > 0)
            {
                MarkForDeletion(approved, channel.Cancellation);
            }
        }

        /// <summary>RSET: the server forgets every DELE of this session.</summary>
        public void Reset(CancellationToken cancellationToken)
        {
            CheckOpen();
            Run("RSET", cancellationToken, token =>
            {
                SyncWithConnection();
                Client.Reset(token);
                _marked.Clear();
                return 0;
            });
        }

        /// <summary>Refuses a session the user ended. A dropped connection is fine: the next command reconnects.</summary>
        internal void CheckOpen()
        {
            if (_session.IsClosedByUser)
            {
                string how = _session.State == Pop3SessionState.Update ? "was ended with QUIT" : "was closed";
                throw new MailProtocolException(MailErrorKind.InvalidOperation, MailErrorReason.SessionClosed,
                    $"POP3 session {_session.Id} to {_session.Server} {how}, so nothing was done. " +
                    "Message numbers are valid only within one session: connect again with Connect-Pop3 and select the messages anew (by -Uid, or with Get-Pop3Message).");
            }
        }

        /// <summary>Runs a command that addresses <paramref name="items"/> by number: only on the connection that numbered them.</summary>
        private T RunOn<T>(IEnumerable<Pop3Item> items, string action, CancellationToken cancellationToken, Func<CancellationToken, T> operation)
        {
            CheckOpen();
            return Run(action, cancellationToken, token =>
            {
                SyncWithConnection();
                if (items.Any(i => i.Generation != _generation))
                {
                    throw new MailProtocolException(MailErrorKind.Connection, MailErrorReason.ConnectionLost,
                        $"The connection of session {_session.Id} to {_session.Endpoint} dropped and was opened again, so the message numbers chosen before may now mean other messages; nothing was done.{_session.LostConnectionAdvice} Run the command again.");
                }

                return operation(token);
            });
        }

        /// <summary>
        /// Runs a command through the session (which reconnects a dropped connection first). A server that is
        /// going away often answers with "-ERR ..." and then closes; a NOOP tells that apart from a refusal.
        /// A lost connection is reported the same way for every POP3 command: without QUIT the server applies
        /// nothing, so no change is ever left half-done.
        /// </summary>
        private T Run<T>(string action, CancellationToken cancellationToken, Func<CancellationToken, T> operation, bool idempotent = false)
        {
            try
            {
                return _session.Run(action, cancellationToken, token =>
                {
                    try
                    {
                        return operation(token);
                    }
                    catch (Pop3CommandException refused)
                    {
                        if (StillConnected(token))
                        {
                            throw;
                        }

                        throw MailErrors.ConnectionLost(_session, action, refused);
                    }
                }, idempotent);
            }
            catch (MailProtocolException lost) when (lost.Reason == MailErrorReason.ConnectionLost && lost.Kind == MailErrorKind.Connection && lost.InnerException != null)
            {
                throw MailErrors.ConnectionLost(_session, action, lost.InnerException);
            }
        }

        private void Run(string action, CancellationToken cancellationToken, Action<CancellationToken> operation, bool idempotent = false) =>
            Run<object>(action, cancellationToken, token =>
            {
                operation(token);
                return null;
            }, idempotent);

        /// <summary>A new connection: the server forgot this session's DELEs and numbers the messages anew.</summary>
        private void SyncWithConnection()
        {
            if (_generation != _session.ConnectionGeneration)
            {
                _generation = _session.ConnectionGeneration;
                _items = null;
                _byUid = null;
                _duplicateUids = null;
                _marked.Clear();
            }
        }

        /// <summary>UIDL and LIST, unless this connection's listing is at hand. Runs inside the session lock.</summary>
        private void ListIfNeeded(CancellationToken token)
        {
            SyncWithConnection();
            if (_items != null)
            {
                return;
            }

            IList<string> uids;
            try
            {
                uids = Client.GetMessageUids(token);
            }
            catch (NotSupportedException ex)
            {
                throw new MailProtocolException(MailErrorKind.Protocol, MailErrorReason.UidlNotSupported,
                    $"{_session.Endpoint} does not support UIDL. MailProtocols needs the UIDL to name saved files and to make sure it acts on the right message.", ex);
            }

            IList<int> sizes = uids.Count == 0 ? new int[0] : Client.GetMessageSizes(token);
            if (sizes.Count != uids.Count)
            {
                throw new MailProtocolException(MailErrorKind.Protocol, MailErrorReason.ListingMismatch,
                    $"{_session.Endpoint} listed {uids.Count} UIDLs but {sizes.Count} sizes. Run the command again.");
            }

            var items = new Pop3Item[uids.Count];
            var byUid = new Dictionary<string, Pop3Item>(StringComparer.Ordinal);
            var duplicates = new HashSet<string>(StringComparer.Ordinal);
            for (int i = 0; i < items.Length; i++)
            {
                items[i] = new Pop3Item(i + 1, uids[i], sizes[i], _generation);
                if (byUid.ContainsKey(uids[i]))
                {
                    duplicates.Add(uids[i]);
                }
                else
                {
                    byUid.Add(uids[i], items[i]);
                }
            }

            _items = items;
            _byUid = byUid;
            _duplicateUids = duplicates;
        }

        private bool StillConnected(CancellationToken token)
        {
            try
            {
                Client.NoOp(token);
                return true;
            }
            catch (Pop3CommandException)
            {
                // It answered, so it is still there.
                return true;
            }
            catch (Exception ex) when (ex is IOException || ex is Pop3ProtocolException || ex is ServiceNotConnectedException)
            {
                return false;
            }
        }

        private Pop3Item CheckUsable(Pop3Item item)
        {
            if (_duplicateUids.Contains(item.Uid))
            {
                throw new MailProtocolException(MailErrorKind.Protocol, MailErrorReason.DuplicateUid,
                    $"{_session.Endpoint} gives the UIDL '{item.Uid}' to more than one message, so MailProtocols cannot tell them apart and leaves message {item.Index} alone. Ask the mail administrator to repair the mailbox.");
            }

            if (_marked.Contains(item.Index))
            {
                throw new MailProtocolException(MailErrorKind.InvalidOperation, MailErrorReason.MessageMarkedForDeletion,
                    $"Message {item.Index} (UIDL {item.Uid}) is marked for deletion in session {_session.Id}. Run Reset-Pop3Session to un-mark every deletion of the session.");
            }

            return item;
        }
    }
}
