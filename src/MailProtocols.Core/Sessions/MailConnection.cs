using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using MailKit;
using MailKit.Security;
using MailProtocols.Core.Errors;

namespace MailProtocols.Core.Sessions
{
    /// <summary>
    /// The live connection behind a <see cref="MailSession"/>: MailKit's client, log-in, reconnects and
    /// error translation. The session object (MailProtocols.Model) shows the facts; this does the work.
    /// </summary>
    internal abstract class MailConnection : ISessionEngine
    {
        private readonly object _gate = new object();
        private readonly List<Action<string>> _listeners = new List<Action<string>>();
        private bool _closedByUser;
        private bool _disposed;

        private protected MailConnection(MailSession session)
        {
            Session = session ?? throw new ArgumentNullException(nameof(session));
            (int port, SecureSocketOptions options) = ResolveEndpoint(session.Settings, ImplicitTlsPort, PlainPort);
            SocketOptions = options;
            session.Port = port;
            session.Engine = this;
        }

        /// <summary>The session object this connection serves.</summary>
        internal MailSession Session { get; }

        private ConnectionSettings Settings => Session.Settings;

        private string Server => Session.Server;

        private int Port => Session.Port;

        private string UserName => Session.UserName;

        private string Endpoint => Session.Endpoint;

        public bool IsConnected => Service.IsConnected;

        public bool IsSecure => Service.IsConnected && Service.IsSecure;

        public string SslProtocol => IsSecure ? Service.SslProtocol.ToString() : null;

        public bool IsAuthenticated => Service.IsAuthenticated;

        public virtual string SelectedFolder => null;

        internal SecureSocketOptions SocketOptions { get; }

        internal abstract MailService Service { get; }

        /// <summary>Why the last TLS handshake refused the server's certificate, in words.</summary>
        internal string LastCertificateProblem { get; private set; }

        /// <summary>Protocol-specific advice appended to "connection lost" errors.</summary>
        internal virtual string LostConnectionAdvice => string.Empty;

        /// <summary>
        /// Runs one operation on the client. MailKit clients are not thread-safe, so calls are
        /// serialized; the lock is re-entrant because nested pipeline stages run on one thread.
        /// A session whose connection was dropped reconnects first. When the connection drops during
        /// an <paramref name="idempotent"/> operation (a read), it reconnects and retries once; a change
        /// is never repeated, because its outcome is unknown.
        /// MailKit failures come out as <see cref="MailProtocolException"/>, cancellation as itself.
        /// </summary>
        /// <param name="quietAllowed">True for an operation that waits for the server on purpose (IDLE): the
        /// session's timeout then does not apply to silence on the connection.</param>
        internal T Run<T>(string action, CancellationToken cancellationToken, Func<CancellationToken, T> operation, bool idempotent = false, bool quietAllowed = false)
        {
            lock (_gate)
            {
                if (_disposed)
                {
                    throw new MailProtocolException(MailErrorKind.InvalidOperation, MailErrorReason.SessionClosed,
                        $"Session {Session.Id} to {Endpoint} was closed with Disconnect-{Session.Protocol}. Open a new one with Connect-{Session.Protocol}.");
                }

                ReconnectIfDropped(cancellationToken);
                try
                {
                    return Translating(action, cancellationToken, idempotent, operation, !quietAllowed);
                }
                catch (MailProtocolException ex) when (idempotent && ex.Reason == MailErrorReason.ConnectionLost && !cancellationToken.IsCancellationRequested)
                {
                    ReconnectIfDropped(cancellationToken);
                    return Translating(action, cancellationToken, idempotent, operation, !quietAllowed);
                }
            }
        }

        internal void Run(string action, CancellationToken cancellationToken, Action<CancellationToken> operation, bool idempotent = false, bool quietAllowed = false) =>
            Run<object>(action, cancellationToken, token =>
            {
                operation(token);
                return null;
            }, idempotent, quietAllowed);

