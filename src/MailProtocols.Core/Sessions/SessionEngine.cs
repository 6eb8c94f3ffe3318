using System;
using System.Threading;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Pop3;
using MailKit.Security;
using MailProtocols.Core.Errors;
using MailProtocols.Core.Pop3;

namespace MailProtocols.Core.Sessions
{
    /// <summary>
    /// Lets the engine reach the connection behind a session object as if it were part of it
    /// (<c>session.Run(...)</c>, <c>session.Client</c>), so the public session type can stay free of MailKit.
    /// </summary>
    internal static class SessionEngine
    {
        /// <summary>The live connection; a session built by a test (public constructor) has none.</summary>
        internal static MailConnection Connection(this MailSession session) =>
            session.Engine as MailConnection ?? throw new MailProtocolException(MailErrorKind.InvalidOperation, MailErrorReason.SessionNotOpened,
                $"The {session.Protocol.ToString().ToUpperInvariant()} session for '{session.UserName}' on {session.Server} was not opened with Connect-{session.Protocol} " +
                $"(it was made with [MailProtocols.{session.Protocol}Session]::new, as tests do), so it has no connection. Open one with Connect-{session.Protocol} and pass that session.");

        extension(MailSession session)
        {
            internal T Run<T>(string action, CancellationToken cancellationToken, Func<CancellationToken, T> operation, bool idempotent = false, bool quietAllowed = false) =>
                session.Connection().Run(action, cancellationToken, operation, idempotent, quietAllowed);

            internal void Run(string action, CancellationToken cancellationToken, Action<CancellationToken> operation, bool idempotent = false, bool quietAllowed = false) =>
                session.Connection().Run(action, cancellationToken, operation, idempotent, quietAllowed);

            /// <summary>Notices for the user (such as "reconnecting") go to <paramref name="listener"/> until the result is disposed.</summary>
            internal IDisposable Listen(Action<string> listener) =>
                session.Engine is MailConnection connection ? connection.Listen(listener) : new Subscription(null);

            internal int ConnectionGeneration => session.Connection().ConnectionGeneration;

            internal bool IsClosedByUser => session.Connection().IsClosedByUser;

            internal string LastCertificateProblem => (session.Engine as MailConnection)?.LastCertificateProblem;

            internal string LostConnectionAdvice => (session.Engine as MailConnection)?.LostConnectionAdvice ?? string.Empty;

            internal SecureSocketOptions SocketOptions => session.Connection().SocketOptions;

            /// <summary>How the connection will be protected, in words for verbose text.</summary>
            internal string Transport => session.Connection().SocketOptions.ToString();

            internal void Open(CancellationToken cancellationToken) => session.Connection().Open(cancellationToken);

            internal void Close(bool quit, CancellationToken cancellationToken) => session.Connection().Close(quit, cancellationToken);

            /// <summary>
            /// Ends the session politely when the module is removed: IMAP logs out; POP3 sends RSET before QUIT,
            /// so removing the module never applies deletions the user did not confirm with Disconnect-Pop3.
            /// </summary>
            internal void End()
            {
                if (!(session.Engine is MailConnection connection))
                {
                    return;
                }

                try
                {
                    if (connection.IsConnected)
                    {
                        if (connection is Pop3Connection pop3)
                        {
                            pop3.Quit(rollback: true, CancellationToken.None);
                        }
                        else
                        {
                            connection.Close(quit: true, CancellationToken.None);
                        }
                    }
                }
                catch (MailProtocolException)
                {
                    // Best effort: the connection is closed below either way.
                }
                finally
                {
                    connection.Dispose();
                }
            }
        }

        extension(ImapSession session)
        {
            internal ImapClient Client => ((ImapConnection)session.Connection()).Client;

            internal IMailFolder OpenFolder
            {
                get => ((ImapConnection)session.Connection()).OpenFolder;
                set => ((ImapConnection)session.Connection()).OpenFolder = value;
            }
        }

        extension(Pop3Session session)
        {
            internal Pop3Client Client => ((Pop3Connection)session.Connection()).Client;

            internal Pop3Maildrop Maildrop => ((Pop3Connection)session.Connection()).Maildrop;

            internal void Quit(bool rollback, CancellationToken cancellationToken) => ((Pop3Connection)session.Connection()).Quit(rollback, cancellationToken);
        }
    }
}
