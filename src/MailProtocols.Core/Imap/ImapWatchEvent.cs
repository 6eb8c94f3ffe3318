using System;

namespace MailProtocols.Core.Imap
{
    /// <summary>One thing a watch has to tell: a new message, a change, or a notice for the user.</summary>
    internal sealed class ImapWatchEvent
    {
        private ImapWatchEvent()
        {
        }

        public ImapMessage Message { get; private set; }

        public ImapMessageChange Change { get; private set; }

        public string Warning { get; private set; }

        public string Verbose { get; private set; }

        /// <summary>
        /// Set while the watch waits (IDLE or between polls), about once a second: the time left until -TimeoutSec
        /// ends it, or null without a timeout. Handed out while the wait goes on in the background, so the
        /// session is busy: use it only for a status (progress), never to run commands.
        /// </summary>
        public bool IsWaiting { get; private set; }

        public TimeSpan? TimeLeft { get; private set; }

        public static ImapWatchEvent ForMessage(ImapMessage message) => new ImapWatchEvent { Message = message };

        public static ImapWatchEvent ForChange(ImapMessageChange change) => new ImapWatchEvent { Change = change };

        public static ImapWatchEvent ForWarning(string text) => new ImapWatchEvent { Warning = text };

        public static ImapWatchEvent ForVerbose(string text) => new ImapWatchEvent { Verbose = text };

        public static ImapWatchEvent ForWaiting(TimeSpan? timeLeft) => new ImapWatchEvent { IsWaiting = true, TimeLeft = timeLeft };
    }
}
