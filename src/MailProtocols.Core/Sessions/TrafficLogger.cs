using System;
using MailKit;

namespace MailProtocols.Core.Sessions
{
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
}