        /// <summary>When bytes last went over the connection; the client's protocol logger keeps it current.</summary>
        internal TrafficClock Traffic { get; } = new TrafficClock();

        /// <summary>The protocol logger for a new client: it also keeps <see cref="Traffic"/> current.</summary>
        private protected IProtocolLogger CreateLogger() => new TrafficLogger(ProtocolLog.Create(Settings.ProtocolLogPath), Traffic);

        /// <summary>
        /// Subscribes to notices for the user, such as "reconnecting"; each command that uses the session
        /// listens while it runs and writes them as verbose text. Dispose the result to stop listening.
        /// </summary>
        internal IDisposable Listen(Action<string> listener)
        {
            lock (_listeners)
            {
                _listeners.Add(listener);
            }

            return new Subscription(() =>
            {
                lock (_listeners)
                {
                    _listeners.Remove(listener);
                }
            });
        }

        private void Notify(string message)
        {
            Action<string>[] listeners;
            lock (_listeners)
            {
                listeners = _listeners.ToArray();
            }

            foreach (Action<string> listener in listeners)
            {
                listener(message);
            }
        }

        /// <summary>Increases on every (re)connect, so caches tied to one connection (POP3 indexes, open folders) know they are stale.</summary>
        internal int ConnectionGeneration { get; private set; }

        /// <summary>True once the user ended the session (Disconnect-*): it is never reconnected.</summary>
        internal bool IsClosedByUser => _closedByUser;

        /// <summary>The user is ending the session: never reconnect it again.</summary>
        private protected void MarkClosedByUser() => _closedByUser = true;

        /// <summary>Called after a reconnect, before the operation that needed it runs.</summary>
        private protected virtual void OnReconnected()
        {
        }

        private T Translating<T>(string action, CancellationToken cancellationToken, bool idempotent, Func<CancellationToken, T> operation, bool watched = true)
        {
            using (var watchdog = new TrafficWatchdog(Traffic, Settings.Timeout, cancellationToken, watched))
            {
                try
                {
                    return TranslatingCore(action, cancellationToken, idempotent, operation, watchdog.Token);
                }
                catch (OperationCanceledException ex) when (watchdog.Fired && !cancellationToken.IsCancellationRequested)
                {
                    // The server went silent in the middle of an answer: where the conversation stands is unknown.
                    TryDisconnect(false);
                    throw MailErrors.TimedOut(Session, action, ex);
                }
                catch (MailProtocolException ex) when (watchdog.Fired && !cancellationToken.IsCancellationRequested && !(ex.Kind == MailErrorKind.Timeout))
                {
                    TryDisconnect(false);
                    throw MailErrors.TimedOut(Session, action, ex);
                }
            }
        }

        private T TranslatingCore<T>(string action, CancellationToken cancellationToken, bool idempotent, Func<CancellationToken, T> operation, CancellationToken watched)
        {
            try
            {
                return operation(watched);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested || watched.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex) when (!(ex is MailProtocolException))
            {
                MailProtocolException error = MailErrors.Translate(ex, Session, action);
                throw error.Reason == MailErrorReason.ConnectionLost && !idempotent ? MailErrors.ConnectionLostDuringChange(Session, action, ex) : error;
            }
        }

        private void ReconnectIfDropped(CancellationToken cancellationToken)
        {
            if (ConnectionGeneration == 0 || _closedByUser || Service.IsConnected)
            {
                return;
            }

            Notify($"The connection of session {Session.Id} to {Endpoint} was closed; reconnecting and logging in again.");
            Open(cancellationToken);
            OnReconnected();
        }

