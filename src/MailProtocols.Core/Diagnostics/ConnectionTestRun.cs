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

namespace MailProtocols
{
    /// <summary>One run of Test-MailConnection: the steps in order, each reported as it is known.</summary>
    internal sealed class ConnectionTestRun
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

        public ConnectionTestRun(MailDialect dialect, ConnectionSettings settings, CancellationToken cancellationToken)
        {
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

        private IPAddress[] Resolve()
        {
            string host = _settings.Server;
            if (IPAddress.TryParse(host.Trim('[', ']'), out IPAddress literal))
            {
                _report.Addresses = new[] { literal.ToString() };
                Add(ConnectionStepName.Dns, ConnectionStepStatus.Success, TimeSpan.Zero, $"'{host}' is an IP address: nothing to resolve.");
                return new[] { literal };
            }

            TimeSpan start = _clock.Elapsed;
            Task<IPAddress[]> lookup = Dns.GetHostAddressesAsync(host);
            IPAddress[] addresses = null;
            string problem = null;
            try
            {
                if (lookup.Wait((int)_settings.Timeout.TotalMilliseconds, _cancellation))
                {
                    addresses = lookup.GetAwaiter().GetResult();
                }
                else
                {
                    problem = $"no answer from DNS within {TimeoutSeconds} s. Check the DNS servers this machine uses.";
                }
            }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                Exception cause = ex is AggregateException aggregate ? aggregate.GetBaseException() : ex;
                string code = cause is SocketException se ? $" ({se.SocketErrorCode})" : string.Empty;
                problem = $"{cause.Message.TrimEnd('.')}{code}. Check the spelling of the name and this machine's DNS.";
            }

            TimeSpan duration = _clock.Elapsed - start;
            if (problem == null && (addresses == null || addresses.Length == 0))
            {
                problem = "the name exists but has no addresses.";
            }

            if (problem != null)
            {
                Add(ConnectionStepName.Dns, ConnectionStepStatus.Failure, duration, $"'{host}' could not be resolved: {problem}");
                return null;
            }

            _report.Addresses = addresses.Select(a => a.ToString()).ToArray();
            Add(ConnectionStepName.Dns, ConnectionStepStatus.Success, duration, $"'{host}' resolved to {string.Join(", ", _report.Addresses)}.");
            return addresses;
        }

