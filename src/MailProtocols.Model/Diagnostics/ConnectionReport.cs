using System;
using System.Collections.Generic;
using System.Linq;

namespace MailProtocols
{
    /// <summary>
    /// The result of Test-MailConnection: every step that ran, in order, plus the facts scripts assert on
    /// (certificate expiry, TLS version, capabilities, log-in). A failed step is reported here, never thrown.
    /// </summary>
    public sealed class ConnectionReport
    {
        private readonly List<ConnectionStep> _steps = new List<ConnectionStep>();

        internal ConnectionReport(string server, int port, MailProtocol protocol, MailSecurity security, string userName)
        {
            Server = server;
            Port = port;
            Protocol = protocol.ToString();
            Security = security.ToString();
            UserName = userName;
            StartedAt = DateTime.Now;
        }

        public string Server { get; }

        public int Port { get; }

        // Protocol, Security, FailedStep and the step names are strings so ConvertTo-Json shows names, not numbers.

        /// <summary>Imap or Pop3.</summary>
        public string Protocol { get; }

        /// <summary>The protection that was tested: SslOnConnect, StartTls or None (Auto is resolved by the port).</summary>
        public string Security { get; }

        /// <summary>The user name of the -Credential, if one was given.</summary>
        public string UserName { get; internal set; }

        public DateTime StartedAt { get; }

        /// <summary>True when no step failed.</summary>
        public bool Succeeded => _steps.All(s => s.StepStatus != ConnectionStepStatus.Failure);

        /// <summary>The name of the first step that failed (Dns, TcpConnect, Greeting, StartTls, TlsHandshake, Certificate, Capabilities, Login), or null.</summary>
        public string FailedStep => _steps.FirstOrDefault(s => s.StepStatus == ConnectionStepStatus.Failure)?.Name;

        /// <summary>"Succeeded", or "Failed at" and the step, e.g. "Failed at Certificate".</summary>
        public string Result => Succeeded ? "Succeeded" : "Failed at " + FailedStep;

        /// <summary>The TLS version and cipher suite ("Tls13, TLS_AES_256_GCM_SHA384"), "none (plaintext)", or null when no connection was made.</summary>
        public string Tls => IsSecure ? $"{TlsProtocol}, {CipherSuite}" : Greeting != null ? "none (plaintext)" : null;

        /// <summary>The log-in in words: "not attempted", "succeeded as alice in 23 ms" or "FAILED for alice after 1,204 ms".</summary>
        public string Login => LoginSucceeded == null
            ? "not attempted"
            : string.Format(LoginSucceeded.Value ? "succeeded as {0} in {1:N0} ms" : "FAILED for {0} after {1:N0} ms", UserName, LoginTime?.TotalMilliseconds ?? 0);

        /// <summary>The addresses the name resolved to, in the order they were tried.</summary>
        public string[] Addresses { get; internal set; } = new string[0];

        /// <summary>The address the TCP connection was made to.</summary>
        public string RemoteAddress { get; internal set; }

        /// <summary>The server's first line.</summary>
        public string Greeting { get; internal set; }

        /// <summary>Whether the server offered STARTTLS (STLS) on the plain port; null with implicit TLS or when it was never seen.</summary>
        public bool? StartTlsOffered { get; internal set; }

        /// <summary>True when the conversation after the handshake was encrypted.</summary>
        public bool IsSecure { get; internal set; }

        /// <summary>The TLS version, e.g. Tls13; null without TLS.</summary>
        public string TlsProtocol { get; internal set; }

        /// <summary>The cipher suite the server chose, e.g. TLS_AES_256_GCM_SHA384; null without TLS.</summary>
        public string CipherSuite { get; internal set; }

        /// <summary>The server certificate, also when it did not validate; null without TLS.</summary>
        public CertificateReport Certificate { get; internal set; }

        /// <summary>The capabilities the server listed last before log-in, as it spelled them.</summary>
        public string[] Capabilities { get; internal set; } = new string[0];

        /// <summary>The SASL mechanisms offered before log-in.</summary>
        public string[] AuthenticationMechanisms { get; internal set; } = new string[0];

        /// <summary>True or false when a log-in was attempted; null when it was not (no credential, or not safe to send).</summary>
        public bool? LoginSucceeded { get; internal set; }

        /// <summary>How long the log-in took, when it was attempted.</summary>
        public TimeSpan? LoginTime { get; internal set; }

        /// <summary>How long the whole test took.</summary>
        public TimeSpan Duration { get; internal set; }

        public ConnectionStep[] Steps => _steps.ToArray();

        /// <summary>The step with this name, or null when it did not run.</summary>
        public ConnectionStep GetStep(ConnectionStepName name) => _steps.FirstOrDefault(s => s.StepName == name);

        public override string ToString() =>
            $"{Protocol.ToUpperInvariant()} {Server}:{Port} {(Succeeded ? "succeeded" : "failed at " + FailedStep)}";

        internal void Add(ConnectionStep step) => _steps.Add(step);
    }
}
