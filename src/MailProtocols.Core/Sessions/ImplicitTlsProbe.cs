using System;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Threading;
using System.Threading.Tasks;

namespace MailProtocols.Core.Sessions
{
    /// <summary>
    /// Watches a plain start (STARTTLS or -Security None) for the classic mix-up: a port that expects TLS from
    /// the start. Such a server waits for the client's TLS hello while the client waits for a greeting, so
    /// without this the connect would only end with the timeout, blaming "server and port". When the greeting
    /// has not come after a few seconds, a second connection tries a TLS handshake (nothing else is sent on it);
    /// if the server answers it, the connect is cancelled at once and <see cref="Detected"/> says why.
    /// </summary>
    internal sealed class ImplicitTlsProbe : IDisposable
    {
        /// <summary>How long a greeting may take before the port is probed; real servers greet well within it.</summary>
        internal static readonly TimeSpan Silence = TimeSpan.FromSeconds(3);

        private readonly string _host;
        private readonly int _port;
        private readonly Func<bool> _serverSilent;
        private readonly TimeSpan _handshakeLimit;
        private readonly CancellationTokenSource _source;
        private readonly Timer _timer;

        /// <param name="serverSilent">True while nothing has come from the server on the connection being watched.</param>
        /// <param name="timeout">The connection's timeout: no probe when it ends before the probe could help.</param>
        public ImplicitTlsProbe(string host, int port, Func<bool> serverSilent, TimeSpan timeout, CancellationToken cancellationToken)
        {
            _host = host;
            _port = port;
            _serverSilent = serverSilent;
            _handshakeLimit = Silence;
            _source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (timeout == Timeout.InfiniteTimeSpan || timeout > Silence + TimeSpan.FromSeconds(1))
            {
                _timer = new Timer(_ => Probe(), null, Silence, Timeout.InfiniteTimeSpan);
            }
        }

        /// <summary>The token to connect with: cancelled when the server turned out to speak TLS first.</summary>
        public CancellationToken Token => _source.Token;

        /// <summary>True once the port answered a TLS handshake while the plain connection got no greeting.</summary>
        public bool Detected { get; private set; }

        /// <summary>The advice for a user who met this: names the port and the switch that fixes it.</summary>
        public static string Advice(int port) => $"Port {port} expects TLS from the start: add -Security SslOnConnect.";

        private void Probe()
        {
            try
            {
                if (_source.IsCancellationRequested || !_serverSilent() || !SpeaksTls(_host, _port, _handshakeLimit, _source.Token) || !_serverSilent())
                {
                    return;
                }

                Detected = true;
                _source.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The connect finished meanwhile.
            }
        }

        /// <summary>True when a TLS handshake with host:port completes. The certificate is not judged here: only whether TLS is spoken.</summary>
        internal static bool SpeaksTls(string host, int port, TimeSpan limit, CancellationToken cancellationToken)
        {
            try
            {
                using (var client = new TcpClient())
                using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
                {
                    deadline.CancelAfter(limit);
                    using (deadline.Token.Register(() => client.Dispose()))
                    {
                        client.ConnectAsync(host, port).Wait(deadline.Token);
                        using (var tls = new SslStream(client.GetStream(), false, (sender, certificate, chain, errors) => true))
                        {
                            Task handshake = tls.AuthenticateAsClientAsync(host);
                            handshake.Wait(deadline.Token);
                            return true;
                        }
                    }
                }
            }
            catch (Exception ex) when (ex is AggregateException || ex is OperationCanceledException || ex is SocketException ||
                ex is System.IO.IOException || ex is AuthenticationException || ex is ObjectDisposedException || ex is InvalidOperationException)
            {
                return false;
            }
        }

        public void Dispose()
        {
            _timer?.Dispose();
            _source.Dispose();
        }
    }
}
