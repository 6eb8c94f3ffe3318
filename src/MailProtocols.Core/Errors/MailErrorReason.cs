namespace MailProtocols.Core.Errors
{
    /// <summary>
    /// The reason words of <see cref="MailProtocolException.Reason"/>: each becomes the end of an ErrorId
    /// (<c>&lt;Verb&gt;&lt;Noun&gt;&lt;Reason&gt;</c>), which scripts catch and docs name, so a reason is never written as a literal
    /// anywhere else. One part of this class per area; this part: Connections, sessions, security and anything any command can meet.
    /// </summary>
    internal static partial class MailErrorReason
    {
        public const string AuthenticationFailed = "AuthenticationFailed";

        public const string CertificateNotTrusted = "CertificateNotTrusted";

        public const string ConflictingParameters = "ConflictingParameters";

        public const string ConnectionLost = "ConnectionLost";

        public const string ConnectionRefused = "ConnectionRefused";

        public const string HostNotFound = "HostNotFound";

        public const string ImplicitTlsExpected = "ImplicitTlsExpected";

        public const string InvalidArgument = "InvalidArgument";

        public const string InvalidCertificateThumbprint = "InvalidCertificateThumbprint";

        public const string InvalidProxy = "InvalidProxy";

        public const string MalformedMessage = "MalformedMessage";

        public const string MessageNotFound = "MessageNotFound";

        public const string NoSession = "NoSession";

        public const string NotAuthenticated = "NotAuthenticated";

        public const string NotConnected = "NotConnected";

        public const string NotSupported = "NotSupported";

        public const string OAuthNotOffered = "OAuthNotOffered";

        public const string PermissionDenied = "PermissionDenied";

        public const string ProtocolError = "ProtocolError";

        public const string ProxyAuthenticationFailed = "ProxyAuthenticationFailed";

        public const string ProxyConnectFailed = "ProxyConnectFailed";

        public const string ProxyNotSupported = "ProxyNotSupported";

        public const string ProxyUnreachable = "ProxyUnreachable";

        public const string ServerRejected = "ServerRejected";

        public const string SessionClosed = "SessionClosed";

        public const string SessionNotFound = "SessionNotFound";

        public const string SessionNotOpened = "SessionNotOpened";

        public const string SocketError = "SocketError";

        public const string StartTlsNotOffered = "StartTlsNotOffered";

        public const string StartTlsRefused = "StartTlsRefused";

        public const string Timeout = "Timeout";

        public const string TlsHandshakeFailed = "TlsHandshakeFailed";

        public const string TlsNotEstablished = "TlsNotEstablished";

        public const string UnexpectedError = "UnexpectedError";

        public const string Unreachable = "Unreachable";

        public const string ProtocolNotSupported = "ProtocolNotSupported";
    }
}
