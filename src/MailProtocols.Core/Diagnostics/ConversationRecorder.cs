using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Text;
using MailKit;

namespace MailProtocols.Core.Diagnostics
{
    /// <summary>
    /// A MailKit protocol logger that keeps the conversation of a connection test in memory, line by line
    /// with timestamps, so the steps MailKit runs inside one Connect call (greeting, CAPABILITY, STARTTLS,
    /// handshake) can be timed and read back. Nothing the client sends from the log-in on is looked at,
    /// so no secret passes through it.
    /// </summary>
    internal sealed class ConversationRecorder : IProtocolLogger
    {
        private const int MaxLineLength = 2000;

        private readonly Stopwatch _clock;
        private readonly StringBuilder _serverPending = new StringBuilder();
        private readonly StringBuilder _clientPending = new StringBuilder();
        private readonly List<ConversationLine> _lines = new List<ConversationLine>();
        private bool _loggingIn;

        /// <param name="clock">The clock every timestamp of the test is read from.</param>
        public ConversationRecorder(Stopwatch clock)
        {
            _clock = clock;
        }

        public IAuthenticationSecretDetector AuthenticationSecretDetector { get; set; }

        /// <summary>When MailKit announced the connection: after the handshake for implicit TLS, before the greeting otherwise.</summary>
        public TimeSpan? ConnectLoggedAt { get; private set; }

        /// <summary>When the first byte from the server arrived (above TLS).</summary>
        public TimeSpan? FirstServerDataAt { get; private set; }

        public IReadOnlyList<ConversationLine> Lines => _lines;

        public void LogConnect(Uri uri)
        {
            if (ConnectLoggedAt == null)
            {
                ConnectLoggedAt = _clock.Elapsed;
            }
        }

        public void LogServer(byte[] buffer, int offset, int count)
        {
            TimeSpan now = _clock.Elapsed;
            if (FirstServerDataAt == null && count > 0)
            {
                FirstServerDataAt = now;
            }

            Append(_serverPending, buffer, offset, count, now, fromServer: true);
        }

        public void LogClient(byte[] buffer, int offset, int count)
        {
            if (_loggingIn)
            {
                return;
            }

            Append(_clientPending, buffer, offset, count, _clock.Elapsed, fromServer: false);
        }

        /// <summary>Called right before the log-in: from here on the client's bytes are ignored.</summary>
        public void StopRecordingClient()
        {
            _loggingIn = true;
            _clientPending.Clear();
        }

        public void Dispose()
        {
        }

        private void Append(StringBuilder pending, byte[] buffer, int offset, int count, TimeSpan at, bool fromServer)
        {
            // Latin-1 maps every byte to one char, so a multi-byte character split across chunks cannot break a line.
            for (int i = offset; i < offset + count; i++)
            {
                char c = (char)buffer[i];
                if (c == '\n')
                {
                    Complete(pending, at, fromServer);
                }
                else if (c != '\r' && pending.Length < MaxLineLength)
                {
                    pending.Append(c);
                }
            }
        }

        private void Complete(StringBuilder pending, TimeSpan at, bool fromServer)
        {
            string text = pending.ToString();
            pending.Clear();
            _lines.Add(new ConversationLine(at, fromServer, text));
        }
    }
}
