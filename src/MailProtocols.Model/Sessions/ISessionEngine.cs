using System;

namespace MailProtocols
{
    /// <summary>
    /// What a session object asks of the live connection behind it. The engine (MailProtocols.Core)
    /// implements it; a session a test builds with a public constructor has none and reads as closed.
    /// </summary>
    internal interface ISessionEngine : IDisposable
    {
        bool IsConnected { get; }

        bool IsSecure { get; }

        string SslProtocol { get; }

        bool IsAuthenticated { get; }

        /// <summary>The full name of the open IMAP folder, or null.</summary>
        string SelectedFolder { get; }
    }
}
