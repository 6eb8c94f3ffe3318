namespace MailProtocols.Core.Imap.Migration
{
    /// <summary>A source folder and the destination folder its messages go to.</summary>
    internal sealed class FolderPair
    {
        public FolderPair(MailboxFolder source, string destination, bool destinationExists, string reason)
        {
            Source = source;
            Destination = destination;
            DestinationExists = destinationExists;
            Reason = reason;
        }

        public MailboxFolder Source { get; }

        /// <summary>The destination folder's full name, as the destination server spells it.</summary>
        public string Destination { get; }

        /// <summary>False when the destination folder must be created first.</summary>
        public bool DestinationExists { get; }

        /// <summary>Why this destination: "name", "special use Sent", "-FolderMap 'Old'".</summary>
        public string Reason { get; }

        public override string ToString() => $"{Source.FullName} -> {Destination}";
    }
}
