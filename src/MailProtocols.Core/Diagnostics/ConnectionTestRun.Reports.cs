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
    /// <summary>Test-MailConnection's reports of the greeting, STARTTLS, the TLS handshake, the certificate and the capabilities.</summary>
    internal sealed partial class ConnectionTestRun
    {
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
    }
}
