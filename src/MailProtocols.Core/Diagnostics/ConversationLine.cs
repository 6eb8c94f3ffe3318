using System;

namespace MailProtocols.Core.Diagnostics
{
    /// <summary>One line of a recorded conversation, stamped with when the chunk that completed it was seen.</summary>
    internal sealed class ConversationLine
    {
        public ConversationLine(TimeSpan at, bool fromServer, string text)
        {
            At = at;
            FromServer = fromServer;
            Text = text;
        }

        public TimeSpan At { get; }

        public bool FromServer { get; }

        public string Text { get; }
    }
}
