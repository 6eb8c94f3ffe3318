using System;
using System.IO;
using System.Net.Sockets;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Pop3;
using MailKit.Net.Smtp;
using MailKit.Security;
using MailProtocols.Core.Imap;
using MailProtocols.Core.Sessions;

namespace MailProtocols.Core.Errors
{
    /// <summary>
    /// Turns MailKit and socket exceptions into <see cref="MailProtocolException"/>s whose
    /// messages tell a sysadmin what happened and what to try next.
    /// </summary>
    internal static class MailErrors
    {
        public static MailProtocolException Translate(Exception ex, MailSession session, string action)
        {
            if (ex is MailProtocolException known)
            {
                return known;
            }

            string where = session.Endpoint;
            switch (ex)
            {
                case AuthenticationException _:
                    return new MailProtocolException(MailErrorKind.Authentication, MailErrorReason.AuthenticationFailed,
                        $"{where} rejected the log-in for '{session.UserName}'. Check the user name and password (or that the OAuth token is current and has the mail scope).", ex);
                case SslHandshakeException _:
                    return session.LastCertificateProblem != null
                        ? new MailProtocolException(MailErrorKind.Security, MailErrorReason.CertificateNotTrusted,
                            $"The certificate of {where} was refused: {session.LastCertificateProblem}. " + (session.Settings.CertificateThumbprint != null
                                ? "If the server's certificate was renewed, check the new thumbprint (Test-MailConnection shows it) out of band before you pin it; otherwise someone may be in between."
                                : "Install the issuing CA on this machine, pin this one certificate with -CertificateThumbprint (Test-MailConnection shows its thumbprint), or pass -SkipCertificateCheck only for a test server."), ex)
                        : new MailProtocolException(MailErrorKind.Security, MailErrorReason.TlsHandshakeFailed,
                            $"The TLS handshake with {where} failed: {Sentence(Innermost(ex).Message)} Check that the port speaks TLS for the -Security you chose (implicit TLS on 993/995, STARTTLS on 143/110).", ex);
                case ServiceNotConnectedException _:
                    return NotConnected(session, ex);
                case ServiceNotAuthenticatedException _:
                    return new MailProtocolException(MailErrorKind.InvalidOperation, MailErrorReason.NotAuthenticated,
                        $"The session to {where} is not logged in. Open a new one with Connect-{session.Protocol}.", ex);
                case FolderNotFoundException fnf:
                    return new MailProtocolException(MailErrorKind.NotFound, MailErrorReason.FolderNotFound,
                        $"The folder '{fnf.FolderName}' does not exist on {where}. List the folders with Get-ImapFolder.", ex);
                case ImapCommandException ice when OAuthLogin.IsNotConnected(ice):
                    return OAuthLogin.NotConnected(where, session.SignedInAs, session.UserName, ex);
                case ImapCommandException ice when ImapPermission.IsDenied(ice):
                    return ImapPermission.Denied(session, action, ice);
                case ImapCommandException ice:
                    return new MailProtocolException(MailErrorKind.Protocol, MailErrorReason.ServerRejected,
                        $"{where} answered {ice.Response} to {action}: {ice.ResponseText}", ex);
                case Pop3CommandException pce:
                    return new MailProtocolException(MailErrorKind.Protocol, MailErrorReason.ServerRejected,
                        $"{where} refused {action}: {pce.StatusText}", ex);
                case SmtpCommandException sce:
                    return new MailProtocolException(MailErrorKind.Protocol, MailErrorReason.ServerRejected,
                        $"{where} answered {(int)sce.StatusCode} to {action}: {sce.Message}", ex);
                case OperationCanceledException _:
                    return TimedOut(session, action, ex);
                case TimeoutException _:
                    return TimedOut(session, action, ex);
                case SocketException se:
                    return FromSocket(se, session, action, ex);
                case IOException io when io.InnerException is SocketException inner:
                    return FromSocket(inner, session, action, ex);
                case IOException io when io.InnerException is TimeoutException:
                    return TimedOut(session, action, ex);
                case ImapProtocolException _ when !IsDisconnectNotice(ex):
                case Pop3ProtocolException _ when !IsDisconnectNotice(ex):
                case SmtpProtocolException _ when !IsDisconnectNotice(ex):
                    // MailKit drops the connection after any protocol error, but the cause is what the server sent
                    // (e.g. a literal of 4 GB), not a lost connection: reported as such, and a read is not retried.
                    return new MailProtocolException(MailErrorKind.Protocol, MailErrorReason.ProtocolError,
                        $"{where} sent a response that could not be understood during {action}: {ex.Message} The connection was closed; the session reconnects on its next use.", ex);
                case IOException _:
                case ImapProtocolException _:
                case Pop3ProtocolException _:
                case SmtpProtocolException _:
                    return session.IsConnected
                        ? new MailProtocolException(MailErrorKind.Protocol, MailErrorReason.ProtocolError,
                            $"{where} sent a response that could not be understood during {action}: {ex.Message}", ex)
                        : ConnectionLost(session, action, ex);
                case NotSupportedException _:
                    return new MailProtocolException(MailErrorKind.Protocol, MailErrorReason.NotSupported,
                        $"{where} does not support what {action} needs: {ex.Message}", ex);
                case ArgumentException _:
                    return new MailProtocolException(MailErrorKind.InvalidArgument, MailErrorReason.InvalidArgument, ex.Message, ex);
                default:
                    return new MailProtocolException(MailErrorKind.Protocol, MailErrorReason.UnexpectedError,
                        $"{action} on {where} failed: {ex.Message}", ex);
            }
        }