        /// <summary>Connects, upgrades to TLS as the settings require, and authenticates.</summary>
        internal void Open(CancellationToken cancellationToken)
        {
            Service.Timeout = (int)Settings.Timeout.TotalMilliseconds;
            Service.ServerCertificateValidationCallback = ValidateCertificate;

            // The socket timeout bounds each read; this bounds connect + greeting + log-in as a whole.
            using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                deadline.CancelAfter(Settings.Timeout);
                Translating<object>("connect", cancellationToken, true, _ =>
                {
                    try
                    {
                        ConnectSocket(deadline.Token);
                        Session.AuthenticationMechanisms = Service.AuthenticationMechanisms.OrderBy(m => m, StringComparer.Ordinal).ToArray();
                        Authenticate(deadline.Token);
                        AfterLogin(deadline.Token);
                    }
                    catch (Exception)
                    {
                        // Never leave a half-open (possibly unauthenticated plaintext) connection behind.
                        TryDisconnect(false);
                        throw;
                    }

                    return null;
                });
            }

            ConnectionGeneration++;
            Session.ConnectedAt = DateTime.Now;
            Session.Capabilities = ReadCapabilities();
        }

        /// <summary>Closes the connection; <paramref name="quit"/> says whether to log out politely.</summary>
        internal void Close(bool quit, CancellationToken cancellationToken)
        {
            _closedByUser = true;
            if (!Service.IsConnected)
            {
                return;
            }

            Run("disconnect", cancellationToken, token => Service.Disconnect(quit, token));
        }

        internal void TryDisconnect(bool quit)
        {
            try
            {
                if (Service.IsConnected)
                {
                    Service.Disconnect(quit, CancellationToken.None);
                }
            }
            catch (Exception)
            {
                // Best effort: the caller is already reporting the real failure.
            }
        }

        private protected abstract string[] ReadCapabilities();

        /// <summary>Runs after every log-in (also after a reconnect), before any other command: IMAP turns on COMPRESS here.</summary>
        private protected virtual void AfterLogin(CancellationToken token)
        {
        }

        private void ConnectSocket(CancellationToken token)
        {
            // -Proxy: MailKit tunnels through it; TLS and certificate validation still run end to end with the server.
            Service.ProxyClient = MailProxy.Create(Settings);
            try
            {
                ConnectWatchingForImplicitTls(token);
            }
            catch (Exception ex) when (Settings.Proxy != null && MailProxy.Translate(ex, Settings, Endpoint) is MailProtocolException proxyError)
            {
                throw proxyError;
            }
            catch (NotSupportedException ex) when (SocketOptions == SecureSocketOptions.StartTls)
            {
                // MailKit checks for STARTTLS before anything else is sent, so no credential has left this machine.
                throw new MailProtocolException(MailErrorKind.Security, MailErrorReason.StartTlsNotOffered,
                    $"{Endpoint} does not offer STARTTLS, so the connection was closed before any credential was sent. " +
                    $"Use -Security SslOnConnect (port {ImplicitTlsPort}), or -Security None only on a network you trust.", ex);
            }
            catch (CommandException ex) when (SocketOptions == SecureSocketOptions.StartTls)
            {
                throw new MailProtocolException(MailErrorKind.Security, MailErrorReason.StartTlsRefused,
                    $"{Endpoint} refused STARTTLS ({ex.Message}), so the connection was closed before any credential was sent. " +
                    "A server that advertises STARTTLS and then refuses it may be tampered with; check the path to the server.", ex);
            }

            // Belt and braces: e.g. an IMAP PREAUTH greeting skips STARTTLS altogether. TLS was required,
            // so a session that is not encrypted now must not be used, logged in or not.
            if (SocketOptions != SecureSocketOptions.None && !Service.IsSecure)
            {
                throw new MailProtocolException(MailErrorKind.Security, MailErrorReason.TlsNotEstablished,
                    $"{Endpoint} did not let the connection be encrypted (for example, it greeted with PREAUTH), so it was closed. " +
                    "Check for a man-in-the-middle; use -Security None only on a network you trust.");
            }
        }

