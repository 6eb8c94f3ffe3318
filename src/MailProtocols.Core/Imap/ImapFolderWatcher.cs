using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailProtocols.Core.Sessions;

namespace MailProtocols.Core.Imap
{
    /// <summary>
    /// Watches one folder: IDLE when the server offers it (ended with DONE and issued again at least every
    /// <see cref="IdleRestartInterval"/>, because servers and middleboxes drop connections idle for longer),
    /// otherwise NOOP every poll interval. MailKit raises its folder events on the thread that runs IDLE
    /// or NOOP, in the middle of reading a response, where no command can be sent: the handlers here only
    /// record what happened and end the IDLE. The caller's thread then fetches the new messages (one
    /// UID FETCH for all of them) and receives everything through the enumerator, so all output is
    /// written by the thread that enumerates. A dropped connection is re-established with the session's
    /// credential and the watch carries on, catching up on what arrived in between.
    /// </summary>
    internal sealed partial class ImapFolderWatcher
    {
        private const int ReconnectAttempts = 3;

        private readonly object _gate = new object();
        private readonly ImapSession _session;
        private readonly string _path;
        private readonly bool _includeChanges;
        private readonly TimeSpan? _timeout;
        private readonly TimeSpan _pollInterval;

        // Guarded by _gate: written by the MailKit event handlers, read by the enumerating thread.
        private readonly List<uint> _uids = new List<uint>();
        private readonly List<ImapMessageChange> _changes = new List<ImapMessageChange>();
        private readonly List<ImapWatchEvent> _notices = new List<ImapWatchEvent>();
        private bool _arrived;
        private int _changesBeforeArrival;
        private int _expectedCount;
        private CancellationTokenSource _round;

        private IMailFolder _folder;
        private int _generation;
        private uint _validity;
        private uint _highest;
        private string _lossReason;

        public ImapFolderWatcher(ImapSession session, string path, bool includeChanges, TimeSpan? timeout, TimeSpan pollInterval)
        {
            _session = session;
            _path = path;
            _includeChanges = includeChanges;
            _timeout = timeout;
            _pollInterval = pollInterval;
        }

        /// <summary>How long one IDLE may last before it is ended and issued again (RFC 2177 advises under 29 minutes).</summary>
        internal static TimeSpan IdleRestartInterval { get; set; } = TimeSpan.FromMinutes(9);

        /// <summary>How often a waiting watch hands out a waiting event (for the countdown of its status).</summary>
        internal static TimeSpan WaitingInterval { get; set; } = TimeSpan.FromSeconds(1);

        /// <summary>
        /// Runs until <paramref name="stopToken"/> is cancelled or the timeout passes. Enumerate it on the
        /// thread that may write output; disposing the enumerator (e.g. when downstream stops) detaches cleanly,
        /// and no IDLE is running whenever an item is handed out.
        /// </summary>
        public IEnumerable<ImapWatchEvent> Watch(CancellationToken stopToken)
        {
            using (var timeout = new CancellationTokenSource())
            using (var abandon = new CancellationTokenSource())
            using (var ending = CancellationTokenSource.CreateLinkedTokenSource(stopToken, timeout.Token, abandon.Token))
            {
                DateTime? deadline = null;
                if (_timeout.HasValue)
                {
                    timeout.CancelAfter(_timeout.Value);
                    deadline = DateTime.UtcNow + _timeout.Value;
                }

                try
                {
                    _session.Run($"opening '{_path}' to watch it", stopToken, EnsureOpen, idempotent: true);
                    bool idle = _session.Features.Idle;
                    yield return ImapWatchEvent.ForVerbose(idle
                        ? $"Watching '{_path}' on {_session.Endpoint} with IDLE (issued again every {IdleRestartInterval.TotalMinutes:0.#} minutes); new messages above UID {_highest} are reported."
                        : $"{_session.Endpoint} does not offer IDLE: polling '{_path}' with NOOP every {_pollInterval.TotalSeconds:0} seconds.");

                    while (!ending.IsCancellationRequested)
                    {
                        // The wait runs on a worker thread so this thread can hand out waiting events (a countdown
                        // for the status) meanwhile. Nothing else uses the session until the wait has ended.
                        Task<bool> round = Task.Run(() => idle ? Idle(ending.Token, stopToken) : Poll(ending.Token, stopToken));
                        try
                        {
                            var done = (IAsyncResult)round;
                            if (!done.AsyncWaitHandle.WaitOne(TimeSpan.FromMilliseconds(200)))
                            {
                                do
                                {
                                    yield return ImapWatchEvent.ForWaiting(deadline.HasValue ? deadline.Value - DateTime.UtcNow : (TimeSpan?)null);
                                }
                                while (!done.AsyncWaitHandle.WaitOne(WaitingInterval));
                            }
                        }
                        finally
                        {
                            if (!round.IsCompleted)
                            {
                                // The consumer stopped during a wait: end the IDLE (DONE) before the session is used again.
                                abandon.Cancel();
                                ((IAsyncResult)round).AsyncWaitHandle.WaitOne();
                            }
                        }

                        bool lost = round.GetAwaiter().GetResult();
                        if (stopToken.IsCancellationRequested)
                        {
                            yield break;
                        }

                        if (lost)
                        {
                            Reconnect(stopToken);
                        }

                        foreach (ImapWatchEvent item in Collect(stopToken))
                        {
                            yield return item;
                        }
                    }
                }
                finally
                {
                    Detach();
                }
            }
        }

