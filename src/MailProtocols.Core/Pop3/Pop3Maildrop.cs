using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using MailKit;
using MailKit.Net.Pop3;
using MimeKit;

namespace MailProtocols
{
    /// <summary>
    /// What one POP3 session knows about the maildrop, and the commands that act on it.
    /// <para>
    /// RFC 1939 fixes the message numbers for the whole session, so UIDL and LIST are read once, before
    /// anything is marked (after a DELE both commands leave gaps, and MailKit's UIDL parser rejects gaps).
    /// The UIDL is a message's identity: every request that names a message is checked against this
    /// listing, and messages marked for deletion here are never downloaded again.
    /// </para>
    /// </summary>
    internal sealed partial class Pop3Maildrop
    {
        /// <summary>Messages per TOP batch; each batch is one pipelined write and one read of all answers.</summary>
        private const int HeaderBatchSize = 100;

        /// <summary>Full messages are parsed in memory (-Full), so their batches are bounded by size too.</summary>
        private const int FullBatchSize = 50;
        private const long FullBatchBytes = 16L * 1024 * 1024;

        private readonly Pop3Session _session;
        private readonly HashSet<int> _marked = new HashSet<int>();
        private Pop3Item[] _items;
        private Dictionary<string, Pop3Item> _byUid;
        private HashSet<string> _duplicateUids;

        public Pop3Maildrop(Pop3Session session)
        {
            _session = session;
        }

        private Pop3Client Client => _session.Client;

        public int MarkedCount => _marked.Count;

        /// <summary>Reads UIDL and LIST once per session.</summary>
        public void EnsureListed(CancellationToken cancellationToken)
        {
            CheckTransaction();
            if (_items != null)
            {
                return;
            }

            Run("UIDL and LIST", cancellationToken, token =>
            {
                IList<string> uids;
                try
                {
                    uids = Client.GetMessageUids(token);
                }
                catch (NotSupportedException ex)
                {
                    throw new MailProtocolException(MailErrorKind.Protocol, "UidlNotSupported",
                        $"{_session.Endpoint} does not support UIDL. MailProtocols needs the UIDL to name saved files and to make sure it acts on the right message.", ex);
                }

                IList<int> sizes = uids.Count == 0 ? new int[0] : Client.GetMessageSizes(token);
                if (sizes.Count != uids.Count)
                {
                    throw new MailProtocolException(MailErrorKind.Protocol, "ListingMismatch",
                        $"{_session.Endpoint} listed {uids.Count} UIDLs but {sizes.Count} sizes. Reconnect and try again.");
                }

                var items = new Pop3Item[uids.Count];
                var byUid = new Dictionary<string, Pop3Item>(StringComparer.Ordinal);
                var duplicates = new HashSet<string>(StringComparer.Ordinal);
                for (int i = 0; i < items.Length; i++)
                {
                    items[i] = new Pop3Item(i + 1, uids[i], sizes[i]);
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
            });
        }

        /// <summary>STAT: what the server would keep if the session quit now.</summary>
        public Pop3Mailbox Stat(CancellationToken cancellationToken)
        {
            CheckTransaction();
            if (_marked.Count > 0)
            {
                // After DELE, STAT counts only unmarked messages (RFC 1939), which is exactly this; sending it
                // would also shrink MailKit's message count and make it refuse the higher message numbers.
                EnsureListed(cancellationToken);
                Pop3Item[] kept = _items.Where(i => !_marked.Contains(i.Index)).ToArray();
                return new Pop3Mailbox(_session, kept.Length, kept.Sum(i => i.Size), _marked.Count);
            }

            return Run("STAT", cancellationToken, token =>
            {
                int count = Client.GetMessageCount(token);
                return new Pop3Mailbox(_session, count, Client.Size, 0);
            });
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
                throw new MailProtocolException(MailErrorKind.NotFound, "MessageNotFound",
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
                throw new MailProtocolException(MailErrorKind.NotFound, "MessageNotFound",
                    $"No message has the UIDL '{uid}' in the mailbox of session {_session.Id} (it may have been deleted). List the messages with Get-Pop3Message.");
            }

            return CheckUsable(item);
        }

        /// <summary>
        /// The item a message object stands for in this session. A message listed by this session must
        /// still have its UIDL at its number; one from another session is found again by its UIDL, because
        /// message numbers mean nothing outside the session that assigned them.
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
                throw new MailProtocolException(MailErrorKind.InvalidOperation, "UidMismatch",
                    $"Message {message.Index} in session {_session.Id} does not have the UIDL '{message.Uid}' (it has '{item?.Uid}'), so nothing was done with it. Select it again with Get-Pop3Message -Uid '{message.Uid}'.");
            }

            return CheckUsable(item);
        }

        public bool IsMarked(Pop3Item item) => _marked.Contains(item.Index);

        /// <summary>Headers through pipelined TOP n 0, batch by batch; <paramref name="onBatch"/> runs outside the session lock.</summary>
        public void FetchHeaders(IReadOnlyList<Pop3Item> items, CancellationToken cancellationToken, Action<IReadOnlyList<Pop3Message>> onBatch)
        {
            foreach (Pop3Item[] batch in Batches(items, i => i.Size, HeaderBatchSize, long.MaxValue))
            {
                CheckTransaction();
                IList<HeaderList> headers = Run("TOP", cancellationToken, token =>
                    Client.GetMessageHeaders(batch.Select(i => i.Index - 1).ToArray(), token));
                onBatch(batch.Select((item, n) =>
                {
                    var message = new Pop3Message(_session, item);
                    message.ApplyHeaders(headers[n]);
                    return message;
                }).ToArray());
            }
        }

