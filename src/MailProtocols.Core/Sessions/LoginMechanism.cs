using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading;
using MailKit;
using MailKit.Net.Pop3;
using MailKit.Security;

namespace MailProtocols.Core.Sessions
{
    /// <summary>
    /// Logs in with a password in exactly one attempt. MailKit's Authenticate(ICredentials) walks every
    /// mechanism the server offers (AUTHENTICATE PLAIN, then LOGIN, then the LOGIN command), so one wrong
    /// password cost three failed log-ins on the server: lock-out counters, fail2ban, and Dovecot's auth
    /// penalty that makes each retry wait longer.
    /// </summary>
    internal static class LoginMechanism
    {
        /// <summary>
        /// SASL mechanisms that need nothing but a user name and a password, strongest first. Challenge-response
        /// mechanisms such as CRAM-MD5 are left out: over TLS they add nothing and they are deprecated.
        /// </summary>
        private static readonly string[] PasswordMechanisms = { "SCRAM-SHA-512", "SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN", "LOGIN" };

        /// <summary>The SASL mechanism to use with a password, or null for the protocol's own command (IMAP LOGIN, POP3 USER/PASS).</summary>
        public static string Choose(IEnumerable<string> offered)
        {
            var set = new HashSet<string>(offered ?? Enumerable.Empty<string>(), StringComparer.OrdinalIgnoreCase);
            return PasswordMechanisms.FirstOrDefault(m => set.Contains(m) && SaslMechanism.IsSupported(m));
        }

        /// <summary>How the log-in is done, in words for errors and verbose text ("AUTHENTICATE PLAIN", "LOGIN").</summary>
        public static string Describe(string mechanism, MailProtocol protocol)
        {
            if (mechanism != null)
            {
                return protocol == MailProtocol.Pop3 ? $"AUTH {mechanism}" : $"AUTHENTICATE {mechanism}";
            }

            return protocol == MailProtocol.Pop3 ? "USER/PASS" : "LOGIN";
        }

        /// <summary>
        /// One log-in attempt with the chosen mechanism; a rejection comes out as MailKit's AuthenticationException
        /// and nothing else is tried. Returns the mechanism used (null for the protocol's own command).
        /// </summary>
        public static string Authenticate(MailService client, NetworkCredential credential, CancellationToken token)
        {
            string mechanism = Choose(client.AuthenticationMechanisms);
            if (mechanism != null)
            {
                client.Authenticate(SaslMechanism.Create(mechanism, credential), token);
                return mechanism;
            }

            // No fitting SASL mechanism: hide the others (e.g. OAuth ones) and APOP so that MailKit goes straight to
            // the protocol's own command instead of trying each of them first.
            client.AuthenticationMechanisms.Clear();
            if (client is Pop3Client pop3)
            {
                pop3.Capabilities &= ~Pop3Capabilities.Apop;
            }

            client.Authenticate(credential, token);
            return null;
        }
    }
}
