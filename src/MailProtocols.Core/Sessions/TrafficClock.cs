using System;
using System.Diagnostics;
using System.Threading;

namespace MailProtocols.Core.Sessions
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
}