        /// <summary>-Proxy: the proxy resolves the name and opens the connection; reported as the DNS and TCP steps.</summary>
        private Stream ConnectThroughProxy()
        {
            string proxy = MailProxy.Describe(_settings.Proxy);
            Add(ConnectionStepName.Dns, ConnectionStepStatus.Skipped, TimeSpan.Zero, $"'{_settings.Server}' is resolved by the proxy {proxy}.");
            TimeSpan start = _clock.Elapsed;
            try
            {
                using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(_cancellation))
                {
                    deadline.CancelAfter(_settings.Timeout);
                    Stream stream = MailProxy.Create(_settings).Connect(_settings.Server, _port, deadline.Token);
                    Add(ConnectionStepName.TcpConnect, ConnectionStepStatus.Success, _clock.Elapsed - start, $"Connected to {Endpoint} through the proxy {proxy}.");
                    return stream;
                }
            }
            catch (OperationCanceledException) when (_cancellation.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex) when (!(ex is MailProtocolException))
            {
                MailProtocolException known = MailProxy.Translate(ex, _settings, Endpoint);
                string message = known?.Message ?? (ex is OperationCanceledException
                    ? $"The proxy {proxy} did not open a connection to {Endpoint} within {TimeoutSeconds} s. Check the -Proxy address and that the proxy is running."
                    : $"Could not connect to {Endpoint} through the proxy {proxy}: {ex.Message}");
                Add(ConnectionStepName.TcpConnect, ConnectionStepStatus.Failure, _clock.Elapsed - start, message);
                return null;
            }
        }

        /// <summary>Tries the addresses in order, as mail clients do, within one timeout for the whole step.</summary>
        private Socket ConnectTcp(IPAddress[] addresses)
        {
            TimeSpan start = _clock.Elapsed;
            TimeSpan deadline = start + _settings.Timeout;
            var failures = new List<string>();
            foreach (IPAddress address in addresses)
            {
                var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    int remaining = (int)(deadline - _clock.Elapsed).TotalMilliseconds;
                    if (remaining <= 0)
                    {
                        failures.Add($"{address}: not tried, the {TimeoutSeconds} s were used up");
                        socket.Dispose();
                        continue;
                    }

                    Task connect = socket.ConnectAsync(address, _port);
                    if (connect.Wait(remaining, _cancellation))
                    {
                        connect.GetAwaiter().GetResult();
                        _report.RemoteAddress = address.ToString();
                        string after = failures.Count == 0 ? string.Empty : $" (after {string.Join("; ", failures)})";
                        Add(ConnectionStepName.TcpConnect, ConnectionStepStatus.Success, _clock.Elapsed - start,
                            $"Connected to {address}:{_port} from {socket.LocalEndPoint}{after}.");
                        return socket;
                    }

                    failures.Add($"{address}: no answer within {TimeoutSeconds} s");
                    socket.Dispose();
                }
                catch (Exception ex) when (!(ex is OperationCanceledException))
                {
                    Exception cause = ex is AggregateException aggregate ? aggregate.GetBaseException() : ex;
                    failures.Add($"{address}: {DescribeSocketError(cause)}");
                    socket.Dispose();
                }
                catch (OperationCanceledException)
                {
                    socket.Dispose();
                    throw;
                }
            }

            Add(ConnectionStepName.TcpConnect, ConnectionStepStatus.Failure, _clock.Elapsed - start,
                $"Could not connect to port {_port}: {string.Join("; ", failures)}. Check the port, that the {_dialect.Name} service is running, and firewalls on the way.");
            return null;
        }

        private static string DescribeSocketError(Exception ex)
        {
            if (!(ex is SocketException se))
            {
                return ex.Message;
            }

            switch (se.SocketErrorCode)
            {
                case SocketError.ConnectionRefused:
                    return "connection refused (nothing listens on that port, or a firewall rejects it)";
                case SocketError.TimedOut:
                    return "no answer (a firewall may drop the packets)";
                case SocketError.HostUnreachable:
                case SocketError.NetworkUnreachable:
                    return "unreachable from this machine (check routing)";
                default:
                    return $"{se.Message} ({se.SocketErrorCode})";
            }
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

        /// <summary>Implicit TLS: the handshake comes first; MailKit logs the connection once it is done.</summary>
        private bool ReportImplicitTls(MailService client, ServerHelloObserver stream, ConversationRecorder recorder, ConnectPhase connect, CertificateReport certificate)
        {
            TimeSpan? handshakeEnd = recorder.ConnectLoggedAt;
            ReportTls(client, stream, connect.Start, handshakeEnd ?? connect.End, handshakeEnd != null, connect, certificate);
            return handshakeEnd != null && ReportGreeting(recorder, handshakeEnd.Value, connect);
        }

        /// <summary>A plain start: greeting, then STARTTLS (unless -Security None), then the handshake.</summary>
        private bool ReportPlainStart(MailService client, ServerHelloObserver stream, ConversationRecorder recorder, ConnectPhase connect, CertificateReport certificate)
        {
            if (!ReportGreeting(recorder, connect.Start, connect))
            {
                return false;
            }

            IReadOnlyList<ConversationLine> lines = recorder.Lines;
            int command = _dialect.FindLastCommand(lines, _dialect.StartTlsCommand);
            string name = _dialect.StartTlsCommand;
            if (_options == SecureSocketOptions.None)
            {
                if (connect.Failure == null)
                {
                    _report.StartTlsOffered = _dialect.OffersStartTls(client);
                    Add(ConnectionStepName.StartTls, ConnectionStepStatus.Skipped, TimeSpan.Zero, _report.StartTlsOffered == true
                        ? $"{name} is offered, but not used: -Security None asks for plaintext."
                        : $"{name} is not offered; plaintext as -Security None asks.");
                }

                return true;
            }

            if (client.IsAuthenticated && !client.IsSecure)
            {
                _report.StartTlsOffered = _dialect.OffersStartTls(client);
                Add(ConnectionStepName.StartTls, ConnectionStepStatus.Failure, TimeSpan.Zero,
                    $"{Endpoint} logged the connection in with its greeting (PREAUTH), before any TLS, so the connection cannot be upgraded. " +
                    "A man in the middle can do this to keep the connection unencrypted; no credential is sent over it.");
                return true;
            }

            if (command < 0)
            {
                if (connect.Failure != null)
                {
                    // The capabilities never arrived, so whether STARTTLS is offered is unknown.
                    return true;
                }

                _report.StartTlsOffered = false;
                Add(ConnectionStepName.StartTls, ConnectionStepStatus.Failure, TimeSpan.Zero,
                    $"{Endpoint} does not offer {name}, so the connection stays unencrypted and no credential is sent over it. " +
                    $"Use implicit TLS (-Security SslOnConnect, port {_dialect.ImplicitTlsPort}), or -Security None only on a network you trust.");
                return true;
            }

            _report.StartTlsOffered = true;
            int reply = _dialect.FindReplyEnd(lines, command);
            if (reply < 0)
            {
                Add(ConnectionStepName.StartTls, ConnectionStepStatus.Failure, connect.End - lines[command].At, DescribeFailure($"waiting for the answer to {name}", connect));
                return false;
            }

            TimeSpan answered = lines[reply].At;
            if (!_dialect.IsPositive(lines, command, reply))
            {
                Add(ConnectionStepName.StartTls, ConnectionStepStatus.Failure, answered - lines[command].At,
                    $"{name} is offered, but the server refused it: '{lines[reply].Text}'. The connection stays unencrypted and no credential is sent over it.");
                return true;
            }

            // Nothing may follow the go-ahead before TLS starts: lines that came with it are plaintext someone
            // slipped in (STARTTLS injection) or a broken server. MailKit drops them; the report names them.
            ConversationLine[] injected = lines.Skip(reply + 1).TakeWhile(l => l.FromServer && l.At == answered).ToArray();
            if (injected.Length > 0)
            {
                Add(ConnectionStepName.StartTls, ConnectionStepStatus.Failure, answered - lines[command].At,
                    $"{name} was accepted, but {injected.Length} more plaintext line(s) came with the go-ahead, before TLS started ('{string.Join(" | ", injected.Take(4).Select(l => l.Text))}'). " +
                    "They were ignored, but this is the mark of a STARTTLS injection attack or a broken server; check the path to the server.");
            }
            else
            {
                Add(ConnectionStepName.StartTls, ConnectionStepStatus.Success, answered - lines[command].At, $"{name} is offered and was accepted.");
            }

            // The handshake runs between the server's go-ahead and the client's next command (or the end of Connect).
            ConversationLine next = lines.Skip(reply + 1).FirstOrDefault(l => !l.FromServer);
            bool handshakeDone = client.IsSecure || next != null;
            ReportTls(client, stream, answered, next?.At ?? connect.End, handshakeDone, connect, certificate);
            return handshakeDone;
        }

        private bool ReportGreeting(ConversationRecorder recorder, TimeSpan start, ConnectPhase connect)
        {
            ConversationLine greeting = recorder.Lines.FirstOrDefault(l => l.FromServer);
            if (greeting == null && _implicitTlsDetected)
            {
                Add(ConnectionStepName.Greeting, ConnectionStepStatus.Failure, connect.End - start,
                    $"No greeting within {ImplicitTlsProbe.Silence.TotalSeconds:0} s, but the port answers a TLS handshake. {ImplicitTlsProbe.Advice(_port)}");
                return false;
            }

            if (greeting == null)
            {
                string advice = _options == SecureSocketOptions.SslOnConnect
                    ? string.Empty
                    : $" If the port expects TLS from the start, use -Security SslOnConnect (port {_dialect.ImplicitTlsPort}).";
                Add(ConnectionStepName.Greeting, ConnectionStepStatus.Failure, connect.End - start,
                    (connect.TimedOut ? $"No greeting within {TimeoutSeconds} s." : DescribeFailure("waiting for the greeting", connect)) + advice);
                return false;
            }

            _report.Greeting = greeting.Text;
            TimeSpan arrived = recorder.FirstServerDataAt ?? greeting.At;
            bool clientAnswered = recorder.Lines.Any(l => !l.FromServer);
            if (connect.Failure != null && !clientAnswered)
            {
                Add(ConnectionStepName.Greeting, ConnectionStepStatus.Failure, arrived - start,
                    $"The server greeted with '{greeting.Text}', which the {_dialect.Name} client could not accept: {Sentence(Innermost(connect.Failure).Message)} Check that port {_port} serves {_dialect.Name}.");
                return false;
            }

            Add(ConnectionStepName.Greeting, ConnectionStepStatus.Success, arrived - start, greeting.Text);
            return true;
        }

        private void ReportTls(MailService client, ServerHelloObserver stream, TimeSpan start, TimeSpan end, bool succeeded, ConnectPhase connect, CertificateReport certificate)
        {
            if (succeeded)
            {
                _report.IsSecure = true;
                _report.TlsProtocol = client.SslProtocol.ToString();
                _report.CipherSuite = stream.CipherSuite.HasValue
                    ? CipherSuiteNames.Describe(stream.CipherSuite.Value)
                    : $"{client.SslCipherAlgorithm} {client.SslCipherStrength}-bit";
                Add(ConnectionStepName.TlsHandshake, ConnectionStepStatus.Success, end - start, $"{_report.TlsProtocol} with {_report.CipherSuite}.");
            }
            else
            {
                string what = connect.TimedOut
                    ? $"No TLS answer within {TimeoutSeconds} s."
                    : $"The TLS handshake failed: {Sentence(Innermost(connect.Failure)?.Message)}";
                Add(ConnectionStepName.TlsHandshake, ConnectionStepStatus.Failure, end - start,
                    $"{what} Check that port {_port} speaks TLS the way -Security {ToSecurity(_options)} expects (implicit TLS on {_dialect.ImplicitTlsPort}, {_dialect.StartTlsCommand} on {_dialect.PlainPort}).");
            }

            if (certificate == null)
            {
                if (succeeded)
                {
                    Add(ConnectionStepName.Certificate, ConnectionStepStatus.Failure, TimeSpan.Zero, "The server sent no certificate.");
                }

                return;
            }

            _report.Certificate = certificate;
            if (_settings.CertificateThumbprint != null)
            {
                ReportPinnedCertificate(certificate);
            }
            else if (certificate.IsValid)
            {
                string revocation = certificate.ChainStatus.Any(s => s.Contains("Revocation")) ? " Its revocation status could not be checked." : string.Empty;
                Add(ConnectionStepName.Certificate, ConnectionStepStatus.Success, _certificateCheckTime,
                    $"Valid for '{certificate.HostName}': {certificate.Subject}, issued by {certificate.Issuer}, expires {certificate.NotAfter:yyyy-MM-dd} ({certificate.DaysUntilExpiry} days left).{revocation}");
            }
            else
            {
                string consequence = _settings.SkipCertificateCheck
                    ? "Accepted anyway because of -SkipCertificateCheck."
                    : "No credential is sent over this connection; install the issuing CA on this machine, fix the server's certificate, " +
                      $"pin this one certificate with -CertificateThumbprint {certificate.Sha256Thumbprint} (after checking it out of band), or use -SkipCertificateCheck only for a test server.";
                Add(ConnectionStepName.Certificate, ConnectionStepStatus.Failure, _certificateCheckTime,
                    $"Not valid for '{certificate.HostName}': {certificate.ValidationError}. {consequence}");
            }
        }

        /// <summary>-CertificateThumbprint: the pin alone decides, as it does for Connect-*.</summary>
        private void ReportPinnedCertificate(CertificateReport certificate)
        {
            if (_pinMatches)
            {
                string trust = certificate.IsValid ? "it is also valid" : $"accepted although it is not valid ({certificate.ValidationError})";
                Add(ConnectionStepName.Certificate, ConnectionStepStatus.Success, _certificateCheckTime,
                    $"Matches -CertificateThumbprint: {certificate.Subject}, issued by {certificate.Issuer}, expires {certificate.NotAfter:yyyy-MM-dd}; {trust}.");
                return;
            }

            Add(ConnectionStepName.Certificate, ConnectionStepStatus.Failure, _certificateCheckTime,
                $"Does not match -CertificateThumbprint {_settings.CertificateThumbprint}: the server presented '{certificate.Subject}', issued by '{certificate.Issuer}', " +
                $"SHA-256 thumbprint {certificate.Sha256Thumbprint} (SHA-1 {certificate.Thumbprint}). No credential is sent over this connection.");
        }

        private void ReportCapabilities(MailService client, IReadOnlyList<ConversationLine> lines)
        {
            _report.Capabilities = _dialect.ReadCapabilities(lines) ?? new string[0];
            _report.AuthenticationMechanisms = client.AuthenticationMechanisms.OrderBy(m => m, StringComparer.Ordinal).ToArray();

            int command = _dialect.FindLastCommand(lines, _dialect.CapabilityCommand);
            int reply = command < 0 ? -1 : _dialect.FindReplyEnd(lines, command);
            TimeSpan duration = reply < 0 ? TimeSpan.Zero : lines[reply].At - lines[command].At;
            string source = command < 0 ? " (announced with the greeting)" : string.Empty;
            string mechanisms = _report.AuthenticationMechanisms.Length == 0 ? "none listed" : string.Join(" ", _report.AuthenticationMechanisms);
            Add(ConnectionStepName.Capabilities, ConnectionStepStatus.Success, duration,
                $"{_report.Capabilities.Length} capabilities{source}; log-in mechanisms: {mechanisms}.");
        }

        private void LogIn(MailService client, ServerHelloObserver stream, ConversationRecorder recorder, CertificateReport certificate)
        {
            if (client.IsAuthenticated)
            {
                Add(ConnectionStepName.Login, ConnectionStepStatus.Skipped, TimeSpan.Zero,
                    "The server logged this connection in with its greeting (PREAUTH), so no credential was sent.");
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
            string how = LoginMechanism.Describe(LoginMechanism.Choose(client.AuthenticationMechanisms), _dialect.Protocol);
            Exception failure = WithDeadline(stream, token => LoginMechanism.Authenticate(client, _settings.CreatePasswordCredential(), token), out bool timedOut);
            TimeSpan duration = _clock.Elapsed - start;
            _report.LoginTime = duration;
            _report.LoginSucceeded = failure == null;
            if (failure == null)
            {
                Add(ConnectionStepName.Login, ConnectionStepStatus.Success, duration, $"Logged in as '{_settings.UserName}' with {how}.");
                return;
            }

            string message = failure is AuthenticationException
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
