using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using MailKit;
using MailKit.Security;
using MailProtocols.Core.Sessions;

namespace MailProtocols.Core.Diagnostics
{
    /// <summary>One run of Test-MailConnection: the steps in order, each reported as it is known.</summary>
    internal sealed partial class ConnectionTestRun
    {
        private readonly MailDialect _dialect;
        private readonly ConnectionSettings _settings;
        private readonly CancellationToken _cancellation;
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly int _port;
        private readonly SecureSocketOptions _options;
        private readonly ConnectionReport _report;
        private TimeSpan _certificateCheckTime;
        private bool _implicitTlsDetected;
        private bool _pinMatches;
        private readonly Action<string> _show;
        private readonly Action<string> _warn;
        private string _tokenProblem;

        public ConnectionTestRun(MailDialect dialect, ConnectionSettings settings, CancellationToken cancellationToken, Action<string> show = null, Action<string> warn = null)
        {
            _show = show ?? (_ => { });
            _warn = warn ?? (_ => { });
            _dialect = dialect;
            _settings = settings;
            _cancellation = cancellationToken;
            (_port, _options) = MailConnection.ResolveEndpoint(settings, dialect.ImplicitTlsPort, dialect.PlainPort);
            _report = new ConnectionReport(settings.Server, _port, dialect.Protocol, ToSecurity(_options), settings.UserName);

            // An unusable -Proxy is the caller's mistake, not a step of the report.
            MailProxy.Create(settings);
        }

        private string Endpoint => $"{_settings.Server}:{_port}";

        private int TimeoutSeconds => (int)Math.Ceiling(_settings.Timeout.TotalSeconds);

        public ConnectionReport Execute()
        {
            if (_settings.SignIn != null)
            {
                SignInSteps();
            }

            Stream connection = _settings.Proxy != null ? ConnectThroughProxy() : null;
            if (_settings.Proxy == null)
            {
                IPAddress[] addresses = Resolve();
                Socket socket = addresses == null ? null : ConnectTcp(addresses);
                connection = socket == null ? null : new NetworkStream(socket, ownsSocket: true);
            }

            if (connection != null)
            {
                var recorder = new ConversationRecorder(_clock);
                var stream = new ServerHelloObserver(connection);
                using (MailService client = _dialect.CreateClient(recorder))
                {
                    try
                    {
                        Converse(client, stream, recorder);
                    }
                    finally
                    {
                        stream.Dispose();
                    }
                }
            }

            _report.Duration = _clock.Elapsed;
            return _report;
        }

        private void Converse(MailService client, ServerHelloObserver stream, ConversationRecorder recorder)
        {
            CertificateReport certificate = null;
            client.Timeout = (int)_settings.Timeout.TotalMilliseconds;

            // Always continue the handshake so the greeting and capabilities can still be reported;
            // whether the certificate is good decides below whether a credential may be sent.
            client.ServerCertificateValidationCallback = (sender, cert, chain, errors) =>
            {
                TimeSpan checkStart = _clock.Elapsed;
                if (cert != null)
                {
                    certificate = CertificateReport.Create(_settings.Server, cert, chain, errors, DateTime.Now);
                    _pinMatches = CertificatePin.Matches(cert, _settings.CertificateThumbprint);
                }

                _certificateCheckTime = _clock.Elapsed - checkStart;
                return true;
            };

            // Auto and StartTls require STARTTLS; MailKit is asked for "when available" so that a server without
            // it can still be described. The log-in below is refused on such a connection.
            SecureSocketOptions mailKitOptions = _options == SecureSocketOptions.StartTls ? SecureSocketOptions.StartTlsWhenAvailable : _options;
            TimeSpan connectStart = _clock.Elapsed;
            Exception failure;
            bool timedOut;
            using (ImplicitTlsProbe probe = mailKitOptions == SecureSocketOptions.SslOnConnect ? null
                : new ImplicitTlsProbe(_settings.Server, _port, () => recorder.FirstServerDataAt == null, _settings.Timeout, _cancellation))
            {
                // A port that expects TLS from the start never greets: the probe ends the wait for the greeting early.
                CancellationTokenRegistration stop = probe?.Token.Register(stream.Dispose) ?? default;
                failure = WithDeadline(stream, token => client.Connect(stream, _settings.Server, _port, mailKitOptions, token), out timedOut);
                stop.Dispose();
                _implicitTlsDetected = probe?.Detected == true;
            }

            TimeSpan connectEnd = _clock.Elapsed;
            IReadOnlyList<ConversationLine> lines = recorder.Lines;
            var connect = new ConnectPhase(connectStart, connectEnd, failure, timedOut);

            bool usable = mailKitOptions == SecureSocketOptions.SslOnConnect
                ? ReportImplicitTls(client, stream, recorder, connect, certificate)
                : ReportPlainStart(client, stream, recorder, connect, certificate);
            if (!usable)
            {
                return;
            }

            if (failure != null)
            {
                Add(ConnectionStepName.Capabilities, ConnectionStepStatus.Failure, connectEnd - LastLineTime(lines, connectStart),
                    DescribeFailure("reading the capabilities", connect));
                return;
            }

            ReportCapabilities(client, lines);
            LogIn(client, stream, recorder, certificate);
            WithDeadline(stream, token => client.Disconnect(true, token), out _);
        }