        /// <summary>A plain start that gets no greeting is checked for a port that expects TLS from the start (see <see cref="ImplicitTlsProbe"/>).</summary>
        private void ConnectWatchingForImplicitTls(CancellationToken token)
        {
            if (SocketOptions == SecureSocketOptions.SslOnConnect)
            {
                Service.Connect(Server, Port, SocketOptions, token);
                return;
            }

            long readsBefore = Traffic.ServerReads;
            using (var probe = new ImplicitTlsProbe(Server, Port, () => Traffic.ServerReads == readsBefore, Settings.Timeout, token))
            {
                try
                {
                    Service.Connect(Server, Port, SocketOptions, probe.Token);
                }
                catch (Exception ex) when (probe.Detected && !token.IsCancellationRequested)
                {
                    throw new MailProtocolException(MailErrorKind.Security, MailErrorReason.ImplicitTlsExpected,
                        $"{Endpoint} sent no greeting but answers a TLS handshake. {ImplicitTlsProbe.Advice(Port)} " +
                        $"(-Security {Settings.Security} starts in plaintext on any port but {ImplicitTlsPort}.)", ex);
                }
            }
        }

        private void Authenticate(CancellationToken token)
        {
            if (!Settings.UsesOAuth)
            {
                LoginMechanism.Authenticate(Service, Settings.CreatePasswordCredential(), token);
                return;
            }

            if (Settings.TokenSource == null)
            {
                OAuthLogin.Authenticate(Service, UserName, Settings.RevealAccessToken(), Endpoint, token);
                return;
            }

            // Signed in: a current token at every log-in (the first, and each reconnect after a drop or an expiry).
            OAuthLogin.AuthenticateSignedIn(Service, Session, Settings.TokenSource, token);
        }

        private bool ValidateCertificate(object sender, X509Certificate certificate, X509Chain chain, SslPolicyErrors errors)
        {
            LastCertificateProblem = null;
            if (Settings.CertificateThumbprint != null)
            {
                // Pinned: exactly this certificate, whatever the chain says, and nothing else.
                if (CertificatePin.Matches(certificate, Settings.CertificateThumbprint))
                {
                    return true;
                }

                LastCertificateProblem = CertificatePin.DescribeMismatch(certificate, Settings.CertificateThumbprint);
                return false;
            }

            if (errors == SslPolicyErrors.None || Settings.SkipCertificateCheck || CertificateDiagnostics.OnlyRevocationUnknown(errors, chain))
            {
                return true;
            }

            LastCertificateProblem = CertificateDiagnostics.Describe(Server, certificate, chain, errors);
            return false;
        }

        /// <summary>The protocol's implicit-TLS port (993, 995).</summary>
        private protected abstract int ImplicitTlsPort { get; }

        /// <summary>The protocol's plain port (143, 110), where STARTTLS is required unless -Security None.</summary>
        private protected abstract int PlainPort { get; }

        /// <summary>
        /// Auto means implicit TLS on the implicit-TLS port and required STARTTLS everywhere else;
        /// MailKit's own "Auto" would fall back to plaintext, so it is never used.
        /// </summary>
        internal static (int Port, SecureSocketOptions Options) ResolveEndpoint(ConnectionSettings settings, int implicitTlsPort, int plainPort)
        {
            switch (settings.Security)
            {
                case MailSecurity.SslOnConnect:
                    return (settings.Port != 0 ? settings.Port : implicitTlsPort, SecureSocketOptions.SslOnConnect);
                case MailSecurity.StartTls:
                    return (settings.Port != 0 ? settings.Port : plainPort, SecureSocketOptions.StartTls);
                case MailSecurity.None:
                    return (settings.Port != 0 ? settings.Port : plainPort, SecureSocketOptions.None);
                default:
                    int port = settings.Port != 0 ? settings.Port : implicitTlsPort;
                    return (port, port == implicitTlsPort ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTls);
            }
        }

        public void Dispose()
        {
            _closedByUser = true;
            _disposed = true;
            TryDisconnect(false);
            Service.Dispose();
        }
    }
}