        public static MailProtocolException NotConnected(MailSession session, Exception inner = null) =>
            new MailProtocolException(MailErrorKind.Connection, MailErrorReason.NotConnected,
                $"The session {session.Id} to {session.Endpoint} is not connected. Open a new one with Connect-{session.Protocol}.", inner);

        public static MailProtocolException ConnectionLost(MailSession session, string action, Exception inner) =>
            new MailProtocolException(MailErrorKind.Connection, MailErrorReason.ConnectionLost,
                $"The connection to {session.Endpoint} was lost during {action}.{session.LostConnectionAdvice} The session reconnects on its next use; run the command again.", inner);

        public static MailProtocolException ConnectionLostDuringChange(MailSession session, string action, Exception inner) =>
            new MailProtocolException(MailErrorKind.Connection, MailErrorReason.ConnectionLost,
                $"The connection to {session.Endpoint} was lost during {action}, so whether the server applied it is unknown.{session.LostConnectionAdvice} Check the server's state before repeating it; the session reconnects on its next use.", inner);

        public static MailProtocolException TimedOut(MailSession session, string action, Exception inner) =>
            new MailProtocolException(MailErrorKind.Timeout, MailErrorReason.Timeout,
                $"{session.Endpoint} did not answer {action} within {session.Settings.Timeout.TotalSeconds:0} seconds. Check that the server and port are right and reachable, or raise -TimeoutSec.", inner);

        private static MailProtocolException FromSocket(SocketException se, MailSession session, string action, Exception ex)
        {
            string where = session.Endpoint;
            switch (se.SocketErrorCode)
            {
                case SocketError.ConnectionRefused:
                    return new MailProtocolException(MailErrorKind.Connection, MailErrorReason.ConnectionRefused,
                        $"{where} refused the connection. Check the server name and port, and that the mail service is running.", ex);
                case SocketError.HostNotFound:
                case SocketError.NoData:
                case SocketError.TryAgain:
                    return new MailProtocolException(MailErrorKind.Connection, MailErrorReason.HostNotFound,
                        $"The name '{session.Server}' could not be resolved. Check the spelling and DNS.", ex);
                case SocketError.TimedOut:
                    return TimedOut(session, action, ex);
                case SocketError.HostUnreachable:
                case SocketError.NetworkUnreachable:
                    return new MailProtocolException(MailErrorKind.Connection, MailErrorReason.Unreachable,
                        $"{where} is unreachable from this machine. Check routing and firewalls.", ex);
                default:
                    return session.IsConnected
                        ? new MailProtocolException(MailErrorKind.Connection, MailErrorReason.SocketError, $"{action} on {where} failed: {se.Message}", ex)
                        : ConnectionLost(session, action, ex);
            }
        }

        /// <summary>
        /// True unless MailKit could not parse what the server sent ("Syntax error in ..."): a BYE, a server that
        /// hung up and a broken socket all count as the connection going away.
        /// </summary>
        private static bool IsDisconnectNotice(Exception ex)
        {
            for (Exception e = ex; e != null; e = e.InnerException)
            {
                if (e is IOException || e is SocketException || e.Message.IndexOf("unexpectedly disconnected", StringComparison.OrdinalIgnoreCase) >= 0)
                {
                    return true;
                }
            }

            return ex.Message.IndexOf("Syntax error", StringComparison.OrdinalIgnoreCase) < 0;
        }

        /// <summary>Exception messages are inserted into sentences: end each with exactly one full stop.</summary>
        private static string Sentence(string text)
        {
            text = text?.Trim() ?? string.Empty;
            return text.Length == 0 || ".!?".IndexOf(text[text.Length - 1]) >= 0 ? text : text + ".";
        }

        private static Exception Innermost(Exception ex)
        {
            while (ex.InnerException != null)
            {
                ex = ex.InnerException;
            }

            return ex;
        }
    }
}
