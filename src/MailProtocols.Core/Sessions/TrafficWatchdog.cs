using System;
using System.Diagnostics;
using System.Threading;
using MailKit;

namespace MailProtocols.Core.Sessions
{
    /// <summary>
    /// Cancels an operation when nothing went over the connection for the session's timeout. MailKit's own
    /// timeout does not cover a plaintext connection read with a cancellable token (it polls the socket
    /// until data comes or the token fires), so without this a server that stalls mid-answer would hang
    /// the command for ever.
    /// </summary>
    internal sealed class TrafficWatchdog : IDisposable
    {
        private readonly CancellationTokenSource _source;
        private readonly Timer _timer;
        private readonly TrafficClock _clock;
        private readonly TimeSpan _limit;

        public TrafficWatchdog(TrafficClock clock, TimeSpan limit, CancellationToken cancellationToken, bool enabled)
        {
            _source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            _clock = clock;
            _limit = limit;
            if (enabled && limit > TimeSpan.Zero && limit != Timeout.InfiniteTimeSpan)
            {
                clock.Touch();
                TimeSpan period = TimeSpan.FromMilliseconds(Math.Max(50, Math.Min(250, limit.TotalMilliseconds / 8)));
                _timer = new Timer(Check, null, period, period);
            }
        }

        public CancellationToken Token => _source.Token;

        /// <summary>True once the watchdog cancelled the operation because the connection was silent too long.</summary>
        public bool Fired { get; private set; }

        private void Check(object state)
        {
            if (Fired || _clock.Idle < _limit)
            {
                return;
            }

            Fired = true;
            try
            {
                _source.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The operation ended meanwhile.
            }
        }

        public void Dispose()
        {
            _timer?.Dispose();
            _source.Dispose();
        }
    }
}