        private void LogIn(MailService client, ServerHelloObserver stream, ConversationRecorder recorder, CertificateReport certificate)
        {
            if (client.IsAuthenticated)
            {
                Add(ConnectionStepName.Login, ConnectionStepStatus.Skipped, TimeSpan.Zero,
                    "The server logged this connection in with its greeting (PREAUTH), so no credential was sent.");
                return;
            }

            if (_tokenProblem != null)
            {
                Add(ConnectionStepName.Login, ConnectionStepStatus.Skipped, TimeSpan.Zero, $"Not attempted: {_tokenProblem}.");
                return;
            }

            if (_settings.UserName == null)
            {
                Add(ConnectionStepName.Login, ConnectionStepStatus.Skipped, TimeSpan.Zero, "No -Credential given, so the log-in was not tested.");
                return;
            }

            // The same policy as Connect-*: a password travels only encrypted to a verified server,
            // unless the user explicitly asked for plaintext or for skipping the certificate check.
            string refusal = null;
            if (!_report.IsSecure && _options != SecureSocketOptions.None)
            {
                refusal = "the connection is not encrypted, and a password is sent in plaintext only with -Security None.";
            }
            else if (_report.IsSecure && _settings.CertificateThumbprint != null && !_pinMatches)
            {
                refusal = "the server's certificate does not match -CertificateThumbprint, so the password could reach an impostor.";
            }
            else if (_report.IsSecure && _settings.CertificateThumbprint == null && certificate?.IsValid != true && !_settings.SkipCertificateCheck)
            {
                refusal = "the server's certificate is not valid, so the password could reach an impostor.";
            }

            if (refusal != null)
            {
                Add(ConnectionStepName.Login, ConnectionStepStatus.Skipped, TimeSpan.Zero, $"Not attempted for '{_settings.UserName}': {refusal}");
                return;
            }

            recorder.StopRecordingClient();
            TimeSpan start = _clock.Elapsed;
            // One attempt with one mechanism, as Connect-* does: a wrong password must not count three times.
            string how = _settings.UsesOAuth
                ? LoginMechanism.Describe(OAuthLogin.Choose(client, _settings.TokenSource != null) ?? "XOAUTH2", _dialect.Protocol)
                : LoginMechanism.Describe(LoginMechanism.Choose(client.AuthenticationMechanisms), _dialect.Protocol);
            Exception failure = WithDeadline(stream, token =>
            {
                if (_settings.TokenSource != null)
                {
                    OAuthLogin.AuthenticateSignedIn(client, Endpoint, _dialect.Protocol, _settings.UserName, _settings.TokenSource, token);
                }
                else if (_settings.UsesOAuth)
                {
                    OAuthLogin.Authenticate(client, _settings.UserName, _settings.RevealAccessToken(), Endpoint, token);
                }
                else
                {
                    LoginMechanism.Authenticate(client, _settings.CreatePasswordCredential(), token);
                }
            }, out bool timedOut);
            TimeSpan duration = _clock.Elapsed - start;
            _report.LoginTime = duration;
            _report.LoginSucceeded = failure == null;
            if (failure == null)
            {
                Add(ConnectionStepName.Login, ConnectionStepStatus.Success, duration, $"Logged in as '{_settings.UserName}' with {how}.");
                return;
            }

            string message = failure is MailProtocolException explained
                ? explained.Message
                : OAuthLogin.IsNotConnected(failure)
                ? OAuthLogin.NotConnected(Endpoint, _settings.TokenSource?.Account, _settings.UserName, failure).Message
                : failure is AuthenticationException
                ? $"The server rejected the log-in for '{_settings.UserName}' with {how} (one attempt): {Sentence(failure.Message)} Check the user name and password."
                : timedOut
                    ? $"No answer to the log-in within {TimeoutSeconds} s."
                    : $"The log-in failed: {Sentence(Innermost(failure).Message)}";
            Add(ConnectionStepName.Login, ConnectionStepStatus.Failure, duration, message);
        }

