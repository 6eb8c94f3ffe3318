using System;

namespace MailProtocols
{
    /// <summary>What one Copy-ImapMailbox run did for one folder: one object per folder, so bulk runs collect into a CSV report.</summary>
    public sealed class ImapMailboxCopyResult
    {
        /// <summary>The source folder's full name.</summary>
        public string Source { get; set; }

        /// <summary>The destination folder's full name, as the destination server spells it.</summary>
        public string Destination { get; set; }

        /// <summary>Messages appended to the destination.</summary>
        public int Copied { get; set; }

        /// <summary>Source messages the destination already had (same Message-ID, size and date).</summary>
        public int Skipped { get; set; }

        /// <summary>Destination messages whose flags were brought up to date (-UpdateFlags).</summary>
        public int FlagsUpdated { get; set; }

        /// <summary>Bytes of the messages appended.</summary>
        public long Bytes { get; set; }

        public TimeSpan Duration { get; set; }

        /// <summary>Failures in this folder (0 when it went through); the errors themselves are in the error stream.</summary>
        public int Errors { get; set; }

        /// <summary>True when the destination folder was created by this run.</summary>
        public bool Created { get; set; }

        /// <summary>Source messages left out by -Since or -Before.</summary>
        public int OutOfRange { get; set; }

        /// <summary>The first error's message, for reports; null when there was none.</summary>
        public string ErrorMessage { get; set; }

        /// <summary>The source and destination servers (host:port) and users, so bulk reports say which mailbox a row is.</summary>
        public string SourceMailbox { get; set; }

        public string DestinationMailbox { get; set; }

        public override string ToString() => $"{Source} -> {Destination}: {Copied} copied, {Skipped} skipped, {FlagsUpdated} flags updated, {Errors} errors";
    }
}
