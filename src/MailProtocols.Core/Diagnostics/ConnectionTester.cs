using System;
using System.Threading;

namespace MailProtocols.Core.Diagnostics
{
    /// <summary>
    /// Runs the steps of connecting to a mail server one by one and reports each (Test-MailConnection).
    /// DNS and TCP are done here with their own timeouts; the connected socket is then handed to MailKit,
    /// which speaks the protocol and TLS exactly as Connect-Imap/Connect-Pop3 do, while a protocol logger
    /// and a ServerHello observer time and record what happens inside that one Connect call.
    /// Failures become failed steps: the only exception that leaves is cancellation.
    /// </summary>
    public static class ConnectionTester
    {
        /// <param name="show">With a sign-in: messages for the user (the device code), called on this thread at once.</param>
        /// <param name="warn">With a sign-in: warnings (no protected token cache), on this thread.</param>
        public static ConnectionReport Test(MailProtocol protocol, ConnectionSettings settings, CancellationToken cancellationToken, Action<string> show = null, Action<string> warn = null)
        {
            if (settings == null)
            {
                throw new ArgumentNullException(nameof(settings));
            }

            return new ConnectionTestRun(MailDialect.For(protocol), settings, cancellationToken, show, warn).Execute();
        }
    }
}