        /// <summary>Whole parsed messages through pipelined RETR, in batches bounded by count and size.</summary>
        public void FetchFull(IReadOnlyList<Pop3Item> items, CancellationToken cancellationToken, Action<IReadOnlyList<Pop3Message>> onBatch)
        {
            foreach (Pop3Item[] batch in Batches(items, i => i.Size, FullBatchSize, FullBatchBytes))
            {
                CheckTransaction();
                IList<MimeMessage> messages = Run("RETR", cancellationToken, token =>
                    Client.GetMessages(batch.Select(i => i.Index - 1).ToArray(), token));
                onBatch(batch.Select((item, n) =>
                {
                    var message = new Pop3Message(_session, item);
                    message.ApplyMessage(messages[n]);
                    return message;
                }).ToArray());
            }
        }

        /// <summary>
        /// Marks messages with DELE (pipelined). The server deletes them only when the session quits.
        /// If the server refuses one, each is checked with LIST n (which fails for a marked message),
        /// so the session's record of what is marked stays true.
        /// </summary>
        public void MarkForDeletion(IReadOnlyList<Pop3Item> items, CancellationToken cancellationToken)
        {
            Pop3Item[] todo = items.Where(i => !_marked.Contains(i.Index)).ToArray();
            if (todo.Length == 0)
            {
                return;
            }

            CheckTransaction();
            Run("DELE", cancellationToken, token =>
            {
                try
                {
                    Client.DeleteMessages(todo.Select(i => i.Index - 1).ToArray(), token);
                    _marked.UnionWith(todo.Select(i => i.Index));
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
                        throw new MailProtocolException(MailErrorKind.Protocol, "ServerRejected",
                            $"{_session.Endpoint} refused DELE for {string.Join(", ", notMarked)}: {refused.StatusText} They stay on the server.", refused);
                    }
                }
            });
        }

        /// <summary>RSET: the server forgets every DELE of this session.</summary>
        public void Reset(CancellationToken cancellationToken)
        {
            CheckTransaction();
            Run("RSET", cancellationToken, token => Client.Reset(token));
            _marked.Clear();
        }

        /// <summary>
        /// Runs a command through the session. A server that is going away often answers the next command
        /// with "-ERR ..." and then closes; a NOOP tells that apart from a refusal, so the error says the
        /// connection was lost (and that nothing was deleted) instead of blaming the command.
        /// </summary>
        private T Run<T>(string action, CancellationToken cancellationToken, Func<CancellationToken, T> operation) =>
            _session.Run(action, cancellationToken, token =>
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
            });

        private void Run(string action, CancellationToken cancellationToken, Action<CancellationToken> operation) =>
            Run<object>(action, cancellationToken, token =>
            {
                operation(token);
                return null;
            });

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

        internal void CheckTransaction()
        {
            if (_session.State != Pop3SessionState.Transaction)
            {
                throw new MailProtocolException(MailErrorKind.InvalidOperation, "SessionClosed",
                    $"POP3 session {_session.Id} to {_session.Server} is {DescribeState()}, so nothing was done. " +
                    "Message numbers are valid only within one session: connect again with Connect-Pop3 and select the messages anew (by -Uid, or with Get-Pop3Message).");
            }
        }

        /// <summary>Splits into runs of at most <paramref name="count"/> items and (unless one item is larger) <paramref name="bytes"/> octets.</summary>
        internal static IEnumerable<T[]> Batches<T>(IEnumerable<T> items, Func<T, long> sizeOf, int count, long bytes)
        {
            var batch = new List<T>();
            long size = 0;
            foreach (T item in items)
            {
                long itemSize = sizeOf(item);
                if (batch.Count > 0 && (batch.Count == count || size + itemSize > bytes))
                {
                    yield return batch.ToArray();
                    batch.Clear();
                    size = 0;
                }

                batch.Add(item);
                size += itemSize;
            }

            if (batch.Count > 0)
            {
                yield return batch.ToArray();
            }
        }

        private Pop3Item CheckUsable(Pop3Item item)
        {
            if (_duplicateUids.Contains(item.Uid))
            {
                throw new MailProtocolException(MailErrorKind.Protocol, "DuplicateUid",
                    $"{_session.Endpoint} gives the UIDL '{item.Uid}' to more than one message, so MailProtocols cannot tell them apart and leaves message {item.Index} alone. Ask the mail administrator to repair the mailbox.");
            }

            if (_marked.Contains(item.Index))
            {
                throw new MailProtocolException(MailErrorKind.InvalidOperation, "MessageMarkedForDeletion",
                    $"Message {item.Index} (UIDL {item.Uid}) is marked for deletion in session {_session.Id}. Run Reset-Pop3Session to un-mark every deletion of the session.");
            }

            return item;
        }

        private string DescribeState()
        {
            switch (_session.State)
            {
                case Pop3SessionState.Update:
                    return "closed (QUIT was sent)";
                case Pop3SessionState.Disconnected:
                    return "disconnected (the server deleted nothing in it: POP3 deletes only at QUIT)";
                default:
                    return "not logged in";
            }
        }
    }
}