        /// <summary>One IDLE, until something happens, the watch ends or the restart interval passes. True when the connection was lost.</summary>
        private bool Idle(CancellationToken ending, CancellationToken stopToken) => Guard(stopToken, () =>
            _session.Run($"waiting for changes in '{_path}' (IDLE)", stopToken, token =>
            {
                EnsureOpen(token);
                if (HasPending())
                {
                    return;
                }

                using (var round = CancellationTokenSource.CreateLinkedTokenSource(ending))
                using (var abort = new CancellationTokenSource())
                using (ending.Register(() => CancelAfter(abort, _session.Settings.Timeout)))
                {
                    round.CancelAfter(IdleRestartInterval);
                    lock (_gate)
                    {
                        _round = round;
                    }

                    try
                    {
                        // Ending the round sends DONE, which leaves the session usable. The abort token only fires
                        // if the server then does not answer within the session's timeout.
                        _session.Client.Idle(round.Token, abort.Token);
                    }
                    finally
                    {
                        lock (_gate)
                        {
                            _round = null;
                        }
                    }
                }
            }, quietAllowed: true));

        /// <summary>Waits one poll interval, then NOOP (the server reports changes in its answer). True when the connection was lost.</summary>
        private bool Poll(CancellationToken ending, CancellationToken stopToken)
        {
            if (!HasPending() && ending.WaitHandle.WaitOne(_pollInterval))
            {
                return false;
            }

            return Guard(stopToken, () => _session.Run($"polling '{_path}' (NOOP)", stopToken, token =>
            {
                EnsureOpen(token);
                _session.Client.NoOp(token);
            }));
        }

        private bool Guard(CancellationToken stopToken, Action wait)
        {
            try
            {
                wait();
                return false;
            }
            catch (MailProtocolException ex) when (ex.Kind == MailErrorKind.Connection && !stopToken.IsCancellationRequested)
            {
                _lossReason = ex.InnerException?.Message ?? ex.Message;
                return true;
            }
        }

        /// <summary>The session reconnects on its next use; a server that is briefly unreachable gets a few tries.</summary>
        private void Reconnect(CancellationToken stopToken)
        {
            for (int attempt = 1; ; attempt++)
            {
                try
                {
                    _session.Run($"reconnecting to watch '{_path}'", stopToken, EnsureOpen, idempotent: true);
                    return;
                }
                catch (MailProtocolException ex) when (attempt < ReconnectAttempts && !stopToken.IsCancellationRequested &&
                    (ex.Kind == MailErrorKind.Connection || ex.Kind == MailErrorKind.Timeout))
                {
                    lock (_gate)
                    {
                        _notices.Add(ImapWatchEvent.ForVerbose($"Reconnecting to {_session.Endpoint} failed ({ex.Message}); trying again."));
                    }

                    if (stopToken.WaitHandle.WaitOne(TimeSpan.FromSeconds(2 * attempt)))
                    {
                        throw new OperationCanceledException(stopToken);
                    }
                }
            }
        }

