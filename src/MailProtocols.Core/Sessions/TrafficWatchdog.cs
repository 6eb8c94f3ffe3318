using System;
using System.Diagnostics;
using System.Threading;
using MailKit;

namespace MailProtocols
{
    /// <summary>When bytes last went over a session's connection, in either direction.</summary>
    internal sealed class TrafficClock
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private long _lastTicks;
        private long _serverReads;

        public void Touch() => Interlocked.Exchange(ref _lastTicks, _clock.ElapsedTicks);

        /// <summary>How many times the server's bytes were read so far (a greeting that never comes leaves it unchanged).</summary>
        public long ServerReads => Interlocked.Read(ref _serverReads);

        public void TouchFromServer()
        {
            Interlocked.Increment(ref _serverReads);
            Touch();
        }

        public TimeSpan Idle => TimeSpan.FromTicks((long)((_clock.ElapsedTicks - Interlocked.Read(ref _lastTicks)) * (TimeSpan.TicksPerSecond / (double)Stopwatch.Frequency)));
    }

    /// <summary>
    /// Wraps the protocol logger to see every read and write: MailKit hands each chunk it reads from or
    /// writes to the server to the logger, which makes it the one place that sees all traffic.
    /// </summary>
    internal sealed class TrafficLogger : IProtocolLogger
    {
        private readonly IProtocolLogger _inner;
        private readonly TrafficClock _clock;

        public TrafficLogger(IProtocolLogger inner, TrafficClock clock)
        {
            _inner = inner;
            _clock = clock;
        }

        public IAuthenticationSecretDetector AuthenticationSecretDetector
        {
            get => _inner.AuthenticationSecretDetector;
            set => _inner.AuthenticationSecretDetector = value;
        }

        public void LogConnect(Uri uri)
        {
            _clock.Touch();
            _inner.LogConnect(uri);
        }

        public void LogClient(byte[] buffer, int offset, int count)
        {
            _clock.Touch();
            _inner.LogClient(buffer, offset, count);
        }

        public void LogServer(byte[] buffer, int offset, int count)
        {
            _clock.TouchFromServer();
            _inner.LogServer(buffer, offset, count);
        }

        public void Dispose() => _inner.Dispose();
    }

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
