namespace MailProtocols.Core.Maildir
{
    /// <summary>
    /// An APPEND about to be sent, recorded before it is: if the run is cut before the file is renamed with
    /// its new UID, the next run looks for the message (by Message-ID, at or above UIDNEXT of that moment)
    /// instead of sending it a second time.
    /// </summary>
    internal sealed class PendingAppend
    {
        /// <summary>The unique part of the local file's name.</summary>
        public string BaseName { get; set; }

        /// <summary>The message's Message-ID (without angle brackets), or null when it has none.</summary>
        public string MessageId { get; set; }

        /// <summary>UIDNEXT before the APPEND: the message, if it arrived, has a UID at or above it.</summary>
        public uint UidNext { get; set; }
    }
}