        /// <summary>
        /// Selects the folder (EXAMINE, so nothing changes by accident) unless it still is on this connection.
        /// After a reconnect it catches up: new messages are fetched next, and with -IncludeChanges the UIDs
        /// are compared to report what was expunged meanwhile.
        /// </summary>
        private void EnsureOpen(CancellationToken token)
        {
            if (_folder != null && _generation == _session.ConnectionGeneration && _folder.IsOpen && _session.OpenFolder == _folder)
            {
                return;
            }

            bool reopening = _folder != null;
            bool reconnected = reopening && _generation != _session.ConnectionGeneration;
            Detach();
            IMailFolder folder = ImapFolderOperations.Get(_session, _path, token);
            if (folder.IsOpen)
            {
                // A fresh EXAMINE gives the current UIDNEXT; UNSELECT first never expunges.
                folder.Close(false, token);
            }

            folder = ImapFolderOperations.Open(_session, folder, false, token);
            uint uidNext = folder.UidNext?.Id ?? 0;
            List<uint> uids = _includeChanges || uidNext == 0
                ? folder.Search(SearchQuery.All, token).Select(u => u.Id).OrderBy(u => u).ToList()
                : new List<uint>();
            uint top = Math.Max(uidNext > 0 ? uidNext - 1 : 0, uids.Count > 0 ? uids[uids.Count - 1] : 0);

            lock (_gate)
            {
                if (!reopening || folder.UidValidity != _validity)
                {
                    if (reopening)
                    {
                        _notices.Add(ImapWatchEvent.ForWarning(
                            $"'{_path}' was recreated on {_session.Endpoint} (UIDVALIDITY {_validity}, now {folder.UidValidity}); watching the new folder from its current state."));
                    }

                    _validity = folder.UidValidity;
                    _highest = top;
                    _uids.Clear();
                    _uids.AddRange(uids);
                }
                else
                {
                    // Same folder: what arrived while away comes out as new messages; what vanished, as expunges.
                    var now = new HashSet<uint>(uids);
                    if (_includeChanges)
                    {
                        foreach (uint gone in _uids.Where(u => !now.Contains(u)))
                        {
                            _changes.Add(NewChange(ImapChangeType.Expunged, gone));
                        }
                    }

                    _uids.Clear();
                    _uids.AddRange(uids.Where(u => u <= _highest));
                    MarkArrived();
                    if (reconnected)
                    {
                        _notices.Add(ImapWatchEvent.ForWarning(
                            $"The connection to {_session.Endpoint} was lost while watching '{_path}'" + (_lossReason != null ? $" ({_lossReason})" : string.Empty) +
                            "; reconnected with the session's credential and watching again. Messages that arrived meanwhile follow."));
                    }
                }

                _expectedCount = folder.Count;
                _lossReason = null;
            }

            _folder = folder;
            _generation = _session.ConnectionGeneration;
            folder.CountChanged += OnCountChanged;
            folder.MessageExpunged += OnMessageExpunged;
            folder.MessagesVanished += OnMessagesVanished;
            folder.MessageFlagsChanged += OnMessageFlagsChanged;
        }

        /// <summary>Notices, new messages (one UID FETCH of summaries for all of them) and changes, in that order.</summary>
        private List<ImapWatchEvent> Collect(CancellationToken stopToken)
        {
            var events = new List<ImapWatchEvent>();
            bool arrived;
            int before;
            lock (_gate)
            {
                events.AddRange(_notices);
                _notices.Clear();
                arrived = _arrived;
                before = _changesBeforeArrival;
                _arrived = false;
            }

            var fresh = new List<ImapMessage>();

            if (arrived)
            {
                fresh = _session.Run($"fetching new messages in '{_path}'", stopToken, FetchNew, idempotent: true);
            }

            lock (_gate)
            {
                // Notices again: a reconnect inside the fetch adds one. Then the changes and the new messages in
                // the order they happened: the changes seen before the first new message, the messages, the rest.
                events.InsertRange(0, _notices);
                _notices.Clear();
                int split = arrived ? Math.Min(before, _changes.Count) : _changes.Count;
                events.AddRange(_changes.Take(split).Select(ImapWatchEvent.ForChange));
                events.AddRange(fresh.Select(ImapWatchEvent.ForMessage));
                events.AddRange(_changes.Skip(split).Select(ImapWatchEvent.ForChange));
                _changes.Clear();
                _changesBeforeArrival = 0;
            }

            return events;
        }

        private List<ImapMessage> FetchNew(CancellationToken token)
        {
            EnsureOpen(token);
            IMailFolder folder = _folder;
            if (folder.Count == 0)
            {
                return new List<ImapMessage>();
            }

            uint from = _highest + 1;
            List<IMessageSummary> summaries = folder.Fetch(new UniqueIdRange(new UniqueId(from), UniqueId.MaxValue), new FetchRequest(ImapMessageReader.StructureItems), token)
                .Where(s => s.UniqueId.Id >= from).OrderBy(s => s.UniqueId.Id).ToList();
            bool relist;
            lock (_gate)
            {
                foreach (IMessageSummary summary in summaries)
                {
                    _uids.Add(summary.UniqueId.Id);
                }

                if (summaries.Count > 0)
                {
                    _highest = summaries[summaries.Count - 1].UniqueId.Id;
                }

                _expectedCount = folder.Count;
                relist = _includeChanges && _uids.Count != folder.Count;
            }

            if (relist)
            {
                // Something happened that the events did not explain (e.g. a message expunged before it was fetched).
                List<uint> uids = folder.Search(SearchQuery.All, token).Select(u => u.Id).Where(u => u <= _highest).OrderBy(u => u).ToList();
                lock (_gate)
                {
                    _uids.Clear();
                    _uids.AddRange(uids);
                }
            }

            return summaries.Select(s => ImapMessage.FromSummary(s, folder, _session)).ToList();
        }

        /// <summary>A new message was seen; remembers how many changes came before it. Call under the gate.</summary>
        private void MarkArrived()
        {
            if (!_arrived)
            {
                _arrived = true;
                _changesBeforeArrival = _changes.Count;
            }
        }

        private bool HasPending()
        {
            lock (_gate)
            {
                return _arrived || _changes.Count > 0 || _notices.Count > 0;
            }
        }

        private static void CancelAfter(CancellationTokenSource source, TimeSpan delay)
        {
            try
            {
                source.CancelAfter(delay);
            }
            catch (ObjectDisposedException)
            {
                // The IDLE already ended.
            }
        }
    }
}