        /// <summary>
        /// Runs one MailKit call under the step timeout. MailKit watches the token only on its own socket
        /// streams, so the deadline also closes the stream, which wakes a read that is blocked. Returns the
        /// failure, if any; Ctrl+C still comes out as cancellation.
        /// </summary>
        private Exception WithDeadline(Stream stream, Action<CancellationToken> action, out bool timedOut)
        {
            using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(_cancellation))
            {
                var gate = new object();
                bool finished = false;
                Exception failure = null;
                using (deadline.Token.Register(() =>
                {
                    lock (gate)
                    {
                        if (!finished)
                        {
                            stream.Dispose();
                        }
                    }
                }))
                {
                    deadline.CancelAfter(_settings.Timeout);
                    try
                    {
                        action(deadline.Token);
                    }
                    catch (Exception ex)
                    {
                        failure = ex;
                    }

                    lock (gate)
                    {
                        finished = true;
                    }
                }

                _cancellation.ThrowIfCancellationRequested();
                timedOut = failure != null && (deadline.IsCancellationRequested || IsTimeout(failure));
                return failure;
            }
        }

        private static bool IsTimeout(Exception ex)
        {
            for (Exception e = ex; e != null; e = e.InnerException)
            {
                if (e is TimeoutException || e is OperationCanceledException || (e is SocketException se && se.SocketErrorCode == SocketError.TimedOut))
                {
                    return true;
                }
            }

            return false;
        }

        private string DescribeFailure(string during, ConnectPhase connect)
        {
            if (connect.TimedOut)
            {
                return $"No answer within {TimeoutSeconds} s while {during}.";
            }

            Exception cause = Innermost(connect.Failure);
            return cause is IOException || cause is SocketException || cause is ObjectDisposedException || connect.Failure is ProtocolException
                ? $"The connection ended while {during}: {Sentence(cause.Message)}"
                : $"Failed while {during}: {Sentence(cause?.Message)}";
        }

        private static TimeSpan LastLineTime(IReadOnlyList<ConversationLine> lines, TimeSpan fallback) =>
            lines.Count == 0 ? fallback : lines[lines.Count - 1].At;

        /// <summary>Exception messages are inserted into sentences: make sure each ends like one.</summary>
        private static string Sentence(string text)
        {
            text = text?.Trim() ?? string.Empty;
            return text.Length == 0 || ".!?".IndexOf(text[text.Length - 1]) >= 0 ? text : text + ".";
        }

        private static Exception Innermost(Exception ex)
        {
            while (ex?.InnerException != null)
            {
                ex = ex.InnerException;
            }

            return ex;
        }

        private static MailSecurity ToSecurity(SecureSocketOptions options)
        {
            switch (options)
            {
                case SecureSocketOptions.SslOnConnect:
                    return MailSecurity.SslOnConnect;
                case SecureSocketOptions.None:
                    return MailSecurity.None;
                default:
                    return MailSecurity.StartTls;
            }
        }

        private void Add(ConnectionStepName name, ConnectionStepStatus status, TimeSpan duration, string message) =>
            _report.Add(new ConnectionStep(name, status, duration, message));

        /// <summary>What happened during MailKit's Connect call.</summary>
        private sealed class ConnectPhase
        {
            public ConnectPhase(TimeSpan start, TimeSpan end, Exception failure, bool timedOut)
            {
                Start = start;
                End = end;
                Failure = failure;
                TimedOut = timedOut;
            }

            public TimeSpan Start { get; }

            public TimeSpan End { get; }

            public Exception Failure { get; }

            public bool TimedOut { get; }
        }
    }
}
