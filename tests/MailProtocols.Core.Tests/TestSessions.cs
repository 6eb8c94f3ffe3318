using MailProtocols.Core.Sessions;

namespace MailProtocols.Tests
{
    /// <summary>
    /// Session objects for tests, never connected. The one place that knows how a session is made, so that
    /// the session refactor (a MailKit-free session with its engine beside it) changes only these two lines.
    /// </summary>
    internal static class TestSessions
    {
        public static ImapSession Imap(ConnectionSettings settings) => ImapConnection.NewSession(settings);

        public static Pop3Session Pop3(ConnectionSettings settings) => Pop3Connection.NewSession(settings);
    }
}
